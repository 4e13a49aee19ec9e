/** The Dockerfile side of the `one-app` facts (the process and daemon knowledge is in `src/knowledge/processes.ts`). */
import type { DockerfileFacts, Instruction, Stage } from './model.js';
import type { Range } from '../util/text.js';

/** Where an exec-form instruction writes one of its words (`["/usr/bin/supervisord", "-n"]`), else the instruction. */
export function jsonWordAt(ins: Instruction, word: string): Range | Instruction {
  const quoted = JSON.stringify(word);
  const arg = ins.args.find((a) => a.value.includes(quoted));
  if (!arg) return ins;
  const col = arg.range.column + arg.value.indexOf(quoted);
  return { line: arg.range.line, column: col, endLine: arg.range.line, endColumn: col + quoted.length };
}

/** True when the build installs s6-overlay, so `/init` is its process supervisor. */
export function usesS6Overlay(facts: DockerfileFacts): boolean {
  if (!facts.finalStage) return false;
  for (let s: Stage | null = facts.finalStage; s; s = s.parent) {
    if (s.image && /s6|linuxserver|lsiobase/.test(s.image.repository)) return true;
    if (s.instructions.some((i) => (i.keyword === 'ADD' || i.keyword === 'RUN' || i.keyword === 'COPY' || i.keyword === 'ARG' || i.keyword === 'ENV') && i.body.includes('s6-overlay'))) return true;
  }
  return false;
}
