/**
 * What runs as PID 1: the chain from the argv Docker starts (ENTRYPOINT and CMD joined as Docker joins
 * them) through an init, shells and entrypoint scripts to the program that does the work. Built from
 * facts that are already parsed (Dockerfile instructions and build-context scripts, or an image's
 * config and captured scripts), so the Dockerfile and the image side of the pid1 checks share it:
 * `src/dockerfile/launch.ts` and `src/image/launch.ts` give it their argv and scripts.
 */
import type { ShellCommand, ShellScript } from '../shell/shell.js';
import type { Range } from '../util/text.js';

/** Where a part of the launch is written. */
export type Where =
  | { kind: 'dockerfile'; range: Range }
  | { kind: 'config'; field: 'Entrypoint' | 'Cmd' }
  | { kind: 'script'; script: LaunchScript; range: Range }
  /** A word of a Kubernetes container's `command:` or `args:` (`src/pair/effective.ts`). */
  | { kind: 'manifest'; field: 'command' | 'args'; range: Range };

/** A shell script PID 1 runs (an entrypoint script), parsed. */
export interface LaunchScript {
  /** The path findings name: relative to the build context, or the in-image path. */
  file: string;
  /** Where the image has it. */
  imagePath: string;
  /** Image side: the layer that wrote it; null on the Dockerfile side. */
  layer: number | null;
  shell: ShellScript;
  /** The instruction (Dockerfile) or config field (image) that runs it. */
  runBy: Where;
}

/** One word of the argv Docker starts, with where it is written. */
export interface ArgvItem {
  value: string;
  at: Where;
  /** The parsed script, for the operand of `sh -c`. */
  shell?: ShellScript | null;
  /** The first word of a shell-form instruction (`/bin/sh -c body`). */
  shellForm?: 'CMD' | 'ENTRYPOINT';
}

/** The inputs of the analysis, from either side. */
export interface LaunchSource {
  argv: ArgvItem[];
  /** The parsed shell script a program word names, when the facts hold one. */
  script(program: string, at: Where): LaunchScript | null;
}

export type StayReason = 'trap' | 'background' | 'wait' | 'loop' | 'pipeline';

/** A shell in the chain: a shell-form instruction, an exec-form `sh -c`, or an entrypoint script. */
export interface ShellHop {
  kind: 'shell-form' | 'sh-c' | 'script';
  /** `sh`, `bash`…: the shell program (for scripts, `sh`). */
  shellName: string;
  /** The instruction or config field that starts this shell (for a script: the word that names it). */
  at: Where;
  keyword: 'CMD' | 'ENTRYPOINT' | null;
  script: LaunchScript | null;
  /** The whole script this shell runs, parsed (the `-c` string, the shell-form body or the script file). */
  body: ShellScript;
  /** The command the shell ends with, as written (`exec gosu app "$@"` is the `exec`). */
  lastWritten: ShellCommand | null;
  /** The same command with `exec` and other wrappers (gosu, su-exec, env) taken off. */
  last: ShellCommand | null;
  /** The last command replaces the shell (`exec`), in every branch that runs one. */
  execs: boolean;
  /** The shell runs one simple command and nothing else (bash and busybox ash exec it by themselves in `-c`; dash does not). */
  lone: boolean;
  /** Why the shell has to stay PID 1 even if it used `exec`, and the command that shows it; null when `exec` would do. */
  mustStay: { reason: StayReason; command: ShellCommand | null } | null;
  /** The shell stays by design and traps the stop signals (TERM, INT, QUIT) itself: neither exec nor an init is asked for. */
  handlesSignals: boolean;
  /** The last command runs the arguments (`"$@"`): the chain goes on with them. */
  passesArgs: boolean;
}

export interface Launch {
  /** An init in front (tini, dumb-init, catatonit, docker-init, s6-overlay's `/init`). */
  init: { name: string; at: Where } | null;
  hops: ShellHop[];
  /** The program that does the work, when known. */
  main: { name: string; base: string; argv: string[]; at: Where; command: ShellCommand | null } | null;
}

