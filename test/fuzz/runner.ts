/**
 * Runs inputs through the CLI and judges them against the contract: in-process on worker threads
 * (heap and time bounded) for speed, and as a real process (`/usr/bin/time` for peak RSS, the input
 * directory compared before and after for writes) for a sample and for every failure.
 */
import { Worker } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { timeLimitMs, violations, type Outcome, type Violation } from './contract.js';
import type { DirInput } from './dockerfiles.js';
import type { JobResult } from './worker.js';

/** Heap a worker may use before it is stopped (the process contract is 300 MB RSS in all). */
const WORKER_HEAP_MB = 256;
/** The stack of the CLI's main thread (V8's default, about 1 MB): a worker gets the same, so a deep recursion fails alike. */
const WORKER_STACK_MB = 1;

export interface Judged {
  outcome: Outcome;
  violations: Violation[];
}

export function inputBytes(input: DirInput): number {
  let n = 0;
  for (const v of Object.values(input.files)) n += typeof v === 'string' ? Buffer.byteLength(v) : v.length;
  return n;
}

/** Writes an input's files into `dir` (emptied first). */
export function materialize(input: DirInput, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(input.files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, body);
  }
}

function outputFileOf(input: DirInput): string | null {
  const i = input.flags.indexOf('--output');
  return i >= 0 ? input.flags[i + 1]! : null;
}

function formatOf(input: DirInput): string {
  const i = input.flags.indexOf('--format');
  return i >= 0 ? input.flags[i + 1]! : 'text';
}

/** The CLI arguments for an input materialized in `dir` (absolute paths: a worker cannot chdir). */
export function argvFor(input: DirInput, dir: string): string[] {
  const flags = [...input.flags];
  const o = flags.indexOf('--output');
  if (o >= 0) flags[o + 1] = join(dir, flags[o + 1]!);
  // ShellCheck off: the contract (time, memory) is shipshape's; how fast ShellCheck reads hostile shell
  // is ShellCheck's own, and its integration is tested in test/shellcheck-cli.test.ts.
  return ['--shellcheck', 'off', ...flags, join(dir, input.target)];
}

function judge(input: DirInput, dir: string, outcome: Outcome, slowdown = 1): Violation[] {
  const outFile = outputFileOf(input);
  let report: string | undefined;
  if (outFile) {
    try {
      report = readFileSync(join(dir, outFile), 'utf8');
    } catch {
      report = '';
    }
    if (outcome.writes) outcome.writes = outcome.writes.filter((w) => w !== join(dir, outFile));
  }
  return violations(outcome, { format: formatOf(input), outputFile: outFile, ...(report !== undefined ? { report } : {}), inputBytes: inputBytes(input), secrets: input.secrets, slowdown });
}

/** One worker thread running the CLI; replaced when it hangs or dies. */
class Slot {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private pending: { resolve: (r: JobResult) => void } | null = null;
  private nextId = 1;

  constructor(
    private readonly script: string,
    readonly dir: string,
  ) {}

