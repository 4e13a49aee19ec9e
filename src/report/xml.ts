/** What the XML reports (checkstyle, JUnit) share: escaping, and the file each finding is in. */
import { isAbsolute, posix, relative, sep } from 'node:path';
import type { Finding } from '../engine/types.js';
import type { TargetResult } from './model.js';

/** Text safe in an XML attribute or element: the five entities escaped, characters XML 1.0 forbids dropped. */
export function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;');
}

/** A path as CI systems want it: relative to the working directory (the checkout) when inside it, with `/`. */
function slash(p: string): string {
  let path = p;
  if (isAbsolute(p)) {
    const rel = relative(process.cwd(), p);
    if (!rel.startsWith('..') && !isAbsolute(rel)) path = rel;
  }
  return path.split(sep).join('/').replace(/^\.\//, '');
}

/**
 * The file a finding is in and its line: the Dockerfile, the entrypoint script beside it, the
 * Dockerfile line an image finding was traced to, or the image archive itself (no line).
 */
export function placeOf(f: Finding, target: TargetResult): { file: string; line: number | null; column: number | null; where: string } {
  const l = f.location;
  if (l.kind === 'image') {
    const where = [l.layer !== undefined ? `layer ${l.layer}` : '', l.path ?? '', l.field !== undefined ? `config ${l.field}` : ''].filter(Boolean).join(' ');
    if (f.dockerfile) return { file: slash(f.dockerfile.file), line: f.dockerfile.line, column: null, where: `${slash(target.path)}${where ? ` ${where}` : ''}` };
    return { file: slash(target.path), line: null, column: null, where };
  }
  const file = l.kind === 'file' ? posix.join(posix.dirname(slash(target.path)), slash(l.file)) : slash(target.path);
  return { file, line: l.range.line, column: l.range.column, where: '' };
}
