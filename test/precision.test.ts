/**
 * The precision guard: on the review set (../shared/corpus/review, read in place), no finding that
 * was reviewed as wrong comes back, unless its verdict says why it is left (`unfixed`).
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadVerdicts, reviewFindings } from '../precision/run.js';
import { matchVerdicts } from '../precision/match.js';

const corpus = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'review');

describe('the verdicts file', () => {
  it('never holds two differing verdicts for one place (a re-review replaces the old verdict, so matching never depends on order)', () => {
    const seen = new Map<string, Set<string>>();
    for (const v of loadVerdicts(join(import.meta.dirname, '..', 'precision'))) {
      const key = `${v.folder} ${v.rule} ${v.file ?? ''}:${v.line}:${v.column}`;
      // Two findings of one rule may share a place (an OS and a runtime past their end on one FROM): then their verdicts agree.
      seen.set(key, (seen.get(key) ?? new Set()).add(`${v.verdict} ${v.should_be ?? ''} ${v.unfixed ? 'unfixed' : ''}`));
    }
    expect([...seen].filter(([, verdicts]) => verdicts.size > 1).map(([k]) => k)).toEqual([]);
  });
});

describe.skipIf(!existsSync(join(corpus, 'manifest.json')))('precision on the review set', () => {
  it('no finding reviewed as wrong comes back', async () => {
    const { reviewed } = matchVerdicts(await reviewFindings(corpus), loadVerdicts(join(import.meta.dirname, '..', 'precision')));
    // As `npm run precision` counts it: a finding whose only fault was its severity counts as right once it has the severity asked for.
    const back = reviewed.filter((r) => r.counted === 'wrong' && !r.verdict.unfixed);
    expect(back.map((r) => `${r.seen.folder} ${r.seen.rule} ${r.seen.file ?? ''}:${r.seen.line}: ${r.verdict.reason}`)).toEqual([]);
  }, 600_000);
});
