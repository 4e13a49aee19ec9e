/**
 * Which stages the final stage needs. `Stage.usedBy` holds the references whose target is known;
 * references through variables (`FROM build_${TARGETARCH}`, `COPY --from=$SRC`) may name any
 * earlier stage whose name fits, whatever the defaults say, so they count as uses of every such stage.
 */
import type { DockerfileFacts, Instruction, Stage } from './model.js';

/** The stage references an instruction makes: FROM, COPY --from, RUN --mount from=. */
function refsOf(ins: Instruction): string[] {
  if (ins.keyword === 'FROM') return ins.args[0] ? [ins.args[0].value] : [];
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') return ins.flags.filter((f) => f.name === 'from' && f.value).map((f) => f.value!);
  if (ins.keyword !== 'RUN') return [];
  const out: string[] = [];
  for (const f of ins.flags) {
    const m = f.name === 'mount' && f.value ? /(?:^|,)from=([^,]+)/.exec(f.value) : null;
    if (m) out.push(m[1]!);
  }
  return out;
}

/** A name pattern for a reference through variables: each variable matches any text, since a build arg can override its default. */
function patternOf(ref: string): RegExp | null {
  if (!ref.includes('$')) return null;
  const parts = ref.split(/\$\{[^}]*\}|\$\w+/);
  return new RegExp('^' + parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
}

/** For each stage, the later stages that use it, by a known reference or one through variables. */
export function stageUsers(facts: DockerfileFacts): Map<number, Set<number>> {
  const users = new Map<number, Set<number>>(facts.stages.map((s) => [s.index, new Set(s.usedBy)]));
  for (const s of facts.stages) {
    for (const ins of [s.from, ...s.instructions]) {
      for (const ref of refsOf(ins)) {
        const re = patternOf(ref);
        if (!re) continue;
        for (const t of facts.stages.slice(0, s.index)) if (t.name && re.test(t.name)) users.get(t.index)!.add(s.index);
      }
    }
  }
  return users;
}

/** Indexes of the stages the final stage is built from or copies from, directly or through other stages. */
export function stagesReachingFinal(facts: DockerfileFacts, users = stageUsers(facts)): Set<number> {
  const reached = new Set<number>();
  const final = facts.finalStage;
  if (!final) return reached;
  reached.add(final.index);
  // users are always later stages, so one pass from the end reaches everything transitively
  for (let i = facts.stages.length - 1; i >= 0; i--) {
    const s: Stage = facts.stages[i]!;
    if ([...(users.get(s.index) ?? [])].some((u) => reached.has(u))) reached.add(s.index);
  }
  return reached;
}
