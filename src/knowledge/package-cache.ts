/**
 * Package-manager caches: where each manager keeps its downloads and indexes, which commands fill
 * them, which commands clean them up, and which mounts keep them out of a layer. The Dockerfile side
 * applies it per RUN (`src/dockerfile/run.ts`); the image side looks for the directories.
 */
import { commandMemo, hasOption, type ShellCommand } from '../shell/shell.js';
import { isInstallAction, packageArgs } from './packages.js';

/** What a RUN can leave behind: apt lists, the apk/yum/dnf/zypper caches, the npm, yarn, pip and uv caches. */
export type CacheKind = 'apt' | 'apk' | 'yum' | 'dnf' | 'zypper' | 'npm' | 'yarn' | 'pip' | 'uv';

/** Where each kind keeps its files (the first is the one named in messages). */
export const CACHE_DIRS: Record<CacheKind, readonly string[]> = {
  apt: ['/var/lib/apt/lists'],
  apk: ['/var/cache/apk', '/etc/apk/cache'],
  yum: ['/var/cache/yum', '/var/cache/dnf'],
  dnf: ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'],
  zypper: ['/var/cache/zypp'],
  npm: ['/root/.npm'],
  yarn: ['/usr/local/share/.cache/yarn', '/root/.cache/yarn', '/root/.yarn/berry/cache'],
  pip: ['/root/.cache/pip'],
  uv: ['/root/.cache/uv'],
};

/** A cache directory as found in an image's file list. */
export interface CacheDir {
  kind: string;
  what: string;
  /** Matches a file path; group 1 is the cache directory. */
  re: RegExp;
  /** Bookkeeping files that are there even when the cache is clean. */
  skip?: RegExp;
}

const HOME = '(?:/root|/home/[^/]+|/usr/local/share)';

/**
 * Where the caches are in an image: the same managers as `CACHE_DIRS`, matched under any user's home
 * (the build may run as a non-root USER), plus apt's own download cache (`/var/cache/apt`), which a
 * RUN never leaves behind on Debian's images (their docker-clean hook empties it) but an image from
 * elsewhere may hold.
 */
