/** What looks like a secret: variable names, literal values, and files that hold credentials. */
import type { ShellCommand, Word } from '../shell/shell.js';

/** `_`-separated words that name a credential (BuildKit's list, plus common abbreviations). */
const SECRET_WORDS = new Set([
  'apikey', 'auth', 'credential', 'credentials', 'key', 'password', 'passwd', 'pword', 'psw', 'pass', 'passphrase',
  'secret', 'secrets', 'token', 'privatekey', 'accesskey', 'secretkey', 'apitoken', 'authtoken', 'usr',
]);
/** A word that makes the variable about something public, a path or a version, not the secret itself. */
const HARMLESS_WORDS = new Set(['public', 'pub', 'file', 'path', 'dir', 'version', 'url', 'gpg', 'pgp', 'fingerprint', 'keyring', 'keyserver', 'type', 'length', 'size', 'method', 'methods', 'mode', 'enabled', 'name',
  'allow', 'empty', 'enable', 'disable', 'require', 'required', 'min', 'max', 'policy', 'expiry', 'expire', 'rotation', 'hash', 'algorithm', 'algo',
  'provider', 'providers', 'strategy', 'backend', 'header', 'dont', 'warn', 'location', 'host', 'port', 'endpoint', 'issuer', 'scope', 'scopes']);
/** Substrings that name a credential even inside a longer word (`my_password`, `OPENAI_API_KEY`). */
const SECRET_PARTS = ['password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'private_key', 'client_key', 'access_key'];

/** True when an ARG or ENV name says it holds a credential (`GITHUB_TOKEN`, `db_password`, `AWS_ACCESS_KEY_ID`). */
export function isSecretName(name: string): boolean {
  let v = secretNames.get(name);
  if (v === undefined) {
    if (secretNames.size > 4096) secretNames.clear();
    secretNames.set(name, (v = findSecretName(name)));
  }
  return v;
}

/** The same few names (PATH, NODE_VERSION…) come back in every Dockerfile: their answers are kept. */
const secretNames = new Map<string, boolean>();

function findSecretName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[_.-]+/).filter(Boolean);
  if (words.some((w) => HARMLESS_WORDS.has(w))) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  const lower = name.toLowerCase();
  return SECRET_PARTS.some((p) => lower.includes(p));
}

const VALUE_PATTERNS: [string, RegExp][] = [
  ['an AWS access key', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a GitHub token', /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/],
  ['a GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}\b/],
  ['a Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['a Stripe secret key', /\b[sr]k_live_[0-9A-Za-z]{16,}\b/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a password in a URL', /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@$]+:(?!\$)[^\s/@]+@/i],
];

/** What kind of credential a literal value holds (`an AWS access key`), or null. */
export function secretValueKind(value: string): string | null {
  for (const [kind, re] of VALUE_PATTERNS) if (re.test(value)) return kind;
  return null;
}

/**
 * A password in a URL that only stands in for the real one: a local address (`localhost`,
 * `127.0.0.1`, a compose service name is not local) whose password is the user name or a
 * well-known placeholder (`mysql://app:app@127.0.0.1/app`), the default a dev setup overrides.
 */
function placeholderUrlCredential(value: string): boolean {
  const m = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/:@$]+):([^\s/@]+)@([^\s/:?#]+)/i.exec(value);
  if (!m) return false;
  const [, user, pass, host] = m as unknown as [string, string, string, string];
  const local = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?)$/i.test(host);
  return local && (pass === user || PLACEHOLDER_PASSWORDS.has(pass.toLowerCase()));
}

const PLACEHOLDER_PASSWORDS = new Set(['password', 'pass', 'secret', 'changeme', 'change-me', 'example', 'xxx', 'test', 'dummy', 'placeholder']);

/**
 * A public key's id or fingerprint (`0xF1446B68CB026896`, 40 hex digits, in groups or not): the
 * value of `GPG_KEY`, `*_SIGNING_KEY`, `*_RELEASE_KEY` that `gpg --recv-keys` fetches. Public by
 * design, so a variable named only `…KEY` holding one holds no secret.
 */
