/** Stages as the build sees them: the chain a stage is built on, and the packages its RUNs install. */
import type { DockerfileFacts, Instruction, Stage } from './model.js';
import { memoized } from '../util/memo.js';
import { packageInstall, type InstallCommand } from '../knowledge/packages.js';

/** A package install in a RUN of the Dockerfile. */
export interface PackageInstall extends InstallCommand {
  instruction: Instruction;
}

/** Every package install in the RUNs of a stage, ONBUILD RUNs included, in order (computed once per stage, a fresh array each call). */
export function stageInstalls(stage: Stage): PackageInstall[] {
  return [...memoized(stage, 'installs', () => findStageInstalls(stage))];
}

function findStageInstalls(stage: Stage): PackageInstall[] {
  const out: PackageInstall[] = [];
  for (const ins of stage.instructions) {
    for (const i of ins.trigger ? [ins.trigger] : [ins]) {
      if (i.keyword !== 'RUN' || !i.shell) continue;
      for (const c of i.shell.commands) {
        const p = packageInstall(c);
        if (p) out.push({ ...p, instruction: i });
      }
    }
  }
  return out;
}

/** The stage and the stages it is built on, base first. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s; s = s.parent) chain.unshift(s);
  return chain;
}

/**
 * True when the layers of this instruction's stage ship: the final stage, a stage a later stage is
 * built on, or an ONBUILD trigger (it runs in every image built from this one).
 */
export function layersShip(facts: DockerfileFacts, ins: Instruction): boolean {
  const stage = ins.stage;
  if (ins.onbuild || !stage || stage.isFinal) return true;
  return facts.stages.some((s) => s.parent === stage);
}
