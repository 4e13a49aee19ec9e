/** The bundled CLI end to end, as a user runs it: `node dist/cli.js …`. */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, mkdirSync, existsSync, readdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');

function run(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp = '';
beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  tmp = mkdtempSync(join(tmpdir(), 'shipshape-cli-'));
});

describe('shipshape check', () => {
  it('reports the bundled sample with positions and exits 1', () => {
    const r = run(['sample-images/node-app/Dockerfile']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('sample-images/node-app/Dockerfile');
    expect(r.stdout).toMatch(/2:6 +warning +tags\/latest-tag +node:latest uses the latest tag/);
    expect(r.stdout).toMatch(/7:1 +warning +pid1\/shell-form-command/);
    expect(r.stdout).toMatch(/\d+ problems? \(/);
    expect(r.stderr).toBe('');
  });

  it('prints the JSON contract', () => {
    const r = run(['--format', 'json', 'sample-images/node-app/Dockerfile']);
    const doc = JSON.parse(r.stdout);
    expect(doc.tool).toEqual({ name: 'shipshape', version: '0.1.0' });
    expect(doc.targets).toHaveLength(1);
    const t = doc.targets[0];
    expect(t).toMatchObject({ path: 'sample-images/node-app/Dockerfile', kind: 'dockerfile', error: null });
    const f = t.findings.find((x: { rule: string }) => x.rule === 'pid1/shell-form-command');
    expect(f).toMatchObject({ category: 'pid1', severity: 'warning', line: 7, column: 1, endLine: 7 });
    const total = t.findings.length;
    expect(doc.summary.error + doc.summary.warning + doc.summary.info).toBe(total);
  });

  it('finds Dockerfiles in a directory', () => {
    const r = run(['--format', 'json', 'sample-images/node-app']);
    expect(JSON.parse(r.stdout).targets[0].path).toBe(join('sample-images/node-app', 'Dockerfile'));
  });

  it('a bad Dockerfile on stdin is named like a file: "<stdin>: …"', () => {
    const r = run(['--format', 'json', '-'], Buffer.from([0xfe, 0xff, 0, 0x46, 0, 0x52]));
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).targets[0].error.message).toBe('<stdin>: is UTF-16 text; Docker reads a Dockerfile as UTF-8, so save it as UTF-8');
  });

  it('reads stdin with -', () => {
    const r = run(['--format', 'json', '-'], 'FROM alpine\n');
    const doc = JSON.parse(r.stdout);
    expect(doc.targets[0].path).toBe('<stdin>');
    expect(doc.targets[0].findings.map((f: { rule: string }) => f.rule)).toContain('tags/latest-tag');
  });

  it('--fail-on decides only the exit status; --min-severity what is shown', () => {
    expect(run(['--fail-on', 'none', 'sample-images/node-app/Dockerfile']).code).toBe(0);
    const r = run(['--format', 'json', '--min-severity', 'error', 'sample-images/node-app/Dockerfile']);
    for (const f of JSON.parse(r.stdout).targets[0].findings) expect(f.severity).toBe('error');
  });

  it('--ignore skips a rule, a category or a peer id', () => {
    const ids = (args: string[]) => JSON.parse(run(['--format', 'json', ...args, 'sample-images/node-app/Dockerfile']).stdout).targets[0].findings.map((f: { rule: string }) => f.rule);
    expect(ids(['--ignore', 'tags/latest-tag'])).not.toContain('tags/latest-tag');
    expect(ids(['--ignore', 'pid1'])).not.toContain('pid1/shell-form-command');
    expect(ids(['--ignore', 'DL3025'])).not.toContain('pid1/shell-form-command');
  });
});