export function isKeyFingerprint(value: string): boolean {
  const hex = value.replace(/^0x/i, '').replace(/\s+/g, '');
  return /^[0-9A-Fa-f]+$/.test(hex) && [8, 16, 40].includes(hex.length);
}

/** Words that mark a secret stronger than the bare `key` a public key id is also named with. */
const STRONG_KEY_WORDS = /(secret|token|passw|private|api_?key|access|client|encrypt|master|session|cookie|jwt|hmac|license)/i;

/**
 * Write-only keys of telemetry and analytics services (PostHog, Segment, Mixpanel, Amplitude, a
 * product's own telemetry): vendors ship them in public images and front ends on purpose, so
 * one baked in is a choice to note, not a credential to revoke.
 */
const TELEMETRY = /(telemetry|analytics|posthog|mixpanel|amplitude|segment_write|plausible|umami|rudderstack)/i;

/**
 * Whether a variable (`ARG`/`ENV` in a Dockerfile, an `Env` entry of an image config) holds a
 * secret: by its value (`{ by: 'value', kind: 'an AWS access key' }`) or by its name alone
 * (`{ by: 'name' }`, with `telemetry` for the ingestion key of an analytics service); null when
 * neither. A name with a path value names where the secret is; yes/no and 0/1 flags
 * (`ALLOW_EMPTY_PASSWORD=no`, `APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE=1`) hold none, nor does a
 * public key fingerprint in a variable named only `…KEY`, nor a placeholder password in a URL to
 * a local database. `value` is null for an `ARG` without default.
 */
export function secretVariable(name: string, value: string | null): { by: 'value'; kind: string } | { by: 'name'; telemetry: boolean } | null {
  const kind = value && !placeholderUrlCredential(value) ? secretValueKind(value) : null;
  if (kind) return { by: 'value', kind };
  if (!isSecretName(name)) return null;
  if (value !== null && (isPathValue(value) || /^(yes|no|true|false|on|off|0|1)$/i.test(value) || placeholderUrlCredential(value))) return null;
  if (value !== null && isKeyFingerprint(value) && !STRONG_KEY_WORDS.test(name)) return null;
  return { by: 'name', telemetry: TELEMETRY.test(name) && !/(secret|passw)/i.test(name) };
}

/**
 * An instruction keyword as a message quotes it: a word of letters, digits, `_` and `-` (at most 32)
 * whole; anything else up to its first other character, then `…`. A lone carriage return splits a
 * line, and a secret's value then stands where the keyword goes (`=v6Ay…`; fuzz campaign, seed 13).
 */
export function shownKeyword(word: string): string {
  return shownUpTo(word, /^[A-Za-z0-9_-]{1,32}$/, /^[A-Za-z0-9_-]{0,32}/, true);
}

/**
 * A variable's name as a message quotes it: a real name (letters, digits, `_`, at most 64) whole;
 * anything else up to its first character no name has, then `…`. A line mangled into one long name
 * (`ARG SECRET\u00b7KEYvdMt…`, the `=` gone) would otherwise print its value inside the name
 * (fuzz campaign, seed 13).
 */
export function shownName(name: string): string {
  return shownUpTo(name, /^[A-Za-z_][A-Za-z0-9_]{0,63}$/, /^[A-Za-z0-9_]{0,64}/, false);
}

/** `text` whole when `whole` matches it; else the start `start` matches (or, when that is empty and `orFirst`, the first character), then `…`. */
function shownUpTo(text: string, whole: RegExp, start: RegExp, orFirst: boolean): string {
  if (whole.test(text)) return text;
  const m = start.exec(text)![0];
  return `${m || (orFirst ? ([...text][0] ?? '') : '')}…`;
}

/**
 * The text with every credential value it holds cut to its first four characters (`AKIA…`,
 * `ghp_…`), for messages that quote a history entry or a file: a finding must not spread the
 * secret it reports into CI logs.
 */
