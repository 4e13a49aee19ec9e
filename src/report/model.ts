/** What reporters receive: one result per target. */
import type { Counterpart, Finding, Severity } from '../engine/types.js';
import { redactSecrets } from '../knowledge/secrets.js';

/** A finding's other input in a few words: `Dockerfile:5`, `app.tar config User`, `app.tar /app/entrypoint.sh:3`. */
export function counterpartText(c: Counterpart): string {
  const inImage = [c.path, c.field !== undefined ? `config ${c.field}` : ''].filter(Boolean).join(' ');
  if (inImage) return `${c.file} ${inImage}${c.line !== undefined ? `:${c.line}` : ''}`;
  return c.line !== undefined ? `${c.file}:${c.line}` : c.file;
}

export interface TargetResult {
  path: string;
  kind: 'dockerfile' | 'image' | 'manifest';
  /** Set when the target could not be read; then there are no findings. */
  error: string | null;
  findings: Finding[];
  /** A Dockerfile analysed as a compose service or a bake target builds it: which, with its stage and arguments. */
  build?: { file: string; name: string; target: string | null; args: Readonly<Record<string, string>> };
  /** The config file that applied, when there was one (a hadolint config is named in the text report's footer). */
  config?: { path: string; kind: 'shipshape' | 'hadolint' };
}

export function summarize(results: readonly TargetResult[]): Record<Severity, number> {
  const s: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const r of results) for (const f of r.findings) s[f.severity]++;
  return s;
}

/** ` (fixable with --fix)` after a message whose finding has a fix, for formats with no field of their own for it. */
/**
 * True when a fix's edits would print a credential the file holds (`ENV API_TOKEN abc…` made
 * `ENV API_TOKEN=abc…`): reports then say the finding is fixable but leave the edits out; `--fix`
 * and `--diff` still apply and show them, on the user's own machine.
 */
export function fixHoldsCredential(f: Finding): boolean {
  return f.fix?.edits.some((e) => redactSecrets(e.text) !== e.text) ?? false;
}

export function fixNote(f: Finding): string {
  return f.fix ? ` (fixable with ${f.fix.kind === 'safe' ? '--fix' : '--fix-unsafe'})` : '';
}
