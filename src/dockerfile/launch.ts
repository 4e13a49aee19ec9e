/**
 * The Dockerfile side of the PID 1 facts: the ENTRYPOINT and CMD in force at the end of the final
 * stage, as the argv Docker starts, with the build context's entrypoint scripts, handed to the
 * launch analysis in `src/knowledge/launch.ts`.
 */
import { posix } from 'node:path';
import type { DockerfileFacts, Instruction } from './model.js';
import type { Range } from '../util/text.js';
import { stageChain } from './stages.js';
import { memoized } from '../util/memo.js';
import { analyzeLaunch, baseOf, SHELLS, type ArgvItem, type Launch, type LaunchScript, type Where } from '../knowledge/launch.js';

/** The ENTRYPOINT and CMD in force at the end of the final stage (ENTRYPOINT resets a CMD set before its stage). */
export function finalCommands(facts: DockerfileFacts): { entrypoint: Instruction | null; cmd: Instruction | null } {
  let entrypoint: Instruction | null = null;
  let cmd: Instruction | null = null;
  if (!facts.finalStage) return { entrypoint, cmd };
  for (const s of stageChain(facts.finalStage)) {
    let cmdHere = false;
    for (const i of s.instructions) {
      if (i.keyword === 'ENTRYPOINT') {
        entrypoint = i;
        if (!cmdHere) cmd = null;
      } else if (i.keyword === 'CMD') {
        cmd = i;
        cmdHere = true;
      }
    }
  }
  return { entrypoint, cmd };
}

/** The words a CMD or ENTRYPOINT gives the runtime, as launch items; null for a non-POSIX shell form or an empty body. */
export function instructionItems(ins: Instruction): ArgvItem[] | null {
  const at: Where = { kind: 'dockerfile', range: ins.range };
  const keyword = ins.keyword as 'CMD' | 'ENTRYPOINT';
  if (ins.json === null) {
    if (ins.nonPosixShell || ins.body === '') return null;
    return [{ value: '/bin/sh', at, shellForm: keyword }, { value: '-c', at }, { value: ins.body, at, shell: ins.shell }];
  }
  const argv = ins.json;
  const c = argv.findIndex((a) => /^-\w*c\w*$/.test(a));
  return argv.map((value, k) => {
    const item: ArgvItem = { value, at };
    // The parse of `["sh", "-c", script]` is the instruction's shell facts.
    if (k === c + 1 && c >= 1 && SHELLS.has(baseOf(argv[0] ?? ''))) item.shell = ins.shell;
    return item;
  });
}

/** The launch of the final stage, null when it sets neither ENTRYPOINT nor CMD (the base image decides). */
export function dockerfileLaunch(facts: DockerfileFacts): Launch | null {
  return memoized(facts, 'launch', () => findDockerfileLaunch(facts));
}

function findDockerfileLaunch(facts: DockerfileFacts): Launch | null {
  const { entrypoint, cmd } = finalCommands(facts);
  let argv: ArgvItem[] | null = null;
  if (entrypoint) {
    const e = instructionItems(entrypoint);
    const c = cmd && entrypoint.json !== null ? instructionItems(cmd) : [];
    argv = e && c ? [...e, ...c] : null;
  } else if (cmd) argv = instructionItems(cmd);
  let result: Launch | null = null;
  if (argv) {
    result = analyzeLaunch({ argv, script: contextScripts(facts) });
  }
  return result;
}

/** The build context's entrypoint scripts, looked up by the program word that runs them. */
export function contextScripts(facts: DockerfileFacts): (program: string) => LaunchScript | null {
  // The chain goes through the start scripts and the scripts they run; a health check's script is not on it.
  const scripts = facts.context.scripts.filter((x) => x.role !== 'healthcheck');
  return (program) => {
    const p = program.replace(/^\.\//, '');
    const s = scripts.find((x) => x.shell && (x.imagePath === program || x.imagePath.endsWith('/' + p) || posix.basename(x.imagePath) === p));
    if (!s?.shell) return null;
    return { file: s.path, imagePath: s.imagePath, layer: null, shell: s.shell, runBy: { kind: 'dockerfile', range: s.runBy.range } };
  };
}

/** Where a Dockerfile-side finding goes: a range in the Dockerfile, or in a script of the build context. */
export function dockerfileTarget(where: Where): { at: Range; file?: string } {
  if (where.kind === 'script') return { at: where.range, file: where.script.file };
  if (where.kind === 'dockerfile') return { at: where.range };
  return { at: { line: 1, column: 1, endLine: 1, endColumn: 1 } };
}

/** The 1-based line of the instruction that runs a script (Dockerfile side), for messages. */
export function runByLine(script: LaunchScript): number | null {
  return script.runBy.kind === 'dockerfile' ? script.runBy.range.line : null;
}

