/**
 * Image sources without a network: reference parsing, how a target that is no file is read, registry
 * challenges, credentials from a Docker config and a credential helper program, and OCI layout
 * directories (unpacked from the sample oci-archives) read through the same streaming reader as the
 * archives. Registries and the engine run for real in test/e2e/sources.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { bareReference, formatReference, parseReference, transportOf } from '../../src/image/sources/reference.js';
import { parseChallenges } from '../../src/image/sources/registry.js';
import { credentialsFor } from '../../src/image/sources/credentials.js';
import { layoutArchive, planOf } from '../../src/image/sources/layout-stream.js';
import { OciDir } from '../../src/image/sources/oci-dir.js';
import { blobsOf, chooseFromLayout } from '../../src/image/sources/select.js';
import { sha256Digest } from '../../src/image/sources/store.js';
import { resolveTarget } from '../../src/targets.js';
import { analyzeTargets, type AnalyzedTarget } from '../../src/analyze.js';
import { run, type Io } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '../..');
const built = join(root, 'sample-images/built');
const HEX = 'a'.repeat(64);
const noStdin = (): never => {
  throw new Error('no stdin');
};

describe('image references', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['team/app:1.4', 'docker.io/team/app:1.4'],
    ['index.docker.io/library/alpine:3', 'docker.io/library/alpine:3'],
    ['registry.example.com/team/app:1.4', 'registry.example.com/team/app:1.4'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['localhost/app:1', 'localhost/app:1'],
    ['[::1]:5000/app:1', '[::1]:5000/app:1'],
    [`127.0.0.1:5000/a/b@sha256:${HEX}`, `127.0.0.1:5000/a/b@sha256:${HEX}`],
    [`app:1.0@sha256:${HEX}`, `docker.io/library/app:1.0@sha256:${HEX}`],
    ['ghcr.io/org/my-app_x.y:v1.2.3-rc1', 'ghcr.io/org/my-app_x.y:v1.2.3-rc1'],
  ])('%s -> %s', (text, full) => {
    const ref = parseReference(text);
    expect(ref).not.toBeNull();
    expect(formatReference(ref!)).toBe(full);
  });

  it.each(['', 'App:1', 'app:', 'app@sha256:abc', 'a//b', 'app:-x', 'UPPER', 'a b', `app@md5:${HEX}`])('%j is not a reference', (text) => {
    expect(parseReference(text)).toBeNull();
  });

  it.each([
    ['docker://registry.example.com/team/app:1.4', { kind: 'registry', ref: { registry: 'registry.example.com', repository: 'team/app', tag: '1.4' } }],
    ['docker-daemon:app:1.0', { kind: 'engine', name: 'app:1.0' }],
    [`docker-daemon:sha256:${HEX}`, { kind: 'engine', name: `sha256:${HEX}` }],
    ['oci:./layout', { kind: 'oci-dir', dir: './layout' }],
    ['oci:./layout:app:1.0', { kind: 'oci-dir', dir: './layout', ref: 'app:1.0' }],
    ['app.tar', null],
    ['alpine:3.20', null],
  ])('transport of %s', (target, want) => {
    expect(transportOf(target)).toEqual(want);
  });

  it.each([
    ['docker://Bad/Name', /docker:\/\/Bad\/Name: not an image reference/],
    ['docker-daemon:', /not an image name or id/],
    ['oci:', /no directory/],
  ])('%s is an error', (target, message) => {
    const t = transportOf(target);
    expect(t && 'error' in t ? t.error : '').toMatch(message);
  });

  const exists = (dir: string): boolean => dir === 'sample-images';
  it.each([
    ['alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['alpine', null],
    ['missing', null],
    ['team/app', null],
    ['team/app:1', 'docker.io/team/app:1'],
    ['docker.io/team/app', 'docker.io/team/app:latest'],
    [`team/app@sha256:${HEX}`, `docker.io/team/app@sha256:${HEX}`],
    ['ghcr.io/org/app', 'ghcr.io/org/app:latest'],
    ['localhost:5000/team/app:1', 'localhost:5000/team/app:1'],
    ['app.tar', null],
    ['app.tar.gz', null],
    ['compose.yaml', null],
    ['./app', null],
    ['../app:1', null],
    ['/abs/app:1', null],
    ['Dockerfile', null],
    ['dockerfile.dev', null],
    ['sample-images/nope', null],
    ['My/App', null],
  ])('a missing %s reads as the image %s', (target, want) => {
    const ref = bareReference(target, exists);
    expect(ref ? formatReference(ref) : null).toBe(want);
  });
});

describe('WWW-Authenticate challenges', () => {
  it('reads Docker Hub\'s bearer challenge', () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
    ]);
  });

  it('reads several challenges, unquoted values and escapes', () => {
    expect(parseChallenges(['Basic realm="a \\"b\\""', 'Bearer realm=https://t/token, service=s,error="insufficient_scope"'])).toEqual([
      { scheme: 'basic', params: { realm: 'a "b"' } },
      { scheme: 'bearer', params: { realm: 'https://t/token', service: 's', error: 'insufficient_scope' } },
    ]);
  });

  it('reads nothing from nothing', () => {
    expect(parseChallenges(undefined)).toEqual([]);
  });
});

describe('registry credentials', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shipshape-creds-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const config = (name: string, doc: unknown): NodeJS.ProcessEnv => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'config.json'), JSON.stringify(doc));
    return { DOCKER_CONFIG: d, HOME: dir, PATH: `${join(dir, 'bin')}:${process.env.PATH}` };
  };

  it('reads auths entries: base64 user:password, Docker Hub under its old index URL, an identity token', async () => {
    const env = config('auths', {
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
        'ghcr.io': { auth: Buffer.from('gh:tok:with:colons').toString('base64') },
        'https://registry.example.com': { identitytoken: 'refresh-me' },
      },
    });
    expect(await credentialsFor('docker.io', { env })).toMatchObject({ username: 'hubuser', password: 'hubpass' });
    expect(await credentialsFor('ghcr.io', { env })).toMatchObject({ username: 'gh', password: 'tok:with:colons' });
    expect(await credentialsFor('registry.example.com', { env })).toMatchObject({ identityToken: 'refresh-me' });
    expect(await credentialsFor('quay.io', { env })).toBeNull();
  });

  it('runs the credential helper (credHelpers for the host, else credsStore) with the server on stdin', async () => {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const helper = join(dir, 'bin', 'docker-credential-unit');
    writeFileSync(helper, `#!/bin/sh\n[ "$1" = get ] || exit 3\nread server\ncase "$server" in\n  ghcr.io) echo '{"ServerURL":"ghcr.io","Username":"<token>","Secret":"idtok"}' ;;\n  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"hub","Secret":"s"}' ;;\n  *) echo "credentials not found in native keychain"; exit 1 ;;\nesac\n`);
    chmodSync(helper, 0o755);
    const env = config('helpers', { credHelpers: { 'ghcr.io': 'unit' }, credsStore: 'unit', auths: { 'quay.io': { auth: Buffer.from('q:p').toString('base64') } } });
    expect(await credentialsFor('ghcr.io', { env })).toMatchObject({ identityToken: 'idtok', from: 'docker-credential-unit' });
    expect(await credentialsFor('docker.io', { env })).toMatchObject({ username: 'hub', password: 's', from: 'docker-credential-unit' });
    // Nothing in the store: the file's own entry, then anonymous.
    expect(await credentialsFor('quay.io', { env })).toMatchObject({ username: 'q', password: 'p' });
    expect(await credentialsFor('example.org', { env })).toBeNull();
  });

  it('a helper that is not installed is an error naming it', async () => {
    const env = config('missing-helper', { credsStore: 'nosuchhelper' });
    await expect(credentialsFor('ghcr.io', { env })).rejects.toThrow(/docker-credential-nosuchhelper \(named in the Docker config\) is not on PATH/);
  });

  it('--registry-user wins over the config', async () => {
    const env = config('user-wins', { auths: { 'ghcr.io': { auth: Buffer.from('a:b').toString('base64') } } });
    expect(await credentialsFor('ghcr.io', { user: 'me', password: 'pw', env })).toEqual({ username: 'me', password: 'pw', from: '--registry-user' });
  });
});

/** Keys of the findings a user compares: rule, message, place. */
const keys = (results: AnalyzedTarget[]): string[] =>
  results.flatMap((r) => r.findings.map((f) => (f.location.kind === 'image' ? `${f.rule} ${f.messageId} ${f.location.path ?? f.location.field ?? ''} ${f.location.layer ?? ''}` : `${f.rule} ${f.messageId}`))).sort();

