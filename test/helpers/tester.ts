/** A table-driven check tester: valid cases are clean, invalid cases give exactly the listed findings. */
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile, findShellcheck } from '../../src/analyze.js';
import { memoryReader } from '../../src/dockerfile/context.js';
import type { Check, CheckSettings, Finding } from '../../src/engine/types.js';
import { parse as parseYaml } from 'yaml';

export interface ExpectedFinding {
  messageId: string;
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** For a finding in another file of the build context. */
  file?: string;
  severity?: string;
}

export interface Case {
  name?: string;
  code: string;
  context?: Record<string, string>;
}

export interface InvalidCase extends Case {
  errors: ExpectedFinding[];
}

/** The ShellCheck on the PATH (null without one): only checks that need it (`correctness/shellcheck`) make it run. */
export const SHELLCHECK = findShellcheck('auto');

/** Runs only `check` over `code` and returns its findings; a `.shipshape.yaml` in the context gives its settings. */
export async function findingsOf(check: Check, code: string, context?: Record<string, string>): Promise<Finding[]> {
  const config = context?.['.shipshape.yaml'];
  const settings = config ? (parseYaml(config) as CheckSettings) : undefined;
  const { findings } = await analyzeDockerfile(code, { checks: [check], shellcheck: SHELLCHECK ? { binary: SHELLCHECK } : null, ...(context ? { reader: memoryReader(context) } : {}), ...(settings ? { settings } : {}) });
  return findings;
}

function shape(f: Finding, want: ExpectedFinding): ExpectedFinding {
  const loc = f.location;
  const out: ExpectedFinding = { messageId: f.messageId, line: loc.kind === 'image' ? -1 : loc.range.line };
  if (want.column !== undefined && loc.kind !== 'image') out.column = loc.range.column;
  if (want.endLine !== undefined && loc.kind !== 'image') out.endLine = loc.range.endLine;
  if (want.endColumn !== undefined && loc.kind !== 'image') out.endColumn = loc.range.endColumn;
  if (want.file !== undefined && loc.kind === 'file') out.file = loc.file;
  if (want.severity !== undefined) out.severity = f.severity;
  return out;
}

/** `skip`: why the cases cannot run here (a tool the check needs is not installed); they are reported as skipped. */
export function testCheck(check: Check, cases: { valid: (string | Case)[]; invalid: InvalidCase[]; skip?: string | false }): void {
  describe.skipIf(Boolean(cases.skip))(cases.skip ? `${check.id} (skipped: ${cases.skip})` : check.id, () => {
    for (const [i, v] of cases.valid.entries()) {
      const c = typeof v === 'string' ? { code: v } : v;
      it(`valid #${i + 1}${c.name ? `: ${c.name}` : ''}`, async () => {
        const fs = await findingsOf(check, c.code, c.context);
        expect(fs.map((f) => `${f.messageId}: ${f.message}`)).toEqual([]);
      });
    }
    for (const [i, c] of cases.invalid.entries()) {
      it(`invalid #${i + 1}${c.name ? `: ${c.name}` : ''}`, async () => {
        const fs = await findingsOf(check, c.code, c.context);
        expect(fs.map((f, j) => shape(f, c.errors[j] ?? { messageId: '', line: 0 }))).toEqual(c.errors);
        for (const f of fs) expect(f.message).not.toMatch(/\{\w+\}/);
      });
    }
  });
}
