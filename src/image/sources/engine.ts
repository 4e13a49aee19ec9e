/**
 * The local engine: the Docker Engine API on its socket, or Podman's Docker-compatible service.
 * Found as the docker CLI finds it (`DOCKER_HOST`, then `DOCKER_CONTEXT` or the config's
 * `currentContext`, then /var/run/docker.sock), then Podman's sockets (`CONTAINER_HOST`,
 * `$XDG_RUNTIME_DIR/podman/podman.sock`, /run/podman/podman.sock). `GET /images/{name}/get` gives
 * the image as a `docker save` archive, which streams into the archive reader.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { ImageReadError } from '../read.js';
import { dockerConfigDir, readDockerConfig } from './credentials.js';
import { describeNetError, readBody, send, TimeoutError, type Endpoint } from './http.js';

export interface Engine {
  /** `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`: how notes and messages name it. */
  display: string;
  /** Why this one: `DOCKER_HOST`, `docker context ci`, `the default socket`, `Podman's socket`. */
  via: string;
  base: URL;
  endpoint: Endpoint;
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

function tlsFrom(dir: string, verify: boolean): NonNullable<Endpoint['tls']> {
  const read = (f: string): Buffer | undefined => {
    const p = join(dir, f);
    return existsSync(p) ? readFileSync(p) : undefined;
  };
  const ca = read('ca.pem');
  const cert = read('cert.pem');
  const key = read('key.pem');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), rejectUnauthorized: verify };
}

/** An engine from a host URL (`unix:///path`, `tcp://host:port`). */
function fromHost(host: string, via: string, tls: { dir: string; verify: boolean } | null): Engine | { error: string } {
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    return { display: host, via, base: new URL('http://localhost/'), endpoint: { socketPath } };
  }
  if (host.startsWith('tcp://') || host.startsWith('http://') || host.startsWith('https://')) {
    const u = new URL(host.replace(/^tcp:/, tls ? 'https:' : 'http:'));
    if (!u.port) u.port = tls ? '2376' : '2375';
    return { display: host, via, base: new URL(`${u.protocol}//${u.host}/`), endpoint: tls ? { tls: tlsFrom(tls.dir, tls.verify) } : {} };
  }
  return { error: `${via} is ${host}: shipshape speaks to an engine over unix:// or tcp:// (for ssh://, forward the socket: ssh -L /tmp/docker.sock:/var/run/docker.sock host)` };
}

/** The engine the docker CLI would talk to, else Podman's service; null when there is none. */
export function findEngine(env: NodeJS.ProcessEnv = process.env): Engine | { error: string } | null {
  if (env.DOCKER_HOST) {
    const verify = Boolean(env.DOCKER_TLS_VERIFY);
    const dir = env.DOCKER_CERT_PATH || dockerConfigDir(env);
    return fromHost(env.DOCKER_HOST, 'DOCKER_HOST', verify || env.DOCKER_CERT_PATH ? { dir, verify } : null);
  }
  let config: ReturnType<typeof readDockerConfig> = null;
  try {
    config = readDockerConfig(env);
  } catch {
    config = null;
  }
  const context = env.DOCKER_CONTEXT || config?.currentContext;
  if (context && context !== 'default') {
    const id = createHash('sha256').update(context).digest('hex');
    const dir = dockerConfigDir(env);
    const metaPath = join(dir, 'contexts', 'meta', id, 'meta.json');
    let meta: { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as typeof meta;
    } catch {
      return { error: `the docker context ${context} has no readable ${metaPath}` };
    }
    const host = meta.Endpoints?.docker?.Host;
    if (!host) return { error: `the docker context ${context} names no Docker endpoint` };
    const tlsDir = join(dir, 'contexts', 'tls', id, 'docker');
    return fromHost(host, `docker context ${context}`, existsSync(tlsDir) ? { dir: tlsDir, verify: !meta.Endpoints?.docker?.SkipTLSVerify } : null);
  }
  if (isSocket('/var/run/docker.sock')) return fromHost('unix:///var/run/docker.sock', 'the default socket', null);
  if (env.CONTAINER_HOST?.startsWith('unix://')) return fromHost(env.CONTAINER_HOST, 'CONTAINER_HOST', null);
  for (const p of [env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock') : null, '/run/podman/podman.sock']) {
    if (p && isSocket(p)) return fromHost(`unix://${p}`, "Podman's socket", null);
  }
  return null;
}

/** An image name in a URL path: the engine routes `/images/{name}/json` with the name's slashes as they are. */
function imagePath(name: string, what: 'json' | 'get'): string {
  return `/images/${name.split('/').map(encodeURIComponent).join('/').replace(/%3A/gi, ':').replace(/%40/g, '@')}/${what}`;
}

async function messageOf(res: IncomingMessage): Promise<string> {
  try {
    const body = await readBody(res, 64 * 1024);
    const doc = JSON.parse(body.toString('utf8')) as { message?: string };
    return doc.message ? `: ${doc.message.split('\n', 1)[0]}` : '';
  } catch {
    return '';
  }
}

/** Whether the engine has the image; `{ unreachable }` when it does not answer. */
export async function engineHas(engine: Engine, name: string, timeoutMs: number): Promise<boolean | { unreachable: string }> {
  try {
    const res = await send(new URL(imagePath(name, 'json'), engine.base), { idleMs: timeoutMs, endpoint: engine.endpoint });
    res.body.resume();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return { unreachable: `answered ${res.status}` };
  } catch (e) {
    return { unreachable: describeNetError(e) };
  }
}

/**
 * The image as the archive `docker save` writes, streaming. The engine writes the whole archive
 * (Podman to a temporary file) before the first byte: the wait for the answer is longer than the
 * idle timeout between chunks.
 */
export async function engineExport(engine: Engine, name: string, label: string, timeoutMs: number): Promise<{ head: Buffer; rest: AsyncIterable<Buffer>; close(): void }> {
  const where = `the engine at ${engine.display}`;
  let res;
  try {
    res = await send(new URL(imagePath(name, 'get'), engine.base), { idleMs: timeoutMs, headersMs: Math.max(timeoutMs, 10 * 60_000), endpoint: engine.endpoint });
  } catch (e) {
    throw new ImageReadError(`${label}: cannot reach ${where} (${describeNetError(e)}${e instanceof TimeoutError ? '; --timeout sets how long to wait' : ''})`);
  }
  if (res.status === 404) throw new ImageReadError(`${label}: ${where} has no image ${name}${await messageOf(res.body)}`);
  if (res.status !== 200) throw new ImageReadError(`${label}: ${where} answered ${res.status} when asked for ${name}${await messageOf(res.body)}`);
  const body = res.body;
  // The reader tells an archive from its first 512 bytes.
  const parts: Buffer[] = [];
  let n = 0;
  const it = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  try {
    while (n < 512) {
      const r = await it.next();
      if (r.done) break;
      parts.push(r.value);
      n += r.value.length;
    }
  } catch (e) {
    throw new ImageReadError(`${label}: ${where} stopped sending ${name} (${describeNetError(e)})`);
  }
  const socket = body.socket;
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        // The idle timeout runs while waiting on the engine, not while the reader is busy.
        socket?.setTimeout(timeoutMs);
        const r = await it.next();
        socket?.setTimeout(0);
        if (r.done) return;
        yield r.value;
      }
    } catch (e) {
      throw new ImageReadError(`${label}: ${where} stopped sending ${name} (${describeNetError(e)})`);
    } finally {
      body.destroy();
    }
  }
  return { head: Buffer.concat(parts), rest: rest(), close: () => body.destroy() };
}
