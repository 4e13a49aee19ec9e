/**
 * An image seen with the Dockerfile that built it: the image's history matched to the Dockerfile's
 * instructions, so image findings name the line that made their layer and the base image ends exactly
 * where the final stage's FROM is. This is the one place that reads both inputs; the image side gets
 * the result as a plain `BuildSource` (see `src/image/origin.ts`).
 */
import type { DockerfileFacts, Instruction, Stage } from '../dockerfile/model.js';
import { stageChain } from '../dockerfile/stages.js';
import type { ImageFacts } from '../image/facts.js';
import { historyInstruction, type HistoryInstruction } from '../image/history.js';
import type { BuildSource, HistoryTrace } from '../image/origin.js';

/** The image the final stage's chain starts from, as its FROM names it (null for scratch or an unresolved name). */
function baseOf(final: Stage): string | null {
  const root = stageChain(final)[0];
  return root?.image && !root.image.unresolved && root.image.resolved.toLowerCase() !== 'scratch' ? root.image.resolved : null;
}

/** What the Dockerfile says about how the image was built (the image side reads it as `ctx.build`). */
export function buildSource(image: ImageFacts, dockerfile: DockerfileFacts): BuildSource {
  return { file: dockerfile.path, fromLine: dockerfile.finalStage?.from.range.line ?? null, trace: traceHistory(image, dockerfile) };
}

const norm = (s: string): string => s.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();

/** The history entry may be the record of this instruction (same keyword; RUN bodies and COPY targets agree where comparable). */
function agrees(h: HistoryInstruction, ins: Instruction): boolean {
  if (h.keyword === 'RUN') {
    const a = norm(h.body);
    const b = norm(ins.json ? ins.json.join(' ') : ins.body);
    return a === b || a.includes(b) || b.includes(a) || (a.length > 20 && a.slice(0, 20) === b.slice(0, 20));
  }
  if (h.keyword === 'COPY' || h.keyword === 'ADD') {
    const dest = /\bin (\S+)\s*$/.exec(h.body)?.[1];
    const last = ins.args[ins.args.length - 1]?.value.replace(/^["']|["']$/g, '');
    if (dest && last && last.startsWith('/')) return dest === last || dest.startsWith(last.replace(/\/$/, '') + '/') || dest === last.replace(/\/$/, '');
  }
  if (h.keyword === 'CMD' || h.keyword === 'ENTRYPOINT') {
    // `["node" "server.js"]` (BuildKit), `["node","server.js"]` (buildah), `["/bin/sh" "-c" "npm start"]`
    const have = [...h.body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    if (have.length === 0) return true;
    const want = ins.json ?? ['/bin/sh', '-c', ins.body];
    return have.length === want.length && have.every((w, i) => norm(w) === norm(want[i]!));
  }
  if (h.keyword === 'USER' || h.keyword === 'WORKDIR') {
    const want = ins.args[0]?.value.replace(/^["']|["']$/g, '') ?? '';
    const have = h.body.trim();
    return want.includes('$') || have === want || (h.keyword === 'WORKDIR' && have.endsWith(`/${want.replace(/^\.\//, '')}`));
  }
  return true;
}

const sameKind = (a: string, b: string): boolean => a === b || ((a === 'COPY' || a === 'ADD') && (b === 'COPY' || b === 'ADD'));

/** The first history entry the reader's heuristic gives to this build. */
function heuristicFirst(image: ImageFacts): number {
  const i = image.history.findIndex((h) => !h.fromBase);
  return i < 0 ? image.history.length : i;
}

/**
 * Matches the image's history to the final stage's instructions (and its parent stages'), from the
 * last entry backwards: each entry is the nearest earlier instruction of the same kind whose body
 * agrees. Where the instructions run out, the base image's entries begin. Null when nothing matched
 * (the Dockerfile did not build this image).
 */
function traceHistory(image: ImageFacts, dockerfile: DockerfileFacts): HistoryTrace | null {
  const final = dockerfile.finalStage;
  let result: HistoryTrace | null = null;
  if (final) {
    const instrs = stageChain(final).flatMap((s) => s.instructions).filter((i) => i.keyword !== 'FROM' && !i.onbuild);
    const lineOf = new Map<number, number>();
    let p = instrs.length - 1;
    let first = image.history.length;
    for (let e = image.history.length - 1; e >= 0 && p >= 0; e--) {
      const h = historyInstruction(image.history[e]!.createdBy);
      if (!h) continue;
      let found = -1;
      // In order: only ARG instructions may have no entry of their own.
      for (let j = p; j >= 0; j--) {
        if (sameKind(h.keyword, instrs[j]!.keyword) && agrees(h, instrs[j]!)) {
          found = j;
          break;
        }
        if (instrs[j]!.keyword !== 'ARG') break;
      }
      if (found < 0) {
        // BuildKit records ARG entries that may match no instruction; anything else ends the match.
        if (h.keyword === 'ARG') continue;
        break;
      }
      lineOf.set(e, instrs[found]!.range.line);
      first = e;
      p = found - 1;
    }
    const complete = instrs.slice(0, p + 1).every((i) => i.keyword === 'ARG');
    if (lineOf.size > 0) result = { lineOf, firstBuildEntry: complete ? first : heuristicFirst(image), complete, baseName: baseOf(final) };
  }
  return result;
}

