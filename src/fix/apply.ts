/**
 * Applies fixes to texts: every edit of a fix or none, edits of several fixes composed, an edit that
 * overlaps one already taken left for the next pass (after a re-lint, its finding is computed again on
 * the new text). Identical edits from several findings (two `apt-get update` asking for the same
 * cleanup) count once.
 */
import type { Fix, TextEdit } from '../engine/types.js';

/** Files by key: `''` is the Dockerfile, any other key a path relative to the build context. */
export type Files = ReadonlyMap<string, string>;

interface Placed {
  start: number;
  end: number;
  text: string;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The offsets of an edit in its file's text, or null when the range is not in the text. */
function place(e: TextEdit, text: string, starts: number[]): Placed | null {
  const r = e.range;
  const a = starts[r.line - 1];
  const b = starts[r.endLine - 1];
  if (a === undefined || b === undefined) return null;
  const start = a + r.column - 1;
  const end = b + r.endColumn - 1;
  if (start < a || end < start || end > text.length) return null;
  // A column past its line's end would reach into the next line.
  const lineEnd = (i: number): number => (starts[i] ?? text.length + 1) - 1;
  if (start > lineEnd(r.line) || end > lineEnd(r.endLine)) return null;
  return { start, end, text: e.text };
}

const same = (a: Placed, b: Placed): boolean => a.start === b.start && a.end === b.end && a.text === b.text;

/**
 * Two edits conflict when their ranges share a character, or one inserts inside or at an end of the
 * other's replaced text (which side of it the insertion belongs on is not known). Insertions at one
 * point compose, in the order their fixes were taken (` -y` and ` --no-install-recommends` after
 * `install`; two lines above one instruction).
 */
function conflict(a: Placed, b: Placed): boolean {
  if (same(a, b)) return false;
  if (a.start === a.end && b.start === b.end) return false;
  if (a.start === a.end) return a.start >= b.start && a.start <= b.end;
  if (b.start === b.end) return b.start >= a.start && b.start <= a.end;
  return a.start < b.end && b.start < a.end;
}

export interface Applied {
  files: Map<string, string>;
  /** Fixes whose edits were all applied. */
  applied: Fix[];
  /** Fixes left out: an edit overlapped one taken first, or pointed outside its file. */
  skipped: Fix[];
}

/** Applies as many of `fixes` as do not overlap, in the order of their first edit. */
export function applyFixes(files: Files, fixes: readonly Fix[]): Applied {
  const starts = new Map<string, number[]>();
  const startsOf = (k: string): number[] => {
    let s = starts.get(k);
    if (!s) starts.set(k, (s = lineStarts(files.get(k) ?? '')));
    return s;
  };
  const placedFixes: { fix: Fix; edits: { key: string; p: Placed }[] | null; first: number }[] = fixes.map((fix) => {
    const edits: { key: string; p: Placed }[] = [];
    for (const e of fix.edits) {
      const key = e.file ?? '';
      const text = files.get(key);
      const p = text === undefined ? null : place(e, text, startsOf(key));
      if (!p) return { fix, edits: null, first: Infinity };
      edits.push({ key, p });
    }
    return { fix, edits, first: Math.min(...edits.map((x) => (x.key === '' ? 0 : 1e15) + x.p.start)) };
  });
  placedFixes.sort((a, b) => a.first - b.first);
  const taken = new Map<string, (Placed & { order: number })[]>();
  let order = 0;
  const applied: Fix[] = [];
  const skipped: Fix[] = [];
  for (const f of placedFixes) {
    if (!f.edits || f.edits.some(({ key, p }) => (taken.get(key) ?? []).some((t) => conflict(t, p)))) {
      skipped.push(f.fix);
      continue;
    }
    // The fix's own edits must not conflict with each other either.
    if (f.edits.some((x, i) => f.edits!.some((y, j) => j < i && x.key === y.key && conflict(x.p, y.p)))) {
      skipped.push(f.fix);
      continue;
    }
    for (const { key, p } of f.edits) {
      const list = taken.get(key) ?? [];
      if (!list.some((t) => same(t, p))) list.push({ ...p, order: order++ });
      taken.set(key, list);
    }
    applied.push(f.fix);
  }
  const out = new Map(files);
  for (const [key, edits] of taken) {
    const text = files.get(key)!;
    // From the end, so offsets of earlier edits stay valid; at one point an insertion goes before a
    // replacement, and insertions keep the order they were taken in (applied last to first).
    edits.sort((a, b) => b.start - a.start || b.end - a.end || b.order - a.order);
    let result = text;
    for (const e of edits) result = result.slice(0, e.start) + e.text + result.slice(e.end);
    out.set(key, result);
  }
  return { files: out, applied, skipped };
}
