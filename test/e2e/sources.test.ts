/**
 * Images read from where people keep them, end to end with real parts started here: Debian's
 * docker-registry on 127.0.0.1 (htpasswd basic auth; token auth with a token issuer written below),
 * images pushed to it by skopeo and `buildah manifest push` from sample-images/built/ (gzip,
 * zstd:chunked, a multi-platform index), Podman's Docker-compatible service on a unix socket, and
 * OCI layout directories written by skopeo and buildah. Each source must give the findings the
 * archive gives. Bad input (a corrupted blob, a truncated download, a manifest that lies about a
 * size, a 401 loop, a registry that never answers, an index cycle) must be one line, exit 2, valid
 * JSON, and leave nothing behind.
 *
 * Needs root, docker-registry, skopeo, buildah, podman, htpasswd (apache2-utils) and openssl;
 * skipped with the reason otherwise, except under CI=true, where it fails instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { have, httpGet, makeSigningKey, put, root, runCli, startFaultProxy, startPodman, startRegistry, startSilentServer, startTokenIssuer, type CliResult, type FaultProxy, type Registry, type TokenIssuer } from './sources-harness.js';

function cannotRun(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'not root (buildah and podman with vfs storage need root)';
  const missing = [
    ['docker-registry', 'docker-registry'],
    ['skopeo', 'skopeo'],
    ['buildah', 'buildah'],
    ['podman', 'podman'],
    ['htpasswd', 'apache2-utils'],
    ['openssl', 'openssl'],
  ].filter(([cmd]) => !have(cmd!));
  if (missing.length) return `missing ${missing.map(([c, p]) => `${c} (apt-get install ${p})`).join(', ')}`;
  return null;
}
const reason = cannotRun();
if (reason && process.env.CI === 'true') throw new Error(`the image-source suite must run in CI, but: ${reason}`);
if (reason) console.warn(`skipping the image-source suite: ${reason}`);

const built = join(root, 'sample-images/built');
const PASSWORD = 'pw-9d1c77e0a5';
const TOKEN_PASSWORD = 'tk-3f2a6b81c4';

interface JsonFinding {
  rule: string;
  path?: string;
  layer?: number;
  messageId: string;
}
interface JsonReport {
  targets: Array<{ path: string; kind: string; error: { message: string } | null; findings: JsonFinding[] }>;
}

const key = (f: JsonFinding): string => `${f.rule} ${f.messageId} ${f.path ?? ''} ${f.layer ?? ''}`;
// What only a whole OCI layout's index carries (attestations, base annotations) is judged from archives and
// layout directories, not from a registry's one manifest: compared without it (test/image/sources.test.ts covers layouts).
const INDEX_ONLY = new Set(['security/no-attestation', 'tags/no-base-annotation']);
const keys = (r: JsonReport): string[] => r.targets.flatMap((t) => t.findings.filter((f) => !INDEX_ONLY.has(f.rule)).map(key)).sort();

/** A command run while the test's own servers must answer (the token issuer): asynchronously. */
function shAsync(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr}`))));
  });
}

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(reason !== null)('images from registries, the engine and layout directories', () => {
  let tmp: string;
  let basic: Registry;
  let token: Registry;
  let issuer: TokenIssuer;
  let proxy: FaultProxy;
  let tokenProxy: FaultProxy;
  let podman: Awaited<ReturnType<typeof startPodman>>;
  let helperBin: string;
  /** An empty directory given to each run as TMPDIR: it must still be empty afterwards. */
  let runTmp: string;
  let home: string;
  const expected: Record<string, string[]> = {};
  const stops: Array<() => void> = [];

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: `${helperBin}:${process.env.PATH}`,
    HOME: home,
    DOCKER_CONFIG: join(tmp, 'no-docker-config'),
    XDG_RUNTIME_DIR: join(tmp, 'xdg'),
    TMPDIR: runTmp,
    SHIPSHAPE_NO_CODE_CACHE: '1',
    ...extra,
  });

  /** Runs the CLI; asserts it left nothing in its TMPDIR. */
  async function shipshape(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const r = await runCli(args, env(extra));
    expect(readdirSync(runTmp)).toEqual([]);
    return r;
  }

  async function json(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ r: CliResult; report: JsonReport }> {
    const r = await shipshape(['--format', 'json', ...args], extra);
    let report: JsonReport;
    try {
      report = JSON.parse(r.stdout) as JsonReport;
    } catch {
      throw new Error(`not JSON (exit ${r.status}): ${r.stdout.slice(0, 300)}\n${r.stderr}`);
    }
    return { r, report };
  }

  /** A bad input: exit 2, one line on stderr naming the target, valid JSON with the error, no secret anywhere. */
  async function fails(args: string[], message: RegExp, extra: NodeJS.ProcessEnv = {}): Promise<string> {
    const { r, report } = await json(args, extra);
    expect(r.status, r.stderr).toBe(2);
    const target = args.at(-1)!;
    expect(report.targets).toHaveLength(1);
    const error = report.targets[0]!.error?.message ?? '';
    expect(error).toMatch(message);
    expect(error.startsWith(`${target}: `)).toBe(true);
    expect(error).not.toContain('\n');
    expect(r.stderr.trim().split('\n')).toEqual([`shipshape: ${error}`]);
    for (const secret of [PASSWORD, TOKEN_PASSWORD]) expect(r.stdout + r.stderr).not.toContain(secret);
    return error;
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'shipshape-sources-'));
    runTmp = join(tmp, 'run-tmp');
    home = join(tmp, 'home');
    helperBin = join(tmp, 'bin');
    for (const d of [runTmp, home, helperBin, join(tmp, 'xdg')]) mkdirSync(d, { recursive: true });

    // The archive's findings: what every source must give.
    for (const name of ['tools-netcat', 'user-root', 'setuid']) {
      const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), '--format', 'json', join(built, `${name}.oci.tar`)], { encoding: 'utf8', env: { ...process.env, SHIPSHAPE_NO_CODE_CACHE: '1' } });
      expected[name] = keys(JSON.parse(r.stdout) as JsonReport);
      expect(expected[name]!.length).toBeGreaterThan(0);
    }

    // Registry with basic auth (htpasswd, bcrypt as distribution requires).
    writeFileSync(join(tmp, 'htpasswd'), sh('htpasswd', ['-Bbn', 'alice', PASSWORD]));
    basic = await startRegistry(join(tmp, 'basic'), ['auth:', '  htpasswd:', '    realm: shipshape-test', `    path: ${join(tmp, 'htpasswd')}`].join('\n'));
    stops.push(() => basic.stop());
    const creds = `alice:${PASSWORD}`;
    const push = (src: string, dest: string, more: string[] = []): void => {
      sh('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', creds, ...more, src, `docker://${basic.host}/${dest}`]);
    };
    push(`oci-archive:${join(built, 'tools-netcat.oci.tar')}`, 'test/netcat:1');
    push(`docker-archive:${join(built, 'tools-netcat.docker.tar')}`, 'test/zstd:1', ['--dest-compress', '--dest-compress-format', 'zstd:chunked']);
    push(`oci-archive:${join(built, 'setuid.oci.tar')}`, 'test/corrupt:1');

    // A multi-platform index: tools-netcat as linux/amd64, user-root as linux/arm64/v8 (buildah).
    const bah = ['--root', join(tmp, 'buildah/root'), '--runroot', join(tmp, 'buildah/run'), '--storage-driver', 'vfs'];
    const bahEnv = { ...process.env, STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' };
    sh('buildah', [...bah, 'manifest', 'create', 'multi'], bahEnv);
    sh('buildah', [...bah, 'manifest', 'add', '--os', 'linux', '--arch', 'amd64', 'multi', `oci-archive:${join(built, 'tools-netcat.oci.tar')}`], bahEnv);
    sh('buildah', [...bah, 'manifest', 'add', '--os', 'linux', '--arch', 'arm64', '--variant', 'v8', 'multi', `oci-archive:${join(built, 'user-root.oci.tar')}`], bahEnv);
    sh('buildah', [...bah, 'manifest', 'push', '--quiet', '--all', '--tls-verify=false', '--creds', creds, 'multi', `docker://${basic.host}/test/multi:1`], bahEnv);
    // And an OCI layout directory from buildah (the same image, pushed by `buildah push … oci:DIR`).
    sh('buildah', [...bah, 'pull', '--quiet', `oci-archive:${join(built, 'user-root.oci.tar')}`], bahEnv);
    sh('buildah', [...bah, 'push', '--quiet', 'shipshape-sample/user-root:1.0.0', `oci:${join(tmp, 'buildah-layout')}:1.0.0`], bahEnv);

    const auth = { Authorization: `Basic ${Buffer.from(creds).toString('base64')}` };
    const accept = { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' };
    const manifestOf = async (repo: string, ref: string): Promise<Buffer> => {
      const r = await httpGet(`http://${basic.host}/v2/${repo}/manifests/${ref}`, { ...auth, ...accept });
      if (r.status !== 200) throw new Error(`GET ${repo}/manifests/${ref}: ${r.status} ${r.body.toString().slice(0, 300)}`);
      return r.body;
    };

    // A manifest that lies about its first layer's size (distribution stores it as it is).
    const netcat = JSON.parse((await manifestOf('test/netcat', '1')).toString()) as { layers: Array<{ size: number; digest: string }> };
    const liar = structuredClone(netcat);
    liar.layers[0]!.size = 100;
    expect(await put(`http://${basic.host}/v2/test/netcat/manifests/liar`, Buffer.from(JSON.stringify(liar)), { ...auth, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' })).toBe(201);

    // An index of an index (for the cycle the proxy fakes), both pushed as they are.
    const multi = await manifestOf('test/multi', '1');
    const multiDigest = `sha256:${createHash('sha256').update(multi).digest('hex')}`;
    const outer = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', digest: multiDigest, size: multi.length }] }));
    expect(await put(`http://${basic.host}/v2/test/multi/manifests/nested`, outer, { ...auth, 'Content-Type': 'application/vnd.oci.image.index.v1+json' })).toBe(201);

    // A blob corrupted where the registry stores it: the registry serves the wrong bytes. Blobs are
    // shared between repositories, so the layer must be setuid's own.
    // An index (skopeo may push zstd:chunked as one) stands for the layers of every manifest it lists.
    const layersOf = async (repo: string, ref: string): Promise<string[]> => {
      const doc = JSON.parse((await manifestOf(repo, ref)).toString()) as { layers?: Array<{ digest: string }>; manifests?: Array<{ digest: string }> };
      if (doc.manifests) return (await Promise.all(doc.manifests.map((m) => layersOf(repo, m.digest)))).flat();
      return (doc.layers ?? []).map((l) => l.digest);
    };
    const others = new Set([...(await layersOf('test/netcat', '1')), ...(await layersOf('test/zstd', '1'))]);
    for (const m of (JSON.parse(multi.toString()) as { manifests: Array<{ digest: string }> }).manifests) for (const l of await layersOf('test/multi', m.digest)) others.add(l);
    const own = (await layersOf('test/corrupt', '1')).filter((d) => !others.has(d));
    expect(own.length).toBeGreaterThan(0);
    const hex = own.at(-1)!.slice(7);
    const file = join(basic.dataDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const bytes = readFileSync(file);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0xff;
    writeFileSync(file, bytes);

    // Registry with token auth, and its issuer.
    const good = makeSigningKey(tmp, 'issuer');
    const wrong = makeSigningKey(tmp, 'stranger');
    issuer = await startTokenIssuer({ issuer: 'shipshape-test-issuer', service: 'shipshape-test-registry', key: good, wrongKey: wrong, users: { bob: TOKEN_PASSWORD, mallory: TOKEN_PASSWORD }, badKeyUsers: ['mallory'] });
    stops.push(() => issuer.stop());
    token = await startRegistry(join(tmp, 'token'), ['auth:', '  token:', `    realm: ${issuer.realm}`, '    service: shipshape-test-registry', '    issuer: shipshape-test-issuer', `    rootcertbundle: ${good.certPath}`].join('\n'));
    stops.push(() => token.stop());
    for (const repo of ['public/netcat:1', 'private/netcat:1']) {
      await shAsync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', `bob:${TOKEN_PASSWORD}`, `oci-archive:${join(built, 'tools-netcat.oci.tar')}`, `docker://${token.host}/${repo}`]);
    }

    proxy = await startFaultProxy(basic.host);
    stops.push(() => proxy.stop());
    tokenProxy = await startFaultProxy(token.host);
    stops.push(() => tokenProxy.stop());

    podman = await startPodman(join(tmp, 'podman'));
    stops.push(() => podman.stop());
    podman.podman(['load', '--quiet', '-i', join(built, 'tools-netcat.docker.tar')]);
  }, 20 * 60_000);

  afterAll(() => {
    for (const stop of stops.reverse()) stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const asAlice = { SHIPSHAPE_REGISTRY_PASSWORD: PASSWORD };

  describe('a registry with basic auth', () => {
    it('reads an image with --registry-user and SHIPSHAPE_REGISTRY_PASSWORD: the archive\'s findings, no password anywhere', async () => {
      const target = `docker://${basic.host}/test/netcat:1`;
      const { r, report } = await json(['--registry-user', 'alice', '--insecure-registry', basic.host, target], asAlice);
      expect(r.status, r.stderr).toBe(1);
      expect(report.targets.map((t) => [t.path, t.kind, t.error])).toEqual([[target, 'image', null]]);
      expect(keys(report)).toEqual(expected['tools-netcat']);
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    });

    it('reads zstd:chunked layers (skopeo --dest-compress-format zstd:chunked) with the same findings', async () => {
      const { r, report } = await json(['--registry-user', 'alice', '--insecure-registry', basic.host, `docker://${basic.host}/test/zstd:1`], asAlice);
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
    });

    it('takes credentials from ~/.docker/config.json auths', async () => {
      const dir = join(tmp, 'docker-auths');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [`http://${basic.host}`]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } } }));
      const { r, report } = await json(['--insecure-registry', basic.host, `docker://${basic.host}/test/netcat:1`], { DOCKER_CONFIG: dir });
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    });

    it('takes credentials from a credential helper (credHelpers, then credsStore) through the helper program', async () => {
      const helper = join(helperBin, 'docker-credential-shiptest');
      // The helper protocol: `get` with the server on stdin, JSON on stdout; the server it was asked for is logged.
      writeFileSync(helper, `#!/bin/sh\nread server\necho "$server" >> ${join(tmp, 'helper.log')}\nif [ "$server" = "${basic.host}" ]; then printf '{"ServerURL":"%s","Username":"alice","Secret":"${PASSWORD}"}' "$server"; else echo "credentials not found in native keychain"; exit 1; fi\n`);
      chmodSync(helper, 0o755);
      for (const [name, config] of [
        ['helpers', { credHelpers: { [basic.host]: 'shiptest' } }],
        ['store', { credsStore: 'shiptest' }],
      ] as const) {
        const dir = join(tmp, `docker-${name}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
        const { r, report } = await json(['--insecure-registry', basic.host, `docker://${basic.host}/test/netcat:1`], { DOCKER_CONFIG: dir });
        expect(r.status, r.stderr).toBe(1);
        expect(keys(report)).toEqual(expected['tools-netcat']);
      }
      expect(readFileSync(join(tmp, 'helper.log'), 'utf8').trim().split('\n')).toEqual([basic.host, basic.host]);
    });

    it('without credentials: one line naming the image and saying how to log in', async () => {
      const error = await fails(['--insecure-registry', basic.host, `docker://${basic.host}/test/netcat:1`], /asks for credentials to pull test\/netcat \(401 Unauthorized/);
      expect(error).toContain(`docker login ${basic.host}`);
    });

    it('with a wrong password: says whose credentials were refused and where they came from, never the password', async () => {
      await fails(['--registry-user', 'alice', '--insecure-registry', basic.host, `docker://${basic.host}/test/netcat:1`], /refused the credentials for alice \(from --registry-user\)/, { SHIPSHAPE_REGISTRY_PASSWORD: `${PASSWORD}-wrong` });
    });

    it('a tag the registry does not have: 404 with the registry\'s code', async () => {
      await fails(['--registry-user', 'alice', '--insecure-registry', basic.host, `docker://${basic.host}/test/netcat:nope`], /has no test\/netcat:nope \(404 MANIFEST_UNKNOWN\)/, asAlice);
    });

    it('a plain-HTTP registry without --insecure-registry: says to pass it', async () => {
      await fails(['--registry-user', 'alice', `docker://${basic.host}/test/netcat:1`], new RegExp(`--insecure-registry ${basic.host.replace(/\./g, '\\.')}`), asAlice);
    });

    it('reads by digest (REPO@sha256:…)', async () => {
      const m = await httpGet(`http://${basic.host}/v2/test/netcat/manifests/1`, { Authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`, Accept: 'application/vnd.oci.image.manifest.v1+json' });
      const digest = `sha256:${createHash('sha256').update(m.body).digest('hex')}`;
      const { r, report } = await json(['--registry-user', 'alice', '--insecure-registry', basic.host, `docker://${basic.host}/test/netcat@${digest}`], asAlice);
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
    });
  });

  describe('a multi-platform index (buildah manifest push --all)', () => {
    it('analyzes linux/amd64 by default and says so in a note', async () => {
      const target = `docker://${basic.host}/test/multi:1`;
      const { r, report } = await json(['--registry-user', 'alice', '--insecure-registry', basic.host, target], asAlice);
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
      expect(r.stderr).toBe(`shipshape: note: ${target}: multi-platform index with linux/amd64, linux/arm64/v8; analyzing linux/amd64 (the default for registries is linux/amd64); choose another with --platform\n`);
    });

    it('analyzes the platform --platform asks for', async () => {
      const { r, report } = await json(['--registry-user', 'alice', '--insecure-registry', basic.host, '--platform', 'linux/arm64', `docker://${basic.host}/test/multi:1`], asAlice);
      expect(r.status, r.stderr).toBe(1);
      // The index lists it as arm64, but it is this machine's amd64 build, as its config says: tags/platform-flag tells.
      expect(keys(report)).toEqual([...expected['user-root']!, 'tags/platform-flag imageNotAsked  '].sort());
    });

    it('a platform the index does not have is an error naming the ones it has', async () => {
      await fails(['--registry-user', 'alice', '--insecure-registry', basic.host, '--platform', 'linux/s390x', `docker://${basic.host}/test/multi:1`], /no image for platform linux\/s390x \(the index has linux\/amd64, linux\/arm64\/v8\)/, asAlice);
    });

    it('follows a nested index', async () => {
      const { r, report } = await json(['--registry-user', 'alice', '--insecure-registry', basic.host, '--platform', 'linux/arm64', `docker://${basic.host}/test/multi:nested`], asAlice);
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual([...expected['user-root']!, 'tags/platform-flag imageNotAsked  '].sort());
    });
  });

  describe('a registry with token auth (distribution\'s token mode, Docker Hub style)', () => {
    it('pulls a public repository anonymously with a bearer token', async () => {
      const before = issuer.requests.length;
      const { r, report } = await json(['--insecure-registry', token.host, `docker://${token.host}/public/netcat:1`]);
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
      expect(issuer.requests.slice(before)).toEqual([{ account: '', scope: 'repository:public/netcat:pull' }]);
    });

    it('a private repository anonymously: one line saying to log in', async () => {
      await fails(['--insecure-registry', token.host, `docker://${token.host}/private/netcat:1`], /asks for credentials to pull private\/netcat \(401 Unauthorized/);
    });

    it('a private repository with credentials: the token service gets them, the registry the token', async () => {
      const before = issuer.requests.length;
      const { r, report } = await json(['--registry-user', 'bob', '--insecure-registry', token.host, `docker://${token.host}/private/netcat:1`], { SHIPSHAPE_REGISTRY_PASSWORD: TOKEN_PASSWORD });
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
      expect(issuer.requests.slice(before)).toEqual([{ account: 'bob', scope: 'repository:private/netcat:pull' }]);
      expect(r.stdout + r.stderr).not.toContain(TOKEN_PASSWORD);
    });

    it('a 401 loop (the registry refuses every token the issuer gives): one token request, one line, exit 2', async () => {
      const before = issuer.requests.length;
      await fails(['--registry-user', 'mallory', '--insecure-registry', token.host, `docker://${token.host}/private/netcat:1`], /refused the credentials for mallory \(from --registry-user\)/, { SHIPSHAPE_REGISTRY_PASSWORD: TOKEN_PASSWORD });
      expect(issuer.requests.length - before).toBe(1);
    });

    it('a token that expires mid-download is renewed once, not taken for a refusal', async () => {
      let expired = 0;
      tokenProxy.fault = async (req, res) => {
        if (!req.url?.includes('/blobs/') || expired > 0) return false;
        expired++;
        // What the registry says when a token is past its exp: its own challenge again.
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${issuer.realm}",service="shipshape-test-registry",scope="repository:private/netcat:pull"`, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return true;
      };
      try {
        const before = issuer.requests.length;
        const { r, report } = await json(['--registry-user', 'bob', '--insecure-registry', tokenProxy.host, `docker://${tokenProxy.host}/private/netcat:1`], { SHIPSHAPE_REGISTRY_PASSWORD: TOKEN_PASSWORD });
        expect(r.status, r.stderr).toBe(1);
        expect(keys(report)).toEqual(expected['tools-netcat']);
        expect(expired).toBe(1);
        expect(issuer.requests.slice(before).map((q) => q.account)).toEqual(['bob', 'bob']);
      } finally {
        tokenProxy.fault = null;
      }
    });

    it('wrong credentials at the token service: one line', async () => {
      await fails(['--registry-user', 'bob', '--insecure-registry', token.host, `docker://${token.host}/private/netcat:1`], /the token service 127\.0\.0\.1:\d+ refused the credentials for bob/, { SHIPSHAPE_REGISTRY_PASSWORD: 'nope' });
    });
  });

  describe('bad input from a registry', () => {
    const base = (): string[] => ['--registry-user', 'alice', '--insecure-registry', basic.host, '--insecure-registry', proxy.host];

    it('a blob whose bytes do not match its digest (corrupted in the registry\'s storage)', async () => {
      await fails([...base(), `docker://${basic.host}/test/corrupt:1`], /layer blobs\/sha256\/[a-f0-9]{64} does not match its digest/, asAlice);
    });

    it('a manifest that lies about a layer\'s size', async () => {
      await fails([...base(), `docker://${basic.host}/test/netcat:liar`], /layer 0 sha256:[a-f0-9]{12}…: the manifest gives it 100 bytes but 127\.0\.0\.1:\d+ sends \d+/, asAlice);
    });

    it('a download cut off mid-blob is resumed where it stopped (Range), once; cut off every time it is an error', async () => {
      const netcat = JSON.parse((await httpGet(`http://${basic.host}/v2/test/netcat/manifests/1`, { Authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`, Accept: 'application/vnd.oci.image.manifest.v1+json' })).body.toString()) as { layers: Array<{ digest: string }> };
      const big = netcat.layers[0]!.digest;
      let cuts = 0;
      let limit = 1;
      const ranges: string[] = [];
      proxy.fault = async (req, res, forward) => {
        if (!req.url?.endsWith(`/blobs/${big}`)) return false;
        ranges.push(String(req.headers.range ?? ''));
        if (cuts >= limit) return false;
        cuts++;
        const r = await forward();
        // The full length announced, half of it sent, then the connection dropped.
        const range = r.headers['content-range'];
        res.writeHead(r.status, { 'content-type': 'application/octet-stream', 'content-length': String(r.body.length), ...(range ? { 'content-range': range } : {}) });
        res.write(r.body.subarray(0, r.body.length >> 1), () => res.socket?.destroy());
        return true;
      };
      try {
        const target = `docker://${proxy.host}/test/netcat:1`;
        const { r, report } = await json([...base(), target], asAlice);
        expect(r.status, r.stderr).toBe(1);
        expect(keys(report)).toEqual(expected['tools-netcat']);
        expect(ranges).toEqual(['', expect.stringMatching(/^bytes=\d+-$/)]);
        cuts = 0;
        limit = 1000;
        await fails([...base(), target], /layer 0 sha256:[a-f0-9]{12}…: connection (closed mid-answer|reset) after \d+ of \d+ bytes from 127\.0\.0\.1:\d+ \(4 tries\)/, asAlice);
      } finally {
        proxy.fault = null;
      }
    });

    it('429 and 503 answers are retried with backoff', async () => {
      let failures = 0;
      proxy.fault = async (req, res) => {
        if (!req.url?.includes('/manifests/') || failures >= 2) return false;
        failures++;
        res.writeHead(failures === 1 ? 429 : 503, { 'retry-after': '0' }).end();
        return true;
      };
      try {
        const { r, report } = await json([...base(), `docker://${proxy.host}/test/netcat:1`], asAlice);
        expect(r.status, r.stderr).toBe(1);
        expect(keys(report)).toEqual(expected['tools-netcat']);
        expect(failures).toBe(2);
      } finally {
        proxy.fault = null;
      }
    });

    it('an index cycle (a nested index that is its parent again)', async () => {
      // The proxy answers the nested index's digest with the outer index: a registry that lies.
      const outer = (await httpGet(`http://${basic.host}/v2/test/multi/manifests/nested`, { Authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`, Accept: 'application/vnd.oci.image.index.v1+json' })).body;
      proxy.fault = async (req, res) => {
        if (!req.url?.includes('/manifests/sha256:')) return false;
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json', 'content-length': String(outer.length) }).end(outer);
        return true;
      };
      try {
        await fails([...base(), `docker://${proxy.host}/test/multi:nested`], /index cycle: sha256:[a-f0-9]{12}… leads back to sha256:[a-f0-9]{12}…/, asAlice);
      } finally {
        proxy.fault = null;
      }
    });

    it('403: one line saying who was denied and what to do', async () => {
      proxy.fault = async (req, res) => {
        if (!req.url?.includes('/manifests/')) return false;
        res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}');
        return true;
      };
      try {
        await fails([...base(), `docker://${proxy.host}/test/netcat:1`], /127\.0\.0\.1:\d+ denies alice \(from --registry-user\) pull access to test\/netcat \(403 Forbidden\); ask for access or use other credentials/, asAlice);
      } finally {
        proxy.fault = null;
      }
    });

    it('blobs redirected to storage elsewhere (as S3 or a CDN serve them) are followed, without the registry\'s credentials', async () => {
      const auth = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
      const seen: Array<string | undefined> = [];
      const storage = http.createServer((req, res) => {
        seen.push(req.headers.authorization);
        void httpGet(`http://${basic.host}${req.url}`, { Authorization: auth }).then((r) => res.writeHead(r.status, { 'content-length': String(r.body.length) }).end(r.body));
      });
      await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
      const storageHost = `127.0.0.1:${(storage.address() as AddressInfo).port}`;
      proxy.fault = async (req, res) => {
        if (!req.url?.includes('/blobs/')) return false;
        res.writeHead(307, { location: `http://${storageHost}${req.url}` }).end();
        return true;
      };
      try {
        const { r, report } = await json([...base(), `docker://${proxy.host}/test/netcat:1`], asAlice);
        expect(r.status, r.stderr).toBe(1);
        expect(keys(report)).toEqual(expected['tools-netcat']);
        expect(seen.length).toBeGreaterThan(3);
        expect(seen.every((a) => a === undefined)).toBe(true);
      } finally {
        proxy.fault = null;
        storage.close();
      }
    });

    it('a registry that never answers: a timeout, one line, and the process ends', async () => {
      const silent = await startSilentServer();
      try {
        await fails(['--insecure-registry', silent.host, '--timeout', '1', `docker://${silent.host}/test/netcat:1`], /cannot reach 127\.0\.0\.1:\d+: timed out \(no answer for 1 s\); --timeout sets how long to wait/);
      } finally {
        silent.stop();
      }
    });
  });

  describe("Podman's Docker-compatible service", () => {
    const netcat = 'shipshape-sample/tools-netcat:1.0.0';

    it('docker-daemon:NAME streams GET /images/{name}/get into the reader: the archive\'s findings', async () => {
      const { r, report } = await json([`docker-daemon:${netcat}`], { DOCKER_HOST: `unix://${podman.socket}` });
      expect(r.status, r.stderr).toBe(1);
      expect(report.targets.map((t) => [t.path, t.error])).toEqual([[`docker-daemon:${netcat}`, null]]);
      expect(keys(report)).toEqual(expected['tools-netcat']);
    });

    it('a bare name the engine has is read from the engine, and a note says so', async () => {
      const { r, report } = await json([netcat], { DOCKER_HOST: `unix://${podman.socket}` });
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
      expect(r.stderr).toBe(`shipshape: note: ${netcat}: no such file; read from the engine at unix://${podman.socket} (DOCKER_HOST), which has it (a name:tag is a file, else the engine's image, else the registry's; see --pull)\n`);
    });

    it('finds the engine through a docker context (no DOCKER_HOST)', async () => {
      const dir = join(tmp, 'docker-context');
      const id = createHash('sha256').update('pod').digest('hex');
      mkdirSync(join(dir, 'contexts/meta', id), { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'pod' }));
      writeFileSync(join(dir, 'contexts/meta', id, 'meta.json'), JSON.stringify({ Name: 'pod', Endpoints: { docker: { Host: `unix://${podman.socket}`, SkipTLSVerify: false } } }));
      const { r, report } = await json([`docker-daemon:${netcat}`], { DOCKER_CONFIG: dir });
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
    });

    it('a bare name the engine does not have is read from its registry (--pull missing), or refused (--pull never)', async () => {
      const name = `${basic.host}/test/netcat:1`;
      const { r, report } = await json(['--registry-user', 'alice', '--insecure-registry', basic.host, name], { ...asAlice, DOCKER_HOST: `unix://${podman.socket}` });
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['tools-netcat']);
      expect(r.stderr).toContain(`shipshape: note: ${name}: no such file; the engine at unix://${podman.socket} does not have it, so read from the registry as ${name}`);
      await fails(['--pull', 'never', name], /no such file, and the engine at unix:\/\/\S+ does not have it; --pull never reads only from the engine/, { DOCKER_HOST: `unix://${podman.socket}` });
    });

    it('--pull always skips the engine even when it has the image', async () => {
      await fails(['--pull', 'always', '--timeout', '5', netcat], /no such file or directory; as an image docker\.io\/shipshape-sample\/tools-netcat:1\.0\.0: /, { DOCKER_HOST: `unix://${podman.socket}` });
    });

    it('an image the engine does not have (docker-daemon:): one line with the engine\'s words', async () => {
      await fails(['docker-daemon:nope/nothing:1'], /the engine at unix:\/\/\S+ has no image nope\/nothing:1/, { DOCKER_HOST: `unix://${podman.socket}` });
    });

    it('no engine at all: one line saying where it looked', async () => {
      await fails(['docker-daemon:app:1'], /no Docker or Podman engine found/);
    });
  });

  describe('OCI layout directories', () => {
    it('reads skopeo\'s oci:DIR:REF, and the directory given as it is', async () => {
      const dir = join(tmp, 'skopeo-layout');
      sh('skopeo', ['copy', '--quiet', `oci-archive:${join(built, 'tools-netcat.oci.tar')}`, `oci:${dir}:1.0.0`]);
      for (const target of [`oci:${dir}:1.0.0`, dir]) {
        const { r, report } = await json([target]);
        expect(r.status, r.stderr).toBe(1);
        expect(report.targets.map((t) => t.error)).toEqual([null]);
        expect(keys(report)).toEqual(expected['tools-netcat']);
      }
    });

    it('reads buildah push\'s oci:DIR:REF', async () => {
      const { r, report } = await json([`oci:${join(tmp, 'buildah-layout')}:1.0.0`]);
      expect(r.status, r.stderr).toBe(1);
      expect(keys(report)).toEqual(expected['user-root']);
    });

    it('a ref the layout does not have names the ones it has', async () => {
      await fails([`oci:${join(tmp, 'buildah-layout')}:nope`], /no image named nope in the layout \(it has 1\.0\.0\)/);
    });
  });
});
