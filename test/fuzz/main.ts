/**
 * `npm run fuzz`: generates hostile inputs in two families (Dockerfiles with their build context;
 * image archives), runs each through the CLI and checks the contract (test/fuzz/contract.ts).
 * Seeded (input n of a seed is always the same input) and time-boxed; every failure is reduced to a
 * minimal reproducer and saved under the output directory.
 *
 *   npm run fuzz -- --seed 7 --dockerfiles 100000 --archives 10000 --time 7200
 *   npm run fuzz -- --seed 7 --replay dockerfile:1234     (one input again, as a process)
 *
 * Options: --seed N (default: from the clock, printed), --dockerfiles N, --archives N, --time
 * SECONDS (stop starting inputs after this), --workers N (default 2), --sample P (share of inputs
 * also run as a real process, default 0.01), --out DIR (default $TMPDIR/shipshape-fuzz-<seed>),
 * --corpus DIR (default ../shared/corpus), --reduce-tries N (default 400), --quiet.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from './rng.js';
import { dockerfileInput, loadSeeds, type DirInput, type Seed } from './dockerfiles.js';
import { archiveInput, rebuildArchive } from './archives.js';
import { reduceFiles, reduceTree } from './reduce.js';
import { Runner, inputBytes, argvFor, materialize, runProcess, type Judged } from './runner.js';
import { CALIBRATION_MS, calibrationDockerfile, signature, timeLimitMs, type Violation } from './contract.js';

type FamilyName = 'dockerfile' | 'archive';

interface Options {
  seed: number;
  counts: Record<FamilyName, number>;
  timeS: number;
  workers: number;
  sample: number;
  out: string;
  corpus: string;
  reduceTries: number;
  replay: { family: FamilyName; index: number } | null;
  quiet: boolean;
  /** Go on from the state a crashed run left in the output directory (scripts/fuzz.mjs passes it). */
  resume: boolean;
}

function parseArgs(argv: string[]): Options {
  const here = dirname(fileURLToPath(import.meta.url));
  const o: Options = {
    seed: Date.now() % 1_000_000,
    counts: { dockerfile: 1000, archive: 100 },
    timeS: 600,
    workers: 2,
    sample: 0.01,
    out: '',
    corpus: resolve(here, '../../shared/corpus'),
    reduceTries: 400,
    replay: null,
    quiet: false,
    resume: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--seed') o.seed = Number(v());
    else if (a === '--dockerfiles') o.counts.dockerfile = Number(v());
    else if (a === '--archives') o.counts.archive = Number(v());
    else if (a === '--time') o.timeS = Number(v());
    else if (a === '--workers') o.workers = Math.max(1, Number(v()));
    else if (a === '--sample') o.sample = Number(v());
    else if (a === '--out') o.out = resolve(v());
    else if (a === '--corpus') o.corpus = resolve(v());
    else if (a === '--reduce-tries') o.reduceTries = Number(v());
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--resume') o.resume = true;
    else if (a === '--replay') {
      const [f, n] = v().split(':');
      if ((f !== 'dockerfile' && f !== 'archive') || !/^\d+$/.test(n ?? '')) throw new Error('--replay FAMILY:INDEX (dockerfile:12, archive:3)');
      o.replay = { family: f, index: Number(n) };
    } else throw new Error(`unknown option ${a}`);
  }
  if (!o.out) o.out = join(tmpdir(), `shipshape-fuzz-${o.seed}`);
  return o;
}

/** Input `index` of a family for a seed: its own generator, so any input can be made again alone. */
function makeInput(family: FamilyName, seed: number, index: number, seeds: readonly Seed[]): DirInput {
  // Fault injection for the fuzzer's own test: the generator throws on this input (`family:index`).
  if (process.env.SHIPSHAPE_FUZZ_GENERATOR_FAULT === `${family}:${index}`) throw new Error(`injected generator fault at ${family}:${index}`);
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b) ^ (family === 'archive' ? 0x5bd1e995 : 0)) >>> 0);
  return family === 'dockerfile' ? dockerfileInput(rng, seeds) : archiveInput(rng);
}

