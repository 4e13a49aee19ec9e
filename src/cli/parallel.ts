/**
 * A large batch of Dockerfiles analyzed on every core: worker threads, each running the CLI bundle
 * (dist/cli.cjs, so each starts from V8's code cache like the CLI), take batches of files in turn with
 * the main thread; the results are put back in the order of the files, so the report is the one a
 * single thread writes, byte for byte. A small run never starts a thread (see MIN_FILES), and a
 * batch a worker fails on (it died, or its result could not be sent) is analyzed by the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeTargets, UsageError, type AnalyzedTarget, type RunRequest } from '../analyze.js';
import type { Input } from '../targets.js';

/**
 * Fewer files than this are analyzed by the main thread alone: a worker costs a start of the bundle
 * and a warm-up of V8's compilers of its own (together about what 30 files of the real corpus take),
 * which a short run never pays back.
 */
export const MIN_FILES = 64;
/** Files per batch handed out: small enough that the threads finish together, large enough that a batch's messages cost nothing. */
const BATCH = 8;
/** Threads used by default, the main one included: past 4, the batch's start-up cost outweighs the gain on a corpus of a few hundred files. */
const DEFAULT_MAX_JOBS = 4;
/**
 * Cores below which the default is one thread: a single run already keeps a second core busy with
 * V8's compiler and garbage-collector threads (689 files: 4.7 s of CPU in 3.1 s), so on 2 cores a
 * worker only adds its own warm-up (3.10 s -> 3.25 s, 5 alternating rounds, idle machine).
 */
const MIN_CORES_FOR_WORKERS = 3;
/** In a worker's argv: marks the bundle's start as a worker's (no real argument holds a NUL). */
export const WORKER_MARK = '\0shipshape-worker';

/** The default number of threads: one on a machine of fewer than MIN_CORES_FOR_WORKERS cores, else one fewer than the cores, at most DEFAULT_MAX_JOBS. */
export function defaultJobs(): number {
  const cores = availableParallelism();
  return cores < MIN_CORES_FOR_WORKERS ? 1 : Math.min(DEFAULT_MAX_JOBS, cores - 1);
}

type Outcome = { results: AnalyzedTarget[] } | { usage: string } | { error: string };

/** Notes a run gives once (a hadolint config's settings not taken over): kept for the first target only, as one thread does. */
const ONCE_PER_RUN = /; not taken over$/;

/**
 * The analysis of `inputs` with `jobs` threads, or null when the run is not one to split: fewer than
 * MIN_FILES targets, anything but Dockerfiles (images, manifests), fixes, or not running from the
 * CLI bundle.
 */
export async function analyzeInParallel(inputs: readonly Input[], request: RunRequest, jobs: number): Promise<AnalyzedTarget[] | null> {
  if (jobs < 2 || inputs.length < MIN_FILES) return null;
  if (!inputs.every((i) => i.kind === 'dockerfile' || i.kind === 'error')) return null;
  if (request.fix || request.dockerfile || request.images?.length || request.imagesFromEngine) return null;
  const here = fileURLToPath(import.meta.url);
  const launcher = join(dirname(here), 'cli.cjs');
  if (!here.endsWith('cli-main.js') || !existsSync(launcher)) return null;
  // Image sources (and their credentials) play no part in a run over Dockerfiles.
  const { sources: _sources, ...forWorkers } = request;
  const { Worker } = await import('node:worker_threads');

  const batches: Input[][] = [];
  for (let i = 0; i < inputs.length; i += BATCH) batches.push(inputs.slice(i, i + BATCH));
  const outcomes: (Outcome | undefined)[] = batches.map(() => undefined);
  const queue = batches.map((_, i) => i);

  let mainBatches = 0;
  const runHere = async (b: number): Promise<void> => {
    mainBatches++;
    try {
      outcomes[b] = { results: await analyzeTargets(batches[b]!, request) };
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      outcomes[b] = { usage: e.message };
    }
  };

  // Each worker takes the next batch when it hands one back; one that fails gives its batch back to the queue.
  const workers = Array.from({ length: Math.min(jobs - 1, batches.length - 1) }, () => {
    const worker = new Worker(launcher, { argv: [WORKER_MARK], workerData: { request: forWorkers }, stdout: true, stderr: true });
    let current = -1;
    const self = { worker, done: Promise.resolve(), batches: 0 };
    self.done = new Promise<void>((resolveDone) => {
      const next = (): void => {
        current = queue.shift() ?? -1;
        if (current < 0) return resolveDone();
        worker.postMessage({ batch: current, inputs: batches[current] });
      };
      const fail = (): void => {
        if (current >= 0 && outcomes[current] === undefined) queue.unshift(current);
        current = -1;
        resolveDone();
      };
      worker.on('message', (m: { batch: number } & Outcome) => {
        if (m.batch !== current) return;
        if ('error' in m) return fail();
        outcomes[current] = m;
        self.batches++;
        next();
      });
      worker.on('error', fail);
      worker.on('exit', fail);
      worker.once('online', next);
    });
    return self;
  });
  try {
    // The main thread works too, one batch at a time (the workers' messages are taken between them);
    // with SHIPSHAPE_TRACE_JOBS=workers (for the tests) it leaves every batch to the workers.
    const mainWorks = process.env.SHIPSHAPE_TRACE_JOBS !== 'workers' || workers.length === 0;
    for (let b = mainWorks ? queue.shift() : undefined; b !== undefined; b = queue.shift()) {
      await runHere(b);
      // A turn of the event loop: the workers' messages (a batch done, the next one asked for) are handled here.
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(workers.map((w) => w.done));
    // Batches a worker gave back after the queue ran dry.
    for (let b = queue.shift(); b !== undefined; b = queue.shift()) await runHere(b);
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
  // SHIPSHAPE_TRACE_JOBS=1 or workers (for the tests): how many batches each thread analyzed, on stderr.
  if (process.env.SHIPSHAPE_TRACE_JOBS) process.stderr.write(`shipshape: trace: ${inputs.length} files in ${batches.length} batches: main thread ${mainBatches}, workers ${workers.map((w) => w.batches).join(', ')}\n`);
  const out: AnalyzedTarget[] = [];
  const told = new Set<string>();
  for (const o of outcomes) {
    if (!o || 'error' in o) throw new Error('a batch of files was not analyzed');
    if ('usage' in o) throw new UsageError(o.usage);
    for (const r of o.results) {
      r.notes = r.notes.filter((n) => !ONCE_PER_RUN.test(n) || (!told.has(n) && Boolean(told.add(n))));
      out.push(r);
    }
  }
  return out;
}

/** A worker's side: analyzes each batch the main thread sends and sends back the results (or the error). */
export async function serveAsWorker(): Promise<void> {
  const { parentPort, workerData } = await import('node:worker_threads');
  if (!parentPort) return;
  const port = parentPort;
  const request = (workerData as { request: RunRequest }).request;
  port.on('message', (m: { batch: number; inputs: Input[] }) => {
    analyzeTargets(m.inputs, request).then(
      (results) => {
        try {
          port.postMessage({ batch: m.batch, results });
        } catch (e) {
          port.postMessage({ batch: m.batch, error: (e as Error).message });
        }
      },
      (e: unknown) => port.postMessage(e instanceof UsageError ? { batch: m.batch, usage: e.message } : { batch: m.batch, error: (e as Error).message }),
    );
  });
}
