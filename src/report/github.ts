/**
 * GitHub workflow commands (`::error file=…,line=…,col=…,title=…::message`), so findings show as
 * annotations on the pull request without SARIF. `info` findings become `notice` annotations.
 */
import { posix, sep } from 'node:path';
import type { Finding, Severity } from '../engine/types.js';
import type { TargetResult } from './model.js';
import { fixNote } from './model.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escapes the message part of a workflow command. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value of a workflow command. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: string, props: [string, string | number][], message: string): string {
  const p = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${kind}${p ? ` ${p}` : ''}::${escapeData(message)}`;
}

function slash(p: string): string {
  return p.split(sep).join('/').replace(/^\.\//, '');
}

/** One annotation line for a finding of `target`. */
export function annotation(f: Finding, target: TargetResult): string {
  const l = f.location;
  const title = `${f.rule} (${f.severity})`;
  if (l.kind === 'image') {
    const where = [l.layer !== undefined ? `layer ${l.layer}` : '', l.path ?? '', l.field !== undefined ? `config ${l.field}` : ''].filter(Boolean).join(' ');
    const text = where ? `${where}: ${f.message}` : f.message;
    // Traced to the Dockerfile (--dockerfile): the annotation lands on the instruction that made the layer.
    if (f.dockerfile) return command(COMMAND[f.severity], [['file', slash(f.dockerfile.file)], ['line', f.dockerfile.line], ['title', title]], `${slash(target.path)} ${text}`);
    return command(COMMAND[f.severity], [['file', slash(target.path)], ['title', title]], text);
  }
  const file = l.kind === 'file' ? posix.join(posix.dirname(slash(target.path)), slash(l.file)) : slash(target.path);
  const r = l.range;
  const props: [string, string | number][] = [['file', file], ['line', r.line], ['col', r.column]];
  if (r.endLine > r.line) props.push(['endLine', r.endLine]);
  else if (r.endColumn > r.column) props.push(['endColumn', r.endColumn]);
  props.push(['title', title]);
  return command(COMMAND[f.severity], props, `${f.message}${fixNote(f)}`);
}

/** Every finding as an annotation; a target that could not be read as an error annotation. */
export function renderGithub(results: readonly TargetResult[]): string {
  const out: string[] = [];
  for (const t of results) {
    if (t.error !== null) out.push(command('error', [['file', slash(t.path)], ['title', 'shipshape: target not analyzed']], t.error));
    for (const f of t.findings) out.push(annotation(f, t));
  }
  return out.length ? out.join('\n') + '\n' : '';
}
