/**
 * Pathological but valid Dockerfiles (found by generating them): each once ran out of memory or
 * took minutes because some step was quadratic or exponential in the input. Each case must finish
 * and still give the right answer. The timeouts are far above what any case needs, so that a busy
 * machine cannot fail them: they only stop a hang. How fast each input runs is the fuzzer's contract
 * (`npm run fuzz`), not a test's.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, MAX_SHELL_COMMANDS } from '../src/dockerfile/parse.js';
import { varsBefore } from '../src/dockerfile/var-use.js';
import { expand, MAX_SUBSTITUTED } from '../src/dockerfile/vars.js';
import { yamlNestingDepth } from '../src/util/nesting.js';

const root = join(import.meta.dirname, '..');
/** Long enough for any case on a machine running other jobs; only a hang reaches it. */
const HANG = 600_000;
const cli = join(root, 'dist/cli.js');
let tmp = '';

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  tmp = mkdtempSync(join(tmpdir(), 'shipshape-robust-'));
});

/** Runs the CLI with --format json on a Dockerfile (in its own directory, the build context). */
function analyze(name: string, text: string, context: Record<string, string> = {}) {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, body] of Object.entries(context)) writeFileSync(join(dir, f), body);
  writeFileSync(join(dir, 'Dockerfile'), text);
  const r = spawnSync(process.execPath, [cli, '--format', 'json', join(dir, 'Dockerfile')], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: HANG });
  // A generated Dockerfile of thousands of RUNs is not given to ShellCheck (it would take minutes): a note says so.
  // A check reports at most 1,000 findings per file (MAX_FINDINGS_PER_CHECK): a note counts the rest.
  const omitted: Record<string, number> = {};
  const stderr = r.stderr
    .replace(/^shipshape: note: .*: ShellCheck: .*; not checked\n/gm, '')
    .replace(/^shipshape: note: .*: ([\d,]+) shell (?:body or script|bodies or scripts) not read: past what one Dockerfile is read for .*\n/gm, (_, n: string) => {
      omitted['unread shell bodies'] = Number(n.replace(/,/g, ''));
      return '';
    })
    .replace(/^shipshape: note: .*: ([\d,]+) more findings of (\S+) not reported \(at most 1,000 per rule and file\)\n/gm, (_, n: string, rule: string) => {
      omitted[rule] = Number(n.replace(/,/g, ''));
      return '';
    });
  expect(stderr).toBe('');
  expect([0, 1]).toContain(r.status);
  const doc = JSON.parse(r.stdout);
  expect(doc.targets[0].error).toBeNull();
  return Object.assign(doc.targets[0].findings as { rule: string; line: number; message: string }[], { omitted });
}

const lines = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('');

describe('variables', { timeout: HANG + 30_000 }, () => {
  it('values that double with each ENV are not computed past a bound (was: internal error, Invalid string length)', () => {
    const text = 'FROM alpine:3.20\nENV A0=x\n' + lines(60, (i) => `ENV A${i + 1}=\${A${i}}\${A${i}}\n`) + 'USER 10001\nCMD ["sh"]\n';
    const f = buildModel(text);
    const last = f.instructions.at(-3)!;
    expect(last.vars.get('A10')).toBe('x'.repeat(1024));
    expect(last.vars.get('A12')).toBe('x'.repeat(4096));
    // A13 would take 8192 characters: unknown, and so is everything built from it
    expect(last.vars.get('A13')).toBeNull();
    expect(last.vars.get('A60')).toBe('');
    expect(expand('$A12$A12', last.vars)).toMatchObject({ value: 'x'.repeat(4096), unresolved: true, tooLong: true });
    expect(MAX_SUBSTITUTED).toBe(4096);
    analyze('env-doubling', text);
  });

  it('20k chained ARGs resolve, each instruction seeing only what came before (was, at 30k: 4 GB and out of memory)', () => {
    const n = 20000;
    const text = 'FROM alpine:3.20\nARG A0=x\n' + lines(n, (i) => `ARG A${i + 1}=$A${i}\n`) + `RUN echo ${lines(n, (i) => `$A${i} `)}\nUSER 10001\n`;
    const f = buildModel(text);
    const run = f.instructions.find((i) => i.keyword === 'RUN')!;
    expect(run.vars.get(`A${n}`)).toBe('x');
    const mid = f.instructions[1000]!;
    expect(mid.vars.get('A998')).toBe('x');
    expect(mid.vars.has('A999')).toBe(true);
    expect(mid.vars.has('A1000')).toBe(false);
    expect(varsBefore(f, mid).has('A999')).toBe(false);
    expect(varsBefore(f, mid).get('A998')).toBe('x');
    const findings = analyze('arg-chain', text);
    expect(findings.filter((x) => x.rule === 'correctness/undefined-var')).toEqual([]);
  });

  it('a stage inherits the variables of the stage it is built on, through a chain of 20k stages', () => {
    const n = 20000;
    const text = 'FROM alpine:3.20 AS s0\nARG BASE=1.0\n' + lines(n, (i) => `FROM s${i} AS s${i + 1}\n${i % 1000 === 0 ? `ENV E${i}=$BASE-${i}\n` : ''}`) + 'ARG LATE\nENV Y=$BASE\n';
    const f = buildModel(text);
    const last = f.instructions.at(-1)!;
    expect(last.vars.get('Y')).toBe('1.0');
    expect(last.vars.get('E19000')).toBe('1.0-19000');
    expect(last.vars.get('TARGETARCH')).toBeNull();
    const keys = [...last.vars.keys()];
    expect(keys).toContain('BASE');
    expect(new Set(keys).size).toBe(keys.length);
    expect(last.vars.size).toBe(8 + 1 + 20 + 2);
    expect(varsBefore(f, f.instructions.at(-2)!).get('E0')).toBe('1.0-0');
    expect(varsBefore(f, f.instructions.at(-2)!).has('LATE')).toBe(false);
  });

  it('thousands of unknown names next to thousands of ARGs are still reported', () => {
    const text = 'FROM scratch\n' + lines(15000, (i) => `ARG Defined_${i}=1\n`) + lines(5000, (i) => `COPY $unknown_${i}_zzzzz /x\n`) + 'USER 10001\n';
    const all = analyze('many-unknown', text);
    const undef = all.filter((x) => x.rule === 'correctness/undefined-var');
    // The first 1,000 reported, the other 4,000 counted in a note (MAX_FINDINGS_PER_CHECK).
    expect(undef).toHaveLength(1000);
    expect(all.omitted['correctness/undefined-var']).toBe(4000);
    expect(undef[0]!.message).toContain('$unknown_0_zzzzz is not defined');
  });
});

