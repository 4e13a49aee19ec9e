/** A Markdown summary: counts, then one table per target (severity, rule, where, message), for a job summary or a PR comment. */
import type { Finding, Severity } from '../engine/types.js';
import { counterpartText, summarize, type TargetResult } from './model.js';
import { helpUriOf } from './sarif.js';

const ICON: Record<Severity, string> = { error: '🔴 error', warning: '🟠 warning', info: '🔵 info' };

/** Text safe inside a Markdown table cell. */
export function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>').replace(/</g, '&lt;');
}

function where(f: Finding): string {
  const l = f.location;
  if (l.kind === 'image') {
    const traced = f.dockerfile ? `(\`${f.dockerfile.file}\` line ${f.dockerfile.line})` : '';
    return [l.layer !== undefined ? `layer ${l.layer}` : '', l.path !== undefined ? `\`${l.path}\`` : '', l.field !== undefined ? `config ${l.field}` : '', traced].filter(Boolean).join(' ') || 'image';
  }
  const pos = `${l.range.line}:${l.range.column}${f.pairedWith ? ` (\`${counterpartText(f.pairedWith)}\`)` : ''}`;
  return l.kind === 'file' ? `\`${l.file}\` ${pos}` : pos;
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

export function renderMarkdown(results: readonly TargetResult[], options: { heading?: string } = {}): string {
  const s = summarize(results);
  const total = s.error + s.warning + s.info;
  const unread = results.filter((r) => r.error !== null).length;
  const out: string[] = [`## ${options.heading ?? 'shipshape'}`, ''];
  let line = total === 0 ? '**No problems**' : `**${plural(total, 'problem')}** (${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info)`;
  const read = results.length - unread;
  if (read > 0) line += ` in ${plural(read, 'target')}`;
  if (unread) line = read > 0 ? `${line}; ${plural(unread, 'target')} could not be read` : `**${plural(unread, 'target')} could not be read**`;
  out.push(line + '.', '');
  for (const r of results) {
    out.push(`### \`${cell(r.path)}\` (${r.kind})`, '');
    if (r.error !== null) {
      out.push(`❌ Not analyzed: ${cell(r.error)}`, '');
      continue;
    }
    if (r.findings.length === 0) {
      out.push('✅ No problems.', '');
      continue;
    }
    out.push(`| severity | rule | ${r.kind === 'image' ? 'where' : 'line'} | message |`, '|---|---|---|---|');
    for (const f of r.findings) out.push(`| ${ICON[f.severity]} | [\`${f.rule}\`](${helpUriOf(f)}) | ${where(f)} | ${cell(f.message)}${f.fix ? ` (fix: \`${f.fix.kind === 'safe' ? '--fix' : '--fix-unsafe'}\`)` : ''} |`);
    out.push('');
  }
  return out.join('\n');
}
