/**
 * What pipefail would change in a pipeline: commands at its end that already fail when what feeds
 * them fails (empty or cut-off input), and producers whose failure cannot break the image.
 */
import type { ShellCommand } from '../shell/shell.js';

/** A tar invocation that extracts (`tar -xzf -`, `tar xJ`, `tar --extract`). */
function tarExtracts(cmd: ShellCommand): boolean {
  const [first] = cmd.argv;
  if (first !== undefined && !first.startsWith('-') && /^[a-zA-Z]+$/.test(first) && first.includes('x')) return true;
  return cmd.argv.some((a) => a === '--extract' || a === '--get' || (/^-[a-zA-Z]+$/.test(a) && a.includes('x')));
}

/**
 * The command, at the end of a pipe, exits non-zero by itself when its input is empty or cut off,
 * so the step fails whether or not pipefail is set: archive extraction and decompression (tar,
 * gunzip, xz, zstd, bunzip2 on a stream), `gpg --import`/`--dearmor` (no OpenPGP data), checksum
 * verification (`sha256sum -c`), and `grep` without `-v` whose match is the step's status (it finds
 * nothing in empty input). Each was measured: empty input makes them exit 1 or 2.
 */
export function failsOnEmptyInput(cmd: ShellCommand): boolean {
  const argv = cmd.argv;
  switch (cmd.base) {
    case 'tar':
    case 'bsdtar':
      return tarExtracts(cmd);
    case 'gunzip':
    case 'unxz':
    case 'bunzip2':
    case 'unzstd':
    case 'zcat':
    case 'xzcat':
      return true;
    case 'gzip':
    case 'xz':
    case 'bzip2':
    case 'zstd':
      return argv.some((a) => a === '-d' || a === '--decompress' || /^-[a-zA-Z]*d[a-zA-Z]*$/.test(a));
    case 'gpg':
    case 'gpg2':
      return argv.some((a) => a === '--import' || a === '--dearmor' || a === '--dearmour' || a === '--verify');
    case 'sha1sum':
    case 'sha224sum':
    case 'sha256sum':
    case 'sha384sum':
    case 'sha512sum':
    case 'md5sum':
    case 'b2sum':
      return argv.some((a) => a === '-c' || a === '--check' || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
    case 'grep':
    case 'egrep':
    case 'fgrep':
      return !argv.some((a) => a === '-v' || a === '--invert-match' || /^-[a-zA-Z]*v[a-zA-Z]*$/.test(a) || a === '-c' || a === '--count');
    default:
      return false;
  }
}

/** A producer that only reads what is already in the layer: `cat` of local files, `find` or `scanelf` over a local tree. */
function localProducer(cmd: ShellCommand): boolean {
  if (cmd.base === 'cat') return cmd.argv.length > 0 && cmd.argv.every((a) => !a.startsWith('-') && a !== '/dev/stdin' && !/^[a-z]+:\/\//i.test(a));
  return (cmd.base === 'find' || cmd.base === 'scanelf') && cmd.argv.length > 0;
}

/** What `xargs` (with its options) runs. */
function xargsRuns(cmd: ShellCommand): string | null {
  const i = cmd.argv.findIndex((a, k) => !a.startsWith('-') && !['-I', '-n', '-P', '-d', '-a', '-E', '-L', '-s'].includes(cmd.argv[k - 1] ?? ''));
  return i < 0 ? null : cmd.argv[i]!.split('/').pop()!;
}

/**
 * A pipe whose failure cannot leave a broken image: local producers (`cat` of files in the layer,
 * `find`, `scanelf`) feeding a clean-up or a patch (`xargs rm`, `xargs strip`, `patch`). A failed
 * producer only leaves files unremoved or unstripped: hygiene, not a failure pipefail would catch.
 */
export function harmlessLocalPipe(members: readonly ShellCommand[]): boolean {
  const last = members[members.length - 1];
  if (!last || !members.slice(0, -1).every(localProducer)) return false;
  if (last.base === 'patch') return true;
  return last.base === 'xargs' && ['rm', 'strip', 'rmdir', 'chmod', 'chown', 'touch'].includes(xargsRuns(last) ?? '');
}
