/**
 * Which tools and build packages the OS package installs of the final stage (and the stages it is
 * built on) leave in the shipped image, for the `tools` and `multi-stage` checks. Builder stages do
 * not ship, so they are not looked at.
 */
import { hasOption, positionals, type ShellCommand, type Word } from '../shell/shell.js';
import { isBuildPackage } from '../knowledge/build-tools.js';
import { packageCommand, packageName } from '../knowledge/packages.js';
import { stageChain, stageInstalls, type PackageInstall } from './stages.js';
import type { DockerfileFacts, Instruction, Stage } from './model.js';
import { memoized } from '../util/memo.js';

/** One tool package installed in the shipped image and not removed afterwards. */
export interface ToolLeft {
  /** The package word in the install command. */
  word: Word;
  /** The package name, without version. */
  name: string;
  /** The tool it installs (`netcat`, `sshd`). */
  tool: string;
  install: PackageInstall;
}

const OS_MANAGERS = new Set(['apt', 'apk', 'dnf', 'yum', 'zypper']);
const REMOVE_ACTIONS = new Set(['purge', 'remove', 'autoremove', 'del', 'erase', 'rm']);


/** The instructions of the final stage's chain, ONBUILD triggers in place of their ONBUILD, base stage first. */
export function shippedInstructions(facts: DockerfileFacts): Instruction[] {
  if (!facts.finalStage) return [];
  return stageChain(facts.finalStage).flatMap((s: Stage) => s.instructions.map((i) => i.trigger ?? i));
}

/** The shell commands of the RUNs of the final stage's chain, in order (computed once per Dockerfile, a fresh array each call). */
export function shippedRunCommands(facts: DockerfileFacts): { command: ShellCommand; instruction: Instruction }[] {
  return [...memoized(facts, 'shippedRunCommands', () => findShippedRunCommands(facts))];
}

function findShippedRunCommands(facts: DockerfileFacts): { command: ShellCommand; instruction: Instruction }[] {
  const out: { command: ShellCommand; instruction: Instruction }[] = [];
  for (const i of shippedInstructions(facts)) {
    if (i.keyword !== 'RUN' || !i.shell) continue;
    for (const command of i.shell.commands) out.push({ command, instruction: i });
  }
  return out;
}

/**
 * The packages of the final stage's chain for which `lookup` names a tool, minus those a later
 * command removes (`apt-get purge`, `apk del` of the package or of its `--virtual` group, a
 * `purge --auto-remove` in the same RUN) and those the config allows (`allowedTools`, by tool or
 * package name).
 */
export function toolsLeft(facts: DockerfileFacts, lookup: (name: string) => string | null, allowed: readonly string[] = []): ToolLeft[] {
  if (!facts.finalStage) return [];
  const removals = memoized(facts, 'packageRemovals', () => packageRemovals(facts));
  const out: ToolLeft[] = [];
  for (const s of stageChain(facts.finalStage)) {
    for (const install of stageInstalls(s)) {
      if (!OS_MANAGERS.has(install.manager)) continue;
      const named = new Set<string>();
      for (const word of install.packages) {
        if (!word.literal) continue;
        const name = packageName(install.manager, word.value).toLowerCase();
        if (named.has(name)) continue;
        named.add(name);
        const tool = lookup(name);
        if (!tool || allowed.includes(tool) || allowed.includes(name)) continue;
        if (removedLater(install, name, removals)) continue;
        out.push({ word, name, tool, install });
      }
    }
  }
  return out;
}

/**
 * The removals among the shipped RUN commands, indexed once per Dockerfile: for each package name
 * (and each raw word, for `apk del` of a `--virtual` group) the position of the last command that
 * removes it, and per RUN the last command that removes more than it names. Asking whether an
 * install is removed later is then a few lookups, not a pass over every later command (thousands
 * of installs in one file made that quadratic: 12,000 `apk add` lines took 13 s).
 */
interface Removals {
  at: Map<ShellCommand, number>;
  byName: Map<string, number>;
  byWord: Map<string, number>;
  broad: Map<Instruction, number>;
}

