/**
 * Runs the CLI in-process, in a worker thread, one input after another: the real `run()` of
 * src/cli/main.ts with its real analysis and renderers, only the process around it left out. The
 * parent bounds each worker's heap (resourceLimits) and time (terminate()). Every file-system write
 * is recorded (fs is wrapped before any input is read) so that a write outside the output file is
 * seen.
 */
import { parentPort } from 'node:worker_threads';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';

export interface Job {
  id: number;
  argv: string[];
}

export interface JobResult {
  id: number;
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  writes: string[];
  died?: string;
}

// The module object itself (an ES namespace is read-only); syncBuiltinESMExports() then updates every `import { … } from 'node:fs'`.
const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
const writes: string[] = [];
const isWriteFlag = (flags: unknown): boolean => typeof flags === 'string' && /[wa+]/.test(flags);
type AnyFn = (...args: unknown[]) => unknown;
const mod = fs as unknown as Record<string, AnyFn>;
const wrap = (name: string, pathArg: (args: unknown[]) => unknown): void => {
  const orig = mod[name];
  if (typeof orig !== 'function') return;
  mod[name] = function (this: unknown, ...args: unknown[]) {
    const p = pathArg(args);
    if (p !== null && p !== undefined) writes.push(String(p));
    return orig.apply(this, args);
  };
};
for (const n of ['writeFileSync', 'appendFileSync', 'mkdirSync', 'rmSync', 'rmdirSync', 'unlinkSync', 'symlinkSync', 'linkSync', 'truncateSync', 'chmodSync', 'chownSync', 'utimesSync', 'mkdtempSync']) wrap(n, (a) => a[0]);
for (const n of ['renameSync', 'copyFileSync', 'cpSync']) wrap(n, (a) => a[1]);
for (const n of ['writeFile', 'appendFile', 'mkdir', 'rm', 'unlink', 'rename', 'mkdtemp']) wrap(n, (a) => a[0]);
wrap('openSync', (a) => (isWriteFlag(a[1]) ? a[0] : null));
wrap('open', (a) => (isWriteFlag(a[1]) ? a[0] : null));
wrap('createWriteStream', (a) => a[0]);
const promises = fs.promises as unknown as Record<string, AnyFn>;
for (const n of ['writeFile', 'appendFile', 'mkdir', 'rm', 'unlink', 'rename', 'mkdtemp', 'open']) {
  const orig = promises[n];
  if (typeof orig !== 'function') continue;
  promises[n] = function (this: unknown, ...args: unknown[]) {
    if (n !== 'open' || isWriteFlag(args[1])) writes.push(String(args[0]));
    return orig.apply(this, args);
  };
}
syncBuiltinESMExports();

parentPort!.on('message', (job: Job) => {
  const out: string[] = [];
  const err: string[] = [];
  writes.length = 0;
  const t0 = performance.now();
  const done = (status: number | null, died?: string): void => {
    // The CLI's own temporary folders (ShellCheck's inputs) count only when they are left behind.
    const own = join(tmpdir(), 'shipshape-');
    const kept = writes.filter((w) => {
      if (!w.startsWith(own)) return true;
      const top = w.slice(0, w.indexOf('/', own.length) >= 0 ? w.indexOf('/', own.length) : undefined);
      return top !== own && fs.existsSync(top);
    });
    const r: JobResult = { id: job.id, status, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - t0, writes: [...new Set(kept)] };
    if (died !== undefined) r.died = died;
    parentPort!.postMessage(r);
  };
  run(job.argv, {
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    stdin: () => {
      throw new Error('no stdin in the fuzzer');
    },
    isTTY: false,
  }).then(
    (status) => done(status),
    // What the CLI's own catch-all would print as "internal error".
    (e: unknown) => done(null, `internal error: ${(e as Error)?.stack ?? String(e)}`),
  );
});
parentPort!.postMessage({ ready: true });
