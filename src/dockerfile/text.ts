/** Positions in a source text: 1-based lines and columns, converted in exactly one place. */

/** A 1-based, end-inclusive-line / end-exclusive-column range in a source file. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Offsets of line starts, for turning string offsets into 1-based positions. */
export class LineIndex {
  readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    this.starts = starts;
  }

  /** 1-based line and column of a string offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  /** The string offset of a 0-based line/character pair (as dockerfile-ast reports them). */
  offsetOf(line0: number, character: number): number {
    const start = this.starts[line0];
    if (start === undefined) return this.text.length;
    return Math.min(start + character, this.text.length);
  }

  range(start: number, end: number): Range {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** The text of a 1-based line without its newline. */
  lineText(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}

/**
 * A piece of text derived from a source file (line continuations removed, say) that remembers,
 * for every character, the offset in the source it came from.
 */
export interface MappedText {
  text: string;
  /** map[i] is the source offset of text[i]; map[text.length] is the source offset just past the end. */
  map: number[];
}

/** The source range of [start, end) in a mapped text. */
export function mappedRange(index: LineIndex, mt: MappedText, start: number, end: number): Range {
  const s = mt.map[Math.min(start, mt.map.length - 1)] ?? 0;
  const lastChar = end > start ? mt.map[Math.min(end - 1, mt.map.length - 1)] : undefined;
  const e = lastChar === undefined ? s : lastChar + 1;
  return index.range(s, e);
}
