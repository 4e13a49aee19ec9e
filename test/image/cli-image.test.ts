/** Image archives through the bundled CLI: exit codes, JSON `error`, stdin, --image-ref. */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerArchive } from './helpers.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const corpus = join(root, '../shared/corpus/images');

function run(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
});

describe('shipshape on image archives', () => {
  it('reads an archive from stdin and reports image findings with path and layer', async () => {
    const data = await dockerArchive({ layers: [[{ name: 'tmp/big.bin', body: 'b'.repeat(8192) }], [{ name: 'tmp/.wh.big.bin' }], [{ name: 'app/x', body: 'x' }]] });
    const r = run(['--format', 'json', '--ignore', 'user,tags,pid1', '-'], data);
    const doc = JSON.parse(r.stdout);
    expect(doc.targets[0]).toMatchObject({ path: '<stdin>', kind: 'image', error: null });
    const wasted = doc.targets[0].findings.filter((f: { messageId: string }) => f.messageId === 'wasted');
    expect(wasted).toMatchObject([{ rule: 'size/wasted-space', severity: 'warning', path: '/tmp/big.bin', layer: 0 }]);
    expect(r.code).toBe(1);
  });

  it('turns a broken archive into exit 2 and a JSON error, one line', async () => {
    const data = await dockerArchive({ layers: [[{ name: 'a', body: 'a' }]] }, (ms) => ms.filter((m) => m.name !== 'layer0/layer.tar'));
    const r = run(['--format', 'json', '-'], data);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).targets[0]).toEqual({ path: '<stdin>', kind: 'image', error: { message: '<stdin>: layer layer0/layer.tar is missing from the archive' }, findings: [] });
    expect(r.stderr).toBe('shipshape: <stdin>: layer layer0/layer.tar is missing from the archive\n');
  });

  it.skipIf(!existsSync(corpus))('analyzes each image of a two-image archive, or the one chosen with --image-ref', () => {
    const file = join(corpus, 'ggcr-test_link.tar');
    const all = JSON.parse(run(['--format', 'json', '--fail-on', 'none', file]).stdout);
    expect(all.targets.map((t: { path: string }) => t.path)).toEqual([`${file}#bazel/v1/tarball:test_image_1`, `${file}#bazel/v1/tarball:test_image_3`]);
    const one = JSON.parse(run(['--format', 'json', '--fail-on', 'none', '--image-ref', 'bazel/v1/tarball:test_image_3', file]).stdout);
    expect(one.targets.map((t: { path: string }) => t.path)).toEqual([file]);
    const gz = run(['--format', 'json', '--fail-on', 'none', '-'], readFileSync(join(corpus, 'dockle-alpine-310.tar.gz')));
    expect(JSON.parse(gz.stdout).targets[0]).toMatchObject({ kind: 'image', error: null });
  });
});
