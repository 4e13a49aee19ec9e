/**
 * The comment lines of a Dockerfile by line number, built once per file: checks and fixes ask
 * "is there a comment right above this instruction?" per instruction or per finding, and a scan of
 * every comment each time was quadratic on generated files of thousands of both (fuzz campaign,
 * seed 14). Typed structurally, so the fix layer may ask it too.
 */
import { memoized } from './memo.js';

/** Comment text by 1-based line number. */
export function commentsByLine(facts: { readonly comments: readonly { text: string; range: { line: number } }[] }): ReadonlyMap<number, string> {
  return memoized(facts, 'commentsByLine', () => new Map(facts.comments.map((c) => [c.range.line, c.text] as const)));
}