/** Shell programs (by base name). */
export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
/** Inits that forward signals and reap zombies, with their options that take a value. */
const INITS: Record<string, string[]> = {
  tini: ['-p', '-e', '-l'],
  'tini-static': ['-p', '-e', '-l'],
  'dumb-init': ['-r', '--rewrite'],
  catatonit: [],
  'docker-init': ['-p', '-e', '-l'],
};
/** Programs that replace themselves with their operand (after `positionals` words). */
/** Process managers: PID 1 by design, the one-app checks' business; the chain stops there. */
export const PROCESS_MANAGERS: ReadonlySet<string> = new Set(['supervisord', 's6-svscan', 'runsvdir', 'runit', 'systemd', 'circusd', 'pm2-runtime', 'honcho', 'forego', 'overmind']);
const STOP_SIGNAL = /^(SIG)?(TERM|INT|QUIT)$|^(15|2|3)$/i;
const EXEC_WRAPPERS: Record<string, number> = { gosu: 1, 'su-exec': 1, 's6-setuidgid': 1, env: 0, chpst: 0, nice: 0, setpriv: 0 };

/** The base name of a program path (`/usr/bin/node` -> `node`). */
export const baseOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/**
 * The shell's verdict: how it ends, whether it execs, whether it has to stay. A script that ends by
 * calling one of its own functions (`main "$@"`) ends the way that function does: an `exec` inside
 * a function replaces the whole shell.
 */
export function shellVerdict(shell: ShellScript, depth = 0): Pick<ShellHop, 'lastWritten' | 'last' | 'execs' | 'lone' | 'mustStay' | 'handlesSignals' | 'passesArgs'> {
  const own = ownVerdict(shell);
  const called = own.last && !own.execs && !own.mustStay && depth < 8 ? shell.functions?.get(own.last.name) : undefined;
  if (!called) return own;
  const inner = shellVerdict({ ...called, functions: shell.functions ?? new Map() }, depth + 1);
  // A trap set at the top level still decides whether the shell handles signals itself.
  return inner.last || inner.execs ? { ...inner, lone: false, handlesSignals: inner.handlesSignals || own.handlesSignals } : own;
}

function ownVerdict(shell: ShellScript): ReturnType<typeof shellVerdict> {
  const cmds = shell.commands;
  const top = (s: number): ShellCommand[] => cmds.filter((c) => c.statement === s && !c.wrappedBy && !c.nested);
  const significant: number[] = [];
  for (let s = 0; s < shell.statements; s++) {
    const kind = shell.kinds[s] ?? '';
    if (kind === 'function_definition' || kind === 'comment') continue;
    significant.push(s);
  }
  // A trailing `exit`/`return` ends the script after the command that matters.
  while (significant.length > 1) {
    const t = top(significant[significant.length - 1]!);
    if (t.length === 1 && (t[0]!.base === 'exit' || t[0]!.base === 'return')) significant.pop();
    else break;
  }
  const s = significant[significant.length - 1];
  const out: ReturnType<typeof ownVerdict> = { lastWritten: null, last: null, execs: false, lone: false, mustStay: null, handlesSignals: false, passesArgs: false };
  if (s === undefined) return out;
  const kind = shell.kinds[s] ?? '';
  const unwrap = (c: ShellCommand): ShellCommand => {
    let cur = c;
    for (let i = 0; i < 8; i++) {
      const next = cmds.find((x) => x.wrappedBy === cur);
      if (!next || SHELLS.has(cur.base)) break;
      cur = next;
    }
    return cur;
  };
  if (/^(while|until|for|c_style_for)_statement$/.test(kind)) {
    out.mustStay = { reason: 'loop', command: cmds.find((c) => c.statement === s) ?? null };
  } else if (/^(if|case)_statement$|^(compound_statement|subshell)$/.test(kind)) {
    // Branches: fine when every branch that runs a program execs it; unknown otherwise.
    const execs = cmds.filter((c) => c.statement === s && c.base === 'exec' && !c.wrappedBy);
    if (execs.length > 0) {
      out.execs = true;
      out.lastWritten = execs[execs.length - 1]!;
      out.last = unwrap(out.lastWritten);
    }
  } else {
    const t = top(s);
    const lw = t[t.length - 1] ?? null;
    if (lw) {
      out.lastWritten = lw;
      out.last = unwrap(lw);
      out.execs = lw.base === 'exec' && out.last !== lw;
      out.lone = significant.length === 1 && kind === 'command' && t.length === 1;
      if (!out.execs) {
        if (lw.background) out.mustStay = { reason: 'background', command: lw };
        else if (lw.base === 'wait') out.mustStay = { reason: 'wait', command: lw };
        else if (lw.pipeline) out.mustStay = { reason: 'pipeline', command: lw };
      }
    }
  }
  const last = out.last;
  out.passesArgs = last !== null && /^\$(\{)?[@*]\}?$/.test(last.name);
  if (!out.execs) {
    const trap = cmds.find((c) => c.base === 'trap' && c.argv.length >= 2 && !c.wrappedBy);
    const stopTrap = trap !== undefined && trap.argv[0] !== '-' && trap.argv.slice(1).some((a) => STOP_SIGNAL.test(a));
    const bg = cmds.find((c) => c.background && !c.wrappedBy);
    const tail = out.mustStay?.reason;
    if (tail === 'loop' || tail === 'wait' || tail === 'background') {
      // The shell stays by design; trapping the stop signals, it handles them itself between the
      // loop's commands or in `wait` (`trap 'kill $pid' TERM; server & pid=$!; wait`).
      if (stopTrap) {
        out.mustStay = null;
        out.handlesSignals = true;
      }
    } else if (!tail && out.last) {
      // A trap in front of a foreground command runs only once that command has exited, and exec
      // would drop it; a job left in the background would become the app's child, which does not reap it.
      if (trap) out.mustStay = { reason: 'trap', command: trap };
      else if (bg) out.mustStay = { reason: 'background', command: bg };
    }
  }
  return out;
}