/** Violations whose in-process finding stands alone: the others (time, memory) are judged on the real process. */
const DETERMINISTIC = new Set<Violation['kind']>(['exit-status', 'stack-trace', 'internal-error', 'json', 'write', 'secret', 'garbage', 'stderr']);
/** Violations measured on the machine (time, peak RSS): a busy machine inflates them. */
const MEASURED = new Set<Violation['kind']>(['time', 'memory']);
const isMemoryDeath = (v: Violation): boolean => v.kind === 'crash' && /OUT_OF_MEMORY|out of memory/i.test(v.detail);

/** An input the fuzzer could not make or run. */
interface FuzzerError {
  input: string;
  error: string;
}

interface Failure {
  family: FamilyName;
  index: number;
  violations: Violation[];
  bytes: number;
  recipe: string[];
  saved?: string;
  reducedBytes?: number;
}

interface Stats {
  runs: number;
  processRuns: number;
  byStatus: Record<string, number>;
  slowest: { family: FamilyName; index: number; ms: number; bytes: number; limitMs: number; recipe: string[] } | null;
  slowestProcess: { family: FamilyName; index: number; ms: number; rssKb: number; bytes: number } | null;
  maxRssKb: number;
  bytes: number;
  unconfirmed: number;
  /** The machine's measured slowdowns (see `slowdown` in main), one per judged run. */
  slowdowns: number[];
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const here = dirname(fileURLToPath(import.meta.url));
  mkdirSync(opts.out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'shipshape-fuzz-work-'));
  // The CLI under test is a copy of dist/ as it is now: a build in this checkout during a campaign
  // (npm test rebuilds dist/) must not change what is tested part way, nor be caught half-written.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  for (const f of readdirSync(here)) if (/^cli.*\.c?js$|^fuzz-worker\.js$|\.wasm$/.test(f)) copyFileSync(join(here, f), join(bin, f));
  const cli = join(bin, 'cli.js');
  const workerScript = join(bin, 'fuzz-worker.js');
  const seeds = loadSeeds(opts.corpus);
  const runner = new Runner(workerScript, opts.workers, work, cli);
  const log = (s: string): void => {
    if (!opts.quiet) process.stderr.write(s);
  };
  log(`fuzz: seed ${opts.seed}, ${seeds.length} Dockerfile seeds, out ${opts.out}\n`);

  if (opts.replay) {
    const input = makeInput(opts.replay.family, opts.seed, opts.replay.index, seeds);
    const r = await runner.check(input, { process: true });
    const dir = join(opts.out, `replay-${opts.replay.family}-${opts.replay.index}`);
    materialize(input, dir);
    console.log(JSON.stringify({ recipe: input.recipe, bytes: inputBytes(input), argv: argvFor(input, dir), inProcess: summarizeJudged(r.inProcess), process: r.process && summarizeJudged(r.process) }, null, 2));
    await runner.close();
    rmSync(work, { recursive: true, force: true });
    return 0;
  }

  // State kept on disk after every input, so that a run whose process dies (a fatal V8 error in a
  // worker takes the whole process) goes on where it was; the inputs then in flight are run again
  // as real processes only, and judged there.
  const stateFile = join(opts.out, 'state.json');
  interface State {
    stats: Record<FamilyName, Stats>;
    failures: Failure[];
    bySignature: [string, number][];
    next: Record<FamilyName, number>;
    elapsedMs: number;
    slow: Array<{ family: FamilyName; index: number; ratio: number }>;
    inflight: string[];
    crashes: number;
    later: Array<{ family: FamilyName; index: number }>;
    fuzzerErrors?: FuzzerError[];
  }
  const saved: State | null = opts.resume && existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : null;
  const stats: Record<FamilyName, Stats> = saved?.stats ?? { dockerfile: newStats(), archive: newStats() };
  const failures: Failure[] = saved?.failures ?? [];
  const bySignature = new Map<string, number>(saved?.bySignature ?? []);
  const started = Date.now() - (saved?.elapsedMs ?? 0);
  const deadline = started + opts.timeS * 1000;
  const slow: Array<{ family: FamilyName; index: number; ratio: number }> = saved?.slow ?? [];
  const later: Array<{ family: FamilyName; index: number }> = saved?.later ?? [];
  // Inputs the fuzzer itself could not make or run (its generator threw, say): recorded and reported,
  // never a silent end of one worker loop (seed 14: the other loop ran on, and the process hung at the end).
  const fuzzerErrors: FuzzerError[] = saved?.fuzzerErrors ?? [];
  const inflight = new Set<string>();
  const suspects = saved?.inflight ?? [];
  let crashes = (saved?.crashes ?? 0) + (saved ? 1 : 0);
  const persist = (): void => {
    const state: State = { stats, failures, bySignature: [...bySignature], next: Object.fromEntries(queues.map((q) => [q.family, Math.min(q.next, ...[...inflight].filter((k) => k.startsWith(`${q.family}:`)).map((k) => Number(k.split(':')[1])))])) as Record<FamilyName, number>, elapsedMs: Date.now() - started, slow, inflight: [...inflight], crashes, later, fuzzerErrors };
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${stateFile}.tmp`, stateFile);
  };

  // The machine's slowdown now, against the one the limit is written for: the calibration input's
  // time as a run is judged (the lesser of wall and CPU; the better of two runs) over CALIBRATION_MS.
  const calibration: DirInput = { family: 'dockerfile', files: { Dockerfile: calibrationDockerfile() }, target: 'Dockerfile', flags: ['--format', 'json'], secrets: [], recipe: ['calibration'] };
  const slowdown = async (): Promise<number> => {
    let best = Infinity;
    for (let k = 0; k < 2; k++) {
      const c = await runner.process(calibration);
      best = Math.min(best, c.outcome.ms, c.outcome.cpuMs ?? Infinity);
    }
    const f = Math.max(1, best / CALIBRATION_MS);
    stats.dockerfile.slowdowns.push(Math.round(f * 100) / 100);
    return f;
  };

  const one = async (family: FamilyName, index: number): Promise<void> => {
    const input = makeInput(family, opts.seed, index, seeds);
    const bytes = inputBytes(input);
    const asProcess = new Rng((opts.seed ^ Math.imul(index + 1, 0x27d4eb2d) ^ (family === 'archive' ? 0x165667b1 : 0)) >>> 0).chance(opts.sample);
    const key = `${family}:${index}`;
    inflight.add(key);
    persist();
    const r = await runner.check(input, { process: asProcess });
    inflight.delete(key);
    const st = stats[family];
    record(st, family, index, input, r.inProcess, bytes);
    if (r.process) recordProcess(st, family, index, r.process, bytes);
    slow.push({ family, index, ratio: r.inProcess.outcome.ms / timeLimitMs(bytes) });
    if (slow.length > 64) {
      slow.sort((a, b) => b.ratio - a.ratio);
      slow.length = 32;
    }
    let found = r.inProcess.violations;
    if (found.length > 0 || (r.process && r.process.violations.length > 0)) {
      // Every failure is run as a real process too: that run decides time and memory.
      const p = r.process ?? (await runner.check(input, { process: true })).process!;
      if (!r.process) recordProcess(st, family, index, p, bytes);
      const confirmed = [...found.filter((v) => DETERMINISTIC.has(v.kind) || (v.kind === 'crash' && !isMemoryDeath(v))), ...p.violations];
      if (confirmed.length === 0) {
        st.unconfirmed++;
        log(`  ${family}:${index}: in-process ${found.map((v) => v.kind).join(', ')} not seen in the real process (${Math.round(p.outcome.ms)} ms, ${Math.round((p.outcome.rssKb ?? 0) / 1024)} MB): load\n`);
        return;
      }
      if (confirmed.every((v) => MEASURED.has(v.kind))) {
        // Time and memory measured while the other workers ran: judged again once the pool is idle.
        later.push({ family, index });
        log(`  ${family}:${index}: ${confirmed.map((v) => `${v.kind}: ${v.detail}`).join('; ')}; judged again alone at the end\n`);
        return;
      }
      found = dedupe(confirmed);
      const f: Failure = { family, index, violations: found, bytes, recipe: input.recipe };
      failures.push(f);
      const sig = signature(found[0]!);
      const seen = bySignature.get(sig) ?? 0;
      bySignature.set(sig, seen + 1);
      log(`  FAIL ${family}:${index} (${bytes} bytes; ${input.recipe.join(' ')}): ${found.map((v) => `${v.kind}: ${v.detail}`).join('; ')}\n`);
      if (seen < 2) await save(f, input, found[0]!);
    }
  };

  const save = async (f: Failure, input: DirInput, v: Violation): Promise<void> => {
    const sig = signature(v);
    // Time and memory are judged on the real process (CPU time, peak RSS); the rest in-process.
    const asProcess = v.kind === 'time' || v.kind === 'memory';
    const stillFails = async (cand: DirInput): Promise<boolean> => {
      const r = await runner.check(cand, { process: asProcess, ...(asProcess ? { slowdown: await slowdown() } : {}) });
      const judged = asProcess ? r.process! : r.inProcess;
      return judged.violations.some((x) => signature(x) === sig);
    };
    const budget = { tries: asProcess ? Math.min(opts.reduceTries, 30) : opts.reduceTries, deadline: Date.now() + (asProcess ? 90_000 : 120_000) };
    let reduced = input;
    try {
      reduced = input.spec !== undefined ? await reduceSpec(input, stillFails, budget) : await reduceFiles(input, stillFails, budget);
    } catch (e) {
      log(`  reduction of ${f.family}:${f.index} stopped: ${(e as Error).message}\n`);
    }
    const dir = join(opts.out, 'failures', `${slug(sig)}-${f.family}-${f.index}`);
    materialize(reduced, dir);
    const argv = argvFor(reduced, dir);
    writeFileSync(
      join(dir, 'VIOLATION.json'),
      JSON.stringify({ violation: v, all: f.violations, family: f.family, index: f.index, seed: opts.seed, recipe: input.recipe, originalBytes: f.bytes, reducedBytes: inputBytes(reduced), spec: reduced.spec, command: ['node', 'dist/cli.js', ...argv] }, null, 2) + '\n',
    );
    f.saved = dir;
    f.reducedBytes = inputBytes(reduced);
    log(`    saved ${dir} (${f.bytes} -> ${f.reducedBytes} bytes)\n`);
  };

  // Both families share the workers; each runs its inputs in order.
  const queues: Array<{ family: FamilyName; next: number }> = (['dockerfile', 'archive'] as const).filter((f) => opts.counts[f] > 0).map((family) => ({ family, next: saved?.next[family] ?? 0 }));
  // Inputs in flight when an earlier run died: judged as real processes, never in-process again.
  for (const key of suspects) {
    const [family, n] = key.split(':') as [FamilyName, string];
    const index = Number(n);
    const input = makeInput(family, opts.seed, index, seeds);
    const p = await runner.process(input);
    recordProcess(stats[family], family, index, p, inputBytes(input));
    stats[family].runs++;
    const f: Failure = { family, index, violations: [{ kind: 'crash', detail: 'the fuzzer process died (fatal error) while this input ran in a worker' }, ...p.violations], bytes: inputBytes(input), recipe: input.recipe };
    log(`  ${key} was in flight when the fuzzer died; as a process: ${p.violations.length ? p.violations.map((v) => `${v.kind}: ${v.detail}`).join('; ') : `within the contract (${Math.round(p.outcome.ms)} ms, ${Math.round((p.outcome.rssKb ?? 0) / 1024)} MB)`}\n`);
    if (p.violations.length && p.violations.every((v) => MEASURED.has(v.kind))) {
      // Time or memory alone: judged like any other such input, alone at the end (seed 13: an input
      // in flight beside the one whose generation killed the fuzzer was failed on one run, uncalibrated).
      later.push({ family, index });
      log(`    judged again alone at the end\n`);
    } else if (p.violations.length) {
      failures.push(f);
      bySignature.set(signature(p.violations[0]!), (bySignature.get(signature(p.violations[0]!)) ?? 0) + 1);
      await save(f, input, p.violations[0]!);
    } else stats[family].unconfirmed++;
  }
  if (crashes) persist();
  let lastLog = Date.now();
  const pull = (): { family: FamilyName; index: number } | null => {
    if (Date.now() > deadline) return null;
    // Interleave by share of the count done, so a time box ends both families part way.
    const open = queues.filter((q) => q.next < opts.counts[q.family]);
    if (open.length === 0) return null;
    open.sort((a, b) => a.next / opts.counts[a.family] - b.next / opts.counts[b.family]);
    const q = open[0]!;
    const index = q.next++;
    // An input that killed an earlier run was judged as a process above.
    if (suspects.includes(`${q.family}:${index}`)) return pull();
    return { family: q.family, index };
  };
  await Promise.all(
    Array.from({ length: opts.workers }, async () => {
      for (let job = pull(); job; job = pull()) {
        try {
          await one(job.family, job.index);
        } catch (e) {
          const key = `${job.family}:${job.index}`;
          inflight.delete(key);
          const error = String((e as Error)?.stack ?? e).split('\n').slice(0, 3).join(' | ');
          fuzzerErrors.push({ input: key, error });
          persist();
          log(`  FUZZER ERROR ${key}: ${error}; the input is not judged, the campaign goes on\n`);
        }
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          log(`  ${Math.round((Date.now() - started) / 1000)} s: ${stats.dockerfile.runs} Dockerfiles, ${stats.archive.runs} archives, ${failures.length} failures\n`);
        }
      }
    }),
  );

  // Time and memory are judged on real processes run one at a time, with the pool idle: the inputs
  // that broke a limit while other inputs ran, and the slowest inputs for their size. A process on
  // a shared machine is slowed by whatever else runs, never sped up: an input breaks the contract
  // when each of up to three runs breaks it (the fastest run decides).
  slow.sort((a, b) => b.ratio - a.ratio);
  const alone: Array<{ family: FamilyName; index: number; slowest: boolean }> = later.map((l) => ({ ...l, slowest: false }));
  for (const s of slow.slice(0, 8)) if (!alone.some((a) => a.family === s.family && a.index === s.index)) alone.push({ family: s.family, index: s.index, slowest: true });
  for (const a of alone) {
    if (failures.some((f) => f.family === a.family && f.index === a.index)) continue;
    const input = makeInput(a.family, opts.seed, a.index, seeds);
    let judged: Judged | null = null;
    for (let k = 0; k < 3; k++) {
      // First as the contract says; an input over a limit is run again with the limit stretched by
      // the machine's slowdown measured just before.
      judged = await runner.process(input, k === 0 ? 1 : await slowdown());
      recordProcess(stats[a.family], a.family, a.index, judged, inputBytes(input));
      if (!judged.violations.some((v) => MEASURED.has(v.kind))) break;
    }
    const vs = judged!.violations;
    if (vs.length === 0) {
      if (!a.slowest) {
        stats[a.family].unconfirmed++;
        log(`  ${a.family}:${a.index}: within the contract when run alone (${Math.round(judged!.outcome.ms)} ms, CPU ${Math.round(judged!.outcome.cpuMs ?? 0)} ms, ${Math.round((judged!.outcome.rssKb ?? 0) / 1024)} MB)\n`);
      }
      continue;
    }
    const f: Failure = { family: a.family, index: a.index, violations: vs, bytes: inputBytes(input), recipe: input.recipe };
    failures.push(f);
    const sig = signature(vs[0]!);
    bySignature.set(sig, (bySignature.get(sig) ?? 0) + 1);
    log(`  FAIL ${a.family}:${a.index} (run alone${a.slowest ? ', one of the slowest' : ''}): ${vs.map((v) => `${v.kind}: ${v.detail}`).join('; ')}\n`);
    await save(f, input, vs[0]!);
  }
  await runner.close();
  rmSync(work, { recursive: true, force: true });

  const summary = {
    seed: opts.seed,
    seconds: Math.round((Date.now() - started) / 1000),
    families: stats,
    violations: failures.length,
    bySignature: Object.fromEntries(bySignature),
    failures: failures.map((f) => ({ input: `${f.family}:${f.index}`, bytes: f.bytes, recipe: f.recipe, violations: f.violations, saved: f.saved ?? null, reducedBytes: f.reducedBytes ?? null })),
    fuzzerErrors,
  };
  writeFileSync(join(opts.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  const line = (f: FamilyName): string => {
    const s = stats[f];
    const slowest = s.slowest ? `slowest ${s.slowest.family}:${s.slowest.index} ${Math.round(s.slowest.ms)} ms for ${s.slowest.bytes} bytes (limit ${Math.round(s.slowest.limitMs)} ms)` : 'none run';
    const sd = [...s.slowdowns].sort((a, b) => a - b);
    const slowdowns = sd.length ? `; machine slowdown against the contract's (calibration input) ×${sd[Math.floor(sd.length / 2)]!.toFixed(2)} median, ×${sd.at(-1)!.toFixed(2)} at most` : '';
    return `${f}: ${s.runs} inputs (${(s.bytes / 1048576).toFixed(1)} MB), ${s.processRuns} also as a process (peak RSS ${Math.round(s.maxRssKb / 1024)} MB), exit ${JSON.stringify(s.byStatus)}; ${slowest}; ${s.unconfirmed} in-process time/memory alarms not seen in the process${slowdowns}`;
  };
  console.log(`fuzz seed ${opts.seed}: ${summary.seconds} s${crashes ? ` (the fuzzer process died ${crashes} times and went on; see the log)` : ''}`);
  console.log(line('dockerfile'));
  console.log(line('archive'));
  console.log(`contract violations: ${failures.length}${failures.length ? ` (${[...bySignature].map(([k, n]) => `${n}× ${k}`).join('; ')}); reproducers in ${join(opts.out, 'failures')}` : ''}`);
  if (fuzzerErrors.length) console.log(`fuzzer errors: ${fuzzerErrors.length}, inputs not judged (${fuzzerErrors.map((f) => f.input).join(', ')}); the fuzzer, not shipshape, failed on them`);
  console.log(`summary: ${join(opts.out, 'summary.json')}`);
  return failures.length === 0 && fuzzerErrors.length === 0 ? 0 : 1;
}

