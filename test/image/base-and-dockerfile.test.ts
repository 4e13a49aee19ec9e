/**
 * Base image versus this build, and image findings traced back to Dockerfile lines, through the
 * bundled CLI: `--base-findings` (and `baseFindings:` in the config), `--dockerfile`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerArchive } from './helpers.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const built = (name: string, format: string) => `sample-images/built/${name}.${format}.tar`;

function run(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
interface JF { rule: string; messageId: string; severity: string; message: string; path?: string; layer?: number; dockerfile?: { file: string; line: number }; detail?: Record<string, unknown> }
const findings = (stdout: string): JF[] => JSON.parse(stdout).targets[0].findings;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
});

/** A base image (two layers: a file added, then deleted, then its CMD) and one layer of this build. */
async function baseWithWaste(): Promise<Buffer> {
  return dockerArchive({
    layers: [[{ name: 'opt/sdk.bin', body: 'x'.repeat(64 * 1024) }], [{ name: 'opt/.wh.sdk.bin' }], [{ name: 'app/run', body: '#!/bin/sh\nexec sleep 1\n', mode: 0o755 }]],
    config: {
      config: { User: '10001', Cmd: ['/app/run'], Labels: { 'org.opencontainers.image.base.name': 'docker.io/library/fatbase:3' } },
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:aaa in / ' },
        { created_by: '/bin/sh -c rm /opt/sdk.bin' },
        { created_by: '/bin/sh -c #(nop) CMD ["sh"]', empty_layer: true },
        { created_by: '/bin/sh -c #(nop) COPY file:bbb in /app/run ' },
        { created_by: '/bin/sh -c #(nop) USER 10001', empty_layer: true },
      ],
    },
  });
}

describe('base image versus this build', () => {
  it("the base image's wasted bytes are info naming the base; --base-findings makes them warnings", async () => {
    const data = await baseWithWaste();
    const plain = findings(run(['--format', 'json', '--ignore', 'pid1,tags', '-'], data).stdout).filter((f) => f.messageId === 'wastedBase');
    expect(plain).toMatchObject([{ rule: 'size/wasted-space', severity: 'info', path: '/opt/sdk.bin', layer: 0, detail: { fromBase: true, baseImage: 'fatbase:3' } }]);
    expect(plain[0]!.message).toMatch(/^base image fatbase:3 layer 0 ships 64\.0 KiB/);
    const full = findings(run(['--format', 'json', '--ignore', 'pid1,tags', '--base-findings', '-'], data).stdout).filter((f) => f.messageId === 'wastedBase');
    expect(full).toMatchObject([{ severity: 'warning', path: '/opt/sdk.bin', layer: 0 }]);
  });

  it('baseFindings: true in the config does what the flag does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-base-'));
    writeFileSync(join(dir, '.shipshape.yaml'), 'baseFindings: true\n');
    writeFileSync(join(dir, 'app.tar'), await baseWithWaste());
    const r = run(['--format', 'json', '--ignore', 'pid1,tags', join(dir, 'app.tar')]);
    expect(findings(r.stdout).filter((f) => f.messageId === 'wastedBase').map((f) => f.severity)).toEqual(['warning']);
  });

  it('every image finding about a layer says where the layer came from', () => {
    const r = run(['--format', 'json', built('tools-netcat', 'oci')]);
    const layered = findings(r.stdout).filter((f) => f.layer !== undefined);
    expect(layered.length).toBeGreaterThan(0);
    for (const f of layered) expect(f.detail, f.rule).toMatchObject({ fromBase: f.layer === 0, baseImage: 'localhost/busybox-base:1' });
  });
});

