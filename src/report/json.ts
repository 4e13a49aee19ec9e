/** The JSON report: DESIGN.md's stable contract. */
import type { Finding } from '../engine/types.js';
import { fixHoldsCredential, summarize, type TargetResult } from './model.js';
import { VERSION } from '../version.js';

/** One finding as the JSON contract spells it. */
export function jsonFinding(f: Finding): Record<string, unknown> {
  // A finding with a peer tool's own id (rule shellcheck/SC2086) names the check that reported it (correctness/shellcheck).
  const out: Record<string, unknown> = { rule: f.rule, ...(f.check ? { check: f.check } : {}), category: f.category, severity: f.severity, message: f.message };
  const loc = f.location;
  if (loc.kind === 'file') out.file = loc.file;
  if (loc.kind === 'image') {
    if (loc.path !== undefined) out.path = loc.path;
    if (loc.layer !== undefined) out.layer = loc.layer;
    if (loc.field !== undefined) out.field = loc.field;
  } else {
    out.line = loc.range.line;
    out.column = loc.range.column;
    out.endLine = loc.range.endLine;
    out.endColumn = loc.range.endColumn;
  }
  if (f.dockerfile) out.dockerfile = { file: f.dockerfile.file, line: f.dockerfile.line };
  if (f.pairedWith) out.pairedWith = { ...f.pairedWith };
  out.messageId = f.messageId;
  if (f.fingerprint) out.fingerprint = f.fingerprint;
  if (f.detail) Object.assign(out, { detail: f.detail });
  // `fixable`: what --fix (safe) or --fix-unsafe (suggested) does about it; the edits are 1-based ranges of the file as read.
  out.fixable = f.fix?.kind ?? 'none';
  if (f.fix && fixHoldsCredential(f)) out.fix = { kind: f.fix.kind, title: f.fix.title, withheld: 'its edits would print a credential the file holds; --fix and --diff apply and show it locally' };
  else if (f.fix) out.fix = { kind: f.fix.kind, title: f.fix.title, edits: f.fix.edits.map((e) => ({ ...(e.file !== undefined ? { file: e.file } : {}), ...e.range, text: e.text })) };
  return out;
}

export function renderJson(results: readonly TargetResult[], baseline?: readonly { path: string; matched: number; gone: number }[]): string {
  const doc: Record<string, unknown> = {
    tool: { name: 'shipshape', version: VERSION },
    targets: results.map((r) => ({
      path: r.path,
      kind: r.kind,
      error: r.error === null ? null : { message: r.error },
      ...(r.build ? { build: r.build } : {}),
      findings: r.findings.map(jsonFinding),
    })),
    summary: summarize(results),
  };
  if (baseline) doc.baseline = baseline.map((b) => ({ file: b.path, matched: b.matched, gone: b.gone }));
  return JSON.stringify(doc, null, 2) + '\n';
}
