/** Visitors several checks share, built from the engine's hooks. */
import type { Instruction } from '../dockerfile/model.js';
import type { DockerfileVisitor } from './types.js';

/**
 * Calls `replaced(ins, last)` for every `keyword` instruction that a later one of the same stage
 * replaces (only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage counts).
 */
export function replacedInStage(keyword: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK', replaced: (ins: Instruction, last: Instruction) => void): DockerfileVisitor {
  let seen: Instruction[] = [];
  const flush = (): void => {
    const last = seen[seen.length - 1];
    for (const ins of seen.slice(0, -1)) replaced(ins, last!);
    seen = [];
  };
  return { FROM: flush, [keyword]: (ins: Instruction) => void seen.push(ins), end: flush };
}
