/**
 * The contract every input is held to, whatever it holds (issue 13): exit 0, 1 or 2; no stack trace
 * or internal error; valid JSON with `--format json` (and SARIF); at most 2 s plus 10 s per 100 MB of
 * input; peak RSS at most 300 MB; nothing written outside the output file; no planted secret printed
 * whole; no `NaN`, `undefined` or `[object Object]` in what the user reads.
 */

/** Time allowed for an input of `bytes` bytes (the whole input: Dockerfile and context, or archive). */
export function timeLimitMs(bytes: number): number {
  return 2000 + (10000 * bytes) / 100e6;
}

/**
 * The machine the limit is written for: there, the CLI analyzes `calibrationDockerfile()` in this
 * much time, counted as a run is judged (the lesser of wall and CPU time: with idle cores Node's
 * helper threads make CPU time exceed wall time, on a busy machine waiting makes wall time exceed
 * CPU time); the best of 10 runs on the 2-core development machine with nothing else running,
 * 2026-12-06. On a machine that is slower, or shared (other processes slow this one down through
 * caches, memory bandwidth and shared cores, whatever the clock says), time limits are stretched by
 * the calibration input's time over this one, measured just before the judged run; never shrunk.
 */
export const CALIBRATION_MS = 900;

/**
 * A Dockerfile of about 140 KB: 150 realistic stages (package installs, downloads, copies between
 * stages, users and commands), then 2,500 RUNs that each draw findings.
 */
export function calibrationDockerfile(): string {
  let s = '';
  for (let i = 0; i < 150; i++) {
    s += `FROM debian:12 AS s${i}\n`;
    s += `RUN apt-get update && apt-get install -y curl ca-certificates git && rm -rf /var/lib/apt/lists/*\n`;
    s += `ENV APP_HOME=/srv/app${i} PATH=/srv/app${i}/bin:$PATH\nWORKDIR $APP_HOME\n`;
    if (i > 0) s += `COPY --from=s${i - 1} /srv /srv\n`;
    s += `RUN curl -fsSL https://example.com/tool${i}.tar.gz | tar -xz -C /usr/local/bin && pip install requests==2.${i}.0\n`;
    s += `USER ${i % 2 ? 'app' : '10001'}\nEXPOSE ${8000 + i}\nCMD ${i % 2 ? '["/srv/app", "--port", "8000"]' : 'node server.js'}\n`;
  }
  // And what generated input is made of: thousands of findings (two per line here), which cost
  // memory as much as time, so that the calibration slows down under load as such input does.
  for (let i = 0; i < 2500; i++) s += i % 2 ? `RUN npm ci --prefix /srv/app${i}\n` : `RUN pip install flask==3.${i}.0\n`;
  return s;
}

/** Peak resident memory allowed for the whole CLI process. */
export const MAX_RSS_KB = 300 * 1024;

/** What one run of the CLI did, in-process (a worker) or as a process. */
export interface Outcome {
  /** Exit status; null when the run did not finish (timeout, crash, killed). */
  status: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the analysis. */
  ms: number;
  /** CPU time (user + system) of the process, when run as one. */
  cpuMs?: number;
  /** Peak RSS of the process, when run as one. */
  rssKb?: number;
  /** The run did not finish in time and was stopped. */
  timedOut?: boolean;
  /** The worker or process died: its error, or the signal. */
  died?: string;
  /** Files the run wrote other than its output file. */
  writes?: string[];
}

export interface Violation {
  kind: 'exit-status' | 'crash' | 'stack-trace' | 'internal-error' | 'json' | 'time' | 'memory' | 'write' | 'secret' | 'garbage' | 'stderr';
  detail: string;
}

export interface Expectation {
  format: string;
  /** Output written to a file (`--output`): stdout stays empty. */
  outputFile: string | null;
  /** The report read from the output file, when there is one. */
  report?: string;
  inputBytes: number;
  secrets: readonly string[];
  /** This machine's slowdown against the one the time limit is written for (`CALIBRATION_MS`); 1 when not measured. */
  slowdown?: number;
}

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
const GARBAGE = /\bNaN\b|\[object Object\]|(?<![\w/$.-])undefined(?![\w-])/;