function newStats(): Stats {
  return { runs: 0, processRuns: 0, byStatus: {}, slowest: null, slowestProcess: null, maxRssKb: 0, bytes: 0, unconfirmed: 0, slowdowns: [] };
}

function record(st: Stats, family: FamilyName, index: number, input: DirInput, j: Judged, bytes: number): void {
  st.runs++;
  st.bytes += bytes;
  const o = j.outcome;
  const k = o.timedOut ? 'timeout' : o.died ? 'died' : String(o.status);
  st.byStatus[k] = (st.byStatus[k] ?? 0) + 1;
  if (!st.slowest || o.ms > st.slowest.ms) st.slowest = { family, index, ms: o.ms, bytes, limitMs: timeLimitMs(bytes), recipe: input.recipe };
}

function recordProcess(st: Stats, family: FamilyName, index: number, j: Judged, bytes: number): void {
  st.processRuns++;
  const o = j.outcome;
  st.maxRssKb = Math.max(st.maxRssKb, o.rssKb ?? 0);
  if (!st.slowestProcess || o.ms > st.slowestProcess.ms) st.slowestProcess = { family, index, ms: o.ms, rssKb: o.rssKb ?? 0, bytes };
}

function dedupe(vs: Violation[]): Violation[] {
  const seen = new Set<string>();
  return vs.filter((v) => {
    const k = `${v.kind}:${v.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

function summarizeJudged(j: Judged): Record<string, unknown> {
  const o = j.outcome;
  return { status: o.status, ms: Math.round(o.ms), rssMb: o.rssKb ? Math.round(o.rssKb / 1024) : undefined, timedOut: o.timedOut, died: o.died, violations: j.violations, stderr: o.stderr.slice(0, 2000), stdout: o.stdout.slice(0, 2000) };
}

async function reduceSpec(input: DirInput, fails: (i: DirInput) => Promise<boolean>, budget: { tries: number; deadline: number }): Promise<DirInput> {
  const spec = await reduceTree(input.spec as never, (s) => fails(rebuildArchive(input, s)), budget);
  return rebuildArchive(input, spec);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`fuzz: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 2;
  },
);

export { runProcess };
