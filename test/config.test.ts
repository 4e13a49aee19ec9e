/** The config file: discovery, every key, overrides, flags over the file, and every error case (exit 2, one line naming file and key). */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/engine/config.js';
import { compileGlob, matchesGlob, resolveFor } from '../src/engine/config-resolve.js';
import { analyzeDockerfile } from '../src/analyze.js';
import { checks } from '../checks/index.js';
import { defineCheck, type Check, type RuleId } from '../src/engine/types.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');
let repo = '';

function run(args: string[], cwd = repo) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function rules(stdout: string): string[] {
  return JSON.parse(stdout).targets.flatMap((t: { findings: { rule: string; severity: string; line: number }[] }) => t.findings.map((f) => `${f.line} ${f.rule} ${f.severity}`));
}

const DOCKERFILE = 'FROM node:latest\nUSER 1000\nCMD node server.js\n';

function repoWith(config: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-config-'));
  mkdirSync(join(dir, 'services/api'), { recursive: true });
  mkdirSync(join(dir, 'legacy/old'), { recursive: true });
  writeFileSync(join(dir, 'services/api/Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'legacy/old/Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, '.dockerignore'), '');
  copyFileSync(join(dir, '.dockerignore'), join(dir, 'services/api/.dockerignore'));
  copyFileSync(join(dir, '.dockerignore'), join(dir, 'legacy/old/.dockerignore'));
  if (config !== null) writeFileSync(join(dir, '.shipshape.yaml'), config);
  return dir;
}

beforeAll(() => {
  repo = repoWith(null);
});