function place(hop: ShellHop, range: Range): Where {
  if (hop.script) return { kind: 'script', script: hop.script, range };
  if (hop.at.kind === 'dockerfile') return { kind: 'dockerfile', range };
  if (hop.at.kind === 'manifest') return { ...hop.at, range };
  return hop.at;
}

/** Where a command of a shell in the chain is written. */
export function commandPlace(hop: ShellHop, command: ShellCommand): Where {
  return place(hop, command.range);
}

/** Follows the chain from the argv to the program that does the work. */
export function analyzeLaunch(src: LaunchSource): Launch {
  const launch: Launch = { init: null, hops: [], main: null };
  let items = src.argv;
  let i = 0;
  for (let guard = 0; guard < 16; guard++) {
    const head = items[i];
    if (!head || head.value.includes('$')) return launch;
    const base = baseOf(head.value);
    const initOpts = INITS[base];
    if (initOpts || head.value === '/init') {
      launch.init ??= { name: head.value === '/init' ? 's6-overlay /init' : base, at: head.at };
      i++;
      while (i < items.length && items[i]!.value.startsWith('-')) {
        const v = items[i]!.value;
        i += v === '--' ? 1 : initOpts?.includes(v) ? 2 : 1;
        if (v === '--') break;
      }
      continue;
    }
    if (PROCESS_MANAGERS.has(base)) {
      launch.main = { name: head.value, base, argv: items.slice(i + 1).map((x) => x.value), at: head.at, command: null };
      return launch;
    }
    const wrapped = EXEC_WRAPPERS[base];
    if (wrapped !== undefined) {
      i++;
      let skip = wrapped;
      while (i < items.length) {
        const v = items[i]!.value;
        if (v.startsWith('-') || (base === 'env' && /^[A-Za-z_]\w*=/.test(v))) i++;
        else if (skip > 0) (skip--, i++);
        else break;
      }
      continue;
    }
    let hop: ShellHop | null = null;
    let rest: ArgvItem[] = [];
    if (SHELLS.has(base)) {
      let j = i + 1;
      while (j < items.length && items[j]!.value.startsWith('-') && !/^-\w*c\w*$/.test(items[j]!.value)) j++;
      const opt = items[j];
      if (opt && /^-\w*c\w*$/.test(opt.value)) {
        const body = items[j + 1];
        if (!body?.shell) return launch;
        const kind = head.shellForm ? 'shell-form' : 'sh-c';
        hop = { kind, shellName: base, at: head.at, keyword: head.shellForm ?? keywordOf(head.at), script: null, body: body.shell, ...shellVerdict(body.shell) };
        rest = items.slice(j + 3);
      } else if (opt) {
        const script = src.script(opt.value, opt.at);
        if (!script) {
          launch.main = { name: opt.value, base: baseOf(opt.value), argv: items.slice(j + 1).map((x) => x.value), at: opt.at, command: null };
          return launch;
        }
        hop = { kind: 'script', shellName: base, at: opt.at, keyword: keywordOf(opt.at), script, body: script.shell, ...shellVerdict(script.shell) };
        rest = items.slice(j + 1);
      } else {
        launch.main = { name: head.value, base, argv: [], at: head.at, command: null };
        return launch;
      }
    } else {
      const script = src.script(head.value, head.at);
      if (script) {
        hop = { kind: 'script', shellName: 'sh', at: head.at, keyword: keywordOf(head.at), script, body: script.shell, ...shellVerdict(script.shell) };
        rest = items.slice(i + 1);
      }
    }
    if (!hop) {
      launch.main = { name: head.value, base, argv: items.slice(i + 1).map((x) => x.value), at: head.at, command: null };
      return launch;
    }
    launch.hops.push(hop);
    // `exec tini -- "$@"` in a script: the init comes in here.
    for (let c: ShellCommand | null = hop.last; c && c !== hop.lastWritten; c = c.wrappedBy) {
      const w = c.wrappedBy;
      if (w && (INITS[w.base] || w.name === '/init')) launch.init ??= { name: w.base, at: place(hop, w.range) };
    }
    if (hop.mustStay || hop.handlesSignals) return launch;
    if (hop.passesArgs) {
      items = rest;
      i = 0;
      continue;
    }
    const last = hop.last;
    if (last) launch.main = { name: last.name, base: last.base, argv: last.argv, at: place(hop, last.range), command: last };
    return launch;
  }
  return launch;
}