  private start(): Promise<void> {
    const w = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, stackSizeMb: WORKER_STACK_MB }, stdout: true, stderr: true });
    this.worker = w;
    // What the worker prints itself (a warning) is not the CLI's output; it is dropped.
    w.stdout.resume();
    w.stderr.resume();
    this.ready = new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    });
    w.on('message', (m: JobResult | { ready: true }) => {
      if ('ready' in m) return;
      const p = this.pending;
      this.pending = null;
      p?.resolve(m);
    });
    w.on('error', (e) => {
      const p = this.pending;
      this.pending = null;
      this.worker = null;
      p?.resolve({ id: -1, status: null, stdout: '', stderr: '', ms: 0, writes: [], died: `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.trim() });
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      const p = this.pending;
      this.pending = null;
      p?.resolve({ id: -1, status: null, stdout: '', stderr: '', ms: 0, writes: [], died: `worker exited (${code})` });
    });
    return this.ready;
  }

  /** Runs one input; stops the worker when it takes longer than `limitMs` (it is restarted for the next). */
  async run(argv: string[], limitMs: number): Promise<Outcome> {
    if (!this.worker) await this.start();
    const w = this.worker!;
    const t0 = performance.now();
    const result = await new Promise<JobResult | 'timeout'>((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null;
        resolve('timeout');
      }, limitMs);
      this.pending = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      w.postMessage({ id: this.nextId++, argv });
    });
    if (result === 'timeout') {
      this.worker = null;
      await w.terminate();
      return { status: null, stdout: '', stderr: '', ms: performance.now() - t0, timedOut: true };
    }
    const o: Outcome = { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: result.died ? performance.now() - t0 : result.ms, writes: result.writes };
    if (result.died) o.died = result.died;
    return o;
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/** Snapshot of a directory: path -> size and mtime. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p, { throwIfNoEntry: false });
        if (st) out.set(p, `${st.size}:${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out;
}

/** Runs the real CLI as a process on an input already materialized in `dir`. */
export function runProcess(cli: string, argv: string[], dir: string, limitMs: number, cacheDir: string): Promise<Outcome> {
  const before = snapshot(dir);
  const time = existsSync('/usr/bin/time');
  const cmd = time ? '/usr/bin/time' : process.execPath;
  const args = time ? ['-f', '\n__shipshape_fuzz_time__ %e %U %S %M', process.execPath, cli, ...argv] : [cli, ...argv];
  return new Promise((resolve) => {
    const t0 = performance.now();
    // Its own process group: a timeout stops time(1) and the CLI under it together.
    const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, SHIPSHAPE_CACHE_DIR: cacheDir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    child.stdout.on('data', (c: Buffer) => {
      // The report of a huge input can be large; keep what a check needs.
      if (outLen < 64 << 20) out.push(c);
      outLen += c.length;
    });
    child.stderr.on('data', (c: Buffer) => void err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      let stderr = Buffer.concat(err).toString('utf8');
      const o: Outcome = { status: code, stdout: Buffer.concat(out).toString('utf8'), stderr: '', ms };
      const m = /\n?__shipshape_fuzz_time__ ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
      if (m) {
        stderr = stderr.slice(0, m.index);
        o.cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
        o.rssKb = Number(m[4]);
      }
      // time(1) reports a child killed by a signal as "Command terminated by signal N".
      const sig = /Command terminated by signal (\d+)\s*$/.exec(stderr) ?? /Command exited with non-zero status \d+\s*$/.exec(stderr);
      if (sig) stderr = stderr.slice(0, sig.index);
      o.stderr = stderr;
      if (timedOut) o.timedOut = true;
      else if (signal || (m && /terminated by signal/.test(Buffer.concat(err).toString('utf8')))) o.died = `killed by ${signal ?? 'a signal'}`;
      const after = snapshot(dir);
      o.writes = [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => p);
      resolve(o);
    });
  });
}

/** The in-process pool and the process runner, with the contract applied. */
export class Runner {
  private readonly slots: Slot[];
  private readonly free: Slot[];
  private readonly waiting: Array<(s: Slot) => void> = [];

  constructor(
    workerScript: string,
    workers: number,
    private readonly base: string,
    private readonly cli: string,
  ) {
    this.slots = Array.from({ length: workers }, (_, i) => new Slot(workerScript, join(base, `w${i}`)));
    this.free = [...this.slots];
  }

  private async take(): Promise<Slot> {
    const s = this.free.pop();
    if (s) return s;
    return new Promise((r) => this.waiting.push(r));
  }

  private give(s: Slot): void {
    const w = this.waiting.shift();
    if (w) w(s);
    else this.free.push(s);
  }

  /**
   * In-process: the worker gets the time limit and half again before it is stopped (a busy machine);
   * `process`: also run the real CLI and judge that run too. Returns the in-process judgement and,
   * when run, the process one.
   */
  async check(input: DirInput, opts: { process?: boolean; slowdown?: number } = {}): Promise<{ inProcess: Judged; process?: Judged }> {
    const slot = await this.take();
    try {
      materialize(input, slot.dir);
      const limit = timeLimitMs(inputBytes(input));
      const argv = argvFor(input, slot.dir);
      // A busy machine (load far above the core count) stretches wall time: the worker is stopped at
      // five times the limit, and anything slower than the limit is run again as a process, whose
      // CPU time decides (a process is stopped only at ten times the limit, or 30 s).
      const outcome = await slot.run(argv, limit * 5);
      const inProcess = { outcome, violations: judge(input, slot.dir, outcome) };
      if (!opts.process) return { inProcess };
      materialize(input, slot.dir);
      const p = await runProcess(this.cli, argv, slot.dir, Math.max(30_000, limit * 10), join(this.base, 'code-cache'));
      return { inProcess, process: { outcome: p, violations: judge(input, slot.dir, p, opts.slowdown) } };
    } finally {
      this.give(slot);
    }
  }

  /** Only the real process (an input suspected of crashing the worker's whole process). */
  async process(input: DirInput, slowdown = 1): Promise<Judged> {
    const slot = await this.take();
    try {
      materialize(input, slot.dir);
      const limit = timeLimitMs(inputBytes(input));
      const argv = argvFor(input, slot.dir);
      const p = await runProcess(this.cli, argv, slot.dir, Math.max(30_000, limit * 10), join(this.base, 'code-cache'));
      return { outcome: p, violations: judge(input, slot.dir, p, slowdown) };
    } finally {
      this.give(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.stop()));
  }
}