/** Every way an outcome breaks the contract. */
export function violations(o: Outcome, e: Expectation): Violation[] {
  const out: Violation[] = [];
  const slowdown = Math.max(1, e.slowdown ?? 1);
  const limit = timeLimitMs(e.inputBytes) * slowdown;
  if (o.timedOut) out.push({ kind: 'time', detail: `no answer within ${Math.round(limit)} ms` });
  else if (o.died) out.push({ kind: 'crash', detail: o.died.split('\n', 1)[0]! });
  else if (o.status === null || ![0, 1, 2].includes(o.status)) out.push({ kind: 'exit-status', detail: `exit status ${o.status}` });
  // On a machine shared by many processes wall time overstates the run's own cost: a process run
  // (which reports its CPU time) breaks the limit only when both its wall and its CPU time do.
  if (!o.timedOut && o.ms > limit && (o.cpuMs === undefined || o.cpuMs > limit)) out.push({ kind: 'time', detail: `${Math.round(o.ms)} ms${o.cpuMs !== undefined ? ` (CPU ${Math.round(o.cpuMs)} ms)` : ''} for ${e.inputBytes} bytes (limit ${Math.round(limit)} ms${slowdown > 1 ? `: ${Math.round(limit / slowdown)} ms × ${slowdown.toFixed(2)}, this machine's measured slowdown` : ''})` });
  if (o.rssKb !== undefined && o.rssKb > MAX_RSS_KB) out.push({ kind: 'memory', detail: `peak RSS ${Math.round(o.rssKb / 1024)} MB` });
  const all = `${o.stdout}\n${o.stderr}`;
  if (STACK_LINE.test(all)) out.push({ kind: 'stack-trace', detail: (all.match(STACK_LINE)?.[0] ?? '').trim() });
  const internal = /internal error[^\n]*/.exec(all) ?? /\b(RangeError|TypeError|ReferenceError|SyntaxError|FATAL ERROR)\b[^\n]*/.exec(o.stderr);
  if (internal) out.push({ kind: 'internal-error', detail: internal[0] });
  for (const line of o.stderr.split('\n')) {
    if (line && !line.startsWith('shipshape: ')) {
      out.push({ kind: 'stderr', detail: `stderr line not from shipshape: ${line.slice(0, 200)}` });
      break;
    }
  }
  const report = e.outputFile ? (e.report ?? '') : o.stdout;
  if (e.outputFile && o.stdout !== '') out.push({ kind: 'write', detail: 'wrote to stdout with --output' });
  if (o.status !== null && !o.timedOut && !o.died && (e.format === 'json' || e.format === 'sarif')) {
    try {
      const doc = JSON.parse(report) as Record<string, unknown>;
      if (e.format === 'json' && !Array.isArray(doc.targets)) out.push({ kind: 'json', detail: 'no targets array' });
      if (e.format === 'sarif' && !Array.isArray(doc.runs)) out.push({ kind: 'json', detail: 'no runs array' });
    } catch (err) {
      out.push({ kind: 'json', detail: `not valid JSON (${(err as Error).message.slice(0, 100)}); ${report.length} bytes` });
    }
  }
  for (const s of e.secrets) {
    if (s.length >= 8 && (all.includes(s) || (e.report ?? '').includes(s))) {
      out.push({ kind: 'secret', detail: `printed the planted secret ${s.slice(0, 4)}…` });
      break;
    }
  }
  const g = GARBAGE.exec(stripInputEcho(report + '\n' + o.stderr));
  if (g) out.push({ kind: 'garbage', detail: `"${g[0]}" in the output` });
  for (const w of o.writes ?? []) out.push({ kind: 'write', detail: `wrote ${w}` });
  return out;
}

/** Quoted input text (messages quote instructions between quotes or backticks) is the user's, not garbage. */
function stripInputEcho(s: string): string {
  return s.replace(/"[^"\n]*"|`[^`\n]*`|'[^'\n]*'/g, '""');
}

/** A short, stable name for a violation, to group failures of one kind. */
export function signature(v: Violation): string {
  const d = v.detail
    .replace(/\d+(\.\d+)?/g, 'N')
    .replace(/"[^"]*"|'[^']*'/g, 'S')
    .replace(/\/[^\s:]+/g, 'P')
    .slice(0, 120);
  return v.kind === 'time' || v.kind === 'memory' || v.kind === 'secret' ? v.kind : `${v.kind}: ${d}`;
}
