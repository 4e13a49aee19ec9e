/**
 * Checkstyle XML, the format reviewdog, Jenkins (warnings-ng), danger and many CI systems read:
 * `<checkstyle><file name><error line column severity message source/></file></checkstyle>`, one
 * `<file>` per file with findings, `source` the rule id. A target that could not be read is an
 * `error` on its path.
 */
import type { TargetResult } from './model.js';
import { placeOf, xml } from './xml.js';
import { fixNote } from './model.js';

export function renderCheckstyle(results: readonly TargetResult[]): string {
  const files = new Map<string, string[]>();
  const add = (file: string, line: string): void => {
    const list = files.get(file) ?? [];
    list.push(line);
    files.set(file, list);
  };
  for (const t of results) {
    if (t.error !== null) add(t.path, `<error severity="error" message="${xml(t.error)}" source="shipshape.target-not-analyzed"/>`);
    for (const f of t.findings) {
      const p = placeOf(f, t);
      const pos = `${p.line !== null ? ` line="${p.line}"` : ''}${p.column !== null ? ` column="${p.column}"` : ''}`;
      const message = `${p.where ? `${p.where}: ${f.message}` : f.message}${fixNote(f)}`;
      add(p.file, `<error${pos} severity="${f.severity}" message="${xml(message)}" source="shipshape.${xml(f.rule.replace('/', '.'))}"/>`);
    }
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const [file, errors] of files) out.push(`  <file name="${xml(file)}">`, ...errors.map((e) => `    ${e}`), '  </file>');
  out.push('</checkstyle>', '');
  return out.join('\n');
}