describe('long stage chains and many instructions', { timeout: HANG + 30_000 }, () => {
  it('30k COPYs before an entrypoint script: the script is still found and read (was: minutes at 100k)', () => {
    const text = 'FROM alpine:3.20\nWORKDIR /srv\n' + lines(30000, (i) => `COPY a${i} /x/\n`) + 'COPY run.sh ./\nUSER 10001\nENTRYPOINT ["./run.sh"]\n';
    const findings = analyze('many-copies', text, { 'run.sh': '#!/bin/sh\nset -e\nnode server.js\n' });
    expect(findings.find((x) => x.rule === 'pid1/script-without-exec')?.message).toMatch(/node/);
  });

  it('4,500 chown -R after 4,500 COPYs (under MAX_SHELL_COMMANDS): each finds its copy, /srv the first one (was: a scan of every copy per chown)', () => {
    const text = 'FROM alpine:3.20\n' + lines(4500, (i) => `COPY a${i} /srv/x${i}/\nRUN chown -R app /srv/x${i}\n`) + 'RUN chown -R app /srv\nUSER 10001\n';
    const all = analyze('many-chowns', text);
    const found = all.filter((x) => x.rule === 'user/chown-after-copy');
    expect(found).toHaveLength(1000);
    expect(all.omitted['user/chown-after-copy']).toBe(3501);
    expect(found[1]!.message).toContain('line 4');
    expect(found[999]!.line).toBe(2001);
    expect(found[999]!.message).toContain('line 2000');
    // Within the 1,000 a check reports: the chown of /srv after 900 COPYs finds the first one.
    const few = analyze('some-chowns', 'FROM alpine:3.20\n' + lines(900, (i) => `COPY a${i} /srv/x${i}/\nRUN chown -R app /srv/x${i}\n`) + 'RUN chown -R app /srv\nUSER 10001\n').filter((x) => x.rule === 'user/chown-after-copy');
    expect(few.at(-1)!.line).toBe(1802);
    expect(few.at(-1)!.message).toContain('line 2');
  });

  it('15k relative WORKDIRs in scratch: correctness/run-without-shell stops following the path past PATH_MAX, and still finds a RUN with no shell, or the shell a COPY put at an absolute path (was: quadratic, 12 s of CPU for 307 KB; fuzz campaign seed 14, dockerfile:66359)', () => {
    const workdirs = lines(15000, () => 'WORKDIR c:\\system32\n');
    const none = analyze('workdirs-no-shell', `FROM scratch\n${workdirs}RUN echo hi\n`);
    expect(none.filter((x) => x.rule === 'correctness/run-without-shell').map((x) => x.line)).toEqual([15002]);
    const copied = analyze('workdirs-shell', `FROM scratch\n${workdirs}COPY --from=busybox:1.36 /bin/busybox /bin/sh\nRUN echo hi\n`);
    expect(copied.filter((x) => x.rule === 'correctness/run-without-shell')).toEqual([]);
  });

  it('20k relative WORKDIRs (a path longer than PATH_MAX is not followed)', () => {
    const text = 'FROM alpine:3.20\nWORKDIR /app\n' + lines(20000, (i) => `WORKDIR d${i}\n`) + 'COPY . .\nRUN chown -R app /app\nUSER 10001\n';
    const findings = analyze('many-workdirs', text);
    expect(findings.filter((x) => x.rule === 'user/chown-after-copy').map((x) => x.line)).toEqual([20004]);
  });
});