export function redactSecrets(text: string): string {
  // Nothing shorter holds a value any pattern takes (the shortest, a password in a URL, `a://b:c@`),
  // nor a secret-named assignment of 8 characters or more; most message data (a tool, a line) is.
  if (text.length < 8) return text;
  let out = text;
  for (const re of REDACT) out = out.replace(re, (m) => `${m.slice(0, 4)}…`);
  // A secret-named assignment quoted whole (`AWS_SECRET_ACCESS_KEY=…` among a RUN's words, where a
  // continuation swallowed an ARG line): its value is cut too, whatever its shape.
  if (out.includes('=')) {
    out = out.replace(ASSIGNMENT, (m, name: string, value: string) => {
      if (value.length < 8 || value.startsWith('$') || isPathValue(value) || !isSecretName(name)) return m;
      return `${name}=${value.slice(0, 4)}…`;
    });
  }
  return out;
}

/** `NAME=value` in quoted text (the value up to a space, a quote or a separator). */
const ASSIGNMENT = /\b([A-Za-z_][A-Za-z0-9_]*)=([^\s,;'"`]+)/g;

/** VALUE_PATTERNS made global once (every finding's message data goes through `redactSecrets`). */
const REDACT = VALUE_PATTERNS.map(([, re]) => new RegExp(re.source, `${re.flags.replace('g', '')}g`));

/** A value that is a file path: the variable points at a credential, it does not hold one. */
export function isPathValue(value: string): boolean {
  return /^(\/|\.\.?\/|~\/|[A-Za-z]:[\\/])\S*$/.test(value);
}

/** Variables whose value is the path of a credential file. */
export const CREDENTIAL_FILE_VARS = new Set([
  'GOOGLE_APPLICATION_CREDENTIALS', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AZURE_AUTH_LOCATION', 'KUBECONFIG', 'DOCKER_CONFIG', 'NPM_CONFIG_USERCONFIG', 'PIP_CONFIG_FILE', 'NETRC', 'GIT_SSH_KEY',
]);

const SECRET_BASENAMES = new Set([
  'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', '.env', '.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials',
  '.htpasswd', 'credentials.json', 'client_secret.json', 'service-account.json', 'secrets.json', 'secrets.yaml', 'secrets.yml',
  '.dockercfg', 'authorized_keys',
]);
const SECRET_DIRS = ['.ssh', '.aws', '.gnupg', '.kube', '.docker', '.azure', '.gcloud', '.config/gcloud'];
const SECRET_EXTENSIONS = /\.(key|p12|pfx|jks|keystore|ppk|ovpn|kdbx|secret)$/i;
const ENV_EXAMPLE = /^\.env\.(example|sample|template|dist|defaults?)$/i;

/** Why a copied path looks like a credential file (`an SSH private key`), or null. */
export function secretFileKind(path: string): string | null {
  const p = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const base = p.split('/').pop() ?? '';
  if (/^id_(rsa|dsa|ecdsa|ed25519)$/.test(base)) return 'an SSH private key';
  if (base === '.env' || (base.startsWith('.env.') && !ENV_EXAMPLE.test(base))) return 'an environment file with secrets';
  if (SECRET_BASENAMES.has(base)) return `a credentials file (${base})`;
  if (p === '.aws/credentials' || p.endsWith('/.aws/credentials') || p.endsWith('/.docker/config.json') || p === '.docker/config.json') return `a credentials file (${p})`;
  const dir = SECRET_DIRS.find((d) => p === d || p.endsWith(`/${d}`));
  if (dir) return `a credentials directory (${dir})`;
  // Inside such a directory only the credential files count: `.docker/vhost.conf` is a project's Docker assets.
  const within = SECRET_DIRS.find((d) => p.startsWith(`${d}/`) || p.includes(`/${d}/`));
  if (within && !['.docker', '.ssh', '.aws'].includes(within) && !/known_hosts|\.pub$|pubring/.test(base)) return `a file of a credentials directory (${within})`;
  // Public keys and repository signing keys are meant to be shared.
  if (/(pub|gpg|asc|public|signing|repo)/i.test(base)) return null;
  if (SECRET_EXTENSIONS.test(base)) return `a key or keystore (${base})`;
  if (/\.pem$/i.test(base) && !/(cert|ca|chain|bundle|pub|root|dh|param|ffdhe)/i.test(base)) return `a PEM file (${base})`;
  return null;
}

/**
 * How sure a credential-looking name is without the file's content: `strong` for names that are
 * nearly always credentials (`id_rsa`, `.npmrc`, `.git-credentials`, `*.p12`), `weak` for those that
 * as often hold public or harmless data (`*.pem` is mostly certificates and DH parameters; a
 * directory such as `.docker` is often a project's Docker assets).
 */
export function secretNameStrength(path: string): 'strong' | 'weak' {
  const p = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const base = p.split('/').pop() ?? '';
  if (/\.pem$/i.test(base) && !/key/i.test(base)) return 'weak';
  // `*.key` is as often a repository's public signing key (`jenkins.io-2026.key`) as a TLS key.
  if (/\.key$/i.test(base) && !/(priv|server|tls|ssl|client|host|id_|^key\.)/i.test(base)) return 'weak';
  if (SECRET_DIRS.some((d) => p === d || p.endsWith(`/${d}`))) return 'weak';
  return 'strong';
}

/** The first variable of an env file (`KEY=value` lines) that holds a secret by its name and has a value, or null. */
export function envFileSecret(text: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const value = m[2]!.replace(/^(["'])(.*)\1$/, '$2').replace(/\s+#.*$/, '');
    if (value === '' || /^\$\{?\w+\}?$/.test(value)) continue;
    if (secretVariable(m[1]!, value)?.by === 'name') return m[1]!;
  }
  return null;
}

/**
 * Credential files whose name alone proves nothing (an empty `.npmrc`, a `.docker/config.json` with
 * only `credsStore`, a `.pem` holding a certificate): the body must hold the credential.
 */
const NEEDS_CONTENT: readonly [RegExp, RegExp][] = [
  [/\/\.docker\/config\.json$|\/\.dockercfg$/, /"(auth|identitytoken|registrytoken)"\s*:\s*"[^"]+"/],
  [/\/\.npmrc$/, /(_authToken|_auth|_password)\s*=\s*(?!\$\{?\w)\S+/],
  [/\/\.pypirc$/, /^\s*password\s*[=:]\s*\S+/m],
  [/\/\.git-credentials$/, /:\/\/[^:\s/]+:[^@\s]+@/],
  [/\/[._]netrc$/, /\bpassword\s+\S+/],
  [/\/\.aws\/(credentials|config)$/, /aws_secret_access_key\s*=\s*\S+/],
  [/\/\.kube\/config$/, /\b(client-key-data|token|password)\s*:\s*\S+/],
  [/\/\.pgpass$/, /^[^#\n]*:[^:\n]*:[^:\n]*:[^:\n]*:\S+/m],
  [/\.(pem|key)$|\/id_(rsa|dsa|ecdsa|ed25519)$/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

/**
 * What secret a captured file holds, as a phrase for messages (`is an SSH private key`, `is a
 * credentials file (.npmrc)`, `holds an AWS access key`), or null: files named like credentials
 * (with the credential in them where the name alone is not enough), and any captured file
 * (configuration, scripts, `.env`) whose text holds a token, a private key or a password in a URL.
 */
export function secretInFile(path: string, text: string): string | null {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  // An environment file is a secret only when a secret-named variable in it has a value.
  if (base === '.env' || base.startsWith('.env.')) {
    const content = secretValueKind(text);
    if (content) return `holds ${content}`;
    const held = envFileSecret(text);
    return held ? `is an environment file with a secret (${held})` : null;
  }
  const content = secretValueKind(text);
  const byName = secretFileKind(path);
  const need = NEEDS_CONTENT.find(([p]) => p.test(path));
  // `a credentials file (/root/.docker/config.json)` repeats the path the message already names.
  const named = byName?.replace(/ \(\/[^)]*\)$/, '');
  if (need && need[1].test(text)) return `is ${named ?? 'a credentials file'}`;
  if (!need && named) return `is ${named}`;
  return content ? `holds ${content}` : null;
}

/** How a command hands a variable's value to something that authenticates with it. */
export type CredentialUse = 'url' | 'header' | 'setting' | 'option' | 'named';

/** `$NAME` and `${NAME…}` references in a word, with where each starts. */
const VAR_REF = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
/** The text before a reference ends inside a URL's user information (`https://`, `https://user:`). */
const IN_USERINFO = /[a-z][a-z0-9+.-]*:\/\/[^\s/@]*$/i;
/** The text before a reference ends with a credential key (`_authToken=`, `password: `, `github_api_token=`). */
const SETTING_KEY = /(^|[^A-Za-z0-9])(_authToken|_auth|_password|npmAuthToken|[A-Za-z0-9_.-]*(password|passwd|token|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key))["']?\s*[=:]\s*["']?$/i;
/** An HTTP header that carries a credential (`Authorization: Bearer …`, `PRIVATE-TOKEN: …`, `X-Api-Key: …`). */
const AUTH_HEADER = /^(?:--?[\w-]+=)?\s*(authorization|proxy-authorization|private-token|job-token|deploy-token|cookie|api-key|x-[a-z-]*(?:token|key|auth))\s*:/i;
/** Options whose value is a password or token (`--password`, `--token`, `--http-password`, `--api-key`). */
const SECRET_OPTION = /^--[a-z-]*(password|passwd|token|secret|api-?key)$/i;
/** Options whose value is `user:password` (curl's `-u`, `--user`, `--proxy-user`). */
const USER_OPTION = new Set(['-u', '--user', '--proxy-user']);
/** Commands that only test a variable: they send its value nowhere. */
const TESTS = new Set(['test', '[', '[[']);

/**
 * Where `cmd` uses a variable as a credential, with how: in a URL's user information
 * (`https://$TOKEN@github.com/…`, `https://user:$PASS@…`), in an authorization header (`curl -H
 * "Authorization: Bearer $TOKEN"`), after a credential key (`//registry.npmjs.org/:_authToken=$NPM_TOKEN`,
 * `github_api_token=$GITHUB_TOKEN`), as the value of a password or token option (`--password $PASS`,
 * `curl -u user:$PASS`, `mysql -p$PASS`), or anywhere when its name says it is a secret (`named`).
 * `accept(name)` says which variables to look at. Each variable once, at its first use.
 */
export function credentialUses(cmd: ShellCommand, accept: (name: string) => boolean): { name: string; how: CredentialUse; word: Word }[] {
  const out: { name: string; how: CredentialUse; word: Word }[] = [];
  if (TESTS.has(cmd.base)) return out;
  const seen = new Set<string>();
  cmd.args.forEach((w, i) => {
    if (!w.value.includes('$')) return;
    const prev = cmd.args[i - 1]?.value ?? '';
    for (const m of w.value.matchAll(VAR_REF)) {
      const name = m[1]!;
      if (seen.has(name) || !accept(name)) continue;
      // The patterns look at the end of the text before the reference: a bounded tail keeps a long word linear.
      const before = w.value.slice(Math.max(0, m.index! - 256), m.index);
      const after = w.value.slice(m.index! + m[0].length, m.index! + m[0].length + 256);
      let how: CredentialUse | null = null;
      // `https://$USER:$PASS@`: the user name before a password is no credential.
      if (IN_USERINFO.test(before) && /^[^\s/:]*@/.test(after.replace(/^\}/, ''))) how = 'url';
      else if (AUTH_HEADER.test(w.value) && before.includes(':')) how = 'header';
      else if (SETTING_KEY.test(before)) how = 'setting';
      else if (m.index === 0 && (SECRET_OPTION.test(prev) || ((cmd.base === 'docker' || cmd.base === 'podman' || cmd.base === 'helm') && prev === '-p'))) how = 'option';
      else if (USER_OPTION.has(prev) && /^[^:$]*:$/.test(before)) how = 'option';
      else if (/^(mysql|mysqladmin|mysqldump|mariadb)$/.test(cmd.base) && m.index === 2 && before === '-p') how = 'option';
      else if (isSecretName(name)) how = 'named';
      if (!how) continue;
      seen.add(name);
      out.push({ name, how, word: w });
    }
  });
  return out;
}
