/**
 * Registry credentials, found where Docker keeps them: `--registry-user` with
 * `SHIPSHAPE_REGISTRY_PASSWORD`, else `~/.docker/config.json` (`$DOCKER_CONFIG/config.json`):
 * `credHelpers[host]`, then `credsStore`, run as the `docker-credential-<name> get` program, then
 * `auths[host]`. Secrets are held here and in request headers only: never in a message, a note or a
 * report.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB } from './reference.js';

export interface Credentials {
  username: string;
  /** A password or personal access token (Basic auth, and the token request). */
  password?: string;
  /** An OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user): exchanged at the token service. */
  identityToken?: string;
  /** Where they came from, for messages: `--registry-user`, `~/.docker/config.json`, `docker-credential-pass`. */
  from: string;
}

export interface CredentialOptions {
  /** `--registry-user`; the password comes from SHIPSHAPE_REGISTRY_PASSWORD. */
  user?: string;
  password?: string;
  env?: NodeJS.ProcessEnv;
}

/** Docker keeps Docker Hub's credentials under its old index URL. */
const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

function hostOfKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

export function readDockerConfig(env: NodeJS.ProcessEnv): (DockerConfig & { currentContext?: string; path: string }) | null {
  const path = join(dockerConfigDir(env), 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const doc = JSON.parse(text) as unknown;
    return doc && typeof doc === 'object' ? { ...(doc as DockerConfig), path } : null;
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
}

/** Runs `docker-credential-<helper> get` with the server on stdin; null when it has nothing for it. */
function fromHelper(helper: string, server: string, env: NodeJS.ProcessEnv): Promise<Credentials | null> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(e.code === 'ENOENT' ? `the credential helper ${program} (named in the Docker config) is not on PATH` : `the credential helper ${program} failed to start (${e.message})`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        // "credentials not found in native keychain": nothing stored for this registry.
        if (/not found/i.test(out + err)) return resolve(null);
        return reject(new Error(`the credential helper ${program} exited with status ${code}`));
      }
      try {
        const doc = JSON.parse(out) as { Username?: string; Secret?: string };
        if (!doc.Secret) return resolve(null);
        const from = program;
        if (doc.Username === '<token>') return resolve({ username: '', identityToken: doc.Secret, from });
        resolve({ username: doc.Username ?? '', password: doc.Secret, from });
      } catch {
        reject(new Error(`the credential helper ${program} did not answer with JSON`));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(server);
  });
}

/** The credentials for a registry (`docker.io`, `ghcr.io`, `127.0.0.1:5000`), or null for anonymous access. */
export async function credentialsFor(registry: string, options: CredentialOptions): Promise<Credentials | null> {
  if (options.user !== undefined) return { username: options.user, password: options.password ?? '', from: '--registry-user' };
  const env = options.env ?? process.env;
  const config = readDockerConfig(env);
  if (!config) return null;
  const shown = config.path.replace(env.HOME || homedir(), '~');
  const keys = registry === DOCKER_HUB ? HUB_KEYS : [registry];
  const match = <T>(table: Record<string, T> | undefined): T | undefined => {
    if (!table) return undefined;
    for (const k of keys) if (table[k] !== undefined) return table[k];
    for (const [k, v] of Object.entries(table)) if (keys.includes(hostOfKey(k))) return v;
    return undefined;
  };
  const server = registry === DOCKER_HUB ? HUB_KEYS[0]! : registry;
  const helper = match(config.credHelpers) ?? config.credsStore;
  if (helper) {
    const found = await fromHelper(helper, server, env);
    if (found) return found;
  }
  const entry = match(config.auths);
  if (!entry) return null;
  if (entry.identitytoken) return { username: entry.username ?? '', identityToken: entry.identitytoken, from: shown };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error(`${shown}: the auth entry for ${registry} is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), from: shown };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password, from: shown };
  return null;
}
