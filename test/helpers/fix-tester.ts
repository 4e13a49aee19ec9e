/**
 * The fix tester: for each case, the check's fix (through the same engine `--fix` runs) gives the
 * expected text; the finding is gone; no check of the whole set reports anything new; the result
 * still reads as a Dockerfile; a second run changes nothing; the bytes outside the edits are those
 * of the input.
 */
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile, checks as allChecks, looksLikeDockerfile } from '../../src/analyze.js';
import { memoryReader } from '../../src/dockerfile/context.js';
import type { Check, Finding, FixKind } from '../../src/engine/types.js';
import { fixFiles } from '../../src/fix/loop.js';
import { applyFixes } from '../../src/fix/apply.js';

export interface FixCase {
  name?: string;
  code: string;
  /** The Dockerfile after fixing. */
  output: string;
  context?: Record<string, string>;
  /** Context files after fixing (an entrypoint script the fix edits too). */
  files?: Record<string, string>;
  /** Apply suggested fixes too (`--fix-unsafe`). */
  unsafe?: boolean;
  /** The finding's fix kind. */
  kind?: FixKind;
}

export interface NoFixCase {
  name?: string;
  code: string;
  context?: Record<string, string>;
}

const key = (f: Finding): string => `${f.rule}:${f.messageId}`;

function counts(fs: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of fs) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
  return m;
}

/** Runs the fix engine over one file with `checks`; returns the texts and the findings before and after. */
export async function runFix(code: string, context: Record<string, string> = {}, checks: readonly Check[] = allChecks, unsafe = false) {
  const lint = async (files: ReadonlyMap<string, string>): Promise<Finding[]> => {
    const all = { ...context, ...Object.fromEntries([...files].filter(([k]) => k !== '')) };
    return (await analyzeDockerfile(files.get('')!, { checks, reader: memoryReader(all) })).findings;
  };
  const kinds = new Set<FixKind>(unsafe ? ['safe', 'suggested'] : ['safe']);
  const before = await lint(new Map([['', code]]));
  const r = await fixFiles(new Map([['', code]]), lint, kinds, before, (f) => context[f] ?? null);
  return { before, after: r.findings, files: r.files, applied: r.applied, passes: r.passes };
}

export function testFix(check: Check, cases: { fixes: FixCase[]; noFix?: NoFixCase[] }): void {
  describe(`${check.id} fixes`, () => {
    for (const [i, c] of cases.fixes.entries()) {
      it(`fix #${i + 1}${c.name ? `: ${c.name}` : ''}`, async () => {
        const context = c.context ?? {};
        // The check alone: its finding has a fix of the declared kind.
        const own = (await analyzeDockerfile(c.code, { checks: [check], reader: memoryReader(context) })).findings;
        const fixable = own.filter((f) => f.fix);
        expect(fixable.length, 'the check reports a finding with a fix').toBeGreaterThan(0);
        expect(fixable.map((f) => f.fix!.kind)).toContain(c.kind ?? check.fixable);
        // Every edit keeps the bytes outside its range: applying one fix alone changes only its span.
        const one = applyFixes(new Map([['', c.code], ...Object.entries(context)]), [fixable[0]!.fix!]);
        const edits = fixable[0]!.fix!.edits.filter((e) => e.file === undefined);
        if (edits.length) {
          const fixed = one.files.get('')!;
          const lines = c.code.split('\n');
          const offset = (l: number, col: number): number => lines.slice(0, l - 1).reduce((n, x) => n + x.length + 1, 0) + col - 1;
          const lo = Math.min(...edits.map((x) => offset(x.range.line, x.range.column)));
          const hi = Math.max(...edits.map((x) => offset(x.range.endLine, x.range.endColumn)));
          // Everything before the first edit and after the last is the input's, byte for byte.
          expect(fixed.startsWith(c.code.slice(0, lo))).toBe(true);
          expect(fixed.endsWith(c.code.slice(hi))).toBe(true);
          expect(fixed.length).toBeGreaterThanOrEqual(lo + c.code.length - hi);
        }
        // All checks, through the engine --fix runs.
        const r = await runFix(c.code, context, allChecks, c.unsafe ?? check.fixable === 'suggested');
        expect(r.files.get('')).toBe(c.output);
        for (const [file, text] of Object.entries(c.files ?? {})) expect(r.files.get(file), file).toBe(text);
        // The finding is gone, and nothing new appears.
        expect(r.after.filter((f) => f.rule === check.id && f.fix && (f.fix.kind === 'safe' || (c.unsafe ?? check.fixable === 'suggested'))).map(key)).toEqual([]);
        expect(r.after.filter((f) => f.rule === check.id).length).toBeLessThan(r.before.filter((f) => f.rule === check.id).length);
        const was = counts(r.before);
        const added = [...counts(r.after)].filter(([k, n]) => n > (was.get(k) ?? 0)).map(([k]) => k);
        expect(added, 'findings the fix brought').toEqual([]);
        // Still a Dockerfile; a second run changes nothing.
        const facts = (await analyzeDockerfile(c.output, { checks: [] })).facts;
        expect(looksLikeDockerfile(facts)).toBe(true);
        expect(facts.instructions.every((ins) => !ins.jsonError)).toBe(true);
        const again = await runFix(c.output, { ...context, ...Object.fromEntries([...r.files].filter(([k]) => k !== '')) }, allChecks, c.unsafe ?? check.fixable === 'suggested');
        expect(again.applied.length).toBe(0);
        expect(again.files.get('')).toBe(c.output);
      });
    }
    for (const [i, c] of (cases.noFix ?? []).entries()) {
      it(`no fix #${i + 1}${c.name ? `: ${c.name}` : ''}`, async () => {
        const own = (await analyzeDockerfile(c.code, { checks: [check], reader: memoryReader(c.context ?? {}) })).findings;
        expect(own.length, 'the check reports').toBeGreaterThan(0);
        expect(own.filter((f) => f.fix).map((f) => f.fix!.title)).toEqual([]);
      });
    }
  });
}