function keywordOf(at: Where): 'CMD' | 'ENTRYPOINT' | null {
  if (at.kind === 'config') return at.field === 'Cmd' ? 'CMD' : 'ENTRYPOINT';
  return null;
}

const LAUNCHER_SUBCOMMANDS: Record<string, Set<string> | null> = {
  npm: new Set(['start', 'run', 'run-script', 'rum', 'urn', 'test', 't', 'tst', 'restart', 'exec', 'x']),
  npx: null,
  pnpm: new Set(['start', 'run', 'run-script', 'test', 't', 'exec', 'dlx', 'serve', 'dev']),
  yarn: null,
};
/** Options of npm, yarn and pnpm that take the next word as their value. */
const VALUE_OPTIONS = new Set(['--filter', '-F', '-C', '--dir', '--prefix', '--workspace', '--cwd']);
/** yarn and pnpm run a script by name without `run`; these subcommands manage packages instead. */
const NOT_LAUNCH = new Set(['install', 'i', 'add', 'remove', 'rm', 'upgrade', 'up', 'update', 'audit', 'cache', 'config', 'info', 'why', 'list', 'ls', 'outdated', 'pack', 'publish', 'version', '--version', '-v', 'init', 'import', 'link', 'unlink', 'prune', 'fetch', 'store', 'workspaces', 'plugin', 'set', 'licenses', 'global', 'dedupe', 'help']);

/**
 * `npm start`, `yarn serve`, `pnpm run x`, `npx x`: a package manager that starts the app as its child
 * (through a shell) instead of replacing itself. Null for other commands. poetry run, pipenv run and
 * bundle exec exec the program themselves, so they are not launchers here.
 */
export function packageLauncher(base: string, argv: readonly string[]): string | null {
  if (!(base in LAUNCHER_SUBCOMMANDS)) return null;
  const subs = LAUNCHER_SUBCOMMANDS[base];
  if (base === 'npx') return 'npx';
  let sub: string | undefined;
  for (let k = 0; k < argv.length && sub === undefined; k++) {
    const a = argv[k]!;
    if (VALUE_OPTIONS.has(a)) k++;
    else if (!a.startsWith('-')) sub = a;
  }
  if (subs) return sub && subs.has(sub) ? `${base} ${sub}` : null;
  if (!sub || NOT_LAUNCH.has(sub)) return null;
  return `${base} ${sub}`;
}
