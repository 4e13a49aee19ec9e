/** The text report: findings grouped by file, `line:col severity rule message`, a count line. */
import type { Finding, Severity } from '../engine/types.js';
import { counterpartText, summarize, type TargetResult } from './model.js';

const COLORS: Record<Severity | 'dim' | 'bold', [number, number]> = {
  error: [31, 39],
  warning: [33, 39],
  info: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

function where(f: Finding): string {
  const l = f.location;
  if (l.kind === 'image') {
    const parts = [];
    if (l.layer !== undefined) parts.push(`layer ${l.layer}`);
    if (l.path !== undefined) parts.push(l.path);
    if (l.field !== undefined) parts.push(`config ${l.field}`);
    if (f.dockerfile) parts.push(`(${f.dockerfile.file}:${f.dockerfile.line})`);
    return parts.join(' ') || 'image';
  }
  return `${l.range.line}:${l.range.column}${f.pairedWith ? ` (${counterpartText(f.pairedWith)})` : ''}`;
}

export function renderText(results: readonly TargetResult[], color: boolean, options: { baseline?: readonly { path: string; matched: number; gone: number }[] } = {}): string {
  const paint = (k: keyof typeof COLORS, s: string): string => (color ? `\u001b[${COLORS[k][0]}m${s}\u001b[${COLORS[k][1]}m` : s);
  const out: string[] = [];
  for (const r of results) {
    if (r.error !== null) {
      out.push(`${paint('bold', r.path)}`, `  ${paint('error', 'error')}  ${r.error}`, '');
      continue;
    }
    if (r.findings.length === 0) continue;
    const groups = new Map<string, Finding[]>();
    const label = r.build ? `${r.path} (as ${r.build.file} builds ${r.build.name}${r.build.target ? `, stage ${r.build.target}` : ''})` : r.path;
    for (const f of r.findings) {
      const file = f.location.kind === 'file' ? `${label} -> ${f.location.file}` : label;
      const g = groups.get(file) ?? [];
      g.push(f);
      groups.set(file, g);
    }
    for (const [file, fs] of groups) {
      out.push(paint('bold', file));
      // A loop, not Math.max(...list): hundreds of thousands of findings overflow the call stack.
      let w = 0;
      let sw = 0;
      let rw = 0;
      for (const f of fs) {
        w = Math.max(w, where(f).length);
        sw = Math.max(sw, f.severity.length);
        rw = Math.max(rw, f.rule.length);
      }
      for (const f of fs) {
        const fix = f.fix ? paint('dim', f.fix.kind === 'safe' ? ' [fix]' : ' [fix: --fix-unsafe]') : '';
        out.push(`  ${paint('dim', where(f).padEnd(w))}  ${paint(f.severity, f.severity.padEnd(sw))}  ${paint('dim', f.rule.padEnd(rw))}  ${f.message}${fix}`);
      }
      out.push('');
    }
  }
  out.push(...footer(results, paint));
  if (options.baseline) for (const b of options.baseline) out.push(baselineLine(b));
  return out.join('\n') + '\n';
}

/** `N problems (…) in M targets`, with the targets that could not be read counted apart, and the hadolint config note. */
function footer(results: readonly TargetResult[], paint: (k: keyof typeof COLORS, s: string) => string): string[] {
  const s = summarize(results);
  const total = s.error + s.warning + s.info;
  const errors = results.filter((r) => r.error !== null).length;
  const read = results.length - errors;
  let line = total === 0 ? 'no problems' : `${plural(total, 'problem')} (${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info)`;
  if (read > 0) line += ` in ${plural(read, 'target')}`;
  if (errors) line = read > 0 ? `${line}; ${plural(errors, 'target')} could not be read` : `${plural(errors, 'target')} could not be read`;
  const fixable = results.reduce((n, r) => n + r.findings.filter((f) => f.fix?.kind === 'safe').length, 0);
  if (fixable) line += `; ${fixable} fixable with --fix`;
  const out = [total === 0 && errors === 0 ? paint('bold', line) : paint(s.error || errors ? 'error' : 'warning', line)];
  const hadolint = [...new Set(results.filter((r) => r.config?.kind === 'hadolint').map((r) => r.config!.path))];
  for (const h of hadolint) out.push(`settings from hadolint's ${h} (no .shipshape.yaml applies); \`shipshape config --from-hadolint\` writes the equivalent .shipshape.yaml`);
  return out;
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** What a baseline did, in one line. */
export function baselineLine(b: { path: string; matched: number; gone: number }): string {
  const gone = b.gone === 1 ? '1 entry' : `${b.gone} entries`;
  return `baseline ${b.path}: ${plural(b.matched, 'finding')} already recorded (not shown)${b.gone ? `; ${gone} gone (fixed or changed): \`shipshape baseline\` rewrites it` : ''}`;
}
