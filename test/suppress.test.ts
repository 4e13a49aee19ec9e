/** Inline ignores: ours and hadolint's, per instruction and global, and the stale or unknown ones reported. */
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../src/analyze.js';
import { parsePragmaText } from '../src/dockerfile/pragmas.js';
import shellForm from '../checks/pid1/shell-form-command.js';
import latestTag from '../checks/tags/latest-tag.js';
import rootUser from '../checks/user/root-user.js';
import unusedIgnore from '../checks/correctness/unused-ignore.js';
import { defineCheck, type Check, type RuleId } from '../src/engine/types.js';

const checks = [shellForm, latestTag, rootUser, unusedIgnore] as Check[];

async function lint(code: string, only: readonly Check[] = checks) {
  const { findings } = await analyzeDockerfile(code, { checks: only });
  return findings.map((f) => {
    const r = f.location.kind === 'image' ? { line: -1, column: -1 } : f.location.range;
    return `${r.line}:${r.column} ${f.rule} ${f.messageId} ${f.severity}`;
  });
}

describe('parsePragmaText', () => {
  it('reads rules, global and the reason', () => {
    expect(parsePragmaText('shipshape ignore=pid1/shell-form-command,tags -- platform adds tini')).toEqual({
      tool: 'shipshape', global: false, names: ['pid1/shell-form-command', 'tags'], reason: 'platform adds tini',
    });
    expect(parsePragmaText('hadolint global ignore=DL3008, DL3015')).toEqual({ tool: 'hadolint', global: true, names: ['DL3008', 'DL3015'], reason: null });
    expect(parsePragmaText('hadolint ignore=DL3008 because apt')).toMatchObject({ names: ['DL3008'] });
    expect(parsePragmaText('just a comment')).toBeNull();
    expect(parsePragmaText('shipshape ignore=')).toMatchObject({ names: [] });
  });
});

