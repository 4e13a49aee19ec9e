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
      const removed = removedLater(install, removals);
      const named = new Set<string>();
      for (const word of install.packages) {
        if (!word.literal) continue;
        const name = packageName(install.manager, word.value).toLowerCase();
        if (named.has(name)) continue;
        named.add(name);
        const tool = lookup(name);
        if (!tool || allowed.includes(tool) || allowed.includes(name)) continue;
        if (removed(name)) continue;
        out.push({ word, name, tool, install });
      }
    }
  }
  return out;
}

/**
 * The removals among RUN commands, indexed once per list of commands (the shipped ones of a
 * Dockerfile, or a stage chain's): for each package name (lower-case) and each raw word (for `apk
 * del` of a `--virtual` group) the position of the last command that removes it, and per RUN the
 * last command that removes more than it names. Asking whether an install is removed later is then
 * a few lookups, not a pass over every later command (thousands of installs in one file made that
 * quadratic: 12,000 `apk add` lines took 13 s, 7,000 compiler installs 8.6 s).
 */
interface Removals {
  at: Map<ShellCommand, number>;
  byName: Map<string, number>;
  byWord: Map<string, number>;
  broad: Map<Instruction, number>;
}

function indexRemovals(runs: Iterable<{ command: ShellCommand; instruction: Instruction }>): Removals {
  const r: Removals = { at: new Map(), byName: new Map(), byWord: new Map(), broad: new Map() };
  let n = 0;
  for (const { command: c, instruction } of runs) {
    const pos = n++;
    if (!r.at.has(c)) r.at.set(c, pos);
    const pm = packageCommand(c);
    if (!pm || !OS_MANAGERS.has(pm.manager) || !REMOVE_ACTIONS.has(pm.action)) continue;
    const names = positionals(c).slice(1);
    for (const w of names) {
      r.byName.set(packageName(pm.manager, w.value).toLowerCase(), pos);
      r.byWord.set(w.value, pos);
    }
    // `apt-mark auto …; apt-get purge -y --auto-remove $buildDeps` after the build: the same layer drops them
    if (names.some((w) => !w.literal) || hasOption(c, '', '--auto-remove') || pm.action === 'autoremove') r.broad.set(instruction, pos);
  }
  return r;
}

function packageRemovals(facts: DockerfileFacts): Removals {
  return indexRemovals(shippedRunCommands(facts));
}

/**
 * For one install, whether a later command of the list `r` indexes removes a package of it (by
 * lower-case name), its `--virtual` group or everything it named; asked per package, so what the
 * install shares is looked up once.
 */
function removedLater(install: PackageInstall, r: Removals): (name: string) => boolean {
  const at = r.at.get(install.command);
  if (at === undefined) return () => false;
  const virtual = optionValue(install.command, ['-t', '--virtual']);
  if ((virtual !== null && (r.byWord.get(virtual) ?? -1) > at) || (r.broad.get(install.instruction) ?? -1) > at) return () => true;
  return (name) => (r.byName.get(name) ?? -1) > at;
}

/** The removals of a stage chain (the array `stageChain` gives), indexed once per chain. */
function chainRemovals(chain: readonly Stage[]): Removals {
  return memoized(chain, 'removals', () => indexRemovals(chainRunCommands(chain)));
}

function* chainRunCommands(chain: readonly Stage[]): Generator<{ command: ShellCommand; instruction: Instruction }> {
  for (const s of chain) {
    for (const ins of s.instructions) {
      const i = ins.trigger ?? ins;
      if (i.keyword !== 'RUN' || !i.shell) continue;
      for (const command of i.shell.commands) yield { command, instruction: i };
    }
  }
}

/** The compilers, SDKs and headers an OS package install leaves in the image (removals later in the chain subtracted). */
export function buildPackagesLeft(install: PackageInstall, chain: readonly Stage[]): Word[] {
  if (!OS_MANAGERS.has(install.manager)) return [];
  const wanted = install.packages.filter((w) => w.literal && isBuildPackage(packageName(install.manager, w.value)));
  if (wanted.length === 0) return [];
  const removed = removedLater(install, chainRemovals(chain));
  return wanted.filter((w) => !removed(packageName(install.manager, w.value).toLowerCase()));
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
