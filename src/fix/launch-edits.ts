/**
 * Fixes of how PID 1 is started: a shell-form CMD or ENTRYPOINT in exec form, `exec` in front of the
 * last command of `sh -c` or of an entrypoint script, `npm start` replaced by what the start script runs.
 */
import type { DockerfileFacts, Instruction, Stage } from '../dockerfile/model.js';
import { memoized } from '../util/memo.js';
import type { ShellCommand } from '../shell/shell.js';
import type { Fix, TextEdit } from '../engine/types.js';
import { LineIndex } from '../util/text.js';
import { execForm, insertBefore, safeFix, suggestedFix, textAt } from './edits.js';
import { insertLineBefore, replaceBody, written } from './dockerfile-edits.js';

/** Words exec form can carry unchanged: no expansion, glob, redirection, escape or operator. */
const PLAIN_BODY = /^[\w@%+=:,./ "'-]*$/;
/** Shell builtins: in exec form there is no shell to run them. */
const BUILTINS = new Set(['exec', 'cd', 'export', 'source', '.', 'set', 'eval', 'trap', 'exit', 'ulimit', 'umask', 'wait', 'unset', 'alias', 'read', 'command', 'builtin', 'test', '[', 'true', 'false', ':']);

/** The stages an instruction's stage is built on, itself included. */
function chain(ins: Instruction): Instruction[] {
  const out: Instruction[] = [];
  for (let s = ins.stage; s; s = s.parent) out.push(...s.instructions);
  return out;
}

/**
 * The exec form of a shell-form CMD/ENTRYPOINT that is one plain command (`CMD node server.js` ->
 * `CMD ["node", "server.js"]`): safe, since the same program runs with the same words, only without
 * /bin/sh in front. Suggested when the other of the pair is set: the exec form joins CMD to an
 * ENTRYPOINT where the shell form did not.
 */
export function execFormFix(facts: DockerfileFacts, ins: Instruction): Fix | null {
  const sh = ins.shell;
  if (!sh || sh.hasError || sh.statements !== 1 || sh.kinds[0] !== 'command' || sh.commands.length !== 1) return null;
  const c = sh.commands[0]!;
  if (c.assignments.length || !c.name || BUILTINS.has(c.name) || !PLAIN_BODY.test(ins.body)) return null;
  if (c.args.some((a) => !a.literal)) return null;
  const argv = [c.name, ...c.args.map((a) => a.value)];
  const other = ins.keyword === 'CMD' ? 'ENTRYPOINT' : 'CMD';
  // Whether the chain (for a CMD) or the stage (for an ENTRYPOINT) sets the other, answered per stage once.
  const has = (s: Stage): boolean => memoized(s, `has${other}`, () => s.instructions.some((i) => i.keyword === other));
  let paired = false;
  if (ins.keyword === 'CMD') for (let s = ins.stage; s && !paired; s = s.parent) paired = has(s);
  else paired = ins.stage ? has(ins.stage) : false;
  const make = paired ? suggestedFix : safeFix;
  return make('Use the exec form', [replaceBody(facts, ins, execForm(argv))]);
}

/**
 * `exec` in front of a command (after its `VAR=value` prefixes), in the Dockerfile or in a script of
 * the build context (`script`: its path and text). Null when the text there is not the command.
 */
export function execPrefix(facts: DockerfileFacts, command: ShellCommand, script?: { path: string; text: string }): TextEdit | null {
  const at = command.assignments.length ? command.nameRange : command.range;
  const text = script ? textAt(script.text, new LineIndex(script.text).starts, at) : written(facts, at);
  const first = text[0];
  if (!first || !(first === command.name[0] || first === '"' || first === "'" || (command.assignments[0] ?? '')[0] === first)) return null;
  if (at.line !== at.endLine && command.nameRange.line !== at.line) return null;
  return script ? insertBefore(at, 'exec ', script.path) : insertBefore(at, 'exec ');
}

/** Words of a start script that run as they are without a shell. */
const PLAIN_SCRIPT = /^[\w@%+=:,./ -]+$/;

/**
 * What `npm start` (`npm run x`, `yarn start`, `pnpm start`) runs, as an argv, from package.json's
 * scripts: null unless it is one plain command of `node` or of a dependency's binary, with no pre-
 * or post-script the package manager would run around it.
 */
export function startScriptArgv(packageJson: string | null, argv: readonly string[]): string[] | null {
  if (packageJson === null) return null;
  let pkg: { scripts?: Record<string, unknown>; dependencies?: Record<string, unknown> };
  try {
    pkg = JSON.parse(packageJson) as typeof pkg;
  } catch {
    return null;
  }
  const [tool, ...rest] = argv;
  let name: string | undefined;
  if (rest[0] === 'run' || rest[0] === 'run-script') {
    if (rest.length !== 2) return null;
    name = rest[1];
  } else if (rest.length === 1 && (rest[0] === 'start' || tool !== 'npm')) name = rest[0];
  if (!name || !tool || !['npm', 'yarn', 'pnpm'].includes(tool)) return null;
  const scripts = pkg.scripts ?? {};
  const script = scripts[name];
  if (typeof script !== 'string' || scripts[`pre${name}`] !== undefined || scripts[`post${name}`] !== undefined) return null;
  if (!PLAIN_SCRIPT.test(script.trim())) return null;
  const words = script.trim().split(/\s+/);
  const program = words[0]!;
  if (program === 'node') return words;
  // The package manager puts node_modules/.bin on PATH; exec form names it relative to WORKDIR.
  if (/^[\w@.-]+$/.test(program) && pkg.dependencies && program in pkg.dependencies) return [`node_modules/.bin/${program}`, ...words.slice(1)];
  return null;
}

/** The instruction whose whole argv is the launcher `argv` (`CMD ["npm", "start"]` or `CMD npm start`), replaced by the start script's command. */
export function launcherFix(facts: DockerfileFacts, ins: Instruction, argv: readonly string[]): Fix | null {
  const words = ins.json ?? (ins.shell?.commands.length === 1 && ins.shell.statements === 1 && PLAIN_BODY.test(ins.body) ? [ins.shell.commands[0]!.name, ...ins.shell.commands[0]!.args.map((a) => a.value)] : null);
  if (!words || words.join('\0') !== argv.join('\0')) return null;
  const run = startScriptArgv(facts.context.packageJson, argv);
  if (!run) return null;
  return safeFix(`Run ${run.join(' ')} itself`, [replaceBody(facts, ins, execForm(run))]);
}

/**
 * tini in front of the command, where the final stage installs it (a `tini` package, or a file copied
 * to `…/tini`): `ENTRYPOINT ["tini", "--", …]` for an exec-form ENTRYPOINT, a new
 * `ENTRYPOINT ["tini", "--"]` above the CMD when there is none. Suggested: it changes PID 1.
 */
export function tiniFix(facts: DockerfileFacts, entrypoint: Instruction | null, cmd: Instruction | null, installs: readonly string[]): Fix | null {
  const stage = facts.finalStage;
  if (!stage) return null;
  let tini: string | null = installs.includes('tini') ? 'tini' : null;
  for (const i of chain(stage.from)) {
    if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.json) continue;
    const dest = i.args[i.args.length - 1]?.value ?? '';
    if (/^\/[\w/.-]*\/?tini(-static)?$/.test(dest)) tini = dest;
  }
  if (!tini) return null;
  if (entrypoint) {
    if (!entrypoint.json || entrypoint.range.line !== entrypoint.range.endLine || entrypoint.json.length === 0) return null;
    const start = entrypoint.bodyText;
    const open = facts.lines.position(start.map === null ? start.start : start.map[0]!);
    if (written(facts, { ...open, endLine: open.line, endColumn: open.column + 1 }) !== '[') return null;
    return suggestedFix(`Start it under ${tini}`, [insertBefore({ ...open, column: open.column + 1, endLine: open.line, endColumn: open.column + 1 }, `${JSON.stringify(tini)}, "--", `)]);
  }
  if (!cmd) return null;
  return suggestedFix(`Start it under ${tini}`, [insertLineBefore(facts, cmd, `${cmd.written === cmd.written.toLowerCase() ? 'entrypoint' : 'ENTRYPOINT'} ${execForm([tini, '--'])}`)]);
}
