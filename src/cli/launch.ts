/**
 * dist/cli.cjs (the bin; dist/cli.js requires it): starts the CLI bundle (dist/cli-main.js) with V8's code cache. Most of a short run's
 * time after Node's own start is V8 compiling the bundle and, lazily, every function it calls (the
 * ~95 checks' visitors on first use); the compiled code of one run is kept in a per-user cache file
 * and handed back to V8 on the next run, which then skips that work. V8 checks the cache against
 * its own version, flags and the source, and rejects a stale or broken one: the run then compiles
 * as usual and writes a fresh cache. Any failure to read or write the cache is ignored (no cache).
 * SHIPSHAPE_NO_CODE_CACHE=1 turns it off; SHIPSHAPE_CACHE_DIR moves it.
 */
// This file is bundled as CommonJS (dist/cli.cjs, the package's bin; dist/cli.js only requires it):
// an ES module entry costs a short run several ms more (Node loads its ES module loader, which
// reads files through fs/promises and readline, and a facade over every export of each built-in
// imported, whose lazy getters load more), so the built-ins are required.
const { readFileSync, writeFileSync, statSync, mkdirSync, renameSync, readdirSync, rmSync } = require('node:fs') as typeof import('node:fs');
const { homedir } = require('node:os') as typeof import('node:os');
const { dirname, join } = require('node:path') as typeof import('node:path');
const { Script } = require('node:vm') as typeof import('node:vm');
const { setFlagsFromString } = require('node:v8') as typeof import('node:v8');

// The flag the CLI sets for the shell grammar's wasm is set before compiling, so the code cache is
// made and used under the same V8 flags.
setFlagsFromString('--liftoff-only');

const main = join(__dirname, 'cli-main.js');
/**
 * The bundle's content hash, written here by scripts/build.mjs: V8 checks a cache only against the
 * source's length, and npm gives every installed file the same mtime, so two versions whose bundles
 * have the same size must not share a cache file.
 */
const BUNDLE_HASH = 'shipshape:bundle-hash';
const source = readFileSync(main, 'utf8');

function cacheFile(): string | null {
  if (process.env.SHIPSHAPE_NO_CODE_CACHE) return null;
  try {
    const dir = process.env.SHIPSHAPE_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'shipshape');
    const st = statSync(main);
    return join(dir, `cli-${process.version}-${process.arch}-${BUNDLE_HASH.replace(/\W/g, '')}-${st.size}-${Math.trunc(st.mtimeMs)}.v8cache`);
  } catch {
    return null;
  }
}

/** Cache files kept in the directory, this one included. */
const KEEP = 4;
const file = cacheFile();
let cached: Buffer | undefined;
if (file) {
  try {
    cached = readFileSync(file);
  } catch {
    cached = undefined;
  }
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: main, ...(cached ? { cachedData: cached } : {}) });
if (file && (!cached || script.cachedDataRejected)) {
  // Made at exit, so it holds every function this run compiled, not only the top level; only by a run
  // that analyzed a Dockerfile (main.ts sets the mark), not by `--version` or a usage error.
  process.once('exit', () => {
    if (!(globalThis as Record<symbol, unknown>)[Symbol.for('shipshape.codeCache')]) return;
    try {
      const data = script.createCachedData();
      const dir = dirname(file);
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, data);
      renameSync(tmp, file);
      // Keep the few newest (two installs used in turn keep theirs; old builds' caches go).
      const old = readdirSync(dir)
        .filter((f) => /^cli-.*\.v8cache$/.test(f) && join(dir, f) !== file)
        .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
        .sort((a, b) => b.t - a.t)
        .slice(KEEP - 1);
      for (const { f } of old) rmSync(join(dir, f), { force: true });
    } catch {
      // no cache this time
    }
  });
}
const mod = { exports: {} };
(script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void)(mod.exports, require, mod, main, dirname(main));
