/** Unified diffs (`--diff`): Myers' shortest edit script over lines, hunks with three lines of context. */

/** The lines of a text, each with its newline (the last one may have none). */
function linesOf(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  if (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

/** The edit script from `a` to `b` (Myers' O(ND) greedy algorithm with a trace to walk back). */
function script(a: string[], b: string[]): Op[] {
  // Common head and tail first: fixes touch few lines, so the search below stays small.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const n = x.length;
  const m = y.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let i = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let j = i - k;
      while (i < n && j < m && x[i] === y[j]) (i++, j++);
      v[max + k] = i;
      if (i >= n && j >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the trace.
  const middle: Op[] = [];
  let i = n;
  let j = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = i - j;
    const prevK = k === -d || (k !== d && vd[max + k - 1]! < vd[max + k + 1]!) ? k + 1 : k - 1;
    const prevI = d === 0 ? 0 : vd[max + prevK]!;
    const prevJ = prevI - prevK;
    while (i > prevI && j > prevJ) middle.push({ kind: ' ', line: x[--i]! }), j--;
    if (d > 0) {
      if (i === prevI) middle.push({ kind: '+', line: y[--j]! });
      else middle.push({ kind: '-', line: x[--i]! });
    }
  }
  middle.reverse();
  return [...a.slice(0, head).map((line) => ({ kind: ' ' as const, line })), ...middle, ...a.slice(a.length - tail).map((line) => ({ kind: ' ' as const, line }))];
}

const CONTEXT = 3;

/** A unified diff of one file (`--- a/path`, `+++ b/path`, hunks); '' when the texts are equal. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const ops = script(linesOf(before), linesOf(after));
  const out: string[] = [`--- a/${path}\n`, `+++ b/${path}\n`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.kind === ' ') k++;
    if (k >= ops.length) break;
    let start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend over changes closer than two contexts apart.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * CONTEXT) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + CONTEXT);
    let oldStart = 1;
    let newStart = 1;
    for (let q = 0; q < start; q++) {
      if (ops[q]!.kind !== '+') oldStart++;
      if (ops[q]!.kind !== '-') newStart++;
    }
    const hunk = ops.slice(start, stop);
    const oldLen = hunk.filter((o) => o.kind !== '+').length;
    const newLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldLen === 0 ? oldStart - 1 : oldStart},${oldLen} +${newLen === 0 ? newStart - 1 : newStart},${newLen} @@\n`);
    for (const o of hunk) {
      out.push(o.kind + o.line);
      if (!o.line.endsWith('\n')) out.push('\n\\ No newline at end of file\n');
    }
    k = stop;
    start = stop;
  }
  return out.join('');
}