function packageRemovals(facts: DockerfileFacts): Removals {
  const r: Removals = { at: new Map(), byName: new Map(), byWord: new Map(), broad: new Map() };
  const runs = shippedRunCommands(facts);
  runs.forEach(({ command: c, instruction }, n) => {
    if (!r.at.has(c)) r.at.set(c, n);
    const pm = packageCommand(c);
    if (!pm || !OS_MANAGERS.has(pm.manager) || !REMOVE_ACTIONS.has(pm.action)) return;
    const names = positionals(c).slice(1);
    for (const w of names) {
      r.byName.set(packageName(pm.manager, w.value).toLowerCase(), n);
      r.byWord.set(w.value, n);
    }
    // `apt-mark auto …; apt-get purge -y --auto-remove` after the build: the same layer drops them
    if (names.some((w) => !w.literal) || hasOption(c, '', '--auto-remove') || pm.action === 'autoremove') r.broad.set(instruction, n);
  });
  return r;
}

function removedLater(install: PackageInstall, name: string, r: Removals): boolean {
  const at = r.at.get(install.command);
  if (at === undefined) return false;
  const virtual = optionValue(install.command, ['-t', '--virtual']);
  return (r.byName.get(name) ?? -1) > at || (virtual !== null && (r.byWord.get(virtual) ?? -1) > at) || (r.broad.get(install.instruction) ?? -1) > at;
}

/**
 * The removals of a stage chain, indexed once per chain (the array `stageChain` gives): each RUN
 * command's position, per removed package name the position of the last command removing it, and
 * per RUN the last command there that removes more than it names. Each install's question is then a
 * few lookups (a file of 7,000 installs scanned the chain once per install: 8.6 s for 310 KB; fuzz
 * campaign, seed 13).
 */
interface ChainRemovals {
  at: Map<ShellCommand, number>;
  lastRemoved: Map<string, number>;
  broad: Map<Instruction, number>;
}

const chainRemovalsMemo = new WeakMap<readonly Stage[], ChainRemovals>();

function chainRemovals(chain: readonly Stage[]): ChainRemovals {
  let r = chainRemovalsMemo.get(chain);
  if (r) return r;
  r = { at: new Map(), lastRemoved: new Map(), broad: new Map() };
  let n = 0;
  for (const s of chain) {
    for (const ins of s.instructions) {
      const i = ins.trigger ?? ins;
      if (i.keyword !== 'RUN' || !i.shell) continue;
      for (const c of i.shell.commands) {
        const pos = n++;
        if (!r.at.has(c)) r.at.set(c, pos);
        const pm = packageCommand(c);
        if (!pm || !OS_MANAGERS.has(pm.manager) || !REMOVE_ACTIONS.has(pm.action)) continue;
        const names = positionals(c).slice(1);
        for (const w of names) r.lastRemoved.set(packageName(pm.manager, w.value), pos);
        // `apt-get purge --auto-remove $buildDeps` after `apt-mark auto`: the build deps go away with the same layer
        if (names.some((w) => !w.literal) || hasOption(c, '', '--auto-remove') || pm.action === 'autoremove') r.broad.set(i, pos);
      }
    }
  }
  chainRemovalsMemo.set(chain, r);
  return r;
}

/** The compilers, SDKs and headers an OS package install leaves in the image (removals later in the chain subtracted). */
export function buildPackagesLeft(install: PackageInstall, chain: readonly Stage[]): Word[] {
  if (!OS_MANAGERS.has(install.manager)) return [];
  const wanted = install.packages.filter((w) => w.literal && isBuildPackage(packageName(install.manager, w.value)));
  if (wanted.length === 0) return [];
  const r = chainRemovals(chain);
  const at = r.at.get(install.command);
  if (at === undefined) return wanted;
  const later = (name: string): boolean => (r.lastRemoved.get(name) ?? -1) > at;
  const virtual = optionValue(install.command, ['-t', '--virtual']);
  if ((r.broad.get(install.instruction) ?? -1) > at || (virtual && later(virtual))) return [];
  return wanted.filter((w) => !later(packageName(install.manager, w.value)));
}

function optionValue(cmd: ShellCommand, options: readonly string[]): string | null {
  for (let i = 0; i < cmd.argv.length; i++) {
    const a = cmd.argv[i]!;
    if (options.includes(a)) return cmd.argv[i + 1] ?? null;
    for (const o of options) if (o.startsWith('--') && a.startsWith(o + '=')) return a.slice(o.length + 1);
  }
  return null;
}

/** The names (without versions, lower-case) of the packages the final stage's chain installs with any package manager. */
export function shippedPackages(facts: DockerfileFacts): ReadonlySet<string> {
  return memoized(facts, 'shippedPackages', () => {
    const out = new Set<string>();
    if (!facts.finalStage) return out;
    for (const s of stageChain(facts.finalStage)) for (const install of stageInstalls(s)) for (const w of install.packages) if (w.literal) out.add(packageName(install.manager, w.value).toLowerCase());
    return out;
  });
}
