/** Matching findings of a run to the verdicts reviewed by hand. */
import { SEVERITY_RANK, type Severity } from '../src/engine/types.js';

/** A finding as the review sees it. */
export interface Seen {
  folder: string;
  rule: string;
  /** Its category (a `shellcheck/SC2086` finding is `correctness`, as its check is). */
  category: string;
  /** The check that reported it: its rule, or for a `shellcheck/SC2086` finding `correctness/shellcheck`. */
  check: string;
  /** A finding in another file of the build context (an entrypoint script); null in the Dockerfile. */
  file: string | null;
  line: number;
  column: number;
  severity: Severity;
  message: string;
}

/** One line of precision/verdicts.jsonl. */
export interface Verdict {
  folder: string;
  rule: string;
  file: string | null;
  line: number;
  column: number;
  /** The severity the finding had when it was reviewed. */
  severity: Severity;
  verdict: 'right' | 'wrong' | 'debatable';
  /** For a finding at the wrong severity: the one it should have. */
  should_be: Severity | null;
  /** A short tag naming the cause of a wrong or debatable finding. */
  pattern: string;
  reason: string;
  reviewed: string;
  /**
   * For a wrong finding left as it is on purpose: why it is not fixed (the evidence is outside what
   * shipshape can see). The regression guard lets it through; it still counts as wrong.
   */
  unfixed?: string;
}

export interface Reviewed {
  seen: Seen;
  verdict: Verdict;
  /** The verdict as it counts now: a debatable or wrong finding whose only fault was its severity (`should_be`), now reported at that severity or lower, counts as right. */
  counted: Verdict['verdict'];
}

const key = (x: { folder: string; rule: string; file: string | null; line: number }): string => `${x.folder}\0${x.rule}\0${x.file ?? ''}\0${x.line}`;

/**
 * Each finding gets the verdict with the same folder, rule, file, line and column; failing that, the one
 * verdict with the same folder, rule, file and line (a column moved by a message change). Every
 * verdict is used at most once.
 */
export function matchVerdicts(seen: readonly Seen[], verdicts: readonly Verdict[]): { reviewed: Reviewed[]; unreviewed: Seen[]; gone: Verdict[] } {
  const byLine = new Map<string, Verdict[]>();
  for (const v of verdicts) byLine.set(key(v), [...(byLine.get(key(v)) ?? []), v]);
  const used = new Set<Verdict>();
  const reviewed: Reviewed[] = [];
  const unreviewed: Seen[] = [];
  const pending: Seen[] = [];
  for (const s of seen) {
    const exact = (byLine.get(key(s)) ?? []).find((v) => !used.has(v) && v.column === s.column);
    if (exact) {
      used.add(exact);
      reviewed.push(review(s, exact));
    } else pending.push(s);
  }
  for (const s of pending) {
    const left = (byLine.get(key(s)) ?? []).filter((v) => !used.has(v));
    if (left.length === 1) {
      used.add(left[0]!);
      reviewed.push(review(s, left[0]!));
    } else unreviewed.push(s);
  }
  return { reviewed, unreviewed, gone: verdicts.filter((v) => !used.has(v)) };
}

function review(seen: Seen, verdict: Verdict): Reviewed {
  const settled = verdict.verdict !== 'right' && verdict.should_be !== null && SEVERITY_RANK[seen.severity] <= SEVERITY_RANK[verdict.should_be];
  return { seen, verdict, counted: settled ? 'right' : verdict.verdict };
}
