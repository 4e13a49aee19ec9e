// `npm run fuzz`: bundles the fuzzer (test/fuzz/) beside the CLI in dist/ and runs it; arguments
// are passed on (see test/fuzz/main.ts). `npm run build` must have run (the npm script does it).
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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
const r = spawnSync(process.execPath, [join(root, 'dist/fuzz.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 2);
