/**
 * The formats other CI systems read: checkstyle XML (reviewdog, Jenkins warnings-ng), JUnit XML
 * (GitLab, Jenkins, Azure test tabs) and GitLab Code Quality JSON. Each is made by the bundled CLI
 * from Dockerfile, entrypoint-script, image and unreadable targets, and read back by a consumer:
 * JUnit by test-results-parser (the parser of the testbeats reporting tool), checkstyle by
 * fast-xml-parser's validator and parser, Code Quality against the schema GitLab documents.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseTestResults } from 'test-results-parser';
import { Ajv } from 'ajv';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');

let targets: string[] = [];
let cwd = '';
let expected: { findings: number; unread: number; clean: number; perTarget: number[] };

function run(format: string) {
  const r = spawnSync(process.execPath, [cli, '--format', format, ...targets], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  // A checkout: a Dockerfile with an entrypoint script, an image archive, and two more Dockerfiles.
  cwd = mkdtempSync(join(tmpdir(), 'shipshape-formats-'));
  cpSync(join(root, 'sample-images/images/pid1-script-no-exec'), join(cwd, 'svc'), { recursive: true });
  cpSync(join(root, 'sample-images/built/size-deleted-later.oci.tar'), join(cwd, 'app.tar'));
  // Characters XML must escape, in a message (the image name is quoted in it).
  writeFileSync(join(cwd, 'Dockerfile'), 'FROM registry.example.com/a&b<c>:latest\nCMD echo "it\'s" > /tmp/x\n');
  writeFileSync(join(cwd, 'Containerfile'), 'FROM alpine:3.20\nUSER 10001\nHEALTHCHECK NONE\nCMD ["app"]\n');
  targets = ['svc/Dockerfile', 'app.tar', 'Dockerfile', 'Containerfile', 'missing'];
  const doc = JSON.parse(run('json').stdout) as { targets: { error: unknown; findings: unknown[] }[] };
  expected = {
    findings: doc.targets.reduce((n, t) => n + t.findings.length, 0),
    unread: doc.targets.filter((t) => t.error).length,
    clean: doc.targets.filter((t) => !t.error && t.findings.length === 0).length,
    perTarget: doc.targets.map((t) => t.findings.length),
  };
  expect(expected.unread).toBe(1);
  expect(expected.findings).toBeGreaterThan(5);
});

describe('checkstyle', () => {
  it('is well-formed XML with one error element per finding and per unreadable target', () => {
    const r = run('checkstyle');
    expect(r.code).toBe(2);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'file' || name === 'error' }).parse(r.stdout);
    const files = doc.checkstyle.file as { name: string; error: { line?: string; column?: string; severity: string; message: string; source: string }[] }[];
    const errors = files.flatMap((f) => f.error.map((e) => ({ file: f.name, ...e })));
    expect(errors).toHaveLength(expected.findings + expected.unread);
    for (const e of errors) {
      expect(['error', 'warning', 'info']).toContain(e.severity);
      expect(e.source).toMatch(/^shipshape\.[a-z0-9-]+\.[a-z0-9-]+$|^shipshape\.target-not-analyzed$/);
      if (e.line !== undefined) expect(Number(e.line)).toBeGreaterThan(0);
    }
    // The escaped characters come back as written; the entrypoint script's findings name the script.
    expect(errors.some((e) => e.message.includes('registry.example.com/a&b<c>:latest'))).toBe(true);
    expect(files.map((f) => f.name)).toContain('svc/docker-entrypoint.sh');
    expect(errors.find((e) => e.source === 'shipshape.target-not-analyzed')!.message).toMatch(/missing: no such file or directory$/);
  });
});

describe('junit', () => {
  it('reads back, through a JUnit consumer, as one failed case per finding, an error per unreadable target, a passing case per clean one', () => {
    const r = run('junit');
    const file = join(mkdtempSync(join(tmpdir(), 'shipshape-junit-')), 'report.xml');
    writeFileSync(file, r.stdout);
    const result = parseTestResults({ type: 'junit', files: [file] });
    expect(result.failed).toBe(expected.findings);
    expect(result.errors).toBe(expected.unread);
    expect(result.passed).toBe(expected.clean);
    expect(result.total).toBe(expected.findings + expected.unread + expected.clean);
    expect(result.suites.map((s) => s.cases.filter((c) => c.status === 'FAIL' && !c.failure.includes('no such file')).length)).toEqual(expected.perTarget);
    const shellForm = result.suites.flatMap((s) => s.cases).find((c) => c.name.startsWith('pid1/shell-form-command '));
    expect(shellForm?.failure).toMatch(/^CMD uses shell form/);
  });
});

describe('gitlab', () => {
  // GitLab's documented Code Quality report format (docs.gitlab.com, "Code Quality report format"):
  // an array of issues with these fields; severity one of the five GitLab knows.
  const schema = {
    type: 'array',
    items: {
      type: 'object',
      required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
      properties: {
        description: { type: 'string', minLength: 1 },
        check_name: { type: 'string', minLength: 1 },
        fingerprint: { type: 'string', minLength: 1 },
        severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
        categories: { type: 'array', items: { type: 'string' } },
        location: {
          type: 'object',
          required: ['path', 'lines'],
          properties: { path: { type: 'string', pattern: '^[^/]' }, lines: { type: 'object', required: ['begin'], properties: { begin: { type: 'integer', minimum: 1 } } } },
        },
      },
    },
  };

  it('matches the documented format, with a unique fingerprint per issue that stays when lines move', () => {
    const doc = JSON.parse(run('gitlab').stdout) as { fingerprint: string; check_name: string; location: { path: string } }[];
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc).toHaveLength(expected.findings + expected.unread);
    expect(new Set(doc.map((i) => i.fingerprint)).size).toBe(doc.length);
    // Same findings, lines moved: same fingerprints.
    const tmp = mkdtempSync(join(tmpdir(), 'shipshape-gitlab-'));
    const text = 'FROM node:latest\nCMD npm start\n';
    writeFileSync(join(tmp, 'Dockerfile'), text);
    const a = JSON.parse(spawnSync(process.execPath, [cli, '--format', 'gitlab', 'Dockerfile'], { cwd: tmp, encoding: 'utf8' }).stdout) as { fingerprint: string }[];
    writeFileSync(join(tmp, 'Dockerfile'), `# moved\n\n${text}`);
    const b = JSON.parse(spawnSync(process.execPath, [cli, '--format', 'gitlab', 'Dockerfile'], { cwd: tmp, encoding: 'utf8' }).stdout) as { fingerprint: string }[];
    expect(b.map((i) => i.fingerprint).sort()).toEqual(a.map((i) => i.fingerprint).sort());
  });
});