describe('--dockerfile: image findings traced to Dockerfile lines', () => {
  const df = 'sample-images/images/tools-netcat/Dockerfile';
  const lines = readFileSync(join(root, df), 'utf8').split('\n');

  it.each(['docker', 'oci'])('%s-archive: each build-layer finding carries the line of the instruction that made its layer', (format) => {
    const r = run(['--format', 'json', '--dockerfile', df, built('tools-netcat', format)]);
    const layered = findings(r.stdout).filter((f) => f.layer !== undefined && f.layer > 0);
    expect(layered.length).toBeGreaterThan(0);
    for (const f of layered) {
      expect(f.dockerfile?.file).toBe(df);
      const text = lines[f.dockerfile!.line - 1]!;
      if (f.layer === 2) expect(text).toMatch(/^RUN ln -s \/bin\/busybox \/usr\/bin\/nc/);
      if (f.layer === 3) expect(text).toMatch(/^COPY .* \/usr\/sbin\/sshd$/);
    }
    // without --dockerfile the same findings have no line
    expect(findings(run(['--format', 'json', built('tools-netcat', format)]).stdout).some((f) => f.dockerfile)).toBe(false);
  });

  it('a config finding points at the instruction that set it, or the final FROM when nothing did', () => {
    const named = findings(run(['--format', 'json', '--dockerfile', 'sample-images/images/user-named/Dockerfile', built('user-named', 'docker')]).stdout).find((f) => f.rule === 'user/named-user')!;
    const namedLines = readFileSync(join(root, 'sample-images/images/user-named/Dockerfile'), 'utf8').split('\n');
    expect(namedLines[named.dockerfile!.line - 1]).toBe('USER app');
    const rootUser = findings(run(['--format', 'json', '--dockerfile', 'sample-images/images/user-root/Dockerfile', built('user-root', 'oci')]).stdout).find((f) => f.rule === 'user/root-user')!;
    const rootLines = readFileSync(join(root, 'sample-images/images/user-root/Dockerfile'), 'utf8').split('\n');
    expect(rootLines[rootUser.dockerfile!.line - 1]).toMatch(/^FROM localhost\/busybox-base:1$/);
  });

  it('the text report shows the Dockerfile line beside the layer', () => {
    const r = run(['--dockerfile', df, built('tools-netcat', 'oci')]);
    expect(r.stdout).toMatch(/layer 2 \/usr\/bin\/nc \(sample-images\/images\/tools-netcat\/Dockerfile:7\)/);
  });

  it('a --dockerfile that cannot be read or is not a Dockerfile is a one-line usage error', () => {
    const missing = run(['--dockerfile', 'nope/Dockerfile', built('good', 'oci')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('shipshape: --dockerfile nope/Dockerfile: no such file\n');
    const notDf = run(['--dockerfile', 'package.json', built('good', 'oci')]);
    expect(notDf.code).toBe(2);
    expect(notDf.stderr).toBe('shipshape: --dockerfile package.json: does not look like a Dockerfile: it does not start with an instruction and most of its lines are not instructions\n');
  });
});

describe("tools the base image brought", () => {
  async function baseWithNetcat(): Promise<Buffer> {
    return dockerArchive({
      layers: [[{ name: 'usr/bin/nc', body: '\x7fELF netcat', mode: 0o755 }], [{ name: 'app/run', body: '#!/bin/sh\nexec sleep 1\n', mode: 0o755 }]],
      config: {
        config: { User: '10001', Cmd: ['/app/run'], Labels: { 'org.opencontainers.image.base.name': 'docker.io/acme/toolbox:2' } },
        history: [
          { created_by: '/bin/sh -c #(nop) ADD file:aaa in / ' },
          { created_by: '/bin/sh -c #(nop) CMD ["sh"]', empty_layer: true },
          { created_by: '/bin/sh -c #(nop) COPY file:bbb in /app/run ' },
        ],
      },
    });
  }

  it('are info naming the base by default, and full findings with --base-findings', async () => {
    const data = await baseWithNetcat();
    const nc = (args: string[]) => findings(run(['--format', 'json', ...args, '-'], data).stdout).filter((f) => f.rule.startsWith('tools/') && f.path === '/usr/bin/nc');
    const plain = nc([]);
    expect(plain.length).toBeGreaterThan(0);
    for (const f of plain) expect(f).toMatchObject({ severity: 'info', layer: 0, detail: { fromBase: true, baseImage: 'acme/toolbox:2' } });
    const full = nc(['--base-findings']);
    expect(full.map((f) => f.severity)).not.toContain('info');
    expect(full.length).toBe(plain.length);
  });
});

describe('--dockerfile in the other formats', () => {
  const df = 'sample-images/images/tools-netcat/Dockerfile';
  it('github: a traced finding is annotated on its Dockerfile line', () => {
    const r = run(['--format', 'github', '--dockerfile', df, built('tools-netcat', 'oci')]);
    expect(r.stdout).toMatch(/^::warning file=sample-images\/images\/tools-netcat\/Dockerfile,line=7,title=tools\/network-tools \(warning\)::sample-images\/built\/tools-netcat\.oci\.tar layer 2 \/usr\/bin\/nc: /m);
  });

  it('markdown: the where column names the Dockerfile line', () => {
    const r = run(['--format', 'markdown', '--dockerfile', df, built('tools-netcat', 'oci')]);
    expect(r.stdout).toContain('| layer 2 `/usr/bin/nc` (`sample-images/images/tools-netcat/Dockerfile` line 7) |');
  });

  it('sarif: the Dockerfile line is a related location of the image result', async () => {
    const { default: AjvModule } = await import('ajv-draft-04');
    const schemaPath = join(root, '../shared/schemas/sarif-schema-2.1.0.json');
    const log = JSON.parse(run(['--format', 'sarif', '--dockerfile', df, built('tools-netcat', 'oci')]).stdout);
    const nc = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'tools/network-tools');
    expect(nc.relatedLocations[0].physicalLocation).toEqual({ artifactLocation: { uri: df }, region: { startLine: 7 } });
    if (!existsSync(schemaPath)) return;
    const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;
    const ajv = new (Ajv as unknown as new (o: object) => { addFormat(n: string, f: (s: string) => boolean): void; compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } })({ allErrors: true, strict: false });
    ajv.addFormat('uri', (s) => /^[a-z][a-z0-9+.-]*:\S*$/i.test(s));
    ajv.addFormat('uri-reference', (s) => !/\s/.test(s));
    ajv.addFormat('date-time', (s) => !Number.isNaN(Date.parse(s)));
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('upstream-tools: a sample built FROM another sample that has tools', () => {
  it.each(['docker', 'oci'])("%s-archive: the base's netcat, wget and sshd are info naming the base; --base-findings makes them warnings", (format) => {
    const tools = (args: string[]) => findings(run(['--format', 'json', ...args, built('upstream-tools', format)]).stdout).filter((f) => f.rule.startsWith('tools/'));
    const plain = tools([]);
    expect(plain.map((f) => [f.rule, f.path, f.layer, f.severity])).toEqual([
      ['tools/download-tools-left', '/usr/bin/wget', 2, 'info'],
      ['tools/network-tools', '/usr/bin/nc', 2, 'info'],
      ['tools/ssh-installed', '/usr/sbin/sshd', 3, 'info'],
    ]);
    for (const f of plain) {
      expect(f.message).toContain('from the base image localhost/shipshape-sample/tools-netcat:1.0.0');
      expect(f.detail).toMatchObject({ fromBase: true, baseImage: 'localhost/shipshape-sample/tools-netcat:1.0.0' });
    }
    expect(tools(['--base-findings']).map((f) => f.severity)).toEqual(['warning', 'warning', 'warning']);
  });

  it('with its Dockerfile, base-layer findings name no Dockerfile line (the base made them)', () => {
    const fs = findings(run(['--format', 'json', '--dockerfile', 'sample-images/images/upstream-tools/Dockerfile', built('upstream-tools', 'oci')]).stdout);
    expect(fs.filter((f) => f.rule.startsWith('tools/')).every((f) => f.dockerfile === undefined && f.severity === 'info')).toBe(true);
  });
});

describe('--dockerfile that did not build the image, or changed since', () => {
  it('a Dockerfile that matches nothing: a note, no lines, the base from the history', () => {
    const r = run(['--format', 'json', '--dockerfile', 'sample-images/node-app/Dockerfile', built('tools-netcat', 'oci')]);
    expect(r.stderr).toContain('its history matches no instruction of sample-images/node-app/Dockerfile; findings are not traced to Dockerfile lines');
    const fs = findings(r.stdout).filter((f) => f.layer !== undefined);
    expect(fs.length).toBeGreaterThan(0);
    for (const f of fs) expect(f.dockerfile).toBeUndefined();
    expect(fs.filter((f) => f.rule === 'tools/network-tools').map((f) => [f.severity, f.detail?.fromBase])).toEqual([['warning', false]]);
  });

  it('a Dockerfile with a step added since the build: later steps keep their lines, the base boundary comes from the history', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-df-'));
    const text = readFileSync(join(root, 'sample-images/images/tools-netcat/Dockerfile'), 'utf8').replace('COPY --chmod=755 serve /app/serve\n', 'COPY --chmod=755 serve /app/serve\nRUN mkdir -p /app/new-step\n');
    writeFileSync(join(dir, 'Dockerfile'), text);
    const r = run(['--format', 'json', '--dockerfile', join(dir, 'Dockerfile'), built('tools-netcat', 'oci')]);
    expect(r.stderr).toMatch(/its history matches .*Dockerfile only from line 8 on \(changed since the build\?\); the base image is told apart from the history/);
    const nc = findings(r.stdout).find((f) => f.rule === 'tools/network-tools')!;
    expect(nc).toMatchObject({ severity: 'warning', layer: 2, dockerfile: { line: 8 }, detail: { fromBase: false } });
    expect(text.split('\n')[7]).toMatch(/^RUN ln -s \/bin\/busybox \/usr\/bin\/nc/);
  });
});