async function analyze(target: string, request: Parameters<typeof analyzeTargets>[1] = {}): Promise<AnalyzedTarget[]> {
  return analyzeTargets(resolveTarget(target, null, noStdin), request);
}

describe('OCI layout directories', () => {
  let dir: string;
  const unpack = (name: string): string => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    const r = spawnSync('tar', ['-xf', join(built, `${name}.oci.tar`), '-C', d]);
    if (r.status !== 0) throw new Error(`tar -xf failed: ${r.stderr}`);
    return d;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shipshape-layout-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a directory holding a layout, oci:DIR and oci:DIR:REF give the archive\'s findings', async () => {
    const layout = unpack('tools-netcat');
    const archive = await analyze(join(built, 'tools-netcat.oci.tar'));
    expect(keys(archive).length).toBeGreaterThan(2);
    const refName = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests[0].annotations['org.opencontainers.image.ref.name'] as string;
    for (const target of [layout, `oci:${layout}`, `oci:${layout}:${refName}`]) {
      const results = await analyze(target);
      expect(results.map((r) => [r.kind, r.error])).toEqual([['image', null]]);
      expect(keys(results)).toEqual(keys(archive));
    }
  });

  it('a layout with BuildKit attestations (provenance and SBOM) for the image: security/no-attestation is satisfied, as in an archive of the layout', async () => {
    const layout = unpack('tools-netcat');
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const subject = index.manifests[0]!.digest;
    const statement = Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}');
    const config = Buffer.from('{}');
    const attestation = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Digest(config), size: config.length },
      layers: ['https://slsa.dev/provenance/v0.2', 'https://spdx.dev/Document'].map((type) => ({ mediaType: 'application/vnd.in-toto+json', digest: sha256Digest(statement), size: statement.length, annotations: { 'in-toto.io/predicate-type': type } })),
    }));
    for (const b of [statement, config, attestation]) writeFileSync(join(layout, 'blobs', 'sha256', sha256Digest(b).slice(7)), b);
    index.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256Digest(attestation), size: attestation.length, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': subject } } as { digest: string });
    writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
    const without = keys(await analyze(join(built, 'tools-netcat.oci.tar')));
    expect(without).toContain('security/no-attestation missing index ');
    const results = await analyze(`oci:${layout}`);
    expect(results.map((r) => r.error)).toEqual([null]);
    expect(keys(results)).toEqual(without.filter((k) => !k.startsWith('security/no-attestation')));
  });

  it('a multi-platform layout: the host\'s platform by default, with a note; --platform chooses', async () => {
    const a = unpack('tools-netcat');
    const b = unpack('user-root');
    const multi = join(dir, 'multi');
    cpSync(a, multi, { recursive: true });
    cpSync(join(b, 'blobs'), join(multi, 'blobs'), { recursive: true });
    const first = (d: string): { digest: string; size: number; mediaType: string } => JSON.parse(readFileSync(join(d, 'index.json'), 'utf8')).manifests[0];
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    const other = arch === 'amd64' ? 'arm64' : 'amd64';
    writeFileSync(join(multi, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [
      { ...first(a), platform: { os: 'linux', architecture: arch }, annotations: { 'org.opencontainers.image.ref.name': 'app:1' } },
      { ...first(b), platform: { os: 'linux', architecture: other }, annotations: { 'org.opencontainers.image.ref.name': 'app:1' } },
    ] }));
    const byDefault = await analyze(`oci:${multi}`);
    expect(byDefault.map((r) => r.error)).toEqual([null]);
    expect(keys(byDefault)).toEqual(keys(await analyze(join(built, 'tools-netcat.oci.tar'))));
    expect(byDefault[0]!.notes).toEqual([`oci:${multi} (app:1): multi-platform index with linux/${arch}, linux/${other}; analyzing linux/${arch} (the host's platform); choose another with --platform`]);
    const chosen = await analyze(`oci:${multi}`, { platform: `linux/${other}` });
    // The image listed as the other platform is really this machine's build: its config says so.
    expect(keys(chosen)).toEqual([...keys(await analyze(join(built, 'user-root.oci.tar'))), 'tags/platform-flag imageNotAsked architecture '].sort());
    const none = await analyze(`oci:${multi}`, { platform: 'linux/s390x' });
    expect(none[0]!.error).toBe(`oci:${multi}: no image for platform linux/s390x (the index has linux/${arch}, linux/${other})`);
  });

  it('bad layouts: one line naming the target and the blob', async () => {
    const layout = unpack('user-root');
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(layout, 'blobs', ...index.manifests[0].digest.split(':')), 'utf8'));
    const layer = join(layout, 'blobs', ...manifest.layers.at(-1).digest.split(':'));
    const bytes = readFileSync(layer);
    const error = async (target: string): Promise<string> => (await analyze(target))[0]!.error ?? '';

    writeFileSync(layer, bytes.subarray(0, bytes.length - 1));
    expect(await error(`oci:${layout}`)).toMatch(new RegExp(`^oci:${layout}: layer 1 sha256:[a-f0-9]{12}…: the manifest gives it ${bytes.length} bytes but the file has ${bytes.length - 1}$`));
    const flipped = Buffer.from(bytes);
    flipped[flipped.length >> 1] = flipped[flipped.length >> 1]! ^ 0xff;
    writeFileSync(layer, flipped);
    expect(await error(`oci:${layout}`)).toMatch(/^oci:\S+: layer blobs\/sha256\/[a-f0-9]{64} does not match its digest/);
    rmSync(layer);
    expect(await error(`oci:${layout}`)).toMatch(/layer 1 sha256:[a-f0-9]{12}… is missing from the layout/);
    expect(await error(`oci:${layout}:nope`)).toMatch(/no image named nope in the layout \(it has /);
    expect(await error(`oci:${join(dir, 'nothing-here')}`)).toBe(`oci:${join(dir, 'nothing-here')}: no such directory`);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(await error(`oci:${empty}`)).toBe(`oci:${empty}: not an OCI image layout: no index.json`);
    // A nested index whose blob is not what its digest says.
    const lying = unpack('tools-netcat');
    const idx = JSON.parse(readFileSync(join(lying, 'index.json'), 'utf8'));
    writeFileSync(join(lying, 'blobs/sha256', HEX), JSON.stringify({ schemaVersion: 2, manifests: [] }));
    idx.manifests = [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${HEX}`, size: 10 }];
    writeFileSync(join(lying, 'index.json'), JSON.stringify(idx));
    expect(await error(lying)).toBe(`${lying}: manifest sha256:aaaaaaaaaaaa… from ${lying} does not match its digest (got ${sha256Digest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] }))).slice(0, 19)}…)`);
  });

  it('the blobs reach the reader as a well-formed OCI layout tar (tar-stream reads it back)', async () => {
    const layout = unpack('secret-layers');
    const store = new OciDir(layout, 'x');
    const indexBytes = readFileSync(join(layout, 'index.json'));
    const images = await chooseFromLayout(store, { bytes: indexBytes, digest: sha256Digest(indexBytes), mediaType: '' }, undefined, { label: 'x', defaultPlatform: 'linux/amd64', defaultWhy: '' }, []);
    const plan = planOf(images.map((image) => ({ image, ...blobsOf('x', image) })));
    const { head, rest } = layoutArchive(plan, store, 'x');
    const parts = [head];
    for await (const c of rest) parts.push(c);
    const seen: Array<[string, number, string]> = [];
    const extract = tar.extract();
    extract.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        seen.push([h.name, h.size ?? -1, sha256Digest(Buffer.concat(chunks))]);
        next();
      });
    });
    const done = new Promise<void>((r) => extract.on('finish', () => r()));
    extract.end(Buffer.concat(parts));
    await done;
    expect(seen[0]![0]).toBe('index.json');
    const blobs = seen.slice(1);
    for (const [name, size, digest] of blobs) {
      expect(name).toBe(`blobs/${digest.replace(':', '/')}`);
      expect(size).toBe(readFileSync(join(layout, name)).length);
    }
    // Every blob of the image once (the manifest, its config and each distinct layer), nothing else.
    const wanted = new Set(readdirSync(join(layout, 'blobs/sha256')).map((h) => `blobs/sha256/${h}`));
    expect(new Set(blobs.map(([n]) => n))).toEqual(wanted);
  });
});

describe('the command line', () => {
  function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdin: noStdin, isTTY: false };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return run(args, io).then(
      (status) => {
        Object.assign(process.env, saved);
        return { status, stdout, stderr };
      },
    );
  }

  it('--registry-user needs the password in SHIPSHAPE_REGISTRY_PASSWORD, never on the command line', async () => {
    const r = await cli(['--registry-user', 'alice', 'docker://127.0.0.1:9/x:1'], { SHIPSHAPE_REGISTRY_PASSWORD: undefined });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('shipshape: --registry-user alice: set the password (or token) in SHIPSHAPE_REGISTRY_PASSWORD; it is never taken on the command line\n');
  });

  it('--timeout must be a positive number of seconds', async () => {
    const r = await cli(['--timeout', '0', 'docker://127.0.0.1:9/x:1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('shipshape: --timeout 0: a number of seconds above 0\n');
  });

  it('--help explains how a bare name is resolved', async () => {
    const r = await cli(['check', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("NAME:TAG, REGISTRY/NAME         a file if one exists, else the engine's image, else the registry's (see --pull)");
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('--pull <policy> for a bare image name: missing = the engine if it has it, else the registry; never = the engine only; always = the registry only');
  });

  it('a registry that refuses the connection: one line, exit 2, valid JSON', async () => {
    const r = await cli(['--format', 'json', '--insecure-registry', '127.0.0.1:9', 'docker://127.0.0.1:9/team/app:1']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).targets[0].error.message).toBe('docker://127.0.0.1:9/team/app:1: cannot reach 127.0.0.1:9: connection refused');
    expect(r.stderr).toBe('shipshape: docker://127.0.0.1:9/team/app:1: cannot reach 127.0.0.1:9: connection refused\n');
  });

  it('a missing file that is no image name stays "no such file"', async () => {
    const r = await cli(['--format', 'json', 'nope-such.tar', './nope-such', 'nopesuch']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).targets.map((t: { error: { message: string } }) => t.error.message)).toEqual(['nope-such.tar: no such file or directory', './nope-such: no such file or directory', 'nopesuch: no such file or directory']);
  });
});
