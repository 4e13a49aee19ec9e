/** Facts about one RUN: its commands (shell or exec form), its mounts, the package caches it leaves in its layer. */
import type { Instruction } from './model.js';
import { execCommand, type ShellCommand } from '../shell/shell.js';
import { packageArgs } from '../knowledge/packages.js';
import { cacheCleaned, cacheFilledBy, cacheMounted, sameCache, type CacheKind, type RunMount } from '../knowledge/package-cache.js';
import { memoized } from '../util/memo.js';

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

/** The variable is set true for `cmd`: on the command (`PIP_NO_CACHE_DIR=1 pip …`), by an earlier `export` in the RUN, or by ARG/ENV. */
function envTrue(name: string, ins: Instruction, cmd: ShellCommand, earlier: readonly ShellCommand[]): boolean {
  const assigned = (a: string): boolean => a.startsWith(name + '=') && TRUE.test(a.slice(name.length + 1).replace(/^["']|["']$/g, ''));
  if (cmd.assignments.some(assigned)) return true;
  if (earlier.some((c) => c.base === 'export' && c.argv.some(assigned))) return true;
  const v = ins.vars.get(name);
  return v !== undefined && v !== null && TRUE.test(v);
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
    if (!kind || cacheMounted(kind, mounts)) return;
    if (cmds.slice(i + 1).some((c) => cacheCleaned(c).includes(kind) && sameCache(cmd, c))) return;
    out.push({ kind, command: cmd, instruction: ins });
  });
  return out;
}