describe('bad input: one line naming the file, exit 2, no stack trace', () => {
  const cases: [string, () => string, RegExp][] = [
    ['missing path', () => join(tmp, 'nope'), /nope: no such file or directory/],
    ['directory without a Dockerfile', () => { const d = join(tmp, 'empty-dir'); mkdirSync(d, { recursive: true }); return d; }, /empty-dir: no Dockerfile/],
    ['binary file', () => { const p = join(tmp, 'bin'); writeFileSync(p, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 3])); return p; }, /bin: is a binary file/],
    ['UTF-16 file (PowerShell 5 writes one)', () => { const p = join(tmp, 'Dockerfile.utf16'); writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('FROM alpine:3.20\r\nUSER 10001\r\n', 'utf16le')])); return p; }, /Dockerfile\.utf16: is UTF-16 text; Docker reads a Dockerfile as UTF-8/],
    ['huge file', () => { const p = join(tmp, 'huge'); writeFileSync(p, 'RUN echo hi\n'.repeat(50 * 1024 * 1024 / 12)); return p; }, /huge: is 50\.0 MiB; a Dockerfile larger than 512 KiB is not analyzed/],
    ['not a Dockerfile', () => { const p = join(tmp, 'notes.txt'); writeFileSync(p, 'Just some notes.\nNothing to build here.\n'); return p; }, /notes\.txt: does not look like a Dockerfile/],
    ['prose quoting an instruction', () => { const p = join(tmp, 'README.md'); writeFileSync(p, '# app\n\nThe image starts the server with\n\n```dockerfile\nCMD npm start\n```\n\nSee the docs.\n'); return p; }, /README\.md: does not look like a Dockerfile/],
  ];
  if (process.getuid?.() !== 0) {
    cases.push(['unreadable file', () => { const p = join(tmp, 'locked'); writeFileSync(p, 'FROM alpine\n'); chmodSync(p, 0); return p; }, /locked: permission denied/]);
  }
  for (const [name, make, msg] of cases) {
    it(name, () => {
      const p = make();
      const t = run([p]);
      expect(t.code).toBe(2);
      expect(t.stdout + t.stderr).toMatch(msg);
      expect(t.stdout + t.stderr).not.toMatch(/\n\s+at /);
      const j = run(['--format', 'json', p]);
      expect(j.code).toBe(2);
      const doc = JSON.parse(j.stdout);
      expect(doc.targets[0].error.message).toMatch(msg);
      expect(doc.targets[0].findings).toEqual([]);
      expect(j.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('a Dockerfile whose first instruction has a typo is still a Dockerfile, with the typo reported', () => {
    const p = join(tmp, 'Dockerfile.typo');
    writeFileSync(p, 'FORM alpine:3.19\nRUN apk add --no-cache curl\nUSER 10001\nCMD ["curl", "--version"]\n');
    const doc = JSON.parse(run(['--format', 'json', p]).stdout);
    expect(doc.targets[0].error).toBeNull();
    expect(doc.targets[0].findings.map((f: { rule: string }) => f.rule)).toContain('correctness/unknown-instruction');
  });

  // As root (CI) every file is readable: run the CLI as nobody to see the unreadable-file message.
  const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  it.skipIf(!asNobody)('an unreadable file, run as another user than its owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-perm-'));
    chmodSync(dir, 0o755);
    // nobody may not be able to enter the checkout (a clone in root's home, or under a 0700
    // directory): the CLI it runs is a copy of the bundle in a directory everyone can read.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { mode: 0o755 });
    for (const f of readdirSync(join(root, 'dist'))) if (/^cli.*\.c?js$|\.wasm$/.test(f)) copyFileSync(join(root, 'dist', f), join(bin, f));
    const cli = join(bin, 'cli.js');
    const p = join(dir, 'Dockerfile');
    writeFileSync(p, 'FROM alpine:3.19\n');
    chmodSync(p, 0);
    for (const format of ['text', 'json']) {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cli, '--format', format, p], { cwd: '/', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HOME: dir } });
      expect(r.status).toBe(2);
      expect(r.stdout + r.stderr).toContain(`${p}: permission denied`);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
      if (format === 'json') {
        expect(r.stderr).toBe(`shipshape: ${p}: permission denied\n`);
        expect(JSON.parse(r.stdout).targets[0].error.message).toBe(`${p}: permission denied`);
      }
    }
  });

  it('an empty file is a Dockerfile with an error, reported as a finding', () => {
    const p = join(tmp, 'Dockerfile.empty');
    writeFileSync(p, '');
    const r = run(['--format', 'json', p]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).targets[0].findings.map((f: { rule: string }) => f.rule)).toEqual(['correctness/empty-file']);
  });

  it('an unknown flag and an unknown rule are usage errors', () => {
    const a = run(['--frobnicate', 'Dockerfile']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown option '--frobnicate'/);
    const b = run(['--ignore', 'no/such-rule', 'sample-images/node-app/Dockerfile']);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe('shipshape: --ignore no/such-rule: no such rule, category or peer id (see `shipshape rules`)');
  });
});

