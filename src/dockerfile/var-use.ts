/** Variable references in instruction words, and the ARG/ENV variables in force before an instruction. */
import type { DockerfileFacts, Instruction, Stage } from './model.js';
import { PLATFORM_ARGS } from './vars.js';
import { memoized } from '../util/memo.js';

/** One `$NAME` or `${NAME…}` in a text. */
export interface VarRef {
  name: string;
  /** Offsets in the text. */
  start: number;
  end: number;
  /** `${NAME:-x}`, `${NAME+x}`…: the reference has its own fallback. */
  hasDefault: boolean;
}

const REF = /\\\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** The references the Dockerfile frontend expands in `text`; single-quoted parts and `\$` are literal. */
export function varRefs(text: string): VarRef[] {
  const masked = text.replace(/'[^']*'/g, (m) => ' '.repeat(m.length));
  const out: VarRef[] = [];
  for (const m of masked.matchAll(REF)) {
    if (m[0] === '\\$') continue;
    out.push({ name: (m[1] ?? m[3])!, start: m.index, end: m.index + m[0].length, hasDefault: m[2] !== undefined });
  }
  return out;
}

/** The variables a stage starts with: those of the stage it is built on, and the platform ARGs. */
export function stageStartVars(stage: Stage): Map<string, string | null> {
  // The nearest stage up the chain with an instruction (a loop: chains can be 100k stages long).
  let parent = stage.parent;
  while (parent && parent.instructions.length === 0) parent = parent.parent;
  const m = new Map(parent?.instructions.at(-1)?.vars ?? []);
  for (const a of PLATFORM_ARGS) if (!m.has(a)) m.set(a, null);
  return m;
}

/** The instruction before an ARG/ENV in its stage (or before the first FROM), found in one pass per model, not a scan per call. */
function previousOf(facts: DockerfileFacts, ins: Instruction): Instruction | undefined {
  const m = memoized(facts, 'previousVarInstruction', () => {
    const out = new Map<Instruction, Instruction | undefined>();
    const last = new Map<Stage | null, Instruction>();
    for (const i of facts.instructions) {
      if (i.keyword === 'FROM') continue;
      if (i.keyword === 'ARG' || i.keyword === 'ENV') out.set(i, last.get(i.stage));
      last.set(i.stage, i);
    }
    return out;
  });
  return m.get(ins);
}

/** The variables in force before `ins` runs (for ARG and ENV, `ins.vars` already holds what they define). */
export function varsBefore(facts: DockerfileFacts, ins: Instruction): ReadonlyMap<string, string | null> {
  if (ins.keyword !== 'ARG' && ins.keyword !== 'ENV') return ins.vars;
  const prev = previousOf(facts, ins);
  if (prev) return prev.vars;
  return ins.stage ? stageStartVars(ins.stage) : new Map(PLATFORM_ARGS.map((a) => [a, null] as const));
}
