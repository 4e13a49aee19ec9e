/** `npm pack`, then `npm install -g` of the tarball into a temporary prefix, as a user on a clean machine would. */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work = '';
let bin = '';
let files: string[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'shipshape-pack-'));
  const env = { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
  const pack = spawnSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8', env });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  files = (JSON.parse(pack.stdout)[0].files as { path: string }[]).map((f) => f.path).sort();
  const tgz = readdirSync(work).find((f) => /^shipshape-.*\.tgz$/.test(f));
  if (!tgz) throw new Error('npm pack wrote no shipshape-*.tgz');
  const prefix = join(work, 'prefix');
  const inst = spawnSync(npm, ['install', '-g', '--offline', '--prefix', prefix, join(work, tgz)], { cwd: work, encoding: 'utf8', env });
  if (inst.status !== 0) throw new Error(`npm install -g failed: ${inst.stderr}`);
  bin = join(prefix, 'bin', 'shipshape');
}, 120_000);

function shipshape(args: string[], cwd = work) {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the npm package', () => {
  it('holds only the bundled CLI (its launcher, script and the libraries it loads on demand), its grammars and the package files', () => {
    const chunk = /^dist\/cli-[\w-]+\.c?js$/;
    expect(files.filter((f) => !chunk.test(f))).toEqual(['README.md', 'dist/cli.cjs', 'dist/cli.js', 'dist/tree-sitter-bash.wasm', 'dist/tree-sitter.wasm', 'package.json']);
    expect(files.filter((f) => chunk.test(f)).length).toBeGreaterThan(0);
  });

  it('installs a working shipshape: --version', () => {
    const r = shipshape(['--version']);
    // The version, then the end-of-life table's date and age.
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+\nEOL table of \d{4}-\d{2}-\d{2} \(\d+ days? old[^)]*\)$/);
    expect(r.code).toBe(0);
  });

  it('--help lists every flag with a one-line meaning and an example', () => {
    const r = shipshape(['check', '--help']);
    expect(r.code).toBe(0);
    const flags = [...r.stdout.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!).filter((f) => f !== '--help');
    expect(flags).toEqual(expect.arrayContaining(['--format', '--fail-on', '--min-severity', '--ignore', '--context', '--platform', '--output', '--config']));
    for (const flag of flags) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+(-\\w, )?${flag}\\b.*\\S{3}.*$`, 'm'));
      const examples = r.stdout.slice(r.stdout.indexOf('Examples:'));
      expect(examples, `no example uses ${flag}`).toContain(flag);
    }
    expect(shipshape(['--help']).stdout).toMatch(/check \[options\] <targets\.\.\.>/);
  });

  it('analyzes a Dockerfile with the installed binary (grammars found beside the bundle)', () => {
    // The redirection makes the CMD a body only tree-sitter reads: the npm finding needs the grammar.
    writeFileSync(join(work, 'Dockerfile'), 'FROM node:22\nUSER 1000\nCMD cd /app > /dev/null && npm start\n');
    const r = shipshape(['--format', 'json', 'Dockerfile']);
    const doc = JSON.parse(r.stdout);
    const seen = doc.targets[0].findings.map((f: { rule: string; line: number }) => `${f.line} ${f.rule}`);
    expect(seen).toContain('3 pid1/shell-form-command');
    expect(seen).toContain('3 pid1/package-manager-launcher');
    expect(r.code).toBe(1);
  });

  it('runs the language server from the installed package (shipshape lsp answers initialize and shuts down)', async () => {
    const proc = spawn(bin, ['lsp', '--stdio'], { cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
    const send = (msg: object): void => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
      proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    let out = '';
    const reply = (id: number): Promise<{ result: { capabilities: Record<string, unknown>; serverInfo: { name: string } } }> =>
      new Promise((resolve, reject) => {
        const on = (chunk: Buffer): void => {
          out += chunk.toString('utf8');
          const m = new RegExp(`\\{[^\\n]*"id":${id}[,}][^\\n]*$`).exec(out.replace(/Content-Length: \d+\r\n\r\n/g, '\n'));
          if (m) {
            proc.stdout.off('data', on);
            resolve(JSON.parse(m[0]));
          }
        };
        proc.stdout.on('data', on);
        proc.once('exit', (code) => reject(new Error(`shipshape lsp exited with ${code}`)));
      });
    send({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    const init = await reply(1);
    expect(init.result.serverInfo.name).toBe('shipshape');
    expect(init.result.capabilities).toMatchObject({ hoverProvider: true, codeActionProvider: expect.any(Object) });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    send({ id: 2, method: 'shutdown' });
    await reply(2);
    send({ method: 'exit' });
    expect(await exited).toBe(0);
  }, 30_000);
});