export const CACHE_PATHS_IN_IMAGE: readonly CacheDir[] = [
  { kind: 'apt', what: 'apt package lists', re: /^(\/var\/lib\/apt\/lists)\//, skip: /\/(lock|partial|auxfiles)(\/|$)/ },
  { kind: 'apt', what: 'apt package cache', re: /^(\/var\/cache\/apt)\//, skip: /\/(lock|partial)(\/|$)/ },
  { kind: 'apk', what: 'apk cache', re: /^(\/var\/cache\/apk|\/etc\/apk\/cache)\// },
  { kind: 'yum', what: 'yum/dnf cache', re: /^(\/var\/cache\/(?:yum|dnf|libdnf5))\// },
  { kind: 'zypper', what: 'zypper cache', re: /^(\/var\/cache\/zypp)\// },
  { kind: 'pip', what: 'pip cache', re: new RegExp(`^(${HOME}/\\.cache/pip)/`) },
  { kind: 'uv', what: 'uv cache', re: new RegExp(`^(${HOME}/\\.cache/uv)/`) },
  { kind: 'npm', what: 'npm cache', re: new RegExp(`^(${HOME}/\\.npm/_cacache)/`) },
  { kind: 'yarn', what: 'yarn cache', re: new RegExp(`^(${HOME}/\\.cache/yarn|${HOME}/\\.yarn/berry/cache)/`) },
];

/** Per-user cache directories, matched wherever the home directory is. */
const HOME_CACHE: Partial<Record<CacheKind, RegExp>> = {
  npm: /(^|\/)\.npm(\/_cacache)?$/,
  yarn: /(^|\/)(\.cache(\/yarn)?|\.yarn(-cache|\/cache|\/berry(\/cache)?)?)$/,
  pip: /(^|\/)\.cache(\/pip)?$/,
  uv: /(^|\/)\.cache(\/uv)?$/,
};

/** A mount over a build step (`RUN --mount=type=cache,target=…`). */
export interface RunMount {
  type: string;
  target: string;
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : dir + '/');
}

/** A cache or tmpfs mount keeps the directory out of the layer. */
function mounted(mounts: readonly RunMount[], dir: string): boolean {
  return mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && under(dir, m.target));
}

/** A cache or tmpfs mount over the kind's cache directory keeps its files out of the layer. */
export function cacheMounted(kind: CacheKind, mounts: readonly RunMount[]): boolean {
  if (kind === 'apt') {
    // The lists alone, or both apt directories (a mount on /var/lib/apt alone usually comes with
    // docker-clean removed, so the downloaded .debs stay in /var/cache/apt in the layer).
    return mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && m.target === '/var/lib/apt/lists') || (mounted(mounts, '/var/lib/apt') && mounted(mounts, '/var/cache/apt'));
  }
  const home = HOME_CACHE[kind];
  if (home && mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && home.test(m.target))) return true;
  return CACHE_DIRS[kind].some((d) => mounted(mounts, d));
}

const DNF = new Set(['dnf', 'microdnf', 'dnf5', 'tdnf']);
const YUM_FILLS = ['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'downgrade', 'distro-sync'];
const DNF_FILLS = [...YUM_FILLS, 'in', 'up', 'upgrade-minimal', 'up-min', 'rei'];
const ZYPPER_FILLS = ['install', 'in', 'remove', 'rm', 'patch', 'update', 'up', 'dist-upgrade', 'dup', 'source-install', 'si'];

/**
 * The cache a command fills, or null (`apt-get update` fills the lists; `apk add --no-cache` fills
 * nothing). `envTrue(name)` says whether an environment variable (`PIP_NO_CACHE_DIR`) is set true
 * for the command.
 */
export function cacheFilledBy(cmd: ShellCommand, envTrue: (name: string) => boolean): CacheKind | null {
  const p = packageArgs(cmd);
  if (!p) return null;
  const subAction = p.positionals[0]?.value ?? '';
  const groupInstall = (p.action === 'group' || p.action === 'module') && ['install', 'update', 'upgrade'].includes(subAction);
  switch (p.manager) {
    case 'apt':
      return p.action === 'update' || (p.action === 'install' && hasOption(cmd, '', '--update')) ? 'apt' : null;
    case 'apk':
      return p.action === 'add' && !hasOption(cmd, '', '--no-cache', '--no-network') ? 'apk' : null; // --no-network fetches nothing
    case 'yum':
      return YUM_FILLS.includes(p.action) || groupInstall ? 'yum' : null;
    case 'dnf':
      return (DNF_FILLS.includes(p.action) || groupInstall) && DNF.has(cmd.base) ? 'dnf' : null;
    case 'zypper':
      return ZYPPER_FILLS.includes(p.action) ? 'zypper' : null;
    case 'npm':
      return isInstallAction('npm', p.action) ? 'npm' : null;
    case 'yarn':
      return p.action === 'install' || p.action === 'add' || (p.action === 'global' && subAction === 'add') ? 'yarn' : null;
    case 'pip':
      if (p.action !== 'install') return null;
      if (cmd.base === 'uv') return hasOption(cmd, 'n', '--no-cache') || envTrue('UV_NO_CACHE') ? null : 'uv';
      return hasOption(cmd, '', '--no-cache-dir') || envTrue('PIP_NO_CACHE_DIR') ? null : 'pip';
    default:
      return null;
  }
}

/** A path argument that is, holds or sits inside the kind's cache directory. */
function coversCache(kind: CacheKind, value: string): boolean {
  const v = value.replace(/\/\*$/, '').replace(/\/+$/, '') || '/';
  if (v === '/' || v === '') return false;
  const home = HOME_CACHE[kind];
  if (home && home.test(v)) return true;
  return CACHE_DIRS[kind].some((d) => under(d, v) || under(v, d));
}

/** The caches a command removes: `rm -rf /var/lib/apt/lists/*`, `yum clean all`, `zypper cc`, `yarn cache clean`… */
export function cacheCleaned(cmd: ShellCommand): CacheKind[] {
  // Asked for every later command of a RUN, by several checks: computed once per command.
  const memo = commandMemo(cmd);
  let k = memo.cleaned as CacheKind[] | undefined;
  if (!k) memo.cleaned = k = findCacheCleaned(cmd);
  return [...k];
}

const KINDS = Object.keys(CACHE_DIRS) as CacheKind[];

function findCacheCleaned(cmd: ShellCommand): CacheKind[] {
  const kinds = KINDS;
  if (cmd.base === 'rm') {
    const paths = cmd.args.filter((a) => !a.value.startsWith('-')).map((a) => a.value);
    return kinds.filter((k) => paths.some((p) => coversCache(k, p)));
  }
  const p = packageArgs(cmd);
  if (!p) return [];
  const what = p.positionals.map((w) => w.value);
  switch (p.manager) {
    case 'apt':
      return p.action === 'distclean' || p.action === 'dist-clean' ? ['apt'] : [];
    case 'apk':
      return p.action === 'cache' && ['clean', 'purge'].includes(what[0] ?? '') ? ['apk'] : [];
    case 'yum':
    case 'dnf':
      return p.action === 'clean' && what.includes('all') ? ['yum', 'dnf'] : [];
    case 'zypper':
      return p.action === 'clean' || p.action === 'cc' ? ['zypper'] : [];
    case 'npm':
      return p.action === 'cache' && ['clean', 'clear', 'rm'].includes(what[0] ?? '') ? ['npm'] : [];
    case 'yarn':
      return p.action === 'cache' && what[0] === 'clean' ? ['yarn'] : [];
    case 'pip':
      if (cmd.base === 'uv') return p.action === 'cache' && ['clean', 'prune'].includes(what[0] ?? '') ? ['uv'] : [];
      return p.action === 'cache' && ['purge', 'remove'].includes(what[0] ?? '') ? ['pip'] : [];
    default:
      return [];
  }
}

/**
 * `clean` empties the cache `fill` wrote: an `rm` of the directory, or the same tool's clean
 * (`microdnf clean all` leaves dnf's cache alone; yum and dnf share theirs).
 */
export function sameCache(fill: ShellCommand, clean: ShellCommand): boolean {
  if (clean.base === 'rm' || !DNF.has(fill.base) && fill.base !== 'yum') return true;
  const family = (b: string): string => (b === 'yum' ? 'dnf' : b);
  return family(fill.base) === family(clean.base);
}

/** The command's words turn apt's recommends off (`-o APT::Install-Recommends=false`, or an `echo` of that setting into apt.conf.d). */
export function aptRecommendsOff(cmd: ShellCommand): boolean {
  return cmd.argv.some((a) => /APT::Install-Recommends("?\s*=\s*|"?\s+)"?(false|0|no|off)\b/i.test(a));
}
