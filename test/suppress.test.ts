/** Inline ignores: ours and hadolint's, per instruction and global, and the stale or unknown ones reported. */
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../src/analyze.js';
import { parsePragmaText } from '../src/dockerfile/pragmas.js';
import shellForm from '../checks/pid1/shell-form-command.js';
import latestTag from '../checks/tags/latest-tag.js';
import rootUser from '../checks/user/root-user.js';
import unusedIgnore from '../checks/correctness/unused-ignore.js';
import type { Check } from '../src/engine/types.js';

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
