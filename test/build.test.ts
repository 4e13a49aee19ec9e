/**
 * scripts/build.mjs replaces the CLI in dist/ file by file, each whole: a CLI started while a build
 * runs (an editor's language server, a fuzz campaign's process runs, a second terminal) runs the old
 * files or the new ones. The build used to delete dist/cli-*.js first and to write each bundle
 * twice (esbuild's output, then the same with its `import()`s made requires): a run in between
 * died with ENOENT and a stack trace, "Cannot find module './cli-vendor-web-tree-sitter.cjs'", or
 * "internal error: A dynamic import callback was not specified." with nothing on stdout, as a fuzz
 * campaign saw when its checkout was rebuilt under it.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => void out.push(c));
    child.stderr.on('data', (c: Buffer) => void err.push(c));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

describe('the build', () => {
  it('replaces the CLI whole: runs started while it builds all report', async () => {
    const work = mkdtempSync(join(tmpdir(), 'shipshape-build-'));
    const dist = join(work, 'dist');
    mkdirSync(dist);
    // An earlier build, a little different, so that every CLI file is replaced.
    for (const f of readdirSync(join(root, 'dist'))) if (/^cli.*\.c?js$|\.wasm$/.test(f)) copyFileSync(join(root, 'dist', f), join(dist, f));
    for (const f of readdirSync(dist)) if (/^cli-.*\.c?js$/.test(f)) appendFileSync(join(dist, f), '\n// an earlier build\n');
    writeFileSync(join(dist, 'cli-vendor-gone.cjs'), 'module.exports = {};\n');
    // A shell body only the grammar reads, so each run loads web-tree-sitter and its wasm.
    const dockerfile = join(work, 'Dockerfile');
    writeFileSync(dockerfile, 'FROM alpine:3.20\nRUN if [ -f /etc/x ]; then echo "$(cat /etc/x | tr a b)"; fi && for i in 1 2; do echo $i; done\n');

    let building = true;
    const build = run(process.execPath, [join(root, 'scripts/build.mjs'), '--dist', dist]).finally(() => {
      building = false;
    });
    const runs: Array<{ code: number | null; stdout: string; stderr: string }> = [];
    const cache = join(work, 'cache');
    // Two CLIs at a time, one after another, until the build is done.
    await Promise.all(
      [0, 1].map(async () => {
        while (building) runs.push(await run(process.execPath, [join(dist, 'cli.js'), '--format', 'json', dockerfile], { SHIPSHAPE_CACHE_DIR: cache }));
      }),
    );
    const built = await build;
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(runs.length).toBeGreaterThan(0);
    // Every run as a run without a build: exit 1, its findings, nothing on stderr.
    expect(runs.filter((r) => r.code !== 1 || r.stderr !== '').map((r) => `exit ${r.code}: ${r.stderr.split('\n', 1)[0]}`)).toEqual([]);
    for (const r of runs) expect(JSON.parse(r.stdout).targets[0].findings.length).toBeGreaterThan(0);
    // The new build is in place, whole, and what it no longer makes is gone.
    for (const f of ['cli.js', 'cli-main.js', 'cli-vendor-web-tree-sitter.cjs']) expect(readFileSync(join(dist, f))).toEqual(readFileSync(join(root, 'dist', f)));
    expect(readdirSync(dist).filter((f) => f.startsWith('.') || f === 'cli-vendor-gone.cjs')).toEqual([]);
  });
});
