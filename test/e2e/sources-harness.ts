/**
 * Real parts for the image-source tests, started by the tests themselves: Debian's docker-registry
 * (distribution) on 127.0.0.1 with a temporary config (htpasswd basic auth, or its token-auth mode
 * with the token issuer below), Podman's Docker-compatible service on a unix socket, and two test
 * fixtures that real registries cannot play: a proxy in front of a registry that injects faults
 * (a dropped connection, 503s, a lying index) and a server that accepts connections and never
 * answers. The CLI runs as a child process (`node dist/cli.js`), asynchronously, so these servers
 * keep answering while it runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '../..');
export const cli = join(root, 'dist/cli.js');

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** A port nobody listens on right now (the registry binds it next). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls until `ok()` holds (readiness, never a fixed sleep). */
export async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await ok()) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export function put(url: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export { get as httpGet };

export interface Registry {
  port: number;
  host: string;
  dataDir: string;
  stop(): void;
}

/** Starts `docker-registry serve` with a temporary config; resolves once /v2/ answers. */
export async function startRegistry(dir: string, auth: string): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const dataDir = join(dir, 'data');
  const config = ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${dataDir}`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`, auth].join('\n') + '\n';
  writeFileSync(join(dir, 'config.yml'), config);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const host = `127.0.0.1:${port}`;
  try {
    await until(`docker-registry on ${host}`, async () => {
      if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr.trim()}`);
      try {
        const r = await get(`http://${host}/v2/`);
        return r.status === 200 || r.status === 401;
      } catch {
        return false;
      }
    });
  } catch (e) {
    child.kill();
    throw e;
  }
  return { port, host, dataDir, stop: () => child.kill() };
}

/** libtrust's key id, which distribution uses to find a token's signing key by its `kid`. */
function keyId(spkiDer: Buffer): string {
  const bytes = createHash('sha256').update(spkiDer).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g)!.join(':');
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** An EC P-256 key and its self-signed certificate (openssl), the registry's `rootcertbundle`. */
export function makeSigningKey(dir: string, name: string): { key: string; cert: string; certPath: string; kid: string } {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${name}`, '-days', '2'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  const cert = readFileSync(certPath, 'utf8');
  const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return { key: readFileSync(keyPath, 'utf8'), cert, certPath, kid: keyId(spki) };
}

export interface TokenIssuer {
  port: number;
  realm: string;
  /** Token requests received, with the account that asked (empty: anonymous). */
  requests: Array<{ account: string; scope: string }>;
  stop(): void;
}

/**
 * A token issuer as the distribution token spec describes (what Docker Hub's auth.docker.io does):
 * GET /token?service=…&scope=repository:NAME:ACTIONS, Basic credentials optional. Anonymous callers
 * get pull on `public/*` only (a token with no access otherwise, so the registry answers 401
 * insufficient_scope); `users` get what they ask. Tokens for `badKeyUsers` are signed with a key
 * the registry does not trust: the registry refuses them, again and again (a 401 loop).
 */
export async function startTokenIssuer(opts: { issuer: string; service: string; key: { key: string; kid: string }; wrongKey: { key: string; kid: string }; users: Record<string, string>; badKeyUsers: string[] }): Promise<TokenIssuer> {
  const requests: TokenIssuer['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let account = '';
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (opts.users[u!] !== p.join(':')) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      account = u!;
    }
    const scopes = url.searchParams.getAll('scope');
    requests.push({ account, scope: scopes.join(' ') });
    const access = scopes.flatMap((s) => {
      const [type, name, actions] = s.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const granted = actions.split(',').filter((a) => account !== '' || (a === 'pull' && name.startsWith('public/')));
      return granted.length ? [{ type, name, actions: granted }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const key = opts.badKeyUsers.includes(account) ? opts.wrongKey : opts.key;
    const header = { typ: 'JWT', alg: 'ES256', kid: key.kid };
    const claims = { iss: opts.issuer, sub: account, aud: opts.service, exp: now + 600, nbf: now - 60, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: createPrivateKey(key.key), dsaEncoding: 'ieee-p1363' });
    const token = `${input}.${b64url(signature)}`;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 600, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { port, realm: `http://127.0.0.1:${port}/token`, requests, stop: () => server.close() };
}

/** What the fault proxy does with one request: forward it, or answer itself. */
export type Fault = (req: http.IncomingMessage, res: http.ServerResponse, forward: () => Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>) => Promise<boolean>;

export interface FaultProxy {
  port: number;
  host: string;
  /** Returns true when it answered; false lets the request through unchanged. */
  fault: Fault | null;
  requests: string[];
  stop(): void;
}

/** A proxy in front of a real registry that injects faults where the test says. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const proxy: FaultProxy = { port: 0, host: '', fault: null, requests: [], stop: () => undefined };
  const server = http.createServer((req, res) => {
    proxy.requests.push(`${req.method} ${req.url}`);
    const forward = (): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
      new Promise((resolve, reject) => {
        const { host: _h, ...headers } = req.headers;
        const up = http.request(`http://${upstream}${req.url}`, { method: req.method, headers }, (r) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(parts) }));
        });
        up.on('error', reject);
        req.pipe(up);
      });
    void (async () => {
      if (proxy.fault && (await proxy.fault(req, res, forward))) return;
      const r = await forward();
      const { 'transfer-encoding': _t, connection: _c, ...headers } = r.headers;
      res.writeHead(r.status, { ...headers, 'content-length': String(r.body.length) }).end(r.body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.port = (server.address() as net.AddressInfo).port;
  proxy.host = `127.0.0.1:${proxy.port}`;
  proxy.stop = () => {
    server.closeAllConnections();
    server.close();
  };
  return proxy;
}

/** A TCP server that accepts connections and never says a word. */
export async function startSilentServer(): Promise<{ host: string; stop(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    stop: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI as a child process (asynchronously: the servers above answer meanwhile). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`shipshape ${args.join(' ')} did not finish in ${timeoutMs / 1000} s (a hang)\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Podman's Docker-compatible service on a unix socket, with its own storage (vfs) under `dir`. */
export async function startPodman(dir: string): Promise<{ socket: string; podman(args: string[]): void; stop(): void }> {
  const base = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];
  const socket = join(dir, 'podman.sock');
  const child = spawn('podman', [...base, 'system', 'service', '--time=0', `unix://${socket}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await until('podman system service', async () => {
      if (child.exitCode !== null) throw new Error(`podman system service exited: ${stderr.trim()}`);
      return new Promise<boolean>((resolve) => {
        const req = http.get({ socketPath: socket, path: '/_ping' }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
      });
    });
  } catch (e) {
    child.kill();
    throw e;
  }
  return {
    socket,
    podman(args) {
      const r = spawnSync('podman', [...base, ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`podman ${args.join(' ')} failed: ${r.stderr}`);
    },
    stop: () => child.kill(),
  };
}
