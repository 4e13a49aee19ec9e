/** The end of a line that opens a block scalar: `key: |`, `- >-`, `|2`. */
const BLOCK_SCALAR = /(?:^|[\s:-])[|>][0-9+-]*\s*$/;

/**
 * How deeply a YAML text nests, estimated in one pass without recursion, so that a file nested
 * thousands deep is refused before a recursive parser reads it. Running a parser until it throws
 * "Maximum call stack size exceeded" is not safe: V8 compiles a regular expression lazily, and a
 * compilation that starts on an almost full stack ends the whole process (a fatal "RegExpCompiler"
 * out-of-memory error, which no `catch` sees).
 *
 * The estimate is never below the real depth: every open flow bracket (`[`, `{`) outside quotes and
 * comments counts, every block level counts once (a line indented past the enclosing ones), and
 * every compact sequence entry (`- - x`) counts. Block scalars (`|`, `>`) are skipped.
 */
export function yamlNestingDepth(text: string): number {
  let max = 0;
  let flow = 0;
  /** Indentations of the open block levels, innermost last. */
  const indents: number[] = [];
  /** Lines indented past this belong to a block scalar; -1 outside one. */
  let scalarIndent = -1;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    const indent = i - start;
    const blank = i >= end || text.charCodeAt(i) === 0x23 /* # */ || (i + 1 === end && text.charCodeAt(i) === 0x0d);
    if (scalarIndent >= 0 && (blank || indent > scalarIndent)) {
      start = end + 1;
      continue;
    }
    scalarIndent = -1;
    if (blank) {
      start = end + 1;
      continue;
    }
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    // Compact sequence entries: `- - - x` opens one level per dash.
    let compact = 0;
    while (i + 1 < end && text.charCodeAt(i) === 0x2d && (text.charCodeAt(i + 1) === 0x20 || text.charCodeAt(i + 1) === 0x09)) {
      compact++;
      i += 2;
      while (i < end && text.charCodeAt(i) === 0x20) i++;
    }
    let quote = 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (quote) {
        if (c === quote) quote = 0;
        continue;
      }
      if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x23 /* # */ && (i === start || text.charCodeAt(i - 1) === 0x20)) break;
      else if (c === 0x5b || c === 0x7b) {
        flow++;
        if (indents.length + compact + flow > max) max = indents.length + compact + flow;
      } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    }
    if (indents.length + compact + flow > max) max = indents.length + compact + flow;
    // A block scalar header (`key: |`, `- >-`) ends the line: what is indented past it is text.
    if (flow === 0 && quote === 0 && BLOCK_SCALAR.test(text.slice(Math.max(start, end - 12), end))) scalarIndent = indent;
    start = end + 1;
  }
  return max;
}

/**
 * The deepest nesting shipshape reads in a YAML file (its config, compose files, Kubernetes
 * manifests): far past any real file (a CRD's schema nests about 30 levels), far below what exhausts
 * the stack of the recursive YAML reader.
 */
export const MAX_YAML_DEPTH = 100;
