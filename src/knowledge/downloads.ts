/**
 * Downloads in a shell body: what `curl`/`wget` fetch to a file or into a pipe, what the same body
 * does with it, and whether it checks it first (a checksum, a signature).
 */
import type { ShellCommand } from '../shell/shell.js';

/** A file fetched from the network by curl or wget. */
export interface Download {
  command: ShellCommand;
  url: string;
  /** The file written (`/tmp/x.tgz`), or null when the body goes to stdout (a pipe). */
  file: string | null;
  /** It fetches verification material (a checksum list, a signature, a key), not the thing checked. */
  material: boolean;
}

const URL = /^(https?|ftp):\/\//i;

/** Verification material: checksums, signatures, keys. Fetching these is part of checking, not the thing checked. */
const CHECK_FILE = /(\.(asc|sig|sign|gpg|pgp|pub|pem|crt|key|sha1|sha256|sha512|sha256sum|sha512sum|md5|minisig|sigstore|bundle|intoto\.jsonl)|SHA\d*SUMS[^/]*|checksums?[^/]*|KEYS|keyring[^/]*)$/i;

/** The value a curl/wget option takes: `-o FILE`, `-fsSLo FILE`, `--output=FILE`. */
function optionValue(cmd: ShellCommand, short: string, long: string): string | null {
  const a = cmd.argv;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x === long || x === `-${short}`) return a[i + 1] ?? null;
    if (x.startsWith(`${long}=`)) return x.slice(long.length + 1);
    if (/^-[a-zA-Z]+$/.test(x) && !x.startsWith('--') && x.endsWith(short)) return a[i + 1] ?? null;
    if (/^-[a-zA-Z]+$/.test(x) && x.includes(short) && x.length > 2 && x.indexOf(short) < x.length - 1 && short === 'O' && cmd.base === 'wget') return x.slice(x.indexOf(short) + 1);
  }
  return null;
}

const base = (p: string): string => p.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? '';

/** The download a curl/wget command makes, or null (no URL). */
export function downloadOf(cmd: ShellCommand): Download | null {
  if (cmd.base !== 'curl' && cmd.base !== 'wget') return null;
  const url = cmd.argv.find((a) => URL.test(a) || /^\$\{?\w*(URL|URI|SRC|SOURCE|LINK)\w*\}?/i.test(a));
  if (!url || /^(https?:\/\/)?(localhost|127\.0\.0\.1)[:/]/i.test(url)) return null;
  if (cmd.argv.some((a) => a === '--version' || a === '-V' || a === '--head' || a === '-I' || a === '--spider')) return null;
  let file: string | null;
  if (cmd.base === 'curl') {
    const o = optionValue(cmd, 'o', '--output');
    const remote = cmd.argv.some((a) => a === '-O' || a === '--remote-name' || (/^-[a-zA-Z]+$/.test(a) && a.includes('O')));
    file = o ?? (remote ? base(url) : null);
  } else {
    const o = optionValue(cmd, 'O', '--output-document');
    file = o === null ? base(url) : o === '-' ? null : o;
  }
  return { command: cmd, url, file: file === '-' ? null : file, material: CHECK_FILE.test(base(file ?? url)) };
}

/** Commands that verify what was downloaded: checksums, signatures, attestations. */
export function verifies(cmd: ShellCommand): boolean {
  const a = cmd.argv;
  if (/^(sha\d*sum|shasum|md5sum|b2sum|sha3sum|cksum|gpgv|minisign|signify|slsa-verifier|sigstore)$/.test(cmd.base)) return true;
  if (cmd.base === 'gpg' || cmd.base === 'gpg2') return a.some((x) => x === '--verify' || x === '--verify-files');
  if (cmd.base === 'cosign') return a.some((x) => x.startsWith('verify'));
  if (cmd.base === 'rpm' || cmd.base === 'rpmkeys') return a.some((x) => x === '-K' || x === '--checksig');
  if (cmd.base === 'openssl') return a[0] === 'dgst' || a[0] === 'sha256' || a[0] === 'sha512';
  if (cmd.base === 'gh') return a[0] === 'attestation';
  // `curl … | sha256sum`, `echo "$SUM" | …`: a hash computed anywhere in the body.
  return /sha\d+|checksum|digest/i.test(cmd.base);
}

/** What a later command of the body does with a downloaded file: unpack, install or run it; null when it only moves it around or does not touch it. */
export function usesDownload(cmd: ShellCommand, file: string): string | null {
  const name = base(file);
  if (!name) return null;
  const touches = cmd.argv.some((x) => x === file || base(x) === name) || base(cmd.name) === name;
  if (!touches) return null;
  if (base(cmd.name) === name) return 'runs it';
  return useOf(cmd);
}

/** What a command does with the files it names, by what it is: unpacks, installs, runs or makes them executable; null for any other command. */
export function useOf(cmd: ShellCommand): string | null {
  switch (cmd.base) {
    case 'tar': case 'bsdtar': case 'unzip': case 'gunzip': case 'xz': case 'unxz': case 'bunzip2': case '7z': case 'zstd': case 'cpio':
      return 'unpacks it';
    case 'dpkg': case 'rpm': case 'apk': case 'apt-get': case 'apt': case 'yum': case 'dnf': case 'zypper': case 'pip': case 'pip3': case 'npm': case 'gem': case 'install':
      return 'installs it';
    case 'sh': case 'bash': case 'ash': case 'dash': case 'zsh': case 'python': case 'python3': case 'perl': case 'ruby': case 'node': case 'php': case 'java':
      return 'runs it';
    case 'chmod':
      return cmd.argv.some((x) => /^(\+x|[ugoa]*\+[rw]*x|[0-7]?[0-7][1357][1357])$/.test(x) || /^[0-7]*[1357][0-7]*$/.test(x)) ? 'makes it executable' : null;
    default:
      return null;
  }
}

/** The pipe a download streams into: the command after it, when it unpacks or installs what it reads. */
export function pipedInto(cmds: readonly ShellCommand[], cmd: ShellCommand): string | null {
  if (!cmd.pipeline || cmd.after !== '|') return null;
  const next = cmds.slice(cmds.indexOf(cmd) + 1).find((c) => !c.wrappedBy);
  if (!next) return null;
  return ['tar', 'bsdtar', 'unzip', 'gunzip', 'xz', 'bunzip2', 'zstd', 'cpio'].includes(next.base) ? 'unpacks it' : null;
}

/** The last part of a path or URL (without query, fragment or trailing slashes): what `usesDownload` and `verifiesFile` compare. */
export const fileName = (p: string): string => base(p);

/** A command that verifies and names the file (`minisign -Vm /go/bin/mc …`, `sha256sum -c x.sha256` next to it). */
export function verifiesFile(cmd: ShellCommand, file: string): boolean {
  const name = base(file);
  return verifies(cmd) && cmd.argv.some((x) => base(x) === name || base(x).startsWith(name));
}
