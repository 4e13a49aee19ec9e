/**
 * ShellCheck through the bundled CLI, as a hadolint user meets it: `--shellcheck` and the config's
 * `shellcheck`, ShellCheck codes in `--ignore`, the config's `ignore` and `severity`, hadolint's
 * `ignored` and `override`, inline ignores, `explain SC2086`, one ShellCheck process per Dockerfile,
 * and a ShellCheck that fails. Needs Debian's shellcheck (in .ci/run's apt line); skipped without it.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { SHELLCHECK } from './helpers/tester.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  rule: string;
  severity: string;
  line: number;
  column: number;
  messageId: string;
  message: string;
  file?: string;
}
const findings = (stdout: string): JsonFinding[] => (JSON.parse(stdout).targets as { findings: JsonFinding[] }[]).flatMap((t) => t.findings);
const shellcheckOf = (stdout: string): string[] =>
  findings(stdout)
    .filter((f) => f.rule === 'correctness/shellcheck')
    .map((f) => `${f.line}:${f.column} ${f.severity} ${f.messageId}`);

/** A project whose Dockerfile has a `[[` in dash (SC3010) and whose entrypoint splits a variable (SC2086). */
function project(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-sc-'));
  const files: Record<string, string> = {
    Dockerfile: 'FROM debian:bookworm-slim\nRUN [[ -f /etc/os-release ]] && echo found\nRUN echo one\nRUN echo two\nCOPY entrypoint.sh /usr/local/bin/\nUSER 10001\nENTRYPOINT ["entrypoint.sh"]\n',
    'entrypoint.sh': '#!/bin/sh\nset -e\nchown -R $PUID /data\nexec "$@"\n',
    ...extra,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const BOTH = ['2:5 warning SC3010', '3:10 info SC2086'];

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
});

