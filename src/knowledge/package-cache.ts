/**
 * Package-manager caches: where each manager keeps its downloads and indexes, which commands fill
 * them, which commands clean them up, and which mounts keep them out of a layer. The Dockerfile side
 * applies it per RUN (`src/dockerfile/run.ts`); the image side looks for the directories.
 */
import { commandMemo, hasOption, type ShellCommand } from '../shell/shell.js';
import { isInstallAction, packageArgs } from './packages.js';
import { globMatches, parseGlob } from '../util/glob.js';

/** What a RUN can leave behind: apt lists, the apk/yum/dnf/zypper/pacman caches, the npm, yarn, pip and uv caches. */
export type CacheKind = 'apt' | 'apk' | 'yum' | 'dnf' | 'zypper' | 'pacman' | 'npm' | 'yarn' | 'pip' | 'uv';

/** Where each kind keeps its files (the first is the one named in messages). */
export const CACHE_DIRS: Record<CacheKind, readonly string[]> = {
  apt: ['/var/lib/apt/lists'],
  apk: ['/var/cache/apk', '/etc/apk/cache'],
  yum: ['/var/cache/yum', '/var/cache/dnf'],
  dnf: ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5', '/var/cache/tdnf'],
  zypper: ['/var/cache/zypp'],
  pacman: ['/var/cache/pacman/pkg'],
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
  { kind: 'yum', what: 'yum/dnf cache', re: /^(\/var\/cache\/(?:yum|dnf|libdnf5|tdnf))\// },
  { kind: 'zypper', what: 'zypper cache', re: /^(\/var\/cache\/zypp)\// },
  { kind: 'pacman', what: 'pacman package cache', re: /^(\/var\/cache\/pacman\/pkg)\// },
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

/** pacman's operation letters (`-Syu` -> `Syu`), or null when the first option is not one. */
function pacmanOp(cmd: ShellCommand): string | null {
  const op = cmd.argv.find((a) => /^-[A-Za-z]+$/.test(a) || /^--(sync|upgrade)$/.test(a));
  if (!op) return null;
  return op === '--sync' ? 'S' : op === '--upgrade' ? 'U' : op.slice(1);
}

/** pip's `--no-cache-dir`, or an unambiguous prefix of it (`--no-cache`, `--no-ca`), which pip's option parser accepts. */
function pipNoCacheDir(cmd: ShellCommand): boolean {
  return cmd.argv.some((a) => {
    const name = a.split('=', 1)[0]!;
    return name.length >= '--no-ca'.length && '--no-cache-dir'.startsWith(name);
  });
}

/** uv commands that install from its cache: `uv sync`, `uv add`, `uv pip install|sync`, `uv tool install`. */
function uvInstalls(cmd: ShellCommand): boolean {
  const pos = cmd.argv.filter((a) => !a.startsWith('-'));
  const [a, b] = pos;
  return a === 'sync' || a === 'add' || (a === 'pip' && (b === 'install' || b === 'sync')) || (a === 'tool' && b === 'install');
}

/** True when the command is one `cacheFilledBy` may name a cache for (a cheap first test). */
export function mayFillCache(cmd: ShellCommand): boolean {
  return cmd.base === 'uv' || cmd.base === 'pacman' || packageArgs(cmd) !== null;
}

/**
 * The cache a command fills, or null (`apt-get update` fills the lists; `apk add --no-cache` fills
 * nothing). `envTrue(name)` says whether an environment variable (`PIP_NO_CACHE_DIR`) is set true
 * for the command.
 */
export function cacheFilledBy(cmd: ShellCommand, envTrue: (name: string) => boolean): CacheKind | null {
  if (cmd.base === 'uv') return uvInstalls(cmd) && !hasOption(cmd, 'n', '--no-cache') && !envTrue('UV_NO_CACHE') ? 'uv' : null;
  if (cmd.base === 'pacman') {
    // -S installs or upgrades through the package cache (-Sc/-Scc clean it; -Ss, -Si, -Sp and -Sg only read)
    const op = pacmanOp(cmd);
    if (op === null || !op.startsWith('S') || /[csilpg]/.test(op.slice(1))) return null;
    // `-Sy` alone refreshes the package lists and downloads no package
    return op.includes('u') || cmd.argv.some((a) => !a.startsWith('-')) ? 'pacman' : null;
  }
  const p = packageArgs(cmd);
  if (!p) return null;
  const subAction = p.positionals[0]?.value ?? '';
  const groupInstall = (p.action === 'group' || p.action === 'module') && ['install', 'update', 'upgrade'].includes(subAction);
  switch (p.manager) {
    case 'apt':
      return p.action === 'update' || (p.action === 'install' && hasOption(cmd, '', '--update')) ? 'apt' : null;
    case 'apk':
      // each fetches the index (and, for add and upgrade, packages) into /var/cache/apk unless --no-cache; --no-network fetches nothing
      return ['add', 'update', 'upgrade'].includes(p.action) && !hasOption(cmd, '', '--no-cache', '--no-network') ? 'apk' : null;
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
      return pipNoCacheDir(cmd) || envTrue('PIP_NO_CACHE_DIR') ? null : 'pip';
    default:
      return null;
  }
}

/** The directory and its parents, deepest first (`/var/cache/apk`, `/var/cache`, `/var`). */
function selfAndParents(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== '' && d !== '/'; d = d.slice(0, d.lastIndexOf('/'))) out.push(d);
  return out;
}

/**
 * A path argument of `rm` that is, holds or sits inside the directory `dir`: `/var/lib/apt/lists/*`,
 * `/var/lib/apt`, and globs that name it or a parent (`/var/lib/apt/lists*`, `/var/cache/ap?`).
 */
export function removesDir(value: string, dir: string): boolean {
  const v = value.replace(/\/\*$/, '').replace(/\/+$/, '') || '/';
  if (v === '/' || v === '') return false;
  if (under(dir, v) || under(v, dir)) return true;
  if (!/[*?]/.test(v)) return false;
  // Matched as a glob, never as a regular expression built from the RUN's text (`rm -rf /a*a*a*…`
  // backtracks exponentially, and a long one exhausts V8's regexp compiler).
  const tokens = parseGlob(v);
  return selfAndParents(dir).some((d) => globMatches(tokens, d));
}

/** A path argument that is, holds or sits inside the kind's cache directory. */
function coversCache(kind: CacheKind, value: string): boolean {
  const home = HOME_CACHE[kind];
  const v = value.replace(/\/\*$/, '').replace(/\/+$/, '');
  if (home && v !== '' && home.test(v)) return true;
  return CACHE_DIRS[kind].some((d) => removesDir(value, d));
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
  // -Scc empties the package cache; -Sc keeps the packages that are installed
  if (cmd.base === 'pacman') return /^S.*c.*c/.test(pacmanOp(cmd) ?? '') ? ['pacman'] : [];
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

/**
 * The cache a command would fill but is told not to keep (`apk add --no-cache`, `pip install
 * --no-cache-dir`, `uv pip install --no-cache`, or `PIP_NO_CACHE_DIR`/`UV_NO_CACHE` set true), or null.
 * Such a command downloads everything again on every build, where a cache mount would keep it.
 */
export function cacheDisabledBy(cmd: ShellCommand, envTrue: (name: string) => boolean): CacheKind | null {
  if (cmd.base === 'uv') return uvInstalls(cmd) && (hasOption(cmd, 'n', '--no-cache') || envTrue('UV_NO_CACHE')) ? 'uv' : null;
  const p = packageArgs(cmd);
  if (!p) return null;
  if (p.manager === 'apk') return ['add', 'upgrade'].includes(p.action) && hasOption(cmd, '', '--no-cache') ? 'apk' : null;
  if (p.manager === 'pip' && cmd.base !== 'uv') return p.action === 'install' && (pipNoCacheDir(cmd) || envTrue('PIP_NO_CACHE_DIR')) ? 'pip' : null;
  return null;
}

/** A compiler's cache that a RUN starts empty unless a cache mount keeps it: Go's build cache, Cargo's registry. */
export interface BuildCache {
  tool: 'go' | 'cargo';
  /** Where it lives for root, unless the variable moves it. */
  dir: string;
  /** The variable that moves it (`GOCACHE`; `CARGO_HOME`, under which the registry lives). */
  env: string;
}

/** The build cache a command fills: `go build`, `go install`, `go test`; `cargo build`, `cargo install`. Null for any other. */
export function buildCacheOf(cmd: ShellCommand): BuildCache | null {
  const sub = cmd.argv.find((a) => !a.startsWith('-'));
  if (cmd.base === 'go' && (sub === 'build' || sub === 'install' || sub === 'test')) return { tool: 'go', dir: '/root/.cache/go-build', env: 'GOCACHE' };
  if (cmd.base === 'cargo' && (sub === 'build' || sub === 'install')) return { tool: 'cargo', dir: '/usr/local/cargo/registry', env: 'CARGO_HOME' };
  return null;
}

/** A cache mount over `dir`, or under it (`target=/root/.cache/go-build` for `/root/.cache/go-build`; `/root/.cache` also covers it). */
export function mountCovers(mounts: readonly RunMount[], dir: string): boolean {
  return mounts.some((m) => m.type === 'cache' && (under(dir, m.target) || under(m.target, dir)));
}

/** A path argument naming the project's own files (`.`, `./cmd/app`, `/src`), not a package to fetch. */
const LOCAL = /^(\.|\.\.|\/|~)/;

/**
 * True when the command installs or builds what the project's own files list, so it reruns whenever
 * they change and a kept cache pays: `pip install -r requirements.txt` (or `.`, `-e .`), `uv sync`,
 * `npm ci`, a bare `npm install` or `yarn install`, `go build`, `go test`, `go install ./…`, `cargo
 * build`, `cargo install --path .`; and the system managers (apt, dnf, yum, zypper), which install the
 * RUN's own list. False for a tool installed by name (`pip install gunicorn==23.0.0`, `cargo install
 * cargo-chef`, `go install …@v1.2.3`, `npm install -g serve`): the same download every time.
 */
export function installsProjectFiles(cmd: ShellCommand): boolean {
  const sub = cmd.argv.find((a) => !a.startsWith('-'));
  const b = buildCacheOf(cmd);
  if (b?.tool === 'go') return sub !== 'install' || cmd.args.slice(1).filter((a) => !a.value.startsWith('-')).every((a) => LOCAL.test(a.value));
  if (b?.tool === 'cargo') return sub === 'build' || cmd.argv.includes('--path');
  if (cmd.base === 'uv') return sub === 'sync' || hasOption(cmd, 'r', '--requirement', '--requirements') || cmd.argv.some((a) => LOCAL.test(a));
  const p = packageArgs(cmd);
  if (!p) return false;
  switch (p.manager) {
    case 'pip':
      return hasOption(cmd, 're', '--requirement', '--editable') || cmd.argv.some((a) => /^-r\S/.test(a)) || p.positionals.some((w) => LOCAL.test(w.value));
    case 'npm':
      return p.action === 'ci' || p.positionals.length === 0;
    case 'yarn':
      return p.action === 'install' || p.positionals.length === 0;
    case 'apt':
    case 'yum':
    case 'dnf':
    case 'zypper':
      return true;
    default:
      return false;
  }
}

/** apt's mounts: the lists, and the download cache unless the RUN mounts it already (its packages stay only once Debian's docker-clean hook is gone). */
function aptMount(mounts: readonly RunMount[]): string {
  const lists = '--mount=type=cache,target=/var/lib/apt/lists,sharing=locked';
  if (mountCovers(mounts, '/var/cache/apt')) return lists;
  return `--mount=type=cache,target=/var/cache/apt,sharing=locked ${lists} (and rm -f /etc/apt/apt.conf.d/docker-clean, which empties the download cache)`;
}

/** The mount flags that keep each cache. */
const MOUNT: Partial<Record<CacheKind, string>> = {
  yum: '--mount=type=cache,target=/var/cache/yum,sharing=locked',
  dnf: '--mount=type=cache,target=/var/cache/dnf,sharing=locked (and keepcache=True in dnf.conf)',
  zypper: '--mount=type=cache,target=/var/cache/zypp,sharing=locked',
};

/** Wrappers that run the command as another user (`sudo -u app yarn install`): its cache is in that user's home. */
const SWITCHES_USER = new Set(['sudo', 'su', 'gosu', 'su-exec', 'runuser', 'chpst', 'setpriv', 's6-setuidgid']);

/** The command runs under one of those wrappers, however deep (`sudo -u app bash -c 'yarn install'`). */
export function asOtherUser(c: ShellCommand): boolean {
  for (let w = c.wrappedBy; w; w = w.wrappedBy) if (SWITCHES_USER.has(w.base)) return true;
  return false;
}

/** The `--mount` flags that keep a kind's cache across builds, as a message gives them. */
export function cacheMountFlags(kind: CacheKind, mounts: readonly RunMount[]): string {
  return kind === 'apt' ? aptMount(mounts) : (MOUNT[kind] ?? `--mount=type=cache,target=${CACHE_DIRS[kind][0]}`);
}
