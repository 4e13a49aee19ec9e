/**
 * A small HTTP client for registries and engine sockets: one request, its body as a stream, an idle
 * timeout over the whole exchange (connecting, waiting for the answer, and between body chunks),
 * redirects followed without carrying credentials to another host. Node's own `http`/`https`, so a
 * unix socket (the engine) and TCP (registries) go through the same code.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { SecureContextOptions } from 'node:tls';

/** A request that saw nothing for the idle timeout: never retried (the peer is not answering). */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Where and how to connect. `socketPath`: a unix socket (the URL's host is then only the Host header). */
export interface Endpoint {
  socketPath?: string;
  /** Client certificate and CA for an engine over TLS (DOCKER_CERT_PATH). */
  tls?: SecureContextOptions & { rejectUnauthorized?: boolean };
  agent?: http.Agent;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The final URL, after redirects. */
  url: URL;
  body: IncomingMessage;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Milliseconds without a byte (connecting, waiting, reading) before the request fails. */
  idleMs: number;
  /** The wait for the response headers, when it differs (an engine writes the whole archive before it answers). */
  headersMs?: number;
  /** Redirects to follow (registries send blobs from storage elsewhere). */
  redirects?: number;
  /** The socket, TLS material or agent to use. */
  endpoint?: Endpoint;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** Keep-alive agents for registries: several blobs at once on reused connections. */
export function registryAgents(): { http: http.Agent; https: https.Agent; destroy(): void } {
  const a = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const b = new https.Agent({ keepAlive: true, maxSockets: 8 });
  return {
    http: a,
    https: b,
    destroy() {
      a.destroy();
      b.destroy();
    },
  };
}

/** One request; resolves once the headers are in, the body still to read (or to `destroy()`). */
export async function send(url: URL, options: RequestOptions): Promise<HttpResponse> {
  let current = url;
  let headers = { ...options.headers };
  let method = options.method ?? 'GET';
  let body = options.body;
  for (let hops = 0; ; hops++) {
    const res = await once(current, method, headers, body, options);
    const status = res.statusCode ?? 0;
    if (!REDIRECT.has(status) || hops >= (options.redirects ?? 5) || !res.headers.location) return { status, headers: res.headers, url: current, body: res };
    res.resume();
    const next = new URL(res.headers.location, current);
    if (next.host !== current.host || next.protocol !== current.protocol) {
      // Blob storage (S3, a CDN) gets a signed URL: the registry's credentials stay with the registry.
      const { Authorization: _a, authorization: _b, ...rest } = headers;
      headers = rest;
    }
    if (status === 303) {
      method = 'GET';
      body = undefined;
    }
    current = next;
  }
}

function once(url: URL, method: string, headers: Record<string, string>, body: string | undefined, options: RequestOptions): Promise<IncomingMessage> {
  const ep = options.endpoint ?? {};
  const secure = url.protocol === 'https:';
  const lib = secure ? https : http;
  return new Promise<IncomingMessage>((resolve, reject) => {
    let res: IncomingMessage | null = null;
    let waited = options.headersMs ?? options.idleMs;
    const req = lib.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (secure ? 443 : 80),
        path: url.pathname + url.search,
        method,
        headers: { 'User-Agent': 'shipshape', ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) },
        ...(ep.socketPath ? { socketPath: ep.socketPath } : {}),
        ...(ep.agent ? { agent: ep.agent } : {}),
        ...(secure && ep.tls ? ep.tls : {}),
      },
      (r) => {
        res = r;
        // From here on the socket's idle timeout is the wait between body chunks.
        waited = options.idleMs;
        req.setTimeout(options.idleMs);
        resolve(r);
      },
    );
    // The socket's own idle timer: connecting, waiting for the answer, then between chunks.
    req.setTimeout(waited, () => {
      const err = new TimeoutError(`${res ? 'no data' : 'no answer'} for ${Math.round(waited / 1000)} s`);
      // The body's reader sees the timeout itself, not the reset it causes.
      res?.destroy(err);
      req.destroy(err);
    });
    req.on('error', (e) => {
      if (!res) reject(e);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The whole body, up to `limit` bytes (JSON documents, error bodies). */
export async function readBody(res: IncomingMessage, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) {
      res.destroy();
      throw new Error(`the answer is larger than ${limit} bytes`);
    }
    parts.push(c);
  }
  return Buffer.concat(parts);
}

/** Words for a network error: `connection refused`, `no such host`, `timed out (no answer for 30 s)`. */
export function describeNetError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { reason?: string };
  if (e instanceof TimeoutError) return `timed out (${err.message})`;
  switch (err?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host (DNS lookup failed)';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EPIPE':
      return 'connection closed';
    case 'ENOENT':
      return 'no such socket';
    case 'EACCES':
      return 'permission denied';
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return 'TLS handshake failed (is it a plain-HTTP server?)';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `its TLS certificate is not trusted (${err.code}; NODE_EXTRA_CA_CERTS adds a CA)`;
  }
  if (err?.message === 'aborted' || err?.code === 'ECONNABORTED') return 'connection closed mid-answer';
  return (err?.message ?? String(e)).split('\n', 1)[0] ?? 'network error';
}

/** True for failures worth another try: a reset or closed connection (not a timeout, not a refusal). */
export function retriable(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return !(e instanceof TimeoutError) && (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || (e as Error)?.message === 'aborted');
}