describe('inline ignores', () => {
  const base = 'FROM node:latest\nUSER 1000\nCMD node server.js\n';

  it('reports everything without pragmas', async () => {
    expect(await lint(base)).toEqual(['1:6 tags/latest-tag latest warning', '3:1 pid1/shell-form-command shellForm warning']);
  });

  it('silences a rule id on the instruction below, keeping the others', async () => {
    const code = 'FROM node:latest\nUSER 1000\n# shipshape ignore=pid1/shell-form-command -- tini is added by the platform\nCMD node server.js\n';
    const out = await lint(code);
    expect(out.some((l) => l.includes('pid1/shell-form-command'))).toBe(false);
    expect(out.some((l) => l.startsWith('1:6 tags/latest-tag'))).toBe(true);
  });

  it('accepts a category, several comment lines above, and several rules', async () => {
    const code = '# shipshape ignore=tags\n# a note in between\nFROM node:latest\nUSER 1000\n# shipshape ignore=user/root-user,pid1\nCMD node server.js\n';
    expect(await lint(code)).toEqual(['5:20 correctness/unused-ignore unused info']);
  });

  it('does not reach past a blank line or onto the next instruction', async () => {
    const code = 'FROM node:22\nUSER 1000\n# shipshape ignore=pid1/shell-form-command\n\nCMD node server.js\n';
    expect(await lint(code)).toEqual(['3:20 correctness/unused-ignore orphan info', '5:1 pid1/shell-form-command shellForm warning']);
    const two = 'FROM node:22\nUSER 1000\n# shipshape ignore=pid1/shell-form-command\nENTRYPOINT ["tini"]\nCMD node server.js\n';
    expect(await lint(two)).toEqual(['3:20 correctness/unused-ignore unused info', '5:1 pid1/shell-form-command shellForm warning']);
  });

  it('covers every line of a multi-line instruction', async () => {
    const code = 'FROM node:22\nUSER 1000\n# shipshape ignore=pid1/shell-form-command\nCMD node \\\n  server.js\n';
    expect(await lint(code)).toEqual([]);
  });

  it('honours a global ignore anywhere in the file', async () => {
    const code = 'FROM node:latest\nCMD node server.js\n# shipshape global ignore=tags/latest-tag,DL3025\n';
    expect((await lint(code)).map((l) => l.split(' ')[1])).toEqual(['user/root-user']);
  });

  it("honours hadolint's pragmas through aliases, and never reports them", async () => {
    const code = '# hadolint ignore=DL3007\nFROM node:latest\nUSER 1000\n# hadolint ignore=DL3025,DL3059\nCMD node server.js\n# hadolint global ignore=DL3008\n';
    expect(await lint(code)).toEqual([]);
    const unused = '# hadolint ignore=DL3025\nFROM node:22\nUSER 1000\n';
    expect(await lint(unused)).toEqual([]);
  });

  it("honours hadolint's retired ids where a check covers the rule (DL3005: dist-upgrade)", async () => {
    const code = 'FROM debian:12-slim\nUSER 1000\n# hadolint ignore=DL3005\nRUN apt-get update && apt-get -y dist-upgrade && rm -rf /var/lib/apt/lists/*\n';
    expect((await lint(code)).filter((l) => l.includes('dist-upgrade'))).toEqual([]);
    const own = 'FROM debian:12-slim\nUSER 1000\n# shipshape ignore=DL3005\nRUN apt-get update && apt-get -y dist-upgrade && rm -rf /var/lib/apt/lists/*\n';
    expect((await lint(own)).filter((l) => l.includes('dist-upgrade') || l.includes('unknownRule'))).toEqual([]);
  });

  it('reports an unknown rule at its name, with the severity info', async () => {
    const code = 'FROM node:22\nUSER 1000\n# shipshape ignore=pid1/shell-form-comand -- typo\nCMD ["node", "server.js"]\n';
    expect(await lint(code)).toEqual(['3:20 correctness/unused-ignore unknownRule info']);
  });

  it('reports a global ignore that silences nothing', async () => {
    const code = '# shipshape global ignore=user/root-user\nFROM node:22\nUSER 1000\nCMD ["node"]\n';
    expect(await lint(code)).toEqual(['1:27 correctness/unused-ignore unusedGlobal info']);
  });

  it('reports a malformed shipshape comment', async () => {
    const code = 'FROM node:22\nUSER 1000\n# shipshape ignore pid1\nCMD ["node"]\n';
    expect(await lint(code)).toEqual(['3:1 correctness/unused-ignore malformed info']);
  });

  it('does not call an ignore stale when its rule did not run', async () => {
    const code = 'FROM node:22\nUSER 1000\n# shipshape ignore=pid1/shell-form-command\nCMD ["node"]\n';
    expect(await lint(code, [latestTag, unusedIgnore] as Check[])).toEqual([]);
    expect(await lint(code)).toEqual(['3:20 correctness/unused-ignore unused info']);
  });

  it('reports nothing about ignores when correctness/unused-ignore is not run', async () => {
    const code = 'FROM node:22\nUSER 1000\n# shipshape ignore=nope\nCMD ["node"]\n';
    expect(await lint(code, [shellForm] as Check[])).toEqual([]);
  });
});

describe('Trivy and Checkov inline ignores', () => {
  it('parses Trivy comments: several ids, tfsec spelling, parameters, expiry', async () => {
    const { parseTrivyIgnores, parseCheckovSkip } = await import('../src/dockerfile/pragmas.js');
    expect(parseTrivyIgnores('trivy:ignore:DS002')).toEqual(['DS002']);
    expect(parseTrivyIgnores('trivy:ignore:AVD-DS-0002 trivy:ignore:DS-0001[ws=x]', '2026-01-01')).toEqual(['AVD-DS-0002', 'DS-0001']);
    expect(parseTrivyIgnores('tfsec:ignore:DS002:exp:2025-01-01', '2026-01-01')).toEqual([]);
    expect(parseTrivyIgnores('trivy:ignore:DS002:exp:2027-01-01', '2026-01-01')).toEqual(['DS002']);
    expect(parseTrivyIgnores('installs trivy')).toBeNull();
    expect(parseCheckovSkip('checkov:skip=CKV_DOCKER_2,CKV_DOCKER_3:no healthcheck on batch jobs')).toEqual({ names: ['CKV_DOCKER_2', 'CKV_DOCKER_3'], reason: 'no healthcheck on batch jobs' });
    expect(parseCheckovSkip('bridgecrew:skip=CKV_DOCKER_7')).toEqual({ names: ['CKV_DOCKER_7'], reason: null });
  });

  it('a Trivy ignore in any of its spellings silences the instruction below', async () => {
    for (const id of ['DS001', 'DS-0001', 'AVD-DS-0001', 'ds-0001', '*']) {
      expect(await lint(`# trivy:ignore:${id}\nFROM node:latest\nUSER 1000\nCMD node server.js\n`)).toEqual(['4:1 pid1/shell-form-command shellForm warning']);
    }
    // Only the instruction below: the root USER two lines further down is still reported.
    expect(await lint('# trivy:ignore:DS002\nFROM node:22\nRUN true\nUSER root\nCMD ["node"]\n')).toEqual(['4:1 user/root-user lastIsRoot info']);
  });

  it('a Checkov skip silences its rule in the whole file, wherever it is written', async () => {
    expect(await lint('FROM node:latest\nUSER 1000\n# checkov:skip=CKV_DOCKER_7:pinned by the platform\nCMD node server.js\n')).toEqual(['4:1 pid1/shell-form-command shellForm warning']);
    expect(await lint('FROM node:latest\nUSER 1000\nCMD ["node"]\n# checkov:skip=CKV_DOCKER_8\n')).toEqual(['1:6 tags/latest-tag latest warning']);
  });
});

