/**
 * Fixing a Dockerfile (and the scripts of its build context) until nothing fixable is left: lint,
 * apply the fixes that do not overlap, lint the new text again (findings and their edits are computed
 * afresh, so an edit left out for overlapping is made on the new text), up to `MAX_PASSES` passes.
 * The front ends (CLI, language server) pass the lint step, so this part knows no input.
 */
import type { Finding, Fix, FixKind } from '../engine/types.js';
import { applyFixes, type Files } from './apply.js';

/** Enough for fixes that wait on each other (exec form, then the start script's command) with room to spare. */
export const MAX_PASSES = 10;

export interface FixResult {
  /** The texts after fixing, by key (`''` the Dockerfile, other keys paths in the build context). */
  files: Map<string, string>;
  /** Fixes applied, over every pass. */
  applied: Fix[];
  /** Findings of the fixed texts. */
  findings: Finding[];
  passes: number;
}

/** Which fixes a run applies: `--fix` takes safe ones, `--fix-unsafe` suggested ones too. */
export function fixKinds(unsafe: boolean): ReadonlySet<FixKind> {
  return new Set<FixKind>(unsafe ? ['safe', 'suggested'] : ['safe']);
}

/**
 * Fixes `files` with the fixes of `kinds`. `lint` analyzes texts and returns their findings; `first`
 * (the findings of `files` as given) saves one analysis when the caller has them already; `read`
 * gives the text of a build-context file an edit names that `files` does not hold yet.
 */
export async function fixFiles(
  files: Files,
  lint: (files: Files) => Promise<Finding[]>,
  kinds: ReadonlySet<FixKind>,
  first?: Finding[],
  read: (file: string) => string | null = () => null,
): Promise<FixResult> {
  let current = new Map(files);
  let findings = first ?? (await lint(current));
  const applied: Fix[] = [];
  let passes = 0;
  while (passes < MAX_PASSES) {
    const fixes = findings.flatMap((f) => (f.fix && kinds.has(f.fix.kind) ? [f.fix] : []));
    if (fixes.length === 0) break;
    for (const f of fixes) {
      for (const e of f.edits) {
        if (e.file === undefined || current.has(e.file)) continue;
        const text = read(e.file);
        if (text !== null) current.set(e.file, text);
      }
    }
    const r = applyFixes(current, fixes);
    if (r.applied.length === 0) break;
    let changed = false;
    for (const [k, v] of r.files) if (current.get(k) !== v) changed = true;
    if (!changed) break;
    passes++;
    applied.push(...r.applied);
    current = r.files;
    findings = await lint(current);
  }
  return { files: current, applied, findings, passes };
}
