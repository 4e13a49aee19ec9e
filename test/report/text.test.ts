/** The text report: aligned columns, and no limit on how many findings it can print. */
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.js';
import type { Finding, RuleId } from '../../src/engine/types.js';

const finding = (line: number, rule: RuleId = 'correctness/unknown-instruction'): Finding => ({
  rule, category: 'correctness', severity: 'error', message: 'FORM is not an instruction', messageId: 'x',
  location: { kind: 'dockerfile', range: { line, column: 1, endLine: line, endColumn: 5 } },
});

describe('--format text', () => {
  it('aligns the location, severity and rule columns', () => {
    const text = renderText([{ path: 'Dockerfile', kind: 'dockerfile', error: null, findings: [finding(2, 'user/root-user'), finding(120)] }], false);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'Dockerfile',
      '  2:1    error  user/root-user                   FORM is not an instruction',
      '  120:1  error  correctness/unknown-instruction  FORM is not an instruction',
    ]);
  });

  it('prints a file with 300,000 findings (a generated Dockerfile of unknown instructions) without overflowing the stack', () => {
    const findings = Array.from({ length: 300_000 }, (_, i) => finding(i + 1));
    const lines = renderText([{ path: 'Dockerfile', kind: 'dockerfile', error: null, findings }], false).split('\n');
    expect(lines[1]).toBe('  1:1       error  correctness/unknown-instruction  FORM is not an instruction');
    expect(lines[300_000]).toBe('  300000:1  error  correctness/unknown-instruction  FORM is not an instruction');
  });
});