describe('shipshape rules and explain', () => {
  it('lists rules as JSON', () => {
    const doc = JSON.parse(run(['rules', '--format', 'json']).stdout);
    const r = doc.rules.find((x: { id: string }) => x.id === 'pid1/shell-form-command');
    expect(r).toEqual({ id: 'pid1/shell-form-command', category: 'pid1', severity: 'warning', title: expect.any(String), inputs: ['dockerfile', 'image'], aliases: ['DL3025', 'JSONArgsRecommended'], fixable: 'safe' });
  });

  it('explains a rule by id or peer id, as plain text or as the Markdown page', () => {
    const a = run(['explain', 'DL3025']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^pid1\/shell-form-command: CMD and ENTRYPOINT/);
    expect(a.stdout).toContain('\nBad\n    FROM ');
    expect(a.stdout).not.toMatch(/\]\(|\*\*|`/);
    const md = run(['explain', '--format', 'markdown', 'DL3025']);
    expect(md.stdout).toContain('# pid1/shell-form-command');
    expect(md.stdout).toContain('## Bad');
    expect(run(['explain', 'nope']).code).toBe(2);
  });

  it('explain takes any case, every peer spelling, categories and parts of names, and suggests', () => {
    for (const q of ['dl3025', 'PID1/SHELL-FORM-COMMAND', 'jsonargsrecommended']) expect(run(['explain', q]).stdout, q).toMatch(/^pid1\/shell-form-command:/);
    for (const q of ['DS-0002', 'AVD-DS-0002', 'ds002', 'CKV_DOCKER_8']) expect(run(['explain', q]).stdout, q).toMatch(/^user\/root-user:/);
    expect(run(['explain', 'no-init']).stdout).toMatch(/^pid1\/no-init:/);
    const cat = run(['explain', 'pid1']);
    expect(cat.code).toBe(0);
    expect(cat.stdout).toMatch(/^the pid1 category has \d+ rules:/);
    expect(cat.stdout).toMatch(/^ {2}pid1\/no-init +\w+ +/m);
    const part = run(['explain', 'exec']);
    expect(part.stdout).toMatch(/rules match "exec"/);
    expect(part.stdout).toContain('pid1/script-without-exec');
    const none = run(['explain', 'CKV2_DOCKER_17']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^shipshape: explain CKV2_DOCKER_17: no shipshape check covers Checkov's CKV2_DOCKER_17; closest: CKV2_DOCKER_1\d? \(/);
    const typo = run(['explain', 'pid1/shell-from-command']);
    expect(typo.stderr).toContain('closest: pid1/shell-form-command');
  });
});

describe('CLI habits', () => {
  it('the top-level help shows the check flags with examples; --version prints the version', () => {
    const h = run(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Flags of check \(the default command\):$/m);
    for (const flag of ['--format', '--fail-on', '--ignore', '--exclude', '--baseline', '--changed-since', '--no-color']) expect(h.stdout).toMatch(new RegExp(`^ {2}(-\\w, )?${flag} `, 'm'));
    expect(h.stdout).toMatch(/^Examples:\n {2}shipshape \./m);
    const v = run(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^0\.1\.0\nEOL table of \d{4}-\d{2}-\d{2} \(\d+ days? old[^)]*\)\n$/);
  });

  it('a directory is searched recursively: the repository\'s own samples, one level down', () => {
    const r = run(['--format', 'json', 'sample-images/']);
    expect(r.code).toBe(1);
    const paths = JSON.parse(r.stdout).targets.map((t: { path: string }) => t.path);
    expect(paths).toContain('sample-images/node-app/Dockerfile');
    expect(paths).toContain('sample-images/images/good/Dockerfile');
    expect(paths.length).toBeGreaterThan(20);
  });

  it('the footer counts a target that could not be read as such, not as a target without problems', () => {
    const one = run([join(tmp, 'nope')]);
    expect(one.stdout.trim().split('\n').pop()).toBe('1 target could not be read');
    const two = run(['sample-images/good-app/Dockerfile', join(tmp, 'nope')]);
    expect(two.stdout.trim().split('\n').pop()).toMatch(/^(no problems|\d+ problems? \(.*\)) in 1 target; 1 target could not be read$/);
  });

  it('colours only on a terminal, and never with --no-color or NO_COLOR', () => {
    // `script` gives the CLI a terminal; without it the test only checks the flags are accepted.
    const hasScript = spawnSync('script', ['--version']).status === 0;
    const onTty = (env: Record<string, string>, extra: string) =>
      spawnSync('script', ['-qec', `${process.execPath} ${cli} ${extra} sample-images/node-app/Dockerfile`, '/dev/null'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', ...env } }).stdout;
    if (hasScript) {
      expect(onTty({}, '')).toContain('\u001b[33mwarning');
      expect(onTty({}, '--no-color')).not.toContain('\u001b[');
      expect(onTty({ NO_COLOR: '1' }, '')).not.toContain('\u001b[');
    }
    expect(run(['--no-color', 'sample-images/node-app/Dockerfile']).stdout).not.toContain('\u001b[');
  });
});

describe('.pre-commit-hooks.yaml', () => {
  it('runs the package\'s bin on the files a directory run takes for Dockerfiles', async () => {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ id: 'shipshape', language: 'node', entry: Object.keys(pkg.bin)[0] });
    // pre-commit's patterns are Python's: `(?i)` at the start is JavaScript's `i` flag.
    const pattern = (p: string) => new RegExp(p.replace(/^\(\?i\)/, ''), p.startsWith('(?i)') ? 'i' : '');
    const files = pattern(hooks[0].files);
    const exclude = pattern(hooks[0].exclude);
    const { isDockerfileName } = await import('../src/repo/discover.js');
    const cases: [string, boolean][] = [
      ['Dockerfile', true], ['api/Dockerfile', true], ['dockerfile', true], ['Containerfile', true], ['web/app.Dockerfile', true], ['web/app.dockerfile', true],
      ['Dockerfile.prod', true], ['x/Dockerfile.dockerignore', false], ['README.md', false], ['Dockerfiles/x.txt', false], ['src/dockerfile.ts', false], ['Dockerfile.j2', false], ['Dockerfile~', false],
    ];
    for (const [p, want] of cases) {
      expect(files.test(p) && !exclude.test(p), p).toBe(want);
      expect(isDockerfileName(p.split('/').pop()!), p).toBe(want);
    }
  });
});