describe('names: peer ids in any spelling, suggestions', () => {
  it("Trivy's three spellings and any case designate one check", async () => {
    const { designates, unknownName } = await import('../src/engine/names.js');
    for (const n of ['DS002', 'DS-0002', 'AVD-DS-0002', 'ds0002', 'dl3002', 'USER/ROOT-USER', 'User', 'CKV_DOCKER_8', 'cis-di-0001']) expect(designates(rootUser, n), n).toBe(true);
    expect(designates(rootUser, 'DS-0001')).toBe(false);
    expect(unknownName('CKV2_DOCKER_17', checks)).toMatch(/^no shipshape check covers Checkov's CKV2_DOCKER_17/);
    expect(unknownName('pid1/shell-form', checks)).toContain('closest: pid1/shell-form-command');
  });
});

/**
 * A check whose findings carry a peer tool's own id (as correctness/shellcheck does with ShellCheck's
 * codes), made up here so that the engine's side runs without a shellcheck binary: it reports SC2086
 * on every RUN and SC3010 on every CMD.
 */
const peerCodes = defineCheck({
  id: 'correctness/peer-codes' as RuleId,
  title: 'peer codes',
  category: 'correctness',
  severity: 'info',
  findingIds: /^SC\d{4}$/i,
  findingRules: { prefix: 'shellcheck', tool: 'ShellCheck', helpUri: 'https://www.shellcheck.net/wiki/{id}', shape: 'SCnnnn', example: 'SC2086' },
  messages: { comment: '{message}' },
  docs: { why: 'test', bad: 'FROM a\n', good: 'FROM a\n' },
  dockerfile: (ctx) => ({
    RUN: (ins) => ctx.report({ messageId: 'comment', findingId: 'SC2086', data: { message: 'Double quote' }, at: ins }),
    CMD: (ins) => ctx.report({ messageId: 'comment', findingId: 'SC3010', data: { message: 'No [[' }, at: ins, severity: 'warning' }),
  }),
}) as Check;

describe('findings with a peer tool\'s own id (shellcheck/SC2086)', () => {
  const text = 'FROM alpine:3.20\nRUN echo $A\nCMD [[ -f x ]]\n';
  const rules = async (code: string, options: Parameters<typeof analyzeDockerfile>[1] = {}): Promise<string[]> =>
    (await analyzeDockerfile(code, { checks: [peerCodes, unusedIgnore], ...options })).findings.map((f) => `${f.location.kind === 'image' ? 0 : f.location.range.line} ${f.severity} ${f.rule}${f.check ? ` (${f.check})` : ''}`);

  it('are reported under the prefixed id, with their check, message id and the peer\'s page', async () => {
    const { findings } = await analyzeDockerfile(text, { checks: [peerCodes] });
    expect(findings.map((f) => ({ rule: f.rule, check: f.check, category: f.category, messageId: f.messageId, message: f.message, helpUri: f.helpUri }))).toEqual([
      { rule: 'shellcheck/SC2086', check: 'correctness/peer-codes', category: 'correctness', messageId: 'SC2086', message: 'Double quote', helpUri: 'https://www.shellcheck.net/wiki/SC2086' },
      { rule: 'shellcheck/SC3010', check: 'correctness/peer-codes', category: 'correctness', messageId: 'SC3010', message: 'No [[', helpUri: 'https://www.shellcheck.net/wiki/SC3010' },
    ]);
  });

  it('are named by the prefixed id or the bare code, in any case; the check id and the prefix name them all', async () => {
    const { designates, designatesFinding, findingIdOf, findingNames, isKnownName } = await import('../src/engine/names.js');
    const known = [...checks, peerCodes];
    for (const n of ['SC2086', 'sc2086', 'shellcheck/SC2086', 'ShellCheck/sc2086', ' shellcheck/SC2086 ']) {
      expect(findingIdOf(peerCodes, n), n).toBe('SC2086');
      expect(designatesFinding(peerCodes, 'SC2086', n), n).toBe(true);
      expect(designatesFinding(peerCodes, 'SC3010', n), n).toBe(false);
      expect(designates(peerCodes, n), n).toBe(false);
    }
    for (const n of ['correctness/peer-codes', 'shellcheck', 'correctness']) expect(designates(peerCodes, n), n).toBe(true);
    for (const n of ['SC20866', 'shellcheck/SC20866', 'shellcheck/DL3008', 'shellcheck/', 'other/SC2086', 'SC2086x']) {
      expect(findingIdOf(peerCodes, n), n).toBeNull();
      expect(isKnownName([peerCodes], n), n).toBe(false);
    }
    expect(findingNames(known, ['SC2086', 'shellcheck/SC3010', 'correctness/peer-codes', 'shellcheck', 'DL3008'])).toEqual(['SC2086', 'shellcheck/SC3010']);

    // --ignore and the config's ignore, inline ignores, and the config's severity.
    expect(await rules(text, { ignore: ['shellcheck/SC2086'] })).toEqual(['3 warning shellcheck/SC3010 (correctness/peer-codes)']);
    expect(await rules(text, { ignore: ['sc3010'] })).toEqual(['2 info shellcheck/SC2086 (correctness/peer-codes)']);
    expect(await rules(text, { ignore: ['shellcheck'] })).toEqual([]);
    expect(await rules(text, { ignore: ['correctness/peer-codes'] })).toEqual([]);
    expect(await rules('FROM alpine:3.20\n# shipshape ignore=shellcheck/SC2086\nRUN echo $A\n# hadolint ignore=SC3010\nCMD [[ -f x ]]\nRUN echo $B\n')).toEqual(['6 info shellcheck/SC2086 (correctness/peer-codes)']);
    expect(await rules('FROM alpine:3.20\n# shipshape ignore=correctness/peer-codes\nRUN echo $A\n')).toEqual([]);
    const { findingSeverityFrom } = await import('../src/engine/config-resolve.js');
    const raised = findingSeverityFrom({ 'shellcheck/SC2086': 'error', SC3010: 'info' });
    expect(await rules(text, raised ? { findingSeverity: raised } : {})).toEqual(['2 error shellcheck/SC2086 (correctness/peer-codes)', '3 info shellcheck/SC3010 (correctness/peer-codes)']);
  });

  it('a baseline entry recorded under the check\'s id (before the findings took the peer\'s ids) still matches; a new one records the prefixed id', async () => {
    const { applyBaseline, baselineOf, fingerprint } = await import('../src/engine/baseline.js');
    const { findings } = await analyzeDockerfile(text, { checks: [peerCodes] });
    for (const f of findings) f.fingerprint = fingerprint(f, `line ${f.location.kind === 'image' ? 0 : f.location.range.line}`);
    const results = [{ path: 'Dockerfile', error: null, findings }];
    const fresh = baselineOf(results, 'b.json');
    expect(fresh.entries.map((e) => e.rule)).toEqual(['shellcheck/SC2086', 'shellcheck/SC3010']);
    // The same fingerprints recorded under the check's id, as older versions wrote them.
    const old = { path: 'b.json', entries: fresh.entries.map((e) => ({ ...e, rule: 'correctness/peer-codes' })) };
    for (const b of [fresh, old]) {
      const { results: left, outcome } = applyBaseline(results, b);
      expect(left[0]!.findings).toEqual([]);
      expect(outcome).toMatchObject({ matched: 2, gone: 0 });
    }
    // An entry of another code under the check's id does not match (the fingerprint holds the code).
    const other = { path: 'b.json', entries: [{ ...old.entries[0]!, fingerprint: fingerprint({ ...findings[0]!, messageId: 'SC2046' }, 'line 2') }] };
    expect(applyBaseline(results, other).outcome).toMatchObject({ matched: 0, gone: 1 });
  });
});
