/** Positions in a source text: 1-based lines and columns, converted in exactly one place. */
import { firstAbove } from './search.js';

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
    // The last line starting at or before the offset.
    const lo = Math.max(0, firstAbove(starts, offset, (s) => s) - 1);
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
  /**
   * map[i] is the source offset of text[i]; map[text.length] is the source offset just past the end.
   * Null when the text is the source's own characters from `start` on (most instructions, and a
   * script read whole): text[i] is at offset start + i. A typed array otherwise: one allocation the
   * collector never scans, and a slice of it is a view (the per-character maps were once the largest
   * part of the model's garbage).
   */
  map: Int32Array | null;
  /** The source offset of text[0] when `map` is null. */
  start: number;
}

/** The source offset of text[i] (i is clamped to the text's end). */
export function sourceOffset(mt: MappedText, i: number): number {
  const map = mt.map;
  if (map === null) return mt.start + Math.min(i, mt.text.length);
  return map[Math.min(i, map.length - 1)] ?? 0;
}

/** The source range of [start, end) in a mapped text. */
export function mappedRange(index: LineIndex, mt: MappedText, start: number, end: number): Range {
  const s = sourceOffset(mt, start);
  const lastChar = end > start ? sourceOffset(mt, end - 1) : undefined;
  const e = lastChar === undefined ? s : lastChar + 1;
  return index.range(s, e);
}
