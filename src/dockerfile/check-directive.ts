/**
 * BuildKit's check configuration: the `# check=skip=A,B|all;error=true;experimental=X|all` parser
 * directive at the top of a Dockerfile, overridden by the `BUILDKIT_DOCKERFILE_CHECK` build argument,
 * and the same `# check=…` comment right above one instruction, which applies to that instruction only.
 */
import type { DockerfileFacts } from './model.js';
import type { Range } from '../util/text.js';

/** A parsed `check=` value. Rule names are kept as written; compare them case-insensitively. */
export interface CheckConfig {
  skip: string[];
  skipAll: boolean;
  error: boolean;
  experimental: string[];
  experimentalAll: boolean;
}

/** The file-wide check configuration and where it is written (null range for a build argument). */
export interface CheckDirective extends CheckConfig {
  range: Range | null;
}

/** Parses `skip=A,B;error=true;experimental=X`; text after `//` is a comment. */
export function parseCheckValue(value: string): CheckConfig {
  const out: CheckConfig = { skip: [], skipAll: false, error: false, experimental: [], experimentalAll: false };
  for (const part of value.split('//', 1)[0]!.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const list = part.slice(eq + 1).split(',').map((s) => s.trim()).filter(Boolean);
    if (key === 'skip') {
      for (const n of list) if (n.toLowerCase() === 'all') out.skipAll = true; else out.skip.push(n);
    } else if (key === 'error') out.error = list[0]?.toLowerCase() === 'true';
    else if (key === 'experimental') {
      for (const n of list) if (n.toLowerCase() === 'all') out.experimentalAll = true; else out.experimental.push(n);
    }
  }
  return out;
}

const DIRECTIVE = /^\s*#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;

/** Lines of the parser-directive block at the top of the file (leading blank lines skipped, as BuildKit does). */
export function directiveLines(facts: DockerfileFacts): Set<number> {
  const out = new Set<number>();
  const n = facts.lines.starts.length;
  for (let l = 1; l <= n; l++) {
    const t = facts.lines.lineText(l);
    if (t.trim() === '' && out.size === 0) continue;
    if (!DIRECTIVE.test(t)) break;
    out.add(l);
  }
  return out;
}

/** The file-wide BuildKit check configuration, or null when there is none. */
export function checkDirective(facts: DockerfileFacts): CheckDirective | null {
  const arg = facts.globalArgs.get('BUILDKIT_DOCKERFILE_CHECK');
  if (arg) return { ...parseCheckValue(arg), range: null };
  for (const l of directiveLines(facts)) {
    const t = facts.lines.lineText(l);
    const m = DIRECTIVE.exec(t)!;
    if (m[1]!.toLowerCase() !== 'check') continue;
    const col = t.indexOf('#') + 1;
    return { ...parseCheckValue(m[2]!), range: { line: l, column: col, endLine: l, endColumn: t.trimEnd().length + 1 } };
  }
  return null;
}

/** True when the directive enables the experimental BuildKit rule `rule`. */
export function experimentalEnabled(facts: DockerfileFacts, rule: string): boolean {
  const d = checkDirective(facts);
  return d !== null && (d.experimentalAll || d.experimental.some((n) => n.toLowerCase() === rule.toLowerCase()));
}
