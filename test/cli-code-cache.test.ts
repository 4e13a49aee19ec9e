/**
 * dist/cli.js runs the CLI bundle with V8's code cache (src/cli/launch.ts): the cache is written by a
 * run that analyzed a Dockerfile, used by the next runs, and a missing, broken or unwritable cache
 * changes nothing a user sees.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');
const dockerfile = join(root, 'sample-images/node-app/Dockerfile');

function run(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SHIPSHAPE_NO_CODE_CACHE: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const caches = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.v8cache')) : []);

describe('the CLI launcher and its code cache', () => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');

  it('writes the cache after a Dockerfile run, and a run with it reports the same', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shipshape-cache-')), 'cache');
    const first = run(['--format', 'json', dockerfile], { SHIPSHAPE_CACHE_DIR: dir });
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout).targets[0].findings.length).toBeGreaterThan(0);
    const [file] = caches(dir);
    expect(file).toMatch(/^cli-v\d+\.\d+\.\d+-\w+-[0-9a-f]{16}-\d+-\d+\.v8cache$/);
    const size = readFileSync(join(dir, file!)).length;
    expect(size).toBeGreaterThan(10_000);
    const second = run(['--format', 'json', dockerfile], { SHIPSHAPE_CACHE_DIR: dir });
    expect(second).toEqual(first);
    // A run that used the cache leaves it as it was.
    expect(caches(dir)).toEqual([file]);
  });

  it('is not written by --version or a usage error, nor when turned off', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shipshape-cache-')), 'cache');
    expect(run(['--version'], { SHIPSHAPE_CACHE_DIR: dir }).code).toBe(0);
    const bad = run(['--ignore', 'nope/nope', dockerfile], { SHIPSHAPE_CACHE_DIR: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('shipshape: --ignore nope/nope: no such rule, category or peer id (see `shipshape rules`)\n');
    expect(run([dockerfile], { SHIPSHAPE_CACHE_DIR: dir, SHIPSHAPE_NO_CODE_CACHE: '1' }).code).toBe(1);
    expect(caches(dir)).toEqual([]);
  });

  it('a broken cache file is replaced and the report is unchanged', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shipshape-cache-')), 'cache');
    const good = run(['--format', 'json', dockerfile], { SHIPSHAPE_CACHE_DIR: dir });
    const [file] = caches(dir);
    writeFileSync(join(dir, file!), 'not a V8 code cache');
    const again = run(['--format', 'json', dockerfile], { SHIPSHAPE_CACHE_DIR: dir });
    expect(again).toEqual(good);
    expect(readFileSync(join(dir, file!)).length).toBeGreaterThan(10_000);
  });

  it('keeps the few newest cache files of other builds, and drops older ones', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shipshape-cache-')), 'cache');
    mkdirSync(dir, { recursive: true });
    const others = [1, 2, 3, 4, 5].map((k) => join(dir, `cli-v0.0.${k}-x64-0000000000000000-1-1.v8cache`));
    others.forEach((f, k) => {
      writeFileSync(f, 'x');
      utimesSync(f, 1000 + k, 1000 + k);
    });
    expect(run([dockerfile], { SHIPSHAPE_CACHE_DIR: dir }).code).toBe(1);
    // This build's cache and the three newest others (0.0.3 to 0.0.5).
    const left = caches(dir);
    expect(left).toHaveLength(4);
    expect(left.filter((f) => !f.startsWith('cli-v0.0.')).length).toBe(1);
    expect(left.filter((f) => f.startsWith('cli-v0.0.')).sort()).toEqual(others.slice(2).map((f) => f.slice(dir.length + 1)));
  });

  it('works when the cache cannot be written', () => {
    const base = mkdtempSync(join(tmpdir(), 'shipshape-cache-'));
    const blocker = join(base, 'file');
    writeFileSync(blocker, '');
    const r = run(['--format', 'json', dockerfile], { SHIPSHAPE_CACHE_DIR: join(blocker, 'cache') });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).targets[0].findings.length).toBeGreaterThan(0);
  });
});
