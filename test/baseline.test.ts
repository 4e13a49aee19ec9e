/**
 * Baselines and --changed-since, through the bundled CLI: a run recorded, code moved so that every
 * line shifts, a new finding added: only the new one is reported.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintText } from '../src/engine/baseline.js';
import type { Finding } from '../src/engine/types.js';

const cli = join(import.meta.dirname, '..', 'dist/cli.js');

function run(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const findings = (cwd: string, args: string[]) =>
  (JSON.parse(run(cwd, ['--format', 'json', ...args]).stdout).targets as { path: string; findings: { rule: string; line: number }[] }[]).flatMap((t) => t.findings.map((f) => `${t.path}:${f.line} ${f.rule}`));

const APP = ['FROM node:latest', 'WORKDIR /app', 'COPY . .', 'RUN npm install', 'HEALTHCHECK CMD ["node", "health.js"]', 'CMD npm start', ''].join('\n');

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-baseline-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  return dir;
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
});

describe('shipshape baseline', () => {
  it('records a run; moved code stays matched; only a new finding is reported; fixed ones are counted as gone', () => {
    const dir = repo({ 'app/Dockerfile': APP, 'worker/Dockerfile': 'FROM alpine:3.20\nUSER 10001\nCMD ["worker"]\n' });
    const before = findings(dir, ['.']);
    expect(before.length).toBeGreaterThan(3);
    const w = run(dir, ['baseline', '.']);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(new RegExp(`^wrote \\.shipshape-baseline\\.json: ${before.length} findings in 2 files;`));
    const file = JSON.parse(readFileSync(join(dir, '.shipshape-baseline.json'), 'utf8'));
    expect(file.entries).toHaveLength(before.length);
    expect(file.entries[0]).toMatchObject({ rule: expect.any(String), file: expect.stringMatching(/^(app|worker)\/Dockerfile$/), fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });

    // Nothing new: exit 0, and the footer says what the baseline held back.
    const same = run(dir, ['--baseline', '.shipshape-baseline.json', '.']);
    expect(same.code).toBe(0);
    expect(same.stdout).toBe(`no problems in 2 targets\nbaseline .shipshape-baseline.json: ${before.length} findings already recorded (not shown)\n`);

    // Code moves: a comment block and an ARG on top shift every line; still nothing new.
    writeFileSync(join(dir, 'app/Dockerfile'), `# The app image.\n# Built by CI.\nARG NODE_ENV=production\n\n${APP}`);
    const moved = run(dir, ['--baseline', '.shipshape-baseline.json', '--format', 'json', '.']);
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout).baseline).toEqual([{ file: '.shipshape-baseline.json', matched: before.length, gone: 0 }]);

    // A new finding (EXPOSE 22) among the moved lines: it alone is reported, with its line.
    writeFileSync(join(dir, 'app/Dockerfile'), `# The app image.\n# Built by CI.\nARG NODE_ENV=production\n\n${APP.replace('CMD npm start', 'EXPOSE 22\nCMD npm start')}`);
    const added = run(dir, ['--baseline', '.shipshape-baseline.json', '.']);
    expect(added.code).toBe(1);
    expect(findings(dir, ['--baseline', '.shipshape-baseline.json', '.'])).toEqual(['app/Dockerfile:10 security/expose-ssh']);
    expect(added.stdout).toMatch(/^1 problem \(0 errors, 1 warning, 0 info\) in 2 targets$/m);

    // The shell-form CMD fixed: its entries are gone, and the run says so.
    writeFileSync(join(dir, 'app/Dockerfile'), `# The app image.\n# Built by CI.\nARG NODE_ENV=production\n\n${APP.replace('CMD npm start', 'CMD ["node", "server.js"]')}`);
    const fixed = run(dir, ['--baseline', '.shipshape-baseline.json', '.']);
    expect(fixed.stdout).toMatch(/; 2 entries gone \(fixed or changed\): `shipshape baseline` rewrites it$/m);
  });

  it('the config key names the baseline; a missing or broken baseline is one line and exit 2', () => {
    const dir = repo({ 'Dockerfile': APP });
    run(dir, ['baseline', '-o', 'ci/baseline.json']);
    writeFileSync(join(dir, '.shipshape.yaml'), 'baseline: ci/baseline.json\n');
    const r = run(dir, ['Dockerfile']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^baseline .*ci\/baseline\.json: \d+ findings already recorded/m);
    const missing = run(dir, ['--baseline', 'nope.json', 'Dockerfile']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('shipshape: --baseline nope.json: no such file (write one with `shipshape baseline`)\n');
    writeFileSync(join(dir, 'bad.json'), '{"entries": 3}');
    expect(run(dir, ['--baseline', 'bad.json', 'Dockerfile']).stderr).toMatch(/^shipshape: --baseline bad\.json: not a shipshape baseline/);
  });

  it('writes no baseline when a target cannot be read', () => {
    const dir = repo({ 'Dockerfile': APP });
    const r = run(dir, ['baseline', 'Dockerfile', 'missing/Dockerfile']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no baseline written');
    expect(existsSync(join(dir, '.shipshape-baseline.json'))).toBe(false);
  });
});

describe('--changed-since', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });

  it('reports only findings on lines changed since the ref, uncommitted and untracked files included', () => {
    const dir = repo({ 'app/Dockerfile': APP });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'one');
    expect(findings(dir, ['--changed-since', 'HEAD', '.'])).toEqual([]);
    // An edited line (uncommitted) brings back only its own finding.
    writeFileSync(join(dir, 'app/Dockerfile'), APP.replace('CMD npm start', 'CMD npm run serve'));
    expect(findings(dir, ['--changed-since', 'HEAD', '.'])).toEqual(['app/Dockerfile:6 pid1/shell-form-command', 'app/Dockerfile:6 pid1/package-manager-launcher']);
    // A file git does not track yet is new in full.
    writeFileSync(join(dir, 'Containerfile'), 'FROM alpine\nCMD sh\n');
    expect(findings(dir, ['--changed-since', 'HEAD', 'Containerfile'])).toEqual(findings(dir, ['Containerfile']));
    const bad = run(dir, ['--changed-since', 'no-such-ref', '.']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('shipshape: --changed-since no-such-ref: not a commit in this repository\n');
  });
});

describe('the text a fingerprint is about', () => {
  const finding = (line: number, rule = 'size/package-cache-left') => ({ rule, category: 'size', severity: 'warning', message: 'm', messageId: 'x', location: { kind: 'dockerfile', range: { line, column: 1, endLine: line, endColumn: 2 } } }) as unknown as Finding;
  it('is the span\'s lines, trimmed and with spaces collapsed; past 16 KB, their hash (fuzz campaign, seed 11: thousands of findings on one 200 KB line each hashed the whole line)', () => {
    const short = 'RUN   apt-get install   curl ';
    const long = `RUN ${'apt-get install curl && '.repeat(1000)}true`;
    const lines = ['FROM debian:12', short, long];
    const lineText = (_file: string | null, n: number): string | null => lines[n - 1] ?? null;
    expect(fingerprintText(finding(2), lineText)).toBe('\nRUN apt-get install curl');
    const text = fingerprintText(finding(3), lineText);
    expect(text).toMatch(/^\nsha256:[0-9a-f]{64}$/);
    // The same span gives the same text for every finding on it, and a different long line another.
    expect(fingerprintText(finding(3, 'cache/consecutive-run'), lineText)).toBe(text);
    const other = [...lines.slice(0, 2), long.replace('curl', 'wget')];
    expect(fingerprintText(finding(3), (_f, n) => other[n - 1] ?? null)).not.toBe(text);
  });
});
