/**
 * A registry that speaks the Distribution API v2 / OCI distribution spec. Authentication follows the
 * registry's `WWW-Authenticate` challenge: anonymous first; `Bearer` asks a token service (Docker
 * Hub, GHCR, distribution's token mode) for a pull token, with the credentials when there are
 * some; `Basic` sends them. A request answers a challenge once: a registry that refuses what it
 * was just given (a 401 loop) is a one-line error, while a token that expired during a long
 * download is renewed. 429 and 5xx answers and dropped connections are retried with backoff;
 * silence is a timeout, never retried.
 */
import { ImageReadError } from '../read.js';
import { credentialsFor, type Credentials } from './credentials.js';
import { describeNetError, readBody, registryAgents, retriable, send, TimeoutError, type HttpResponse } from './http.js';
import { DOCKER_HUB, type ImageReference } from './reference.js';
import { INDEX_TYPES, MANIFEST_TYPES, MAX_MANIFEST, SCHEMA1_TYPES, sha256Digest, shortDigest, type BlobStore, type FetchedManifest, type OpenedBlob } from './store.js';

export interface RegistryOptions {
  /** The target as the user wrote it: every message starts with it. */
  label: string;
  /** `--registry-user` and SHIPSHAPE_REGISTRY_PASSWORD. */
  user?: string;
  password?: string;
  /** Registries (`host[:port]`) spoken to over plain HTTP (`--insecure-registry`). */
  insecure?: readonly string[];
  /** Idle timeout, milliseconds. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** First backoff delay in ms (doubles each try); tests shorten it. */
  backoffMs?: number;
}

