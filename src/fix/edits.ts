/**
 * The helpers checks build their fixes with (ESLint's fixer, for shipshape): text edits over ranges
 * of the ORIGINAL text. A check reports `fix: safeFix('…', [insertAfter(word, ' -y')])`; the engine in
 * this folder sorts, composes and applies the edits of every finding, and re-lints.
 */
import type { Fix, FixKind, Target, TextEdit } from '../engine/types.js';
import type { Range } from '../util/text.js';

const rangeOf = (at: Target): Range => ('range' in at ? at.range : at);

/** Replaces the text of `at` (in the Dockerfile, or in `file` of the build context). */
export function replace(at: Target, text: string, file?: string): TextEdit {
  return file === undefined ? { range: rangeOf(at), text } : { range: rangeOf(at), text, file };
}

/** Inserts `text` right before `at`. */
export function insertBefore(at: Target, text: string, file?: string): TextEdit {
  const r = rangeOf(at);
  return replace({ line: r.line, column: r.column, endLine: r.line, endColumn: r.column }, text, file);
}

/** Inserts `text` right after `at`. */
export function insertAfter(at: Target, text: string, file?: string): TextEdit {
  const r = rangeOf(at);
  return replace({ line: r.endLine, column: r.endColumn, endLine: r.endLine, endColumn: r.endColumn }, text, file);
}

/** Removes the text of `at`. */
export function remove(at: Target, file?: string): TextEdit {
  return replace(at, '', file);
}

/** The range from the start of `a` to the end of `b`. */
export function span(a: Target, b: Target): Range {
  const x = rangeOf(a);
  const y = rangeOf(b);
  return { line: x.line, column: x.column, endLine: y.endLine, endColumn: y.endColumn };
}

function fix(kind: FixKind, title: string, edits: readonly (TextEdit | null | undefined | false)[]): Fix | null {
  const list = edits.filter((e): e is TextEdit => Boolean(e));
  return list.length === edits.length && list.length > 0 ? { kind, title, edits: list } : null;
}

/** A fix `--fix` applies: the result builds the same program. Null when an edit is missing (the case has no fix). */
export function safeFix(title: string, edits: readonly (TextEdit | null | undefined | false)[]): Fix | null {
  return fix('safe', title, edits);
}

/** A fix only `--fix-unsafe` applies: it changes behaviour the author must accept. Null when an edit is missing. */
export function suggestedFix(title: string, edits: readonly (TextEdit | null | undefined | false)[]): Fix | null {
  return fix('suggested', title, edits);
}

/** The text of a range of `text` (1-based lines and columns, as `LineIndex` makes them). */
export function textAt(text: string, starts: readonly number[], at: Target): string {
  const r = rangeOf(at);
  const a = (starts[r.line - 1] ?? text.length) + r.column - 1;
  const b = (starts[r.endLine - 1] ?? text.length) + r.endColumn - 1;
  return text.slice(a, b);
}

/**
 * A JSON exec-form array as people write it (`["node", "server.js"]`). Null when a word would need
 * more than JSON's quoting (none does today; kept for callers that filter words).
 */
export function execForm(argv: readonly string[]): string {
  return `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
}
