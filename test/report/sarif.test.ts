/** SARIF output validates against the official 2.1.0 schema, for every sample and for image, script and error results. */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import AjvModule from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { sarifLog, toUri } from '../../src/report/sarif.js';
import { checks } from '../../checks/index.js';
import type { TargetResult } from '../../src/report/model.js';

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
