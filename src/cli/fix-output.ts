/** `--fix` and `--diff`: the fixed files written in place, or printed as one unified diff. */
import { writeFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import type { AnalyzedTarget } from '../analyze.js';
import { UsageError } from '../analyze.js';
import { unifiedDiff } from '../fix/diff.js';

/** Shows a path relative to the working directory when it is under it. */
function shown(p: string): string {
  if (!isAbsolute(p)) return p.replace(/^\.\//, '');
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** Writes (or with `diff` prints) what the fixes changed; true when anything changed. Notes go to stderr. */
export function writeFixes(results: readonly AnalyzedTarget[], diff: boolean, io: { stdout: (s: string) => void; stderr: (s: string) => void }): boolean {
  let changed = false;
  const seen = new Set<string>();
  for (const r of results) {
    const fixed = r.fixed;
    if (!fixed || fixed.files.length === 0) continue;
    for (const f of fixed.files) {
      // Two Dockerfiles sharing an entrypoint script fix it once.
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      changed = true;
      if (diff) io.stdout(unifiedDiff(shown(f.path), f.before, f.after));
      else {
        try {
          writeFileSync(f.path, f.after);
        } catch (e) {
          throw new UsageError(`--fix: ${f.path}: ${(e as Error).message.split('\n', 1)[0]}`);
        }
      }
    }
    if (!diff) io.stderr(`shipshape: fixed ${fixed.applied} problem${fixed.applied === 1 ? '' : 's'} in ${fixed.files.map((f) => shown(f.path)).join(', ')}\n`);
  }
  return changed;
}
