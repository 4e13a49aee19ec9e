/** `--fix`, `--fix-unsafe` and `--diff` with the bundled CLI, on files in a temporary directory; the fix in the JSON and SARIF reports. */
import { describe, expect, it, beforeEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFixes } from '../../src/fix/apply.js';
import { unifiedDiff } from '../../src/fix/diff.js';

const cli = join(import.meta.dirname, '..', '..', 'dist/cli.js');
let dir = '';

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DOCKERFILE = 'FROM debian:12\n# tools\nRUN apt-get update && apt-get install curl\nCOPY entrypoint.sh /usr/local/bin/\nUSER 1000\nENTRYPOINT ["entrypoint.sh"]\nCMD ["sh", "-c", "migrate && server"]\n';
const SCRIPT = '#!/bin/sh\nset -e\n"$@"\n';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-fix-'));
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'entrypoint.sh'), SCRIPT);
});

describe('shipshape --fix', () => {
  it('rewrites the Dockerfile and the entrypoint script, then reports what is left', () => {
    const r = run(['--fix', 'Dockerfile']);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(
      'FROM debian:12\n# tools\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nCOPY entrypoint.sh /usr/local/bin/\nUSER 1000\nENTRYPOINT ["entrypoint.sh"]\nCMD ["sh", "-c", "migrate && exec server"]\n',
    );
    expect(readFileSync(join(dir, 'entrypoint.sh'), 'utf8')).toBe('#!/bin/sh\nset -e\nexec "$@"\n');
    expect(r.stderr).toMatch(/^shipshape: fixed 5 problems in Dockerfile, entrypoint\.sh\n$/);
    expect(r.stdout).not.toContain('install-without-yes');
    expect(r.stdout).toContain('tags/no-digest');
    // Nothing left to fix: a second run changes nothing.
    const again = run(['--fix', 'Dockerfile']);
    expect(again.stderr).toBe('');
    expect(readFileSync(join(dir, 'entrypoint.sh'), 'utf8')).toBe('#!/bin/sh\nset -e\nexec "$@"\n');
  });

  it('--diff prints both files as a unified diff, writes nothing, exits 1', () => {
    const r = run(['--diff', 'Dockerfile']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('--- a/Dockerfile\n+++ b/Dockerfile\n');
    expect(r.stdout).toContain('--- a/entrypoint.sh\n+++ b/entrypoint.sh\n@@ -1,3 +1,3 @@\n #!/bin/sh\n set -e\n-"$@"\n+exec "$@"\n');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(DOCKERFILE);
    // The diff applies with patch(1) to the same result --fix writes.
    const patch = spawnSync('patch', ['-p1', '--dry-run'], { cwd: dir, input: r.stdout, encoding: 'utf8' });
    if (patch.error === undefined) expect(patch.status, patch.stdout + patch.stderr).toBe(0);
  });

  it('--fix-unsafe also applies suggested fixes; --fix does not', () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:12\nRUN cd /src && make\n');
    run(['--fix', 'Dockerfile']);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM debian:12\nRUN cd /src && make\n');
    run(['--fix-unsafe', 'Dockerfile']);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM debian:12\nWORKDIR /src\nRUN make\n');
  });

  it('--diff with nothing to fix exits 0 and prints nothing', () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:3.20@sha256:' + 'a'.repeat(64) + '\nUSER 1000\nCMD ["/app"]\n');
    const r = run(['--diff', 'Dockerfile']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });

  it('--fix on stdin is a usage error; --diff on stdin works', () => {
    expect(run(['--fix', '-'], 'FROM alpine\nCMD app\n')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^shipshape: --fix: a Dockerfile read from stdin cannot be rewritten/) });
    expect(run(['--diff', '-'], 'FROM alpine:3.20\nUSER 1000\nCMD app\n').stdout).toContain('+CMD ["app"]');
  });

  it('says in every format whether a finding has a fix', () => {
    const json = JSON.parse(run(['--format', 'json', 'Dockerfile']).stdout);
    const yes = json.targets[0].findings.find((f: { rule: string }) => f.rule === 'correctness/install-without-yes');
    expect(yes.fixable).toBe('safe');
    expect(yes.fix).toEqual({ kind: 'safe', title: 'Add -y', edits: [{ line: 3, column: 38, endLine: 3, endColumn: 38, text: ' -y' }] });
    expect(json.targets[0].findings.find((f: { rule: string }) => f.rule === 'tags/no-digest').fixable).toBe('none');
    const script = json.targets[0].findings.find((f: { rule: string }) => f.rule === 'pid1/script-without-exec');
    expect(script.fix.edits).toEqual([{ file: 'entrypoint.sh', line: 3, column: 1, endLine: 3, endColumn: 1, text: 'exec ' }]);
    const sarif = JSON.parse(run(['--format', 'sarif', 'Dockerfile']).stdout);
    const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'pid1/script-without-exec');
    expect(res.fixes).toEqual([{ description: { text: 'Write exec "$@" (safe)' }, artifactChanges: [{ artifactLocation: { uri: 'entrypoint.sh' }, replacements: [{ deletedRegion: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 1 }, insertedContent: { text: 'exec ' } }] }] }]);
    const text = run(['Dockerfile']).stdout;
    expect(text).toMatch(/install-without-yes .* \[fix\]$/m);
    expect(text).toMatch(/fixable with --fix\n$/);
    expect(run(['--format', 'github', 'Dockerfile']).stdout).toMatch(/title=correctness\/install-without-yes \(error\)::.* \(fixable with --fix\)$/m);
    expect(run(['--format', 'markdown', 'Dockerfile']).stdout).toContain('(fix: `--fix`)');
  });
});

