/** Commands and settings that switch off TLS certificate or package signature checks. */
import type { ShellCommand, Word } from '../shell/shell.js';

export interface Insecure {
  /** The option or word that turns the check off. */
  at: Word | ShellCommand;
  /** What is no longer verified, for the message (`TLS certificates`, `package signatures`). */
  what: 'TLS certificates' | 'package signatures';
  /** The option as written, or the setting. */
  option: string;
}

const PIP = /^pip(3(\.\d+)?)?$/;
const RPM_MANAGERS = new Set(['dnf', 'yum', 'tdnf', 'microdnf', 'dnf5']);
const FALSE = /^(false|0|no|off)$/i;

/** The first literal argument that passes `test`. */
function findArg(cmd: ShellCommand, test: (v: string) => boolean): Word | undefined {
  for (const w of cmd.args) if (w.literal && test(w.value)) return w;
  return undefined;
}
const hit = (w: Word | undefined, what: Insecure['what']): Insecure | null => (w ? { at: w, what, option: w.value } : null);
const tls = (w: Word | undefined): Insecure | null => hit(w, 'TLS certificates');
const sig = (w: Word | undefined): Insecure | null => hit(w, 'package signatures');
const CURL_INSECURE = (v: string): boolean => v === '--insecure' || v === '--proxy-insecure';
const CURL_K = (v: string): boolean => /^-[A-Za-z]+$/.test(v) && v.slice(1).includes('k');

/** The first option of a command that disables verification, or null. */
export function insecureOption(cmd: ShellCommand): Insecure | null {
  // Called for every command of every RUN: no closure is made before a command is known to matter.
  switch (cmd.base) {
    case 'curl':
      return tls(findArg(cmd, CURL_INSECURE) ?? findArg(cmd, CURL_K));
    case 'wget':
      return tls(findArg(cmd, (v) => v === '--no-check-certificate'));
    case 'apk':
      return sig(findArg(cmd, (v) => v === '--allow-untrusted'));
    case 'apt-get':
    case 'apt':
    case 'aptitude':
      return sig(findArg(cmd, (v) => v === '--allow-unauthenticated' || v === '--force-yes' || /AllowUnauthenticated=(true|1|yes)|AllowInsecureRepositories=(true|1|yes)/i.test(v)));
    case 'rpm':
      return sig(findArg(cmd, (v) => ['--nosignature', '--nodigest', '--noverify', '--nofiledigest'].includes(v)));
    case 'git': {
      const c = findArg(cmd, (v) => /^http\.sslverify=(false|0|no)$/i.test(v));
      if (c) return tls(c);
      const i = cmd.argv.findIndex((v) => /^http\.sslverify$/i.test(v));
      return i >= 0 && FALSE.test(cmd.argv[i + 1] ?? '') ? tls(cmd.args[i]) : null;
    }
    case 'npm':
    case 'yarn':
    case 'pnpm': {
      const flag = findArg(cmd, (v) => /^--strict-ssl=(false|0)$/i.test(v));
      if (flag) return tls(flag);
      const i = cmd.argv.findIndex((v) => v === 'strict-ssl' || v === 'strictSsl' || v === 'enableStrictSsl');
      return i >= 0 && FALSE.test(cmd.argv[i + 1] ?? '') ? tls(cmd.args[i]) : tls(findArg(cmd, (v) => /^(strict-ssl|strictSsl)=(false|0)$/i.test(v)));
    }
    default:
      break;
  }
  if (PIP.test(cmd.base) || cmd.base === 'uv' || (/^python/.test(cmd.base) && cmd.argv.includes('pip'))) {
    return tls(findArg(cmd, (v) => v === '--trusted-host' || v.startsWith('--trusted-host=') || /^global\.trusted-host$/.test(v)));
  }
  if (RPM_MANAGERS.has(cmd.base)) return sig(findArg(cmd, (v) => v === '--nogpgcheck' || /^--setopt=.*(gpgcheck|sslverify)=(0|false)$/i.test(v)));
  // `echo sslverify=false >> /etc/yum.conf`, `echo gpgcheck=0 >> …repo`
  if (cmd.base === 'echo' || cmd.base === 'printf') return tls(findArg(cmd, (v) => /\bsslverify\s*=\s*(0|false)\b/i.test(v)));
  return null;
}

/** Environment settings that turn verification off, by name; null when the value keeps it on. */
export function insecureSetting(name: string, value: string | null): string | null {
  const v = (value ?? '').trim();
  switch (name) {
    case 'NODE_TLS_REJECT_UNAUTHORIZED':
      return v === '0' ? 'TLS certificates' : null;
    case 'PYTHONHTTPSVERIFY':
      return v === '0' ? 'TLS certificates' : null;
    case 'GIT_SSL_NO_VERIFY':
      return v !== '' && !FALSE.test(v) ? 'TLS certificates' : null;
    case 'NPM_CONFIG_STRICT_SSL':
    case 'npm_config_strict_ssl':
    case 'YARN_ENABLE_STRICT_SSL':
      return FALSE.test(v) ? 'TLS certificates' : null;
    case 'PIP_TRUSTED_HOST':
      return v !== '' ? 'TLS certificates' : null;
    case 'CURL_INSECURE':
      return v !== '' && !FALSE.test(v) ? 'TLS certificates' : null;
    default:
      return null;
  }
}
