/**
 * Which stages the final stage needs. `Stage.usedBy` holds the references whose target is known;
 * references through variables (`FROM build_${TARGETARCH}`, `COPY --from=$SRC`) may name any
 * earlier stage whose name fits, whatever the defaults say, so they count as uses of every such stage.
 */
import type { DockerfileFacts, Instruction, Stage } from './model.js';
import { globMatches, type GlobToken } from '../util/glob.js';

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

/**
 * A name pattern for a reference through variables: each variable matches any text, since a build
 * arg can override its default. Matched as a glob (src/util/glob.ts), never as a regular expression
 * built from the file's text. Stage names are lower case; so is the pattern.
 */
function patternOf(ref: string): { test(name: string): boolean; any: boolean } | null {
  if (!ref.includes('$')) return null;
  const tokens = ref.toLowerCase().split(/\$\{[^}]*\}|\$\w+/).flatMap((s, i): GlobToken[] => [...(i ? [{ t: 'any' } as const] : []), ...(s ? [{ t: 'lit', s } as const] : [])]);
  // Nothing but variables: any name.
  return { test: (name) => globMatches(tokens, name.toLowerCase()), any: tokens.every((t) => t.t === 'any') };
}

/** Name tests of patterned references against earlier stages, in all; past it a patterned reference counts as matching every earlier stage. */
const MAX_PATTERN_TESTS = 1_000_000;

/** Who uses each stage: known references and patterned ones per stage; references that may name any earlier stage, by the stage that makes them. */
export interface StageUse {
  /** For each stage, the later stages that use it by name, index or a matching pattern. */
  users: Map<number, Set<number>>;
  /**
   * Stages holding a reference that may name any earlier named stage (`FROM ${BASE}`, `COPY
   * --from=$SRC`), ascending. Kept apart: listing them among the users of every earlier stage costs
   * the square of the stage count.
   */
  anyUsers: number[];
}

/** For each stage, the later stages that use it, by a known reference or one through variables. */
export function stageUsers(facts: DockerfileFacts): StageUse {
  const users = new Map<number, Set<number>>(facts.stages.map((s) => [s.index, new Set(s.usedBy)]));
  const anyUsers: number[] = [];
  let tests = 0;
  for (const s of facts.stages) {
    let any = false;
    for (const ins of [s.from, ...s.instructions]) {
      for (const ref of refsOf(ins)) {
        const re = patternOf(ref);
        if (!re) continue;
        if (re.any || tests + s.index > MAX_PATTERN_TESTS) {
          any = true;
          continue;
        }
        tests += s.index;
        for (let i = 0; i < s.index; i++) {
          const t = facts.stages[i]!;
          if (t.name && re.test(t.name)) users.get(t.index)!.add(s.index);
        }
      }
    }
    if (any) anyUsers.push(s.index);
  }
  return { users, anyUsers };
}

/** True when a later stage uses stage `index`. */
export function hasUsers(use: StageUse, facts: DockerfileFacts, index: number): boolean {
  return (use.users.get(index)?.size ?? 0) > 0 || (facts.stages[index]?.name != null && (use.anyUsers.at(-1) ?? -1) > index);
}

/** Indexes of the stages the final stage is built from or copies from, directly or through other stages. */
export function stagesReachingFinal(facts: DockerfileFacts, use = stageUsers(facts)): Set<number> {
  const reached = new Set<number>();
  const final = facts.finalStage;
  if (!final) return reached;
  reached.add(final.index);
  const anyUser = new Set(use.anyUsers);
  // users are always later stages, so one pass from the end reaches everything transitively; a
  // reached stage with a reference through variables reaches every named stage before it
  let anyReached = anyUser.has(final.index);
  for (let i = facts.stages.length - 1; i >= 0; i--) {
    const s: Stage = facts.stages[i]!;
    if (!reached.has(i) && ((anyReached && s.name !== null) || [...(use.users.get(s.index) ?? [])].some((u) => reached.has(u)))) reached.add(s.index);
    if (reached.has(i) && anyUser.has(i)) anyReached = true;
  }
  return reached;
}
