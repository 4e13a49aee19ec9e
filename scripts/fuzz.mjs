// `npm run fuzz`: bundles the fuzzer (test/fuzz/) beside the CLI in dist/ and runs it; arguments
// are passed on (see test/fuzz/main.ts). `npm run build` must have run (the npm script does it).
// A fatal V8 error in one of the fuzzer's worker threads ends the whole process: the fuzzer keeps
// its state on disk, and this launcher starts it again with --resume (the inputs then in flight are
// judged as real processes), up to MAX_RESTARTS times.
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_RESTARTS = 20;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = await import('esbuild');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};
await Promise.all([
  esbuild.build({ ...common, entryPoints: [join(root, 'test/fuzz/main.ts')], outfile: join(root, 'dist/fuzz.js') }),
  esbuild.build({ ...common, entryPoints: [join(root, 'test/fuzz/worker.ts')], outfile: join(root, 'dist/fuzz-worker.js') }),
]);
let args = process.argv.slice(2);
// A fixed seed, so that a restart regenerates the same inputs.
if (!args.includes('--seed') && !args.includes('--replay')) args = ['--seed', String(Date.now() % 1_000_000), ...args];
for (let restarts = 0; ; restarts++) {
  const r = spawnSync(process.execPath, [join(root, 'dist/fuzz.js'), ...args, ...(restarts ? ['--resume'] : [])], { stdio: 'inherit' });
  if (r.status !== null && r.status <= 2) process.exit(r.status);
  if (restarts >= MAX_RESTARTS || args.includes('--replay')) {
    console.error(`fuzz: the fuzzer died (${r.signal ?? r.status}) ${restarts + 1} times; stopping`);
    process.exit(2);
  }
  console.error(`fuzz: the fuzzer died (${r.signal ?? `exit ${r.status}`}); going on from its saved state`);
}