describe.skipIf(!SHELLCHECK)(SHELLCHECK ? 'ShellCheck through the CLI' : 'ShellCheck through the CLI (skipped: no shellcheck on the PATH)', () => {
  it('runs when shellcheck is on the PATH: RUN bodies at their Dockerfile position, the entrypoint script in its file', () => {
    const r = run(project(), ['--format', 'json', 'Dockerfile']);
    expect(shellcheckOf(r.stdout)).toEqual(BOTH);
    const inScript = findings(r.stdout).find((f) => f.messageId === 'SC2086')!;
    expect(inScript.file).toBe('entrypoint.sh');
    expect(inScript.message).toBe('SC2086: Double quote to prevent globbing and word splitting');
    // The text report names the code as the finding's message.
    expect(run(project(), ['Dockerfile']).stdout).toMatch(/2:5 +warning +correctness\/shellcheck +SC3010: In dash, \[\[ \]\] is not supported/);
  });

  it('--shellcheck off, the config\'s shellcheck: off, and --shellcheck on overriding the config', () => {
    expect(shellcheckOf(run(project(), ['--format', 'json', '--shellcheck', 'off', 'Dockerfile']).stdout)).toEqual([]);
    const off = project({ '.shipshape.yaml': 'shellcheck: off\n' });
    expect(shellcheckOf(run(off, ['--format', 'json', 'Dockerfile']).stdout)).toEqual([]);
    expect(shellcheckOf(run(off, ['--format', 'json', '--shellcheck', 'on', 'Dockerfile']).stdout)).toEqual(BOTH);
    const bad = run(project({ '.shipshape.yaml': 'shellcheck: sometimes\n' }), ['Dockerfile']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\.shipshape\.yaml.*shellcheck/);
  });

  it('--shellcheck PATH names the executable; a wrong path or `on` without one is a usage error (exit 2, one line)', () => {
    const dir = project();
    expect(shellcheckOf(run(dir, ['--format', 'json', '--shellcheck', SHELLCHECK!, 'Dockerfile']).stdout)).toEqual(BOTH);
    const missing = run(dir, ['--shellcheck', '/nonexistent/shellcheck', 'Dockerfile']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('shipshape: --shellcheck /nonexistent/shellcheck: no executable file there\n');
    // A PATH holding node but no shellcheck.
    const bare = mkdtempSync(join(tmpdir(), 'shipshape-path-'));
    const noShellcheck = [dirname(process.execPath), bare].join(delimiter);
    if (!existsSync(join(dirname(process.execPath), 'shellcheck'))) {
      const on = run(dir, ['--shellcheck', 'on', 'Dockerfile'], { PATH: noShellcheck });
      expect(on.code).toBe(2);
      expect(on.stderr).toMatch(/^shipshape: --shellcheck: on, but there is no shellcheck on the PATH \(install it/);
      expect(on.stderr.trim().split('\n')).toHaveLength(1);
      // auto without one: the run goes on, without ShellCheck's findings.
      const auto = run(dir, ['--format', 'json', 'Dockerfile'], { PATH: noShellcheck });
      expect(auto.code).toBe(1);
      expect(shellcheckOf(auto.stdout)).toEqual([]);
    }
  });

  it('ShellCheck codes in --ignore, the config\'s ignore and severity, and the whole check by its id', () => {
    expect(shellcheckOf(run(project(), ['--format', 'json', '--ignore', 'sc3010', 'Dockerfile']).stdout)).toEqual(['3:10 info SC2086']);
    expect(shellcheckOf(run(project({ '.shipshape.yaml': 'ignore: [SC2086]\n' }), ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['2:5 warning SC3010']);
    const sev = project({ '.shipshape.yaml': 'severity:\n  SC3010: info\n  SC2086: warning\n' });
    expect(shellcheckOf(run(sev, ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['2:5 info SC3010', '3:10 warning SC2086']);
    const all = project({ '.shipshape.yaml': 'severity:\n  correctness/shellcheck: error\n' });
    expect(shellcheckOf(run(all, ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['2:5 error SC3010', '3:10 error SC2086']);
    expect(shellcheckOf(run(project(), ['--format', 'json', '--ignore', 'correctness/shellcheck', 'Dockerfile']).stdout)).toEqual([]);
    // A code that is no ShellCheck code is still an unknown name.
    const unknown = run(project(), ['--ignore', 'SC20866', 'Dockerfile']);
    expect(unknown.code).toBe(2);
  });

  it(".hadolint.yaml's ignored and override name ShellCheck codes as hadolint users write them", () => {
    const dir = project({ '.hadolint.yaml': 'ignored:\n  - SC3010\noverride:\n  warning:\n    - SC2086\n' });
    expect(shellcheckOf(run(dir, ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['3:10 warning SC2086']);
  });

  it('inline ignores: hadolint\'s and shipshape\'s name the code; one that silences nothing is not reported, since ShellCheck may be absent', () => {
    const dir = project({
      Dockerfile: 'FROM debian:bookworm-slim\n# hadolint ignore=SC3010\nRUN [[ -f /etc/os-release ]] && echo found\n# shipshape ignore=SC2164\nRUN echo nothing to silence\nUSER 10001\nCMD ["sleep", "1"]\n',
    });
    const r = run(dir, ['--format', 'json', 'Dockerfile']);
    expect(shellcheckOf(r.stdout)).toEqual([]);
    expect(findings(r.stdout).filter((f) => f.rule === 'correctness/unused-ignore')).toEqual([]);
  });

  it('one shellcheck process per Dockerfile, however many RUNs and scripts it has', () => {
    const dir = project();
    const log = join(dir, 'calls.log');
    const wrapper = join(dir, 'shellcheck-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\necho call >> '${log}'\nexec '${SHELLCHECK}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const r = run(dir, ['--format', 'json', '--shellcheck', wrapper, 'Dockerfile']);
    expect(shellcheckOf(r.stdout)).toEqual(BOTH);
    expect(readFileSync(log, 'utf8')).toBe('call\n');
  });

  it('a shellcheck that fails is a note on stderr; the other checks still report and the JSON stays valid', () => {
    const dir = project();
    const broken = join(dir, 'broken-shellcheck');
    writeFileSync(broken, '#!/bin/sh\necho "not JSON"\nexit 1\n');
    chmodSync(broken, 0o755);
    const r = run(dir, ['--format', 'json', '--shellcheck', broken, 'Dockerfile']);
    // Without ShellCheck's warning, only info findings are left: exit 0.
    expect(r.code).toBe(0);
    expect(shellcheckOf(r.stdout)).toEqual([]);
    expect(findings(r.stdout).map((f) => f.rule)).toContain('tags/no-digest');
    expect(r.stderr).toMatch(/^shipshape: note: Dockerfile: ShellCheck: shellcheck \(.*broken-shellcheck\) printed no JSON \(is it ShellCheck 0\.7 or newer\?\)$/m);
  });

  it('a body too large for ShellCheck (a generated RUN of 600 expansions) is left out with a note; the others are checked', () => {
    const huge = `RUN echo ${Array.from({ length: 600 }, (_, i) => `$V${i}`).join(' ')}\n`;
    const dir = project({ Dockerfile: `FROM debian:bookworm-slim\n${huge}RUN [[ -f /etc/os-release ]] && echo found\nUSER 10001\nCMD ["sleep", "1"]\n` });
    const r = run(dir, ['--format', 'json', 'Dockerfile']);
    expect(shellcheckOf(r.stdout)).toEqual(['3:5 warning SC3010']);
    expect(r.stderr).toBe('shipshape: note: Dockerfile: ShellCheck: 1 shell body too large for ShellCheck (over 64 KB or 500 expansions); not checked\n');
  });

  it('explain takes a ShellCheck code', () => {
    const r = run(root, ['explain', 'sc2086']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SC2086 is ShellCheck's, reported by correctness\/shellcheck; what it means: https:\/\/www\.shellcheck\.net\/wiki\/SC2086\n/);
    expect(r.stdout).toContain('correctness/shellcheck: RUN bodies and entrypoint scripts pass ShellCheck');
  });
});
