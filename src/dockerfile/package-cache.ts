/**
 * Package caches per RUN: which commands leave a package manager's downloads or indexes in the
 * layer, which commands clean them up, and which BuildKit mounts keep them out of the layer.
 */
import type { DockerfileFacts, Instruction } from './model.js';
import { commandMemo, execCommand, hasOption, type ShellCommand } from './shell.js';
import { packageArgs } from './packages.js';
import { memoized } from './memo.js';

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

/** Per-user cache directories, matched wherever the home directory is. */
const HOME_CACHE: Partial<Record<CacheKind, RegExp>> = {
  npm: /(^|\/)\.npm(\/_cacache)?$/,
  yarn: /(^|\/)(\.cache(\/yarn)?|\.yarn(-cache|\/cache|\/berry(\/cache)?)?)$/,
  pip: /(^|\/)\.cache(\/pip)?$/,
  uv: /(^|\/)\.cache(\/uv)?$/,
};

/** A `RUN --mount=…` flag. */
export interface RunMount {
  type: string;
  target: string;
}

/** The mounts of a RUN (`type` defaults to bind, as BuildKit does). */
export function runMounts(ins: Instruction): RunMount[] {
  const out: RunMount[] = [];
  for (const f of ins.flags) {
    if (f.name !== 'mount' || !f.value) continue;
    let type = 'bind';
    let target = '';
    for (const part of f.value.split(',')) {
      const [k, v = ''] = part.split('=', 2) as [string, string?];
      if (k === 'type') type = v;
      else if (k === 'target' || k === 'dst' || k === 'destination') target = v.replace(/\/+$/, '') || '/';
    }
    out.push({ type, target });
  }
  return out;
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : dir + '/');
}

/** A cache or tmpfs mount keeps the directory out of the layer. */
function mounted(mounts: RunMount[], dir: string): boolean {
  return mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && under(dir, m.target));
}

function kindMounted(kind: CacheKind, mounts: RunMount[]): boolean {
  if (kind === 'apt') {
    // The lists alone, or both apt directories (a mount on /var/lib/apt alone usually comes with
    // docker-clean removed, so the downloaded .debs stay in /var/cache/apt in the layer).
    return mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && m.target === '/var/lib/apt/lists') || (mounted(mounts, '/var/lib/apt') && mounted(mounts, '/var/cache/apt'));
  }
  const home = HOME_CACHE[kind];
  if (home && mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && home.test(m.target))) return true;
  return CACHE_DIRS[kind].some((d) => mounted(mounts, d));
}

/**
 * The commands of a RUN: the parsed shell commands, or for the exec form (`RUN ["apk", "add", "x"]`)
 * one command made of the array, pointing at the instruction.
 */
export function runCommands(ins: Instruction): ShellCommand[] {
  if (ins.shell) return ins.shell.commands;
  const exec = ins.keyword === 'RUN' && ins.json ? execCommand(ins.json, ins.range) : null;
  return exec ? [exec] : [];
}

const DNF = new Set(['dnf', 'microdnf', 'dnf5', 'tdnf']);
const YUM_FILLS = ['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'downgrade', 'distro-sync'];
const DNF_FILLS = [...YUM_FILLS, 'in', 'up', 'upgrade-minimal', 'up-min', 'rei'];
const ZYPPER_FILLS = ['install', 'in', 'remove', 'rm', 'patch', 'update', 'up', 'dist-upgrade', 'dup', 'source-install', 'si'];
const TRUE = /^(1|true|yes|on)$/i;

function envTrue(name: string, ins: Instruction, cmd: ShellCommand, earlier: readonly ShellCommand[]): boolean {
  const assigned = (a: string): boolean => a.startsWith(name + '=') && TRUE.test(a.slice(name.length + 1).replace(/^["']|["']$/g, ''));
  if (cmd.assignments.some(assigned)) return true;
  if (earlier.some((c) => c.base === 'export' && c.argv.some(assigned))) return true;
  const v = ins.vars.get(name);
  return v !== undefined && v !== null && TRUE.test(v);
}

/** The cache a command fills, or null (`apt-get update` fills the lists; `apk add --no-cache` fills nothing). */
export function cacheFilled(cmd: ShellCommand, ins: Instruction, earlier: readonly ShellCommand[] = []): CacheKind | null {
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
      return ['install', 'i', 'ci', 'add', 'isntall', 'in'].includes(p.action) ? 'npm' : null;
    case 'yarn':
      return p.action === 'install' || p.action === 'add' || (p.action === 'global' && subAction === 'add') ? 'yarn' : null;
    case 'pip':
      if (p.action !== 'install') return null;
      if (cmd.base === 'uv') return hasOption(cmd, 'n', '--no-cache') || envTrue('UV_NO_CACHE', ins, cmd, earlier) ? null : 'uv';
      return hasOption(cmd, '', '--no-cache-dir') || envTrue('PIP_NO_CACHE_DIR', ins, cmd, earlier) ? null : 'pip';
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
function sameCache(fill: ShellCommand, clean: ShellCommand): boolean {
  if (clean.base === 'rm' || !DNF.has(fill.base) && fill.base !== 'yum') return true;
  const family = (b: string): string => (b === 'yum' ? 'dnf' : b);
  return family(fill.base) === family(clean.base);
}

/** One command that leaves its cache in the RUN's layer. */
export interface CacheLeft {
  kind: CacheKind;
  command: ShellCommand;
  instruction: Instruction;
}

/**
 * The commands of a RUN (or ONBUILD RUN) that fill a package cache with no later cleanup in the same
 * RUN and no cache or tmpfs mount over it.
 */
export function cachesLeft(ins: Instruction): CacheLeft[] {
  // Asked by several size checks for every RUN: computed once per instruction.
  return [...memoized(ins, 'cachesLeft', () => findCachesLeft(ins))];
}

function findCachesLeft(ins: Instruction): CacheLeft[] {
  const cmds = runCommands(ins);
  const mounts = runMounts(ins);
  const out: CacheLeft[] = [];
  cmds.forEach((cmd, i) => {
    if (!packageArgs(cmd)) return; // most commands: no slice of the earlier ones (a RUN may chain 100k)
    const kind = cacheFilled(cmd, ins, cmds.slice(0, i));
    if (!kind || kindMounted(kind, mounts)) return;
    if (cmds.slice(i + 1).some((c) => cacheCleaned(c).includes(kind) && sameCache(cmd, c))) return;
    out.push({ kind, command: cmd, instruction: ins });
  });
  return out;
}

/**
 * True when the layers of this instruction's stage ship: the final stage, a stage a later stage is
 * built on, or an ONBUILD trigger (it runs in every image built from this one).
 */
export function layersShip(facts: DockerfileFacts, ins: Instruction): boolean {
  const stage = ins.stage;
  if (ins.onbuild || !stage || stage.isFinal) return true;
  return facts.stages.some((s) => s.parent === stage);
}

/** The command's words turn apt's recommends off (`-o APT::Install-Recommends=false`, or an `echo` of that setting into apt.conf.d). */
export function aptRecommendsOff(cmd: ShellCommand): boolean {
  return cmd.argv.some((a) => /APT::Install-Recommends("?\s*=\s*|"?\s+)"?(false|0|no|off)\b/i.test(a));
}
