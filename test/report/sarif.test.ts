/** SARIF output validates against the official 2.1.0 schema, for every sample and for image, script and error results. */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import AjvModule from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { sarifLog, toUri } from '../../src/report/sarif.js';
import { checks } from '../../checks/index.js';
import type { TargetResult } from '../../src/report/model.js';
import { SHELLCHECK } from '../helpers/tester.js';

const root = join(import.meta.dirname, '../..');
const schemaPath = join(root, '../shared/schemas/sarif-schema-2.1.0.json');
const haveSchema = existsSync(schemaPath);
if (!haveSchema) console.warn(`SARIF schema validation skipped: ${schemaPath} is absent`);

let validate: ValidateFunction;
beforeAll(() => {
  if (!haveSchema) return;
  const Ajv = (AjvModule as unknown as { default: typeof AjvModule.default }).default ?? AjvModule;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:\S*$/i.test(s));
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
});

function expectValid(doc: unknown): void {
  if (!haveSchema) return;
  const ok = validate(doc);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
}

function dockerfiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...dockerfiles(p));
    else if (/^(Dockerfile|Containerfile)/.test(e)) out.push(p);
  }
  return out.sort();
}

type Sarif = { runs: { tool: { driver: { rules: { id: string; helpUri: string; defaultConfiguration: { level: string }; properties: { tags: string[] } }[] } }; results: Record<string, any>[] }[] };