const MANIFEST_ACCEPT = [...INDEX_TYPES, ...MANIFEST_TYPES].join(', ');
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRIES = 5;

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `WWW-Authenticate` (several challenges may share one header). */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  const out: Challenge[] = [];
  let cur: Challenge | null = null;
  let pos = 0;
  while (pos < text.length) {
    while (text[pos] === ' ' || text[pos] === ',') pos++;
    // A parameter (`name=value`) continues the current challenge; a lone word starts a new one.
    const param = /^([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/.exec(text.slice(pos));
    if (param && cur) {
      cur.params[param[1]!.toLowerCase()] = (param[2] ?? param[3] ?? '').replace(/\\(.)/g, '$1');
      pos += param[0].length;
      continue;
    }
    const word = /^([A-Za-z][\w-]*)/.exec(text.slice(pos));
    if (!word) break;
    cur = { scheme: word[1]!.toLowerCase(), params: {} };
    out.push(cur);
    pos += word[0].length;
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The registry host that serves the API: Docker Hub's API lives at registry-1.docker.io. */
function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/** Host part without the port, brackets kept off: `127.0.0.1`, `::1`, `localhost`. */
function hostName(registry: string): string {
  const m = /^\[([^\]]+)\]/.exec(registry);
  return m ? m[1]! : registry.replace(/:\d+$/, '');
}

export class Registry implements BlobStore {
  readonly where: string;
  private readonly base: URL;
  private readonly agents = registryAgents();
  private authorization: string | null = null;
  private creds: Credentials | null | undefined;
  private readonly label: string;

  constructor(
    private readonly ref: ImageReference,
    private readonly options: RegistryOptions,
  ) {
    this.label = options.label;
    this.where = ref.registry;
    const plain = (options.insecure ?? []).some((h) => h === ref.registry || h === hostName(ref.registry));
    this.base = new URL(`${plain ? 'http' : 'https'}://${apiHost(ref.registry)}/v2/`);
  }

  close(): void {
    this.agents.destroy();
  }

  private fail(what: string): never {
    throw new ImageReadError(`${this.label}: ${what}`);
  }

  private async credentials(): Promise<Credentials | null> {
    if (this.creds !== undefined) return this.creds;
    try {
      this.creds = await credentialsFor(this.ref.registry, {
        ...(this.options.user !== undefined ? { user: this.options.user } : {}),
        ...(this.options.password !== undefined ? { password: this.options.password } : {}),
        ...(this.options.env ? { env: this.options.env } : {}),
      });
    } catch (e) {
      this.fail(`credentials for ${this.ref.registry}: ${(e as Error).message}`);
    }
    return this.creds;
  }

  private netFailure(e: unknown, doing: string): never {
    if (e instanceof ImageReadError) throw e;
    const why = describeNetError(e);
    const tlsToPlain = this.base.protocol === 'https:' && /TLS|EPROTO|wrong version/i.test(`${why} ${(e as Error)?.message ?? ''}`);
    const hint = tlsToPlain
      ? `; for a registry that speaks plain HTTP, pass --insecure-registry ${this.ref.registry}`
      : e instanceof TimeoutError
        ? '; --timeout sets how long to wait'
        : '';
    this.fail(`${doing} ${this.ref.registry}: ${why}${hint}`);
  }

  /** One API request, authenticated as the registry asks, retried on 429/5xx and dropped connections. */
  private async request(path: string, headers: Record<string, string>, doing: string): Promise<HttpResponse> {
    const url = new URL(path, this.base);
    let answered = false;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await send(url, {
          headers: { ...headers, ...(this.authorization ? { Authorization: this.authorization } : {}) },
          idleMs: this.options.timeoutMs,
          endpoint: { agent: url.protocol === 'https:' ? this.agents.https : this.agents.http },
        });
      } catch (e) {
        if (retriable(e) && attempt < TRIES - 1) {
          await sleep(this.backoff(attempt));
          continue;
        }
        this.netFailure(e, doing);
      }
      if (res.status === 401) {
        res.body.resume();
        // Basic credentials refused are refused for good; a bearer token may have expired.
        if (!answered && !this.authorization?.startsWith('Basic ')) {
          answered = true;
          await this.authenticate(parseChallenges(res.headers['www-authenticate']));
          continue;
        }
        await this.refused(401);
      }
      if (RETRY_STATUS.has(res.status) && attempt < TRIES - 1) {
        res.body.resume();
        const after = Number(res.headers['retry-after']);
        await sleep(Number.isFinite(after) && after >= 0 ? Math.min(after, 30) * 1000 : this.backoff(attempt));
        continue;
      }
      return res;
    }
  }

  private backoff(attempt: number): number {
    return Math.min((this.options.backoffMs ?? 500) * 2 ** attempt, 8000);
  }

  /** Answers the registry's challenge: a token from its token service, or Basic credentials. */
  private async authenticate(challenges: Challenge[]): Promise<void> {
    const creds = await this.credentials();
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      this.authorization = `Bearer ${await this.token(bearer, creds)}`;
      return;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      if (!creds || creds.password === undefined) return this.refused(401);
      this.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      return;
    }
    this.fail(`${this.ref.registry} asks for authentication (401) with no challenge shipshape can answer${challenges.length ? ` (${challenges.map((c) => c.scheme).join(', ')})` : ''}`);
  }

  /** Fetches a pull token from the realm the challenge names (the distribution token spec). */
  private async token(challenge: Challenge, creds: Credentials | null): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) this.fail(`${this.ref.registry} asks for a bearer token but names no token service (no realm)`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      this.fail(`${this.ref.registry} names a token service that is not a URL`);
    }
    const scope = challenge.params.scope ?? `repository:${this.ref.repository}:pull`;
    const service = challenge.params.service;
    let res: HttpResponse;
    try {
      if (creds?.identityToken) {
        // An identity token is an OAuth2 refresh token: exchanged with a POST.
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'shipshape', scope, ...(service ? { service } : {}) });
        res = await send(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString(), idleMs: this.options.timeoutMs });
      } else {
        if (service) url.searchParams.set('service', service);
        url.searchParams.set('scope', scope);
        const headers: Record<string, string> = {};
        if (creds && creds.password !== undefined) {
          url.searchParams.set('account', creds.username);
          headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
        }
        res = await send(url, { headers, idleMs: this.options.timeoutMs });
      }
    } catch (e) {
      this.netFailure(e, `asking the token service ${url.host} of`);
    }
    let body: Buffer;
    try {
      body = await readBody(res.body, 1024 * 1024);
    } catch (e) {
      this.netFailure(e, `reading a token from ${url.host} for`);
    }
    if (res.status === 401 || res.status === 403) {
      if (creds) this.fail(`the token service ${url.host} refused the credentials for ${creds.username || 'the identity token'} (from ${creds.from}) (${res.status}); check them with \`docker login ${this.ref.registry}\``);
      this.fail(`the token service ${url.host} refused anonymous access to ${this.ref.repository} (${res.status}); run \`docker login ${this.ref.registry}\`, or pass --registry-user with the password in SHIPSHAPE_REGISTRY_PASSWORD`);
    }
    if (res.status !== 200) this.fail(`the token service ${url.host} answered ${res.status} when asked for a pull token for ${this.ref.repository}`);
    let token: unknown;
    try {
      const doc = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = doc.token ?? doc.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') this.fail(`the token service ${url.host} answered without a token`);
    return token;
  }

  /** 401 after answering the challenge, or 403: one line saying what to do. */
  private async refused(status: 401 | 403): Promise<never> {
    const creds = await this.credentials();
    const repo = this.ref.repository;
    const host = this.ref.registry;
    if (status === 403) {
      this.fail(`${host} denies ${creds ? `${creds.username || 'the identity token'} (from ${creds.from})` : 'anonymous access'} pull access to ${repo} (403 Forbidden); ${creds ? 'ask for access or use other credentials' : `run \`docker login ${host}\`, or pass --registry-user with the password in SHIPSHAPE_REGISTRY_PASSWORD`}`);
    }
    if (creds) this.fail(`${host} refused the credentials for ${creds.username || 'the identity token'} (from ${creds.from}) for ${repo} (401 Unauthorized); check them with \`docker login ${host}\``);
    this.fail(`${host} asks for credentials to pull ${repo} (401 Unauthorized: the repository is private, or does not exist); run \`docker login ${host}\`, or pass --registry-user with the password in SHIPSHAPE_REGISTRY_PASSWORD`);
  }

  /** The registry's error code and message from a JSON error body (`MANIFEST_UNKNOWN`…). */
  private async errorOf(res: HttpResponse): Promise<string> {
    try {
      const body = await readBody(res.body, 64 * 1024);
      const doc = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
      const e = doc.errors?.[0];
      return e?.code ? ` ${e.code}` : '';
    } catch {
      return '';
    }
  }

  async manifest(reference: string): Promise<FetchedManifest> {
    const repo = this.ref.repository;
    const res = await this.request(`${repo}/manifests/${reference}`, { Accept: MANIFEST_ACCEPT }, 'cannot reach');
    if (res.status === 403) {
      res.body.resume();
      await this.refused(403);
    }
    if (res.status === 404) {
      const code = await this.errorOf(res);
      const what = reference.startsWith('sha256:') ? `${repo}@${shortDigest(reference)}` : `${repo}:${reference}`;
      this.fail(`${this.ref.registry} has no ${what} (404${code}); check the name and the tag`);
    }
    if (res.status !== 200) {
      res.body.resume();
      this.fail(`${this.ref.registry} answered ${res.status} for the manifest of ${repo}:${reference}`);
    }
    let bytes: Buffer;
    try {
      bytes = await readBody(res.body, MAX_MANIFEST);
    } catch (e) {
      if (/larger than/.test((e as Error).message)) this.fail(`the manifest of ${repo}:${reference} is larger than ${MAX_MANIFEST / 1048576} MiB; not a manifest`);
      this.netFailure(e, 'reading a manifest from');
    }
    const digest = sha256Digest(bytes);
    const header = res.headers['docker-content-digest'];
    // Fetched by digest, the caller compares; fetched by tag, the registry's own statement is checked.
    if (!reference.startsWith('sha256:') && typeof header === 'string' && header.startsWith('sha256:') && header !== digest) {
      this.fail(`the manifest ${this.ref.registry} sent for ${repo}:${reference} does not match the digest it states (Docker-Content-Digest ${shortDigest(header)}, got ${shortDigest(digest)})`);
    }
    const type = String(res.headers['content-type'] ?? '').split(';', 1)[0]!.trim();
    let declared: string | undefined;
    try {
      declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType;
    } catch {
      this.fail(`the manifest of ${repo}:${reference} is not valid JSON`);
    }
    const mediaType = declared ?? type;
    if (SCHEMA1_TYPES.has(mediaType) || SCHEMA1_TYPES.has(type)) {
      this.fail(`${repo}:${reference} has a schema 1 manifest (deprecated since 2017, without layer digests shipshape can verify); push it again with a current client`);
    }
    return { bytes, digest, mediaType };
  }

  async blob(digest: string, size: number, offset: number, what: string): Promise<OpenedBlob> {
    const res = await this.request(`${this.ref.repository}/blobs/${digest}`, offset > 0 ? { Range: `bytes=${offset}-` } : {}, 'cannot reach');
    if (res.status === 404) {
      res.body.resume();
      this.fail(`${this.ref.registry} is missing ${what} ${shortDigest(digest)} that the manifest lists (404)`);
    }
    if (res.status === 403) {
      res.body.resume();
      await this.refused(403);
    }
    let skip = 0;
    if (res.status === 206) {
      const m = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''));
      if (!m || Number(m[1]) !== offset) {
        res.body.destroy();
        this.fail(`${this.ref.registry} answered a resumed download of ${what} ${shortDigest(digest)} with the wrong range`);
      }
    } else if (res.status === 200) skip = offset;
    else {
      res.body.resume();
      this.fail(`${this.ref.registry} answered ${res.status} for ${what} ${shortDigest(digest)}`);
    }
    const length = res.headers['content-length'];
    const expected = res.status === 206 ? size - offset : size;
    if (length !== undefined && Number(length) !== expected) {
      res.body.destroy();
      this.fail(`${what} ${shortDigest(digest)}: the manifest gives it ${size} bytes but ${this.ref.registry} sends ${Number(length) + (res.status === 206 ? offset : 0)}`);
    }
    const socket = res.body.socket;
    return { body: res.body, skip, paused: (p) => socket?.setTimeout(p ? 0 : this.options.timeoutMs) };
  }
}
