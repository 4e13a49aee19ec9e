/** Facts about one RUN: its commands (shell or exec form), its mounts, the package caches it leaves in its layer. */
import type { DockerfileFacts, Instruction, Stage } from './model.js';
import { execCommand, type ShellCommand } from '../shell/shell.js';
import { packageArgs } from '../knowledge/packages.js';
import { cacheCleaned, cacheDisabledBy, cacheFilledBy, cacheMounted, mayFillCache, removesDir, sameCache, type CacheKind, type RunMount } from '../knowledge/package-cache.js';
import { memoized } from '../util/memo.js';
import { expand } from './vars.js';
import { firstAbove } from '../util/search.js';

/** The mounts of a RUN (`type` defaults to bind, as BuildKit does); a target through ARG/ENV (`target=${PIP_CACHE_DIR}`) is expanded. */
export function runMounts(ins: Instruction): RunMount[] {
  const out: RunMount[] = [];
  for (const f of ins.flags) {
    if (f.name !== 'mount' || !f.value) continue;
    let type = 'bind';
    let target = '';
    for (const part of f.value.split(',')) {
      const [k, v = ''] = part.split('=', 2) as [string, string?];
      if (k === 'type') type = v;
      else if (k === 'target' || k === 'dst' || k === 'destination') {
        const e = v.includes('$') ? expand(v, ins.vars) : null;
        target = (e && !e.unresolved ? e.value : v).replace(/\/+$/, '') || '/';
      }
    }
    out.push({ type, target });
  }
  return out;
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

const TRUE = /^(1|true|yes|on)$/i;

/**
 * The value of an environment variable for `cmd`: set on the command (`PIP_NO_CACHE_DIR=1 pip …`), by
 * the last earlier `export` in the RUN, or by ARG/ENV (variables expanded); null when unset or unknown.
 */
function envValue(name: string, ins: Instruction, cmd: ShellCommand, earlier: readonly ShellCommand[]): string | null {
  const valueIn = (words: readonly string[]): string | undefined => {
    const a = [...words].reverse().find((w) => w.startsWith(name + '='));
    return a === undefined ? undefined : a.slice(name.length + 1).replace(/^["'](.*)["']$/, '$1');
  };
  let v = valueIn(cmd.assignments);
  for (let i = earlier.length - 1; v === undefined && i >= 0; i--) if (earlier[i]!.base === 'export') v = valueIn(earlier[i]!.argv);
  if (v === undefined) return ins.vars.get(name) ?? null;
  if (!v.includes('$')) return v;
  const e = expand(v, ins.vars);
  return e.unresolved ? null : e.value;
}

/** The variable is set true for `cmd` (see `envValue`). */
function envTrue(name: string, ins: Instruction, cmd: ShellCommand, earlier: readonly ShellCommand[]): boolean {
  const v = envValue(name, ins, cmd, earlier);
  return v !== null && TRUE.test(v);
}

/** Where each manager is told to keep its cache instead of the default: its option, and its variable. */
const CACHE_DIR_SETTING: Partial<Record<CacheKind, { options: string[]; env: string[] }>> = {
  npm: { options: ['--cache'], env: ['npm_config_cache', 'NPM_CONFIG_CACHE'] },
  yarn: { options: ['--cache-folder'], env: ['YARN_CACHE_FOLDER'] },
  pip: { options: ['--cache-dir'], env: ['PIP_CACHE_DIR'] },
  uv: { options: ['--cache-dir'], env: ['UV_CACHE_DIR'] },
};

/** The cache directory a command is told to use (`npm ci --cache /tmp/npm`, `PIP_CACHE_DIR` from an ARG), or null for the manager's default. */
function cacheDirSet(kind: CacheKind, cmd: ShellCommand, ins: Instruction, earlier: readonly ShellCommand[]): string | null {
  const setting = CACHE_DIR_SETTING[kind];
  if (!setting) return null;
  for (let i = 0; i < cmd.args.length; i++) {
    const a = cmd.args[i]!;
    const eq = a.value.indexOf('=');
    const name = eq < 0 ? a.value : a.value.slice(0, eq);
    if (!setting.options.includes(name)) continue;
    const w = eq < 0 ? cmd.args[i + 1] : { ...a, value: a.value.slice(eq + 1) };
    if (!w) return null;
    if (w.literal || !w.value.includes('$')) return w.value;
    const e = expand(w.value, ins.vars);
    return e.unresolved ? null : e.value;
  }
  for (const name of setting.env) {
    const v = envValue(name, ins, cmd, earlier);
    if (v) return v;
  }
  return null;
}

/** The cache a command of this RUN fills (`earlier`: the RUN's commands before it), or null. */
export function cacheFilled(cmd: ShellCommand, ins: Instruction, earlier: readonly ShellCommand[] = []): CacheKind | null {
  return cacheFilledBy(cmd, (name) => envTrue(name, ins, cmd, earlier));
}

/** One command that leaves its cache in the RUN's layer. */
export interface CacheLeft {
  kind: CacheKind;
  command: ShellCommand;
  instruction: Instruction;
  /** The directory it was told to use (`npm ci --cache /tmp/npm`); null for the manager's default. */
  dir: string | null;
}

/**
 * The commands of a RUN (or ONBUILD RUN) that fill a package cache with no later cleanup in the same
 * RUN and no cache or tmpfs mount over it (over the directory the command was told to use, when it
 * was: `--cache`, `--cache-dir`, `npm_config_cache`, `PIP_CACHE_DIR`…).
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
    if (!mayFillCache(cmd)) return; // most commands: no slice of the earlier ones (a RUN may chain 100k)
    const earlier = cmds.slice(0, i);
    const kind = cacheFilled(cmd, ins, earlier);
    if (!kind) return;
    const dir = cacheDirSet(kind, cmd, ins, earlier);
    const later = cmds.slice(i + 1);
    if (dir !== null) {
      // a cache put elsewhere: left unless a cache or tmpfs mount holds it or a later rm removes it
      if (dir.startsWith('/') && mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && (dir === m.target || dir.startsWith(m.target === '/' ? '/' : m.target + '/')))) return;
      if (later.some((c) => (c.base === 'rm' ? c.args.some((a) => removesDir(a.value, dir)) : cacheCleaned(c).includes(kind)))) return;
    } else {
      if (cacheMounted(kind, mounts)) return;
      if (later.some((c) => cacheCleaned(c).includes(kind) && sameCache(cmd, c))) return;
    }
    out.push({ kind, command: cmd, instruction: ins, dir });
  });
  return out;
}

/** The first command of each cache a RUN leaves (one cache, one fix: several `apt-get update` in a RUN are one finding). */
export function firstPerCache(left: readonly CacheLeft[]): CacheLeft[] {
  const seen = new Set<string>();
  return left.filter((l) => {
    const key = `${l.kind}\0${l.dir ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A RUN after `ins` (in its stage or a stage built on it) runs `apt-get install` without an
 * `apt-get update` of its own before it: it relies on the package lists `ins` leaves.
 */
export function laterAptInstallWithoutUpdate(facts: DockerfileFacts, ins: Instruction): boolean {
  const stage = ins.stage;
  if (!stage) return false;
  const builtOn = (s: Stage | null): boolean => {
    for (let x = s; x; x = x.parent) if (x === stage) return true;
    return false;
  };
  // The RUNs that install with apt before any update of their own, in file order, found once per
  // file: asked per RUN, a scan of every later instruction was quadratic in thousands of RUNs.
  const relying = memoized(facts, 'aptInstallsWithoutUpdate', () => {
    const out: { at: number; ins: Instruction }[] = [];
    facts.instructions.forEach((later, at) => {
      if (later.keyword !== 'RUN') return;
      let updated = false;
      for (const c of runCommands(later)) {
        const p = packageArgs(c);
        if (p?.manager !== 'apt') continue;
        if (p.action === 'update') updated = true;
        else if (p.action === 'install' && !updated) {
          out.push({ at, ins: later });
          return;
        }
      }
    });
    return out;
  });
  const position = memoized(facts, 'instructionPositions', () => new Map(facts.instructions.map((i, n) => [i, n] as const)));
  const here = position.get(ins) ?? -1;
  for (let k = firstAbove(relying, here, (r) => r.at); k < relying.length; k++) if (builtOn(relying[k]!.ins.stage)) return true;
  return false;
}

/** A package cache a RUN fills and does not keep: it deletes it again, or tells the manager not to keep one. */
export interface CacheThrownAway {
  kind: CacheKind;
  command: ShellCommand;
  how: 'cleaned' | 'disabled';
}

/**
 * The package caches a RUN throws away (each kind once, at its first command): filled and removed
 * again in the same RUN (`apt-get update … && rm -rf /var/lib/apt/lists/*`, `npm ci && npm cache
 * clean --force`), or never kept (`apk add --no-cache`, `pip install --no-cache-dir`). A cache the
 * command is told to keep elsewhere (`--cache`, `--cache-dir`, `PIP_CACHE_DIR`) and one already under a
 * cache mount are left out. The image is as small either way; only the next build's downloads differ.
 */
export function cachesThrownAway(ins: Instruction): CacheThrownAway[] {
  return [...memoized(ins, 'cachesThrownAway', () => {
    const cmds = runCommands(ins);
    const mounts = runMounts(ins);
    const left = new Set(cachesLeft(ins).map((l) => l.command));
    const out: CacheThrownAway[] = [];
    const seen = new Set<CacheKind>();
    cmds.forEach((cmd, i) => {
      if (!mayFillCache(cmd) || left.has(cmd)) return;
      const earlier = cmds.slice(0, i);
      const filled = cacheFilled(cmd, ins, earlier);
      const kind = filled ?? cacheDisabledBy(cmd, (name) => envTrue(name, ins, cmd, earlier));
      if (!kind || seen.has(kind) || cacheMounted(kind, mounts) || cacheDirSet(kind, cmd, ins, earlier) !== null) return;
      seen.add(kind);
      out.push({ kind, command: cmd, how: filled ? 'cleaned' : 'disabled' });
    });
    return out;
  })];
}

/**
 * True when the Dockerfile already needs BuildKit: a `# syntax=` directive, a RUN with `--mount`,
 * `--network` or `--security`, a COPY or ADD with `--link`, `--exclude`, `--parents`, `--checksum` or
 * `--keep-git-dir`, or a here-document. Advice that adds BuildKit-only flags is safe there: the
 * builders its team uses already accept them.
 */
export function usesBuildKit(facts: DockerfileFacts): boolean {
  return memoized(facts, 'usesBuildKit', () => {
    if (facts.directives.has('syntax')) return true;
    return facts.instructions.some((i) => i.heredocs.length > 0 || i.flags.some((f) => (i.keyword === 'RUN' && ['mount', 'network', 'security'].includes(f.name)) || ((i.keyword === 'COPY' || i.keyword === 'ADD') && ['link', 'exclude', 'parents', 'checksum', 'keep-git-dir'].includes(f.name))));
  });
}
