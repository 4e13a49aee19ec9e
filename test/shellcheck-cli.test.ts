/**
 * ShellCheck through the bundled CLI, as a hadolint user meets it: findings reported as
 * `shellcheck/SC2086` in every format, `--shellcheck` and the config's `shellcheck`, ShellCheck codes
 * (`shellcheck/SC2086`, `SC2086`) in `--ignore`, the config's `ignore` and `severity`, hadolint's
 * `ignored` and `override`, inline ignores, `explain`, `rules`, a baseline written before the findings
 * took ShellCheck's ids, one ShellCheck process per Dockerfile, and a ShellCheck that fails. Needs
 * Debian's shellcheck (in .ci/run's apt line); skipped without it.
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
  check?: string;
  category: string;
  severity: string;
  line: number;
  column: number;
  messageId: string;
  message: string;
  file?: string;
}
const findings = (stdout: string): JsonFinding[] => (JSON.parse(stdout).targets as { findings: JsonFinding[] }[]).flatMap((t) => t.findings);
/** ShellCheck's findings: those its check reported, as `line:column severity rule`. */
const shellcheckOf = (stdout: string): string[] =>
  findings(stdout)
    .filter((f) => f.check === 'correctness/shellcheck')
    .map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule}`);

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

const BOTH = ['2:5 warning shellcheck/SC3010', '3:10 info shellcheck/SC2086'];

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
});

describe.skipIf(!SHELLCHECK)(SHELLCHECK ? 'ShellCheck through the CLI' : 'ShellCheck through the CLI (skipped: no shellcheck on the PATH)', () => {
  it('runs when shellcheck is on the PATH: RUN bodies at their Dockerfile position, the entrypoint script in its file', () => {
    const r = run(project(), ['--format', 'json', 'Dockerfile']);
    expect(shellcheckOf(r.stdout)).toEqual(BOTH);
    const inScript = findings(r.stdout).find((f) => f.rule === 'shellcheck/SC2086')!;
    expect(inScript.file).toBe('entrypoint.sh');
    // The rule is ShellCheck's code; the category, the check beside it, the code as the message id, ShellCheck's words as the message.
    expect(inScript).toMatchObject({ rule: 'shellcheck/SC2086', check: 'correctness/shellcheck', category: 'correctness', messageId: 'SC2086', message: 'Double quote to prevent globbing and word splitting' });
    // No finding is reported under the check's own id any more; other findings carry no `check`.
    expect(findings(r.stdout).filter((f) => f.rule === 'correctness/shellcheck')).toEqual([]);
    expect(findings(r.stdout).find((f) => f.rule === 'tags/no-digest')!.check).toBeUndefined();
    // The text report names the code as the finding's rule.
    const text = run(project(), ['Dockerfile']).stdout;
    expect(text).toMatch(/^ {2}2:5 +warning +shellcheck\/SC3010 +In dash, \[\[ \]\] is not supported$/m);
    expect(text).toMatch(/^ {2}3:10 +info +shellcheck\/SC2086 +Double quote to prevent globbing and word splitting$/m);
    expect(text).not.toContain('correctness/shellcheck');
  });

  it('every other format names the finding shellcheck/SC3010 and links ShellCheck\'s page for the code', () => {
    const dir = project();
    const as = (format: string): string => run(dir, ['--format', format, 'Dockerfile']).stdout;
    expect(as('markdown')).toContain('| 🟠 warning | [`shellcheck/SC3010`](https://www.shellcheck.net/wiki/SC3010) | 2:5 | In dash, [[ ]] is not supported |');
    expect(as('github')).toMatch(/^::warning file=Dockerfile,line=2,col=5,endColumn=29,title=shellcheck\/SC3010 \(warning\)::In dash, \[\[ \]\] is not supported$/m);
    expect(as('checkstyle')).toContain('source="shipshape.shellcheck.SC3010"');
    expect(as('junit')).toContain('<testcase name="shellcheck/SC3010 Dockerfile:2:5"');
    const gitlab = JSON.parse(as('gitlab')) as { check_name: string; location: { path: string } }[];
    expect(gitlab.filter((i) => i.check_name.startsWith('shellcheck/')).map((i) => `${i.check_name} ${i.location.path}`)).toEqual(['shellcheck/SC3010 Dockerfile', 'shellcheck/SC2086 entrypoint.sh']);
    for (const format of ['markdown', 'github', 'checkstyle', 'junit', 'gitlab']) expect(as(format)).not.toContain('correctness/shellcheck');
  });

  it('a baseline written when the findings were correctness/shellcheck still matches them; a new baseline records shellcheck/SC…', () => {
    const dir = project();
    // As `shipshape baseline` wrote it before ShellCheck's findings took ShellCheck's ids (the fingerprints are the same).
    writeFileSync(
      join(dir, 'old-baseline.json'),
      '{"tool": "shipshape", "version": 1, "entries": [\n' +
        '  {"rule":"correctness/shellcheck","file":"Dockerfile","fingerprint":"88bfb18be9c729a8","line":2,"message":"SC3010: In dash, [[ ]] is not supported"},\n' +
        '  {"rule":"correctness/shellcheck","file":"Dockerfile","fingerprint":"58e9f81082c0f65d","line":3,"message":"SC2086: Double quote to prevent globbing and word splitting"}\n' +
        ']}\n',
    );
    const withOld = run(dir, ['--format', 'json', '--baseline', 'old-baseline.json', 'Dockerfile']).stdout;
    expect(shellcheckOf(withOld)).toEqual([]);
    expect((JSON.parse(withOld) as { baseline: unknown }).baseline).toEqual([{ file: 'old-baseline.json', matched: 2, gone: 0 }]);
    // A new baseline names the codes.
    expect(run(dir, ['baseline', 'Dockerfile']).code).toBe(0);
    const entries = (JSON.parse(readFileSync(join(dir, '.shipshape-baseline.json'), 'utf8')) as { entries: { rule: string; fingerprint: string }[] }).entries;
    expect(entries.filter((e) => e.rule.startsWith('shellcheck/')).map((e) => `${e.rule} ${e.fingerprint}`)).toEqual(['shellcheck/SC3010 88bfb18be9c729a8', 'shellcheck/SC2086 58e9f81082c0f65d']);
    expect(shellcheckOf(run(dir, ['--format', 'json', '--baseline', '.shipshape-baseline.json', 'Dockerfile']).stdout)).toEqual([]);
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

  it('ShellCheck codes in --ignore, the config\'s ignore and severity (shellcheck/SC2086 or SC2086, any case), and the whole check by its id', () => {
    const dir = project();
    const ignoring = (...names: string[]): string[] => shellcheckOf(run(dir, ['--format', 'json', ...names.flatMap((n) => ['--ignore', n]), 'Dockerfile']).stdout);
    for (const one of ['shellcheck/SC3010', 'SC3010', 'sc3010', 'ShellCheck/sc3010']) expect(ignoring(one)).toEqual(['3:10 info shellcheck/SC2086']);
    expect(ignoring('shellcheck/SC2086')).toEqual(['2:5 warning shellcheck/SC3010']);
    // Every code: the check's id, or the rules' prefix (as a category names its rules).
    expect(ignoring('correctness/shellcheck')).toEqual([]);
    expect(ignoring('shellcheck')).toEqual([]);
    expect(ignoring('shellcheck/SC3010', 'SC2086')).toEqual([]);
    expect(shellcheckOf(run(project({ '.shipshape.yaml': 'ignore: [shellcheck/SC2086]\n' }), ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['2:5 warning shellcheck/SC3010']);
    expect(shellcheckOf(run(project({ '.shipshape.yaml': 'ignore: [SC2086]\n' }), ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['2:5 warning shellcheck/SC3010']);
    const sev = project({ '.shipshape.yaml': 'severity:\n  shellcheck/SC3010: info\n  SC2086: warning\n' });
    expect(shellcheckOf(run(sev, ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['2:5 info shellcheck/SC3010', '3:10 warning shellcheck/SC2086']);
    const all = project({ '.shipshape.yaml': 'severity:\n  correctness/shellcheck: error\n' });
    expect(shellcheckOf(run(all, ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['2:5 error shellcheck/SC3010', '3:10 error shellcheck/SC2086']);
    // A code that is no ShellCheck code is still an unknown name, in either spelling.
    for (const bad of ['SC20866', 'shellcheck/SC20866', 'shellcheck/DL3008']) {
      const unknown = run(dir, ['--ignore', bad, 'Dockerfile']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(new RegExp(`^shipshape: --ignore ${bad}: no `));
    }
    const badConfig = run(project({ '.shipshape.yaml': 'severity:\n  shellcheck/SC99: info\n' }), ['Dockerfile']);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/severity\.shellcheck\/SC99: no such rule/);
  });

  it(".hadolint.yaml's ignored and override name ShellCheck codes as hadolint users write them", () => {
    const dir = project({ '.hadolint.yaml': 'ignored:\n  - SC3010\noverride:\n  warning:\n    - SC2086\n' });
    expect(shellcheckOf(run(dir, ['--format', 'json', 'Dockerfile']).stdout)).toEqual(['3:10 warning shellcheck/SC2086']);
  });

  it('inline ignores: hadolint\'s and shipshape\'s name the code, in either spelling; one that silences nothing is not reported, since ShellCheck may be absent', () => {
    const body = 'RUN [[ -f /etc/os-release ]] && echo found\n';
    const dir = project({
      Dockerfile: `FROM debian:bookworm-slim\n# hadolint ignore=SC3010\n${body}# shipshape ignore=shellcheck/SC3010\n${body}# shipshape ignore=SC3010 -- dash is not used here\n${body}# shipshape ignore=correctness/shellcheck\n${body}# shipshape ignore=shellcheck\n${body}# shipshape ignore=shellcheck/SC2164,SC2039\nRUN echo nothing to silence\n# hadolint ignore=SC2086\n${body}USER 10001\nCMD ["sleep", "1"]\n`,
    });
    const r = run(dir, ['--format', 'json', 'Dockerfile']);
    // Only the RUN under an ignore of another code keeps its finding.
    expect(shellcheckOf(r.stdout)).toEqual(['15:5 warning shellcheck/SC3010']);
    expect(findings(r.stdout).filter((f) => f.rule === 'correctness/unused-ignore')).toEqual([]);
    // An unknown code in a shipshape pragma is reported as one.
    const typo = run(project({ Dockerfile: `FROM debian:bookworm-slim\n# shipshape ignore=shellcheck/SC30100\n${body}USER 10001\nCMD ["sleep", "1"]\n` }), ['--format', 'json', 'Dockerfile']);
    expect(findings(typo.stdout).filter((f) => f.rule === 'correctness/unused-ignore').map((f) => `${f.line} ${f.messageId}`)).toEqual(['2 unknownRule']);
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
    expect(shellcheckOf(r.stdout)).toEqual(['3:5 warning shellcheck/SC3010']);
    expect(r.stderr).toBe('shipshape: note: Dockerfile: ShellCheck: 1 shell body too large for ShellCheck (over 64 KB or 500 expansions); not checked\n');
  });

  it('explain takes a ShellCheck code in either spelling, and the check; rules lists the check once with its findings\' ids', () => {
    for (const name of ['sc2086', 'SC2086', 'shellcheck/SC2086', 'Shellcheck/sc2086']) {
      const r = run(root, ['explain', name]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^shellcheck\/SC2086 is ShellCheck's SC2086, reported by correctness\/shellcheck; what it means: https:\/\/www\.shellcheck\.net\/wiki\/SC2086\n\n/);
      expect(r.stdout).toContain('correctness/shellcheck: RUN bodies and entrypoint scripts pass ShellCheck');
    }
    for (const name of ['correctness/shellcheck', 'shellcheck']) {
      const page = run(root, ['explain', name]).stdout;
      expect(page).toMatch(/^correctness\/shellcheck: RUN bodies and entrypoint scripts pass ShellCheck\ncategory correctness, default severity info, reads dockerfile; findings reported as shellcheck\/SCnnnn\n/);
      expect(page).toContain('Silence one code on one instruction with # shipshape ignore=shellcheck/SC2086 on the line above');
    }
    expect(run(root, ['explain', 'shellcheck/SC20866']).code).toBe(2);
    const rules = run(root, ['rules']).stdout.split('\n').filter((l) => l.includes('shellcheck'));
    expect(rules).toEqual([expect.stringMatching(/^correctness\/shellcheck +info +RUN bodies and entrypoint scripts pass ShellCheck {2}\(findings: shellcheck\/SCnnnn\)$/)]);
    const json = (JSON.parse(run(root, ['rules', '--format', 'json']).stdout) as { rules: { id: string; findingRules?: string }[] }).rules;
    expect(json.filter((r) => r.findingRules)).toEqual([expect.objectContaining({ id: 'correctness/shellcheck', findingRules: 'shellcheck/SCnnnn' })]);
  });
});