describe('.shipshape.yaml', () => {
  it('without a config, reports with default severities and fails on warnings', () => {
    const r = run(['-f', 'json', 'services/api/Dockerfile']);
    expect(r.code).toBe(1);
    expect(rules(r.stdout)).toEqual(expect.arrayContaining(['1 tags/latest-tag warning', '3 pid1/shell-form-command warning']));
  });

  it('is found by walking up from the target and applies ignore, severity and failOn', () => {
    const dir = repoWith('ignore: [tags]\nseverity:\n  pid1/shell-form-command: info\n  DL3002: error\nfailOn: error\n');
    const r = run(['-f', 'json', 'services/api/Dockerfile'], dir);
    const found = rules(r.stdout);
    expect(found.some((l) => l.includes('tags/'))).toBe(false);
    expect(found).toContain('3 pid1/shell-form-command info');
    expect(r.code).toBe(0);
    expect(run(['-f', 'json', join(dir, 'services/api/Dockerfile')], root).code).toBe(0);
  });

  it('lets flags override the file', () => {
    const dir = repoWith('severity:\n  pid1: info\nfailOn: error\n');
    expect(run(['services/api/Dockerfile'], dir).code).toBe(0);
    expect(run(['--fail-on', 'info', 'services/api/Dockerfile'], dir).code).toBe(1);
    const r = run(['-f', 'json', '--ignore', 'pid1', 'services/api/Dockerfile'], dir);
    expect(rules(r.stdout).some((l) => l.includes('pid1/'))).toBe(false);
  });

  it('applies overrides whose glob matches the target, relative to the config file', () => {
    const dir = repoWith("overrides:\n  'legacy/**':\n    ignore: [pid1/shell-form-command]\n    severity: { tags/latest-tag: error }\n");
    const r = run(['-f', 'json', '--fail-on', 'none', 'services/api/Dockerfile', 'legacy/old/Dockerfile'], dir);
    const doc = JSON.parse(r.stdout);
    const api = doc.targets[0].findings.map((f: { rule: string; severity: string }) => `${f.rule} ${f.severity}`);
    const old = doc.targets[1].findings.map((f: { rule: string; severity: string }) => `${f.rule} ${f.severity}`);
    expect(api).toEqual(expect.arrayContaining(['tags/latest-tag warning', 'pid1/shell-form-command warning']));
    expect(old).toContain('tags/latest-tag error');
    expect(old).not.toContain('pid1/shell-form-command warning');
  });

  it('takes --config FILE instead of the nearest file', () => {
    const dir = repoWith('ignore: [tags]\n');
    writeFileSync(join(dir, 'ci.yaml'), 'ignore: [pid1]\n');
    const r = run(['-f', 'json', '--config', 'ci.yaml', 'services/api/Dockerfile'], dir);
    const found = rules(r.stdout);
    expect(found.some((l) => l.includes('pid1/'))).toBe(false);
    expect(found.some((l) => l.includes('tags/latest-tag'))).toBe(true);
  });

  const errors: [string, string, RegExp][] = [
    ['an unknown key', 'ignored: [tags]\n', /^shipshape: \S+\.shipshape\.yaml: ignored: unknown key \(known: ignore, severity, failOn, trustedRegistries, allowedTools, baseFindings, target, labelSchema, strictLabels, shellcheck, overrides, exclude, baseline, images\)\n$/],
    ['an unknown key in an override', "overrides:\n  'a/**':\n    failon: error\n", /^shipshape: \S+\.shipshape\.yaml: overrides\.a\/\*\*\.failon: unknown key \(known: ignore, severity, failOn, trustedRegistries, allowedTools, baseFindings, target, labelSchema, strictLabels, shellcheck\)\n$/],
    ['a bad severity', 'severity:\n  pid1: fatal\n', /^shipshape: \S+\.shipshape\.yaml: severity\.pid1: .*"error"\|"warning"\|"info".*\n$/],
    ['a bad failOn', 'failOn: always\n', /^shipshape: \S+\.shipshape\.yaml: failOn: .*\n$/],
    ['a list given a string', 'ignore: tags\n', /^shipshape: \S+\.shipshape\.yaml: ignore: .*array.*\n$/],
    ['an unknown rule in ignore', 'ignore: [tags, pid1/nope]\n', /^shipshape: \S+\.shipshape\.yaml: ignore\[1\]: "pid1\/nope": no such rule, category or peer id; closest: .*pid1\/no-init.*\n$/],
    ['an unknown rule in severity', 'severity:\n  nope: error\n', /^shipshape: \S+\.shipshape\.yaml: severity\.nope: no such rule, category or peer id.*\n$/],
    ['invalid YAML', 'ignore: [tags\n', /^shipshape: \S+\.shipshape\.yaml: not valid YAML: .*\n$/],
    ['a top level that is not a mapping', '- tags\n', /^shipshape: \S+\.shipshape\.yaml: \(top level\): .*object.*\n$/],
  ];
  for (const [name, text, message] of errors) {
    it(`exits 2 with one line naming the file and key for ${name}`, () => {
      const dir = repoWith(text);
      const r = run(['services/api/Dockerfile'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('exits 2 when --config names a missing file', () => {
    const r = run(['--config', 'nope.yaml', 'services/api/Dockerfile']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('shipshape: nope.yaml: no such file\n');
  });

  it('accepts an empty file', () => {
    const dir = repoWith('');
    expect(run(['--fail-on', 'none', 'services/api/Dockerfile'], dir).code).toBe(0);
  });
});

describe('settings for checks', () => {
  it('resolves trustedRegistries and allowedTools, overrides replacing the top level', () => {
    const dir = repoWith("trustedRegistries: [ghcr.io/acme]\nallowedTools: [curl]\noverrides:\n  'legacy/**':\n    allowedTools: [curl, sudo]\n");
    const loaded = loadConfig(join(dir, '.shipshape.yaml'), checks);
    expect(resolveFor(loaded, join(dir, 'services/api/Dockerfile')).settings).toEqual({ trustedRegistries: ['ghcr.io/acme'], allowedTools: ['curl'] });
    expect(resolveFor(loaded, join(dir, 'legacy/old/Dockerfile')).settings).toEqual({ trustedRegistries: ['ghcr.io/acme'], allowedTools: ['curl', 'sudo'] });
  });

  it('reach a check as ctx.settings', async () => {
    const seen: unknown[] = [];
    const probe = defineCheck({
      id: 'tags/probe' as RuleId, title: 't', category: 'tags', severity: 'info', messages: { m: 'm' }, docs: { why: '', bad: '', good: '' },
      dockerfile: (ctx) => ({ end: () => void seen.push(ctx.settings) }),
    });
    await analyzeDockerfile('FROM alpine:3.20\n', { checks: [probe as Check], settings: { trustedRegistries: ['ghcr.io/acme'] } });
    await analyzeDockerfile('FROM alpine:3.20\n', { checks: [probe as Check] });
    expect(seen).toEqual([{ trustedRegistries: ['ghcr.io/acme'] }, {}]);
  });
});

describe('globs', () => {
  it('match like .gitignore-style paths', () => {
    expect(compileGlob('services/**/Dockerfile').test('services/a/b/Dockerfile')).toBe(true);
    expect(compileGlob('services/**/Dockerfile').test('services/Dockerfile')).toBe(true);
    expect(compileGlob('services/*/Dockerfile').test('services/a/b/Dockerfile')).toBe(false);
    expect(compileGlob('*.{Dockerfile,Containerfile}').test('api.Containerfile')).toBe(true);
    expect(matchesGlob('Dockerfile.*', '/r', '/r/deep/Dockerfile.dev')).toBe(true);
    expect(matchesGlob('legacy', '/r', '/r/legacy/old/Dockerfile')).toBe(true);
    expect(matchesGlob('legacy/**', '/r', '/other/legacy/Dockerfile')).toBe(false);
  });
});

describe('hadolint config and .trivyignore', () => {
  it("maps hadolint's settings to shipshape's and names what it drops", async () => {
    const { fromHadolint, trivyIgnoreIds } = await import('../src/engine/peer-config.js');
    const { checks } = await import('../checks/index.js');
    const { config, dropped } = fromHadolint(
      {
        ignored: ['DL3008', 'SC2086', 'DL1001'],
        override: { error: ['DL3025'], style: ['DL3059'], info: ['DL9999'] },
        'failure-threshold': 'style',
        trustedRegistries: ['docker.io', 'ghcr.io/acme'],
        'label-schema': { author: 'text', url: 'url', built: 'date' },
        'strict-labels': true,
        'disable-ignore-pragma': true,
        format: 'json',
        'no-color': true,
      },
      checks,
    );
    expect(config).toEqual({
      // SC2086 is one kind of correctness/shellcheck's findings: kept, as hadolint users mean it.
      ignore: ['DL3008', 'SC2086'],
      severity: { DL3025: 'error', DL3059: 'info' },
      failOn: 'info',
      trustedRegistries: ['docker.io', 'ghcr.io/acme'],
      labelSchema: { author: 'text', url: 'url' },
      strictLabels: true,
    });
    expect(dropped).toEqual([
      'ignored: DL1001 (no shipshape check covers it)',
      'override.info: DL9999 (no shipshape check covers it)',
      'label-schema.built: "date" is not one of text, url, email, rfc3339, semver, hash, spdx',
      'disable-ignore-pragma: shipshape always honours inline ignores (and reports stale ones)',
    ]);
    expect(fromHadolint({ 'failure-threshold': 'error', 'no-fail': true }, checks).config).toEqual({ failOn: 'none' });
    expect(fromHadolint({ 'failure-threshold': 'ignore' }, checks).config).toEqual({ failOn: 'none' });
    expect(trivyIgnoreIds('# comment\nAVD-DS-0002\nDS-0001 exp:2020-01-01\nDS005 exp:2999-01-01\nCVE-2024-1234\n\nds013 # inline\n', '2026-01-01')).toEqual(['AVD-DS-0002', 'DS005', 'ds013']);
  });
});
