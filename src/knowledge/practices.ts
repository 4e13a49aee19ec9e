/**
 * The practices shipshape checks (DESIGN.md's categories) and how sure a finding is (its severity):
 * the vocabulary every layer speaks. These ids are part of the public JSON output.
 */
export const CATEGORIES = [
  'one-app', 'pid1', 'cache', 'multi-stage', 'tools', 'user', 'tags', 'size', 'reproducibility', 'security', 'correctness',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