describe('--format sarif', () => {
  const samples = dockerfiles(join(root, 'sample-images')).map((p) => relative(root, p));

  it('validates for every sample Dockerfile, run through the bundled CLI', () => {
    expect(samples.length).toBeGreaterThan(2);
    const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), '--format', 'sarif', '--fail-on', 'none', ...samples], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as Sarif;
    expectValid(doc);
    const run = doc.runs[0]!;
    const ids = run.tool.driver.rules.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('correctness/unused-ignore');
    const shell = run.tool.driver.rules.find((x) => x.id === 'pid1/shell-form-command')!;
    expect(shell.helpUri).toMatch(/^https:\/\/.*\/docs\/rules\/pid1\/shell-form-command\.md$/);
    expect(shell.defaultConfiguration.level).toBe('warning');
    expect(shell.properties.tags).toContain('pid1');
    const res = run.results.find((x) => x.ruleId === 'pid1/shell-form-command' && x.locations[0].physicalLocation.artifactLocation.uri === 'sample-images/node-app/Dockerfile');
    expect(res).toMatchObject({ level: 'warning', ruleIndex: ids.indexOf('pid1/shell-form-command') });
    expect(res!.locations[0].physicalLocation.region).toMatchObject({ startLine: 7, startColumn: 1, endLine: 7 });
    for (const x of run.results) expect(ids[x.ruleIndex]).toBe(x.ruleId);
  });

  it('validates for every sample image tarball, run through the bundled CLI, with image findings located in the tarball', () => {
    const built = join(root, 'sample-images/built');
    const tars = readdirSync(built).filter((f) => f.endsWith('.tar')).sort().map((f) => relative(root, join(built, f)));
    expect(tars.length).toBeGreaterThan(10);
    const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), '--format', 'sarif', '--fail-on', 'none', ...tars], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as Sarif;
    expectValid(doc);
    const results = doc.runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    for (const x of results) {
      const uri = x.locations[0].physicalLocation.artifactLocation.uri as string;
      expect(tars).toContain(uri.replace(/#.*$/, ''));
      expect(x.locations[0].physicalLocation.region).toBeUndefined();
    }
    const waste = results.find((x) => x.ruleId === 'size/wasted-space' && x.locations[0].logicalLocations);
    expect(waste?.locations[0].logicalLocations.map((l: { name: string }) => l.name).join(' ')).toMatch(/layer \d+/);
  });

  it('validates and locates image findings, entrypoint-script findings, info levels and unreadable targets', () => {
    const results: TargetResult[] = [
      {
        path: 'build/app.tar', kind: 'image', error: null,
        findings: [
          { rule: 'tools/network-tools', category: 'tools', severity: 'warning', message: 'nc is in the image', messageId: 'present', location: { kind: 'image', path: '/usr/bin/nc', layer: 3 } },
          { rule: 'user/root-user', category: 'user', severity: 'error', message: 'runs as root', messageId: 'noUser', location: { kind: 'image', field: 'User' } },
        ],
      },
      {
        path: 'app/Dockerfile', kind: 'dockerfile', error: null,
        findings: [
          { rule: 'pid1/shell-form-command', category: 'pid1', severity: 'info', message: 'no exec', messageId: 'x', location: { kind: 'file', file: 'docker-entrypoint.sh', range: { line: 4, column: 1, endLine: 4, endColumn: 12 } } },
        ],
      },
      { path: 'missing/Dockerfile', kind: 'dockerfile', error: 'missing/Dockerfile: no such file or directory', findings: [] },
    ];
    const doc = sarifLog(results, checks) as Sarif;
    expectValid(doc);
    const [nc, user, script] = doc.runs[0]!.results;
    expect(nc!.locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'build/app.tar' } },
      logicalLocations: [{ name: 'layer 3', kind: 'module' }, { name: '/usr/bin/nc', fullyQualifiedName: 'layer 3:/usr/bin/nc', kind: 'resource' }],
    });
    expect(user!.locations[0].logicalLocations).toEqual([{ name: 'User', fullyQualifiedName: 'config.User', kind: 'property' }]);
    expect(user!.level).toBe('error');
    expect(script!.level).toBe('note');
    expect(script!.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'app/docker-entrypoint.sh' }, region: { startLine: 4, startColumn: 1, endLine: 4, endColumn: 12 } });
    const inv = (doc.runs[0] as unknown as { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[] }).invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications[0]!.message.text).toBe('missing/Dockerfile: no such file or directory');
  });

  it('gives findings with ShellCheck\'s codes their own rules: ruleId shellcheck/SC2086, one descriptor per code found, after the checks', () => {
    const sc = (code: string, message: string, line: number): TargetResult['findings'][number] => ({
      rule: `shellcheck/${code}` as `shellcheck/SC${number}`, check: 'correctness/shellcheck', helpUri: `https://www.shellcheck.net/wiki/${code}`, category: 'correctness', severity: code === 'SC3010' ? 'warning' : 'info', message, messageId: code,
      location: { kind: 'dockerfile', range: { line, column: 5, endLine: line, endColumn: 9 } },
    });
    const results: TargetResult[] = [
      { path: 'Dockerfile', kind: 'dockerfile', error: null, findings: [sc('SC3010', 'In dash, [[ ]] is not supported', 2), sc('SC2086', 'Double quote to prevent globbing and word splitting', 3), sc('SC2086', 'Double quote to prevent globbing and word splitting', 4)] },
    ];
    const doc = sarifLog(results, checks) as Sarif;
    expectValid(doc);
    const run = doc.runs[0]!;
    const rules = run.tool.driver.rules as unknown as Record<string, any>[];
    // The registered checks (the ShellCheck check among them, once), then one rule per code found, in id order.
    expect(rules.slice(0, checks.length).map((r) => r.id)).toEqual(checks.map((c) => c.id));
    expect(rules.slice(checks.length)).toEqual([
      {
        id: 'shellcheck/SC2086', name: 'SC2086', shortDescription: { text: 'Double quote to prevent globbing and word splitting' }, helpUri: 'https://www.shellcheck.net/wiki/SC2086',
        help: expect.objectContaining({ text: expect.stringContaining('reported by correctness/shellcheck') }),
        defaultConfiguration: { level: 'note' }, properties: { tags: ['correctness', 'shellcheck'], category: 'correctness', check: 'correctness/shellcheck' },
      },
      expect.objectContaining({ id: 'shellcheck/SC3010', name: 'SC3010', helpUri: 'https://www.shellcheck.net/wiki/SC3010', defaultConfiguration: { level: 'warning' } }),
    ]);
    expect(run.results.map((x) => `${x.ruleId} ${x.ruleIndex} ${x.level} ${x.properties.check} ${x.properties.messageId}`)).toEqual([
      `shellcheck/SC3010 ${checks.length + 1} warning correctness/shellcheck SC3010`,
      `shellcheck/SC2086 ${checks.length} note correctness/shellcheck SC2086`,
      `shellcheck/SC2086 ${checks.length} note correctness/shellcheck SC2086`,
    ]);
  });

  it.skipIf(!SHELLCHECK)('reports a real ShellCheck run through the bundled CLI as shellcheck/SC… rules, and validates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-sarif-sc-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\nRUN [[ -f /etc/os-release ]] && echo found\nCOPY entrypoint.sh /usr/local/bin/\nUSER 10001\nENTRYPOINT ["entrypoint.sh"]\n');
    writeFileSync(join(dir, 'entrypoint.sh'), '#!/bin/sh\nchown -R $PUID /data\nexec "$@"\n');
    const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), '--format', 'sarif', 'Dockerfile'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as Sarif;
    expectValid(doc);
    const run = doc.runs[0]!;
    const ids = run.tool.driver.rules.map((x) => x.id);
    expect(ids.filter((id) => id.startsWith('shellcheck/'))).toEqual(['shellcheck/SC2086', 'shellcheck/SC3010']);
    expect(ids.filter((id) => id === 'correctness/shellcheck')).toHaveLength(1);
    const found = run.results.filter((x) => x.ruleId.startsWith('shellcheck/'));
    expect(found.map((x) => `${x.ruleId} ${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine}`)).toEqual(['shellcheck/SC3010 Dockerfile:2', 'shellcheck/SC2086 entrypoint.sh:2']);
    for (const x of run.results) expect(ids[x.ruleIndex]).toBe(x.ruleId);
    expect(run.results.map((x) => x.ruleId)).not.toContain('correctness/shellcheck');
  });

  it('is checked by a validator that rejects a broken log', () => {
    if (!haveSchema) return;
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { region: { startLine: 0 } } }] }] }] })).toBe(false);
  });

  it('writes repository-relative URIs', () => {
    expect(toUri('./a b/Dockerfile')).toBe('a%20b/Dockerfile');
    expect(toUri('/repo/svc/Dockerfile', '/repo')).toBe('svc/Dockerfile');
    expect(toUri('/elsewhere/Dockerfile', '/repo')).toBe('file:///elsewhere/Dockerfile');
  });
});
