/** Secrets in the file bodies captured from an image's layers, for the image side of the security checks. */
import { secretFileKind, secretValueKind } from '../dockerfile/secrets.js';
import { baseImageName, historyInstruction, type OriginContext } from './origin.js';

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
  const content = secretValueKind(text);
  const byName = secretFileKind(path);
  const need = NEEDS_CONTENT.find(([p]) => p.test(path));
  // `a credentials file (/root/.docker/config.json)` repeats the path the message already names.
  const named = byName?.replace(/ \(\/[^)]*\)$/, '');
  if (need && need[1].test(text)) return `is ${named ?? 'a credentials file'}`;
  if (!need && named) return `is ${named}`;
  return content ? `holds ${content}` : null;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Who set a config `Env` variable: the last history `ENV` entry that names it. A variable no entry
 * records (a squashed image, a history without ENV entries) counts as this build's.
 */
export function envOrigin(ctx: OriginContext, name: string): { fromBase: boolean; says: string } {
  const history = ctx.image.history;
  const named = new RegExp(`(^|\\s)${escapeRe(name)}[=\\s]`);
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    const ins = historyInstruction(h.createdBy);
    if (ins?.keyword !== 'ENV' || !named.test(ins.body)) continue;
    if (!h.fromBase) return { fromBase: false, says: 'set by this build' };
    const base = baseImageName(ctx.image, ctx.dockerfile);
    return { fromBase: true, says: `set by the base image${base ? ` ${base}` : ''}` };
  }
  return { fromBase: false, says: 'no history entry records who set it' };
}
