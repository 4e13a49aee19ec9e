/** Image archives through the bundled CLI: exit codes, JSON `error`, stdin, --image-ref. */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
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

/** Runs the CLI with `input` written to its stdin pipe in small chunks with pauses, as `docker save | shipshape -` delivers it. */
function runPiped(args: string[], input: Buffer, chunk = 7000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    let at = 0;
    const next = (): void => {
      if (at >= input.length) {
        child.stdin.end();
        return;
      }
      child.stdin.write(input.subarray(at, at + chunk));
      at += chunk;
      setTimeout(next, at < 4 * chunk ? 30 : 0);
    };
    next();
  });
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

  it('streams an archive that arrives on a pipe in pieces (the first one shorter than a tar header): the same findings as the file', async () => {
    const file = join(root, 'sample-images/built/tools-netcat.oci.tar');
    const fromFile = JSON.parse(run(['--format', 'json', file]).stdout).targets[0].findings;
    const r = await runPiped(['--format', 'json', '-'], readFileSync(file), 300);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.targets[0]).toMatchObject({ path: '<stdin>', kind: 'image', error: null });
    expect(doc.targets[0].findings).toEqual(fromFile);
    expect(fromFile.map((f: { rule: string }) => f.rule)).toContain('tools/network-tools');
  });

  it('reads a Dockerfile that arrives on a pipe in pieces', async () => {
    const r = await runPiped(['--format', 'json', '-'], readFileSync(join(root, 'sample-images/node-app/Dockerfile')), 40);
    const doc = JSON.parse(r.stdout);
    expect(doc.targets[0]).toMatchObject({ path: '<stdin>', kind: 'dockerfile', error: null });
    expect(doc.targets[0].findings.map((f: { rule: string }) => f.rule)).toContain('pid1/shell-form-command');
  });

  it('never prints a secret from a history entry, in any format', async () => {
    const data = await dockerArchive({
      layers: [[{ name: 'bin/sh', body: '#!', mode: 0o755 }], [{ name: 'usr/bin/nc', body: 'nc', mode: 0o755 }]],
      config: { history: [
        { created_by: '/bin/sh -c #(nop) ADD file:0123456789abcdef0123 in / ' },
        { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
        { created_by: '/bin/sh -c DB_PASSWORD=hunter2secret ./seed && curl -H "Authorization: token ghp_0123456789abcdefghijABCDEFGHIJ012345" https://example.com/nc -o /usr/bin/nc' },
      ] },
    });
    for (const format of ['json', 'text', 'sarif', 'markdown', 'github']) {
      const r = run(['--format', format, '-'], data);
      expect(r.stdout).toContain('/usr/bin/nc');
      expect(r.stdout + r.stderr).not.toMatch(/hunter2secret|0123456789abcdefghij/);
    }
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