describe('ignore pragmas', { timeout: HANG + 30_000 }, () => {
  it('6,500 ignored findings, each with its own pragma, are all suppressed (was: minutes at 25k)', () => {
    const text = 'FROM debian:12\nUSER 10001\n' + lines(6500, (i) => `# hadolint ignore=DL3008\nRUN apt-get install -y --no-install-recommends c${i}\n`);
    const findings = analyze('pragmas', text);
    expect(findings.filter((x) => x.rule === 'reproducibility/unpinned-package')).toEqual([]);
    expect(findings.filter((x) => x.rule === 'correctness/unused-ignore')).toEqual([]);
  });

  it('20k pragma lines above one instruction all apply to it', () => {
    const text = 'FROM debian:12\nUSER 10001\n' + lines(20000, () => '# hadolint ignore=DL3008\n') + 'RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n';
    const findings = analyze('pragma-block', text);
    expect(findings.filter((x) => x.rule === 'reproducibility/unpinned-package')).toEqual([]);
    const plain = analyze('pragma-none', text.replace(/# hadolint ignore=DL3008\n/g, ''));
    expect(plain.filter((x) => x.rule === 'reproducibility/unpinned-package')).toHaveLength(1);
  });
});

describe('hostile Dockerfiles and build contexts (issue 13, found by test/fuzz/)', () => {
  it('a 20 KB chain of ONBUILD in the github format (was: 1.96 GB and Maximum call stack size exceeded)', () => {
    const text = `FROM alpine:3.20\n${'ONBUILD '.repeat(2500)}RUN echo hi\nUSER 10001\n`;
    const dir = join(tmp, 'onbuild');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), text);
    for (const format of ['github', 'json']) {
      const r = spawnSync(process.execPath, [cli, '--format', format, join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('correctness/onbuild-trigger');
    }
  });

  it('an entrypoint script of 70 nested ${y:-…} expansions (was: RegExpCompiler out of memory)', () => {
    const nested = `${'${y:-'.repeat(70)}x${'}'.repeat(70)}`;
    const findings = analyze('nested-expansions', 'FROM alpine:3.20\nCOPY run.sh /\nUSER 10001\nENTRYPOINT ["/run.sh"]\n', { 'run.sh': `#!/bin/sh\nset -e\n${nested}\nexec app "${nested}"\n` });
    expect(findings.map((f) => f.rule)).toContain('tags/no-digest');
  });

  it('an entrypoint script of 20,000 commands (103 KB, within the grammar budget), some sent to the background and killed, is read in linear time (was: every command looked up its wrapper among all: 4 s for 250 KB, fuzz campaign, seed 12)', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `${Array.from({ length: 100 }, (_, j) => `c${j}`).join('; ')}; nohup worker${i} & kill %1`);
    const script = `#!/bin/sh\nset -e\n${lines.join('\n')}\ncron\nexec nginx -g 'daemon off;'\n`;
    const findings = analyze('many-commands', 'FROM nginx:1.27\nCOPY run.sh /\nUSER 10001\nENTRYPOINT ["/run.sh"]\n', { 'run.sh': script });
    // Every background worker is killed again; the cron daemon beside nginx is still a second application.
    const oneApp = findings.filter((f) => f.rule.startsWith('one-app/'));
    expect(oneApp.map((f) => f.message).join('\n')).toMatch(/cron/);
    expect(oneApp.map((f) => f.message).join('\n')).not.toMatch(/worker/);
  });

  it('a RUN of 12,000 expansions after a broken `case` is left unread (more than MAX_EXPANSIONS with a `case`) (was: tree-sitter-bash\'s error recovery, quadratic in them: 4.4 s for 122 KB, fuzz campaign seed 13)', () => {
    const findings = analyze('case-expansions', `FROM alpine:3.20\nRUN apt-get install -y curl\nRUN case "$arch" in ;; 'x') ;; ${Array(12000).fill('$((1+2))').join(' ')}\nUSER 10001\n`);
    const rules = findings.map((f) => f.rule);
    // The plain RUN before it is read as usual, by the plain-word reader.
    expect(rules).toContain('reproducibility/unpinned-package');
    expect(rules).toContain('tags/no-digest');
  });

  it('a trap in the shell grammar\'s wasm (its stack overflows on 41 heredocs, 31 left open over 2,045 comment lines) ends nothing: the body is left unread and a note says so (was: internal error, exit 2, nothing on stdout; fuzz campaign seed 13, dockerfile:60847)', () => {
    const dir = join(tmp, 'heredoc-trap');
    mkdirSync(dir, { recursive: true });
    let text = `FROM alpine:3.20\nRUN apt-get install -y curl\nRUN ${Array.from({ length: 41 }, (_, i) => `<<E${i}`).join(' ')} cat\n`;
    for (let i = 0; i < 10; i++) text += `x\nE${i}\n`;
    text += `x\n${'# c\n'.repeat(2045)}`;
    writeFileSync(join(dir, 'Dockerfile'), text);
    const r = spawnSync(process.execPath, [cli, '--shellcheck', 'off', '--format', 'json', join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|    at /);
    const notes = r.stderr.split('\n').filter(Boolean);
    // tree-sitter 0.25's wasm traps on it: one note, nothing else.
    expect(notes).toHaveLength(1);
    for (const n of notes) expect(n).toMatch(/^shipshape: note: .*Dockerfile: the shell grammar \(tree-sitter-bash\) failed on a shell body \(.+\); that body and every shell body after it in this run are not read$/);
    const rules = (JSON.parse(r.stdout).targets[0].findings as { rule: string }[]).map((f) => f.rule);
    expect(rules).toContain('reproducibility/unpinned-package');
  });

  it('an unterminated here-document whose one line holds 100 KB of expansions is left unread (was: tree-sitter-bash counted the column of each expansion from the line\'s start: 7-9 s, fuzz campaign seed 13, dockerfile:27045)', () => {
    const findings = analyze('heredoc-long-line', `FROM alpine:3.20\nRUN apt-get install -y curl\nRUN cat <<EOF >> /etc/profile\n${'K="${K:-v}" '.repeat(8000)}\nUSER 10001\n`);
    expect(findings.map((f) => f.rule)).toContain('reproducibility/unpinned-package');
  });

  it('1,000 stages of 12 comment lines each: comments are read once for the whole file, a pragma in the last stage still applies (was: dockerfile-ast sorted each comment into the stages by asking every stage its range: 1.9 s of CPU for these 86 KB, 0.7 s now; fuzz campaign seed 13, dockerfile:37297)', () => {
    const stage = (i: number): string => `FROM alpine:3.20 AS s${i}\n${'# c\n'.repeat(12)}RUN echo ${i}\n`;
    const findings = analyze('comments-stages', `${lines(1000, stage)}FROM alpine:3.20\n# shipshape ignore=user/root-user\nUSER root\nCMD ["app"]\n`);
    expect(findings.some((f) => f.rule === 'user/root-user')).toBe(false);
    expect(findings.map((f) => f.rule)).toContain('tags/no-digest');
  });

  it('50 RUNs of 640 words each escaped by a backslash before a lone CR: the shell grammar reads them in linear time and the RUN is still read (was: quadratic in tree-sitter-bash\'s lexer, 53 s of CPU for these 129 KB, 0.55 s now; fuzz campaign seed 13, dockerfile:45073)', () => {
    const run = `RUN apt-get install -y curl ${'\\\ra '.repeat(640)}\n`;
    const findings = analyze('escaped-lone-cr', `FROM debian:12\nUSER 10001\n${run.repeat(50)}`);
    expect(findings.find((f) => f.rule === 'reproducibility/unpinned-package')?.message).toContain('installs curl, a, a and');
  });

  it('7,000 RUN lines installing a compiler: each install asks an index of the chain\'s removals built once (was: a scan of the chain per install, 8.6 s for 310 KB; fuzz campaign seed 13)', () => {
    const findings = analyze('many-build-installs', `FROM python:3.12-slim\nUSER 10001\n${'RUN apt-get install -y --no-install-recommends gcc libpq-dev\n'.repeat(3500)}RUN apt-get install -y --no-install-recommends make && apt-get purge -y make\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n`);
    const left = findings.filter((f) => f.rule === 'multi-stage/build-tools-in-final');
    expect(left.length).toBeGreaterThan(0);
    // The make installed and removed in one RUN is not left.
    expect(left.some((f) => f.message.includes('make'))).toBe(false);
  });

  it('a RUN of 1,500 downloads to one file: each is replaced by the next, only the last one\'s use is asked about (was: quadratic, 5.6 s for 313 KB; fuzz campaign seed 13)', () => {
    const findings = analyze('many-downloads', `FROM debian:12\nUSER 10001\nRUN ${'wget -q https://dot.net/v1/dotnet-install.sh -O dotnet-install.sh && '.repeat(1500)}bash dotnet-install.sh\n`);
    const unchecked = findings.filter((f) => f.rule === 'security/unverified-download');
    expect(unchecked).toHaveLength(1);
  });

  it('an entrypoint script holding a 100 KB word (an unterminated quote) is read in linear time (was: minutes in a regular expression that tried every position of the word)', () => {
    const findings = analyze('long-word-script', 'FROM alpine:3.20\nCOPY entrypoint.sh /\nUSER 10001\nENTRYPOINT ["/entrypoint.sh"]\n', { 'entrypoint.sh': `#!/bin/sh\nset -e\necho '${'x'.repeat(100_000)}\nexec "$@"\n` });
    expect(findings.map((f) => f.rule)).toContain('tags/no-digest');
  });

  it('an `rm -rf` path of 20,000 `*` is matched as a glob (was: a regular expression built from it; the fuzzer\'s worker died in V8\'s regexp compiler, CI seed 1)', () => {
    const rm = (path: string): string[] => analyze('rm-stars', `FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf ${path}\n`).map((f) => f.rule);
    expect(rm(`/var/lib/ap${'*'.repeat(20000)}`)).not.toContain('size/package-cache-left');
    expect(rm(`/var/lib/ap${'*x'.repeat(20000)}*`)).toContain('size/package-cache-left');
  });
  it('config globs and .dockerignore patterns of hundreds of `*` match in linear time (no regular expression is built from them)', () => {
    const dir = join(tmp, 'globs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.shipshape.yaml'), `overrides:\n${Array.from({ length: 100 }, (_, i) => `  "${'*'.repeat(90)}${i}":\n    ignore: [tags]`).join('\n')}\n  "${'a*'.repeat(500)}b":\n    ignore: [tags]\n`);
    const findings = analyze('globs', `FROM alpine:3.20\nCOPY ${'a'.repeat(3000)} /app/\nUSER 10001\n`, { '.dockerignore': `${'a*'.repeat(2000)}b\n${'*'.repeat(5000)}x\n` });
    expect(findings.map((f) => f.rule)).toContain('tags/no-digest');
  });

  it('5,000 stages built FROM ${VAR} with mounts from earlier stages (was: a scan of every stage per reference; 20,000 took minutes)', { timeout: 3 * HANG + 30_000 }, () => {
    const text = Array.from({ length: 5000 }, (_, i) => `FROM \${B${i}:-alpine} AS s${i}\nRUN --mount=from=s${i >> 1},target=/x true\n`).join('') + 'USER 10001\n';
    const findings = analyze('var-stages', text);
    expect(findings.filter((f) => f.rule === 'multi-stage/unused-stage')).toEqual([]);
  });

  it('a .shipshape.yaml nested 20,000 deep is "too deeply nested", exit 2, and --format json stays a document (was: "not valid YAML: Maximum call stack size exceeded")', { timeout: 3 * HANG + 30_000 }, () => {
    const dir = join(tmp, 'deep-config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:3.20\nUSER 10001\n');
    writeFileSync(join(dir, '.shipshape.yaml'), `ignore: ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
    const expected = `${join(dir, '.shipshape.yaml')}: too deeply nested (a config file needs a few levels)`;
    const text = spawnSync(process.execPath, [cli, join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
    expect(text.status).toBe(2);
    expect(text.stderr).toBe(`shipshape: ${expected}\n`);
    const json = spawnSync(process.execPath, [cli, '--format', 'json', join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
    expect(json.status).toBe(2);
    expect(json.stderr).toBe(`shipshape: ${expected}\n`);
    expect(JSON.parse(json.stdout).targets[0].error.message).toBe(expected);
    const sarif = spawnSync(process.execPath, [cli, '--format', 'sarif', join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
    expect(sarif.status).toBe(2);
    expect(JSON.parse(sarif.stdout).runs).toHaveLength(1);
  });

});

describe('nesting is bounded before a recursive reader runs (CI fuzz seed 1: the worker died in V8\'s regexp compiler, which a deep recursion had left no stack)', () => {
  it('estimates YAML nesting without recursion, never below the real depth', () => {
    expect(yamlNestingDepth('a: 1\nb:\n  c: [1, {d: 2}]\n  e:\n    - - - x\n')).toBe(6);
    expect(yamlNestingDepth(`ignore: ${'['.repeat(5000)}`)).toBe(5001);
    expect(yamlNestingDepth(`${'- '.repeat(5000)}x\n`)).toBe(5001);
    // A block scalar's text is not structure; brackets in quotes and comments are not either.
    expect(yamlNestingDepth(`a: |\n${Array.from({ length: 500 }, (_, i) => `${' '.repeat(i + 2)}[x`).join('\n')}\nb: "[[[[" # [[[[\n`)).toBe(1);
  });
  it('a .shipshape.yaml of 150 levels is refused as too deeply nested; 60 levels are read', () => {
    const dir = join(tmp, 'nest-config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:3.20\nUSER 10001\n');
    writeFileSync(join(dir, '.shipshape.yaml'), `ignore: ${'['.repeat(150)}${']'.repeat(150)}\n`);
    const deep = spawnSync(process.execPath, [cli, join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
    expect(deep.stderr).toBe(`shipshape: ${join(dir, '.shipshape.yaml')}: too deeply nested (a config file needs a few levels)\n`);
    writeFileSync(join(dir, '.shipshape.yaml'), `ignore: ${'['.repeat(60)}${']'.repeat(60)}\n`);
    const read = spawnSync(process.execPath, [cli, join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
    expect(read.stderr).toMatch(/ignore\[0\]: Invalid input: expected string, received array/);
  });
  it('a docker-bake.hcl nested 20,000 deep is a note and the Dockerfiles are still analyzed (was: internal error, Maximum call stack size exceeded)', () => {
    const dir = join(tmp, 'nest-bake');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:3.20\nUSER 10001\n');
    writeFileSync(join(dir, 'docker-bake.hcl'), `target "app" {\n  dockerfile = "Dockerfile"\n  tags = ${'['.repeat(20000)}${']'.repeat(20000)}\n}\n`);
    const r = spawnSync(process.execPath, [cli, '--shellcheck', 'off', '--format', 'json', dir], { encoding: 'utf8', timeout: HANG });
    expect(r.stderr).toBe(`shipshape: note: ${join(dir, 'docker-bake.hcl')}: not HCL shipshape can read: nested deeper than 64 levels\n`);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).targets).toHaveLength(1);
  });
  it('a RUN nested 300 subshells deep is left unread; 200 deep is read', () => {
    const rules = (n: number): string[] => analyze(`subshells-${n}`, `FROM debian:12\nRUN ${'( '.repeat(n)}apt-get install curl${' )'.repeat(n)}\n`).map((f) => f.rule);
    expect(rules(200)).toContain('size/install-recommends');
    expect(rules(300)).not.toContain('size/install-recommends');
  });
});

describe('checks that asked a question of the whole stage for each instruction (fuzz campaign, seed 13)', { timeout: HANG + 30_000 }, () => {
  // 12,000 lines of the first took 116 s of CPU, of the third 14 s, of the fourth 13.5 s.
  it('3,000 downloads, then 1,500 RUNs that unpack them (security/unverified-download read every later RUN per download)', () => {
    const text = 'FROM debian:12\nUSER 10001\n' + lines(3000, (i) => `RUN wget -q http://x/f${i % 7}.tgz\n`) + lines(1500, (i) => `RUN tar xf f${i % 7}.tgz\n`);
    const all = analyze('many-downloads', text);
    const found = all.filter((x) => x.rule === 'security/unverified-download');
    expect(found.length + all.omitted['security/unverified-download']!).toBe(3000);
    expect(found[0]!.message).toContain('a later RUN unpacks it');
  });

  it('2,400 RUNs that install a package and run wget (4,800 commands, under MAX_SHELL_COMMANDS), in alpine with and without GNU wget (correctness/wget-progress read the stage\'s installs per RUN)', () => {
    const busybox = 'FROM alpine:3.20\nUSER 10001\n' + lines(2400, (i) => `RUN apk add --no-cache c${i} && wget http://x/g${i}\n`);
    expect(analyze('busybox-wget', busybox).filter((x) => x.rule === 'correctness/wget-progress')).toEqual([]);
    const gnu = busybox.replace('USER 10001\n', 'USER 10001\nRUN apk add --no-cache wget\n');
    const all = analyze('gnu-wget', gnu);
    expect(all.filter((x) => x.rule === 'correctness/wget-progress').length + all.omitted['correctness/wget-progress']!).toBe(2400);
  });

  it(`past ${MAX_SHELL_COMMANDS.toLocaleString('en-US')} shell commands in one Dockerfile, later bodies are left unread and a note says how many (2,149 RUNs of 70-stage pipelines ending in a dangling |, 313 KB: was 3.6 s of CPU; fuzz campaign seed 14, dockerfile:2841)`, () => {
    const run = `RUN ${'x|'.repeat(70)}\n`;
    const all = analyze('many-pipes', `FROM debian:12\nUSER 10001\nRUN apt-get install -y curl\n${run.repeat(2149)}RUN apt-get install -y wget\n`);
    // The first body is read; the last is past the bound.
    expect(all.find((f) => f.rule === 'reproducibility/unpinned-package')?.line).toBe(3);
    expect(all.filter((f) => f.rule === 'reproducibility/unpinned-package')).toHaveLength(1);
    expect(all.omitted['unread shell bodies']).toBe(2150 - Math.floor(MAX_SHELL_COMMANDS / 70) - 1);
  });

  it('a RUN of 3,000 continuation lines of compilers: a comment saying they are needed is found by one pass over the RUN, not a scan up from each package (was: 5.8 s of CPU for 121 KB; fuzz campaign seed 14, dockerfile:8370)', () => {
    const install = (comment: string): string => `RUN apt-get update && apt-get install -y --no-install-recommends \\\n${comment}${'    gcc g++ make libc6-dev \\\n'.repeat(3000)}    && rm -rf /var/lib/apt/lists/*\n`;
    const kept = analyze('compilers-noted', `FROM debian:12\nUSER 10001\n${install('# gcc is required at run time by the plugin loader\n')}CMD ["app"]\n`);
    expect(kept.filter((f) => f.rule === 'multi-stage/build-tools-in-final')).toEqual([]);
    const left = analyze('compilers-left', `FROM debian:12\nUSER 10001\n${install('')}CMD ["app"]\n`);
    expect(left.filter((f) => f.rule === 'multi-stage/build-tools-in-final').map((f) => f.line)).toEqual([4]);
  });

  it('2,400 installs of curl, each used by a later RUN: each install finds its next use in an index (tools/download-tools-left scanned the later commands per install; fuzz campaign seed 14, dockerfile:27687)', () => {
    const all = analyze('many-curls', `FROM alpine:3.20\nUSER 10001\n${lines(2400, (i) => `RUN apk add --no-cache curl${i % 2 ? '' : '=8.9.1-r0'}\nRUN curl -fsSLo /tmp/f${i} http://x/f${i}\n`)}CMD ["app"]\n`);
    const found = all.filter((f) => f.rule === 'tools/download-tools-left');
    expect(found.length + (all.omitted['tools/download-tools-left'] ?? 0)).toBe(2400);
    expect(found[0]!.message).toContain('line 4');
  });

  it('an entrypoint script past what is left of the file\'s grammar budget is left unread (no shell) and a note counts it; one within it is read (was: a 252 KB script of unclosed `${a[${b` took 3.3 s of CPU in tree-sitter; fuzz campaign seed 14, dockerfile:33326)', () => {
    const dockerfile = 'FROM alpine:3.20\nCOPY start.sh /\nUSER 10001\nENTRYPOINT ["/start.sh"]\n';
    const hostile = analyze('script-unread', dockerfile, { 'start.sh': `#!/bin/sh\nset -e\n${'${a[${b'.repeat(25_000)}\nexec "$@"\n` });
    expect(hostile.omitted['unread shell bodies']).toBe(1);
    // Unread, the script is not judged: no finding says it fails to exec.
    expect(hostile.filter((f) => f.rule.startsWith('pid1/'))).toEqual([]);
    const small = analyze('script-read', dockerfile, { 'start.sh': '#!/bin/sh\nset -e\nnginx -g "daemon off;"\n' });
    expect(small.omitted['unread shell bodies']).toBeUndefined();
    expect(small.map((f) => f.rule)).toContain('pid1/script-without-exec');
  });

  it('2,000 apt-get installs under 2,000 comments: a comment wanting recommends is found in an index of the file\'s comments (size/install-recommends built a map of every comment per install; fuzz campaign seed 14, dockerfile:56586: 10 s of CPU for 347 KB)', () => {
    const all = analyze('many-recommends', `FROM debian:12\nUSER 10001\n${lines(2000, (i) => `# step ${i}\nRUN apt-get install -y pkg${i}\n`)}# we want the recommends here\nRUN apt-get install -y docs\n`);
    const found = all.filter((f) => f.rule === 'size/install-recommends');
    expect(found.length + (all.omitted['size/install-recommends'] ?? 0)).toBe(2000);
    expect(found[0]!.line).toBe(4);
  });

  it('40k EXPOSE 22, and again in an image that runs sshd (security/expose-ssh read the final stage per EXPOSE)', () => {
    const text = 'FROM debian:12\nUSER 10001\n' + lines(40000, () => 'EXPOSE 22\n');
    const all = analyze('many-expose', text);
    expect(all.filter((x) => x.rule === 'security/expose-ssh').length + all.omitted['security/expose-ssh']!).toBe(40000);
    expect(analyze('many-expose-sshd', text + 'CMD ["/usr/sbin/sshd", "-D"]\n').filter((x) => x.rule === 'security/expose-ssh')).toEqual([]);
  });

  it('3,200 installs of a network tool (4,800 commands), all but the last removed by a later apk del (the tools checks read every later command per installed package)', () => {
    const text = 'FROM alpine:3.20\nUSER 10001\n' + lines(3200, (i) => (i % 2 ? 'RUN apk add netcat-openbsd\n' : 'RUN apk add netcat-openbsd && apk del netcat-openbsd\n'));
    const found = analyze('many-tools', text).filter((x) => x.rule === 'tools/network-tools');
    expect(found.map((x) => x.line)).toEqual([3202]);
  });
});

describe('here-documents the shell grammar reads (fuzz campaign, seed 7)', { timeout: HANG + 30_000 }, () => {
  it('a RUN line of 1,200 here-document redirects is not read with the grammar (was: 2.6 s of CPU for 31 KB); one of 60 is', () => {
    const run = (n: number) => `RUN ${lines(n, (i) => `<<E${i} `)}
${lines(n, (i) => `apt-get install -y c${i}\nE${i}\n`)}`;
    // Each body is a script of its own, still read; the RUN line holding 1,200 redirects is not.
    const many = analyze('many-heredocs', `FROM debian:12\nUSER 10001\n${run(1200)}`);
    expect(many.filter((x) => x.rule === 'size/install-recommends').length).toBeLessThanOrEqual(1200);
    const some = analyze('some-heredocs', `FROM debian:12\nUSER 10001\n${run(60)}`);
    expect(some.filter((x) => x.rule === 'size/install-recommends').length).toBeGreaterThan(0);
  });
});

describe('a credential written where a message quotes the input (fuzz campaign, seed 7)', () => {
  it('a lone carriage return that splits a secret ARG line: the value standing where a keyword goes is quoted as its first character and … (fuzz campaign, seed 13)', () => {
    const value = 'v6AynWygiZT5S99jScp';
    const findings = analyze('cr-split', `FROM alpine:3.20\nUSER 10001\nARG AW;_SECRET_ACCESS_KE\r=${value}\n`);
    expect(JSON.stringify(findings).toLowerCase()).not.toContain(value.toLowerCase());
    expect(findings.filter((f) => f.rule === 'correctness/unknown-instruction').map((f) => f.message)).toEqual(['=… is not a Dockerfile instruction, so the build fails here']);
  });
  it('an ARG line mangled into one long name (its `=` replaced, the value joined to the name) is quoted up to the first character no name has (fuzz campaign, seed 13)', () => {
    const value = 'vdMtaoTMkVEtbY3jYJY';
    const findings = analyze('mangled-arg', `FROM alpine:3.20\nARG SECRET\u00ffKEY${value}\nUSER 10001\n`);
    const secret = findings.filter((f) => f.rule === 'security/secret-in-arg-env');
    expect(secret.map((f) => f.message.split(' looks like')[0])).toEqual(['ARG SECRET…']);
    expect(JSON.stringify(findings)).not.toContain(value);
    // A real name is quoted whole.
    expect(analyze('plain-arg', 'FROM alpine:3.20\nARG GITHUB_TOKEN\nUSER 10001\n').filter((f) => f.rule === 'security/secret-in-arg-env').map((f) => f.message.split(' looks like')[0])).toEqual(['ARG GITHUB_TOKEN']);
  });
  it('a token as a label key or a COPY destination is cut to its first four characters in every format', () => {
    const dir = join(tmp, 'quoted-secret');
    mkdirSync(dir, { recursive: true });
    const gh = `ghp_${'SveeAbK7LWkOqs1HqaUHOQ0CJW2N7VcCgRR4'}`;
    const npm = `npm_${'7boW9XVQUcsJI7viQz21IdjdojgyL3ASfJ89'}`;
    writeFileSync(join(dir, 'Dockerfile'), `FROM alpine:3.20\nLABEL ${gh}=1\nCOPY d ${npm}\nUSER 10001\n`);
    for (const format of ['text', 'json', 'sarif', 'github', 'markdown']) {
      const r = spawnSync(process.execPath, [cli, '--format', format, join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(gh.slice(4, 12));
      expect(r.stdout + r.stderr).not.toContain(npm.slice(4, 12));
      expect(r.stdout).toContain('ghp_…');
      expect(r.stdout).toContain('npm_…');
    }
  });

  it('a secret-named ARG swallowed by a RUN continuation: its value is cut where the RUN\'s words are quoted (fuzz campaign, seed 11)', () => {
    const dir = join(tmp, 'swallowed-arg');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM golang:1.22\nRUN go get -u golang.org/x/lint/golint \\\nARG AWS_SECRET_ACCESS_KEY=v6v0d30ugBlo0dcudZm\n\tgithub.com/fzipp/gocyclo\nUSER 10001\n');
    for (const format of ['text', 'json', 'sarif', 'github', 'markdown']) {
      const r = spawnSync(process.execPath, [cli, '--shellcheck', 'off', '--format', format, join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
      expect(r.stdout + r.stderr).not.toContain('d30ugBlo');
      expect(r.stdout).toContain('AWS_SECRET_ACCESS_KEY=v6v0…');
    }
  });

  it('a fix whose edit would print a credential the file holds is reported without its edits; --fix still applies it (fuzz campaign, seed 12)', () => {
    const dir = join(tmp, 'legacy-secret');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, 'FROM alpine:3.20\nENV API_TOKEN abcdefgh12345678\nUSER 10001\n');
    for (const format of ['json', 'sarif', 'text', 'github', 'markdown']) {
      const r = spawnSync(process.execPath, [cli, '--shellcheck', 'off', '--format', format, file], { encoding: 'utf8', timeout: HANG });
      expect(r.stdout + r.stderr).not.toContain('efgh1234');
    }
    const json = JSON.parse(spawnSync(process.execPath, [cli, '--shellcheck', 'off', '--format', 'json', file], { encoding: 'utf8', timeout: HANG }).stdout);
    const legacy = json.targets[0].findings.find((f: { rule: string }) => f.rule === 'correctness/legacy-key-value');
    expect(legacy.fixable).toBe('safe');
    expect(legacy.fix.edits).toBeUndefined();
    expect(legacy.fix.withheld).toMatch(/credential/);
    spawnSync(process.execPath, [cli, '--shellcheck', 'off', '--fix', file], { encoding: 'utf8', timeout: HANG });
    expect(readFileSync(file, 'utf8')).toBe('FROM alpine:3.20\nENV API_TOKEN=abcdefgh12345678\nUSER 10001\n');
  });
});

describe('the largest Dockerfile analyzed (MAX_DOCKERFILE_BYTES, 512 KiB)', () => {
  it('one byte over is refused, exit 2, in one line (a file or stdin); at the limit it is analyzed', () => {
    const dir = join(tmp, 'limit');
    mkdirSync(dir, { recursive: true });
    const head = 'FROM alpine:3.20\nUSER 10001\n';
    const body = 'RUN true\n'.repeat(Math.floor((512 * 1024 - head.length - 1) / 9));
    const at = head + body + '#'.repeat(512 * 1024 - head.length - body.length - 1) + '\n';
    expect(Buffer.byteLength(at)).toBe(512 * 1024);
    writeFileSync(join(dir, 'Dockerfile'), at);
    const ok = spawnSync(process.execPath, [cli, '--format', 'json', join(dir, 'Dockerfile')], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: HANG });
    // (ShellCheck, when installed, notes that it leaves a file of 58k RUNs alone.)
    expect(ok.stderr.split('\n').filter((l) => l && !l.startsWith('shipshape: note: '))).toEqual([]);
    expect(JSON.parse(ok.stdout).targets[0].error).toBeNull();
    writeFileSync(join(dir, 'Dockerfile'), at + '\n');
    const over = spawnSync(process.execPath, [cli, '--format', 'json', join(dir, 'Dockerfile')], { encoding: 'utf8', timeout: HANG });
    expect(over.status).toBe(2);
    expect(JSON.parse(over.stdout).targets[0].error.message).toBe(`${join(dir, 'Dockerfile')}: is 513 KiB; a Dockerfile larger than 512 KiB is not analyzed`);
    const stdin = spawnSync(process.execPath, [cli, '--format', 'json', '-'], { input: at + '\n', encoding: 'utf8', timeout: HANG });
    expect(stdin.status).toBe(2);
    expect(JSON.parse(stdin.stdout).targets[0].error.message).toBe('<stdin>: is 513 KiB; a Dockerfile larger than 512 KiB is not analyzed');
  });
});

describe('a reader that closes the pipe early (`| head`)', () => {
  /** Runs the real CLI with its stdout read by nobody: the pipe is closed before the CLI writes (EPIPE on every write). */
  async function closedEarly(args: string[]): Promise<{ status: number | null; stderr: string }> {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { status, stderr };
  }

  it.each([
    [['--format', 'sarif', 'sample-images/node-app/Dockerfile'], 1],
    [['rules'], 0],
    [['--help'], 0],
    [['--format', 'json', 'sample-images/node-app/Dockerfile'], 1],
  ])('shipshape %j ends quietly with exit status %i', async (args, status) => {
    const r = await closedEarly(args as string[]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(status);
  });
});

describe('no regular expression is built from input text', () => {
  it('every `new RegExp(` in src/ and checks/ is built from constants (a test lists them)', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) readFileSync(p, 'utf8').split('\n').forEach((l, i) => /\bRegExp\(/.test(l) && !/^\s*(\/\/|\*)/.test(l) && found.push(`${p.slice(root.length + 1)}:${i + 1}`));
      }
    };
    walk(join(root, 'src'));
    walk(join(root, 'checks'));
    // Each from a constant, counted per file so that a new one in the same file is seen: the reference
    // grammar, the daemon catalogue's globs, the secret patterns, the four cache directories, the
    // label schema's semantic-version and mailbox grammars.
    const perFile = new Map<string, number>();
    for (const f of found) perFile.set(f.split(':')[0]!, (perFile.get(f.split(':')[0]!) ?? 0) + 1);
    expect(Object.fromEntries(perFile)).toEqual({ 'src/dockerfile/from-args.ts': 1, 'src/image/processes.ts': 1, 'src/knowledge/secrets.ts': 1, 'src/knowledge/package-cache.ts': 4, 'src/knowledge/label-values.ts': 2 });
  });
});