describe('--fix with image archives in the same run', () => {
  const built = join(import.meta.dirname, '..', '..', 'sample-images', 'built');
  it('pins FROM to the digest an OCI archive of that tag records', () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM shipshape-sample/user-named:1.0.0\nUSER 1000\nCMD ["/app/serve"]\n');
    const r = run(['--fix', 'Dockerfile', join(built, 'user-named.oci.tar')]);
    expect(r.stderr).toContain('fixed 1 problem in Dockerfile');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM shipshape-sample/user-named:1.0.0@sha256:7c467a83e68593fa26951940b1799113a3a92d6248ce802b8a4c793df89f64fe\nUSER 1000\nCMD ["/app/serve"]\n');
  });

  it('writes USER as the UID the built image\'s /etc/passwd gives (--fix --dockerfile)', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'sample-images', 'images', 'user-named', 'Dockerfile'), 'utf8');
    writeFileSync(join(dir, 'Dockerfile'), text);
    writeFileSync(join(dir, 'serve'), '#!/bin/sh\n');
    const r = run(['--fix', '--dockerfile', 'Dockerfile', join(built, 'user-named.oci.tar')]);
    expect(r.stderr).toMatch(/fixed \d+ problems? in Dockerfile/);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(text.replace('USER app\n', 'USER 10001\n'));
  });
});

describe('the fix engine', () => {
  const at = (line: number, column: number, endColumn = column) => ({ line, column, endLine: line, endColumn });
  it('applies edits of several fixes, counts identical ones once, leaves overlapping ones for the next pass', () => {
    const files = new Map([['', 'abc def\nghi\n']]);
    const r = applyFixes(files, [
      { kind: 'safe', title: 'a', edits: [{ range: at(1, 1, 4), text: 'ABC' }] },
      { kind: 'safe', title: 'b', edits: [{ range: at(1, 2, 6), text: 'x' }] },
      { kind: 'safe', title: 'c', edits: [{ range: at(2, 4), text: '!' }] },
      { kind: 'safe', title: 'd', edits: [{ range: at(2, 4), text: '!' }] },
      { kind: 'safe', title: 'e', edits: [{ range: at(1, 4), text: '?' }] },
    ]);
    expect(r.files.get('')).toBe('ABC def\nghi!\n');
    expect(r.applied.map((f) => f.title)).toEqual(['a', 'c', 'd']);
    expect(r.skipped.map((f) => f.title).sort()).toEqual(['b', 'e']);
  });

  it('skips a fix whose edit points outside its file, and a fix for a file it was not given', () => {
    const r = applyFixes(new Map([['', 'ab\n']]), [
      { kind: 'safe', title: 'a', edits: [{ range: at(1, 9), text: 'x' }] },
      { kind: 'safe', title: 'b', edits: [{ range: at(1, 1), text: 'x', file: 'missing.sh' }] },
    ]);
    expect(r.files.get('')).toBe('ab\n');
    expect(r.applied).toEqual([]);
  });

  it('writes unified diffs with context and a missing final newline marked', () => {
    expect(unifiedDiff('f', 'a\nb\nc\n', 'a\nB\nc\n')).toBe('--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    expect(unifiedDiff('f', 'a', 'b')).toBe('--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n');
    const long = Array.from({ length: 30 }, (_, i) => `l${i}\n`).join('');
    const changed = long.replace('l2\n', 'L2\n').replace('l25\n', 'L25\n');
    expect(unifiedDiff('f', long, changed).match(/^@@/gm)).toHaveLength(2);
    expect(unifiedDiff('f', 'x\n', 'x\n')).toBe('');
  });
});
