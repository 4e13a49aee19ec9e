/**
 * Ignore pragmas as the Dockerfile writes them: `# shipshape ignore=RULE[,RULE…] [-- reason]` above
 * an instruction, `# shipshape global ignore=…`, hadolint's `# hadolint ignore=…` (and `global`,
 * `stage`), BuildKit's `# check=skip=…` (the file-wide parser directive, or a comment above an
 * instruction), Trivy's `# trivy:ignore:DS002` above an instruction (several in one comment, an
 * `:exp:YYYY-MM-DD` after which it no longer applies, `*` for every Trivy rule) and Checkov's
 * `# checkov:skip=CKV_DOCKER_2:reason`, which Checkov applies to the whole file. Read here, once per
 * file; the engine applies them (`src/engine/suppress.ts`).
 */
import type { DockerfileFacts, Instruction } from './model.js';
import type { Range } from '../util/text.js';
import { checkDirective, directiveLines, parseCheckValue } from './check-directive.js';
import { memoized } from '../util/memo.js';

/** One rule name in an ignore pragma. */
export interface PragmaEntry {
  name: string;
  /** Where the name is written in the comment. */
  range: Range;
}

/** An ignore comment. */
export interface Pragma {
  tool: 'shipshape' | 'hadolint' | 'buildkit' | 'trivy' | 'checkov';
  global: boolean;
  entries: PragmaEntry[];
  reason: string | null;
  /** The comment. */
  range: Range;
  /** The instruction it applies to (null for a global pragma, or when no instruction follows). */
  instruction: Instruction | null;
  /** hadolint's `# hadolint stage ignore=…` above a FROM: the whole stage that FROM starts. */
  stage?: true;
}

/** A comment that mentions shipshape but is not a valid pragma. */
export interface MalformedPragma {
  range: Range;
  text: string;
}

const PRAGMA = /^(shipshape|hadolint)\s+(global\s+|stage\s+)?ignore\s*=\s*(.*)$/;

/**
 * Trivy's ignore comments in one comment's text: each space-separated `trivy:ignore:ID` (or tfsec's
 * `tfsec:ignore:ID`), with `:exp:YYYY-MM-DD` sections; an expired one is left out, as Trivy does.
 */
export function parseTrivyIgnores(text: string, today?: string): string[] | null {
  if (!/(?:^|[\s#/*])(?:trivy|tfsec):ignore:/.test(text)) return null;
  // The date only when an ignore is there: a default parameter made one for every comment.
  today ??= new Date().toISOString().slice(0, 10);
  const ids: string[] = [];
  for (const raw of text.trim().split(/\s+/)) {
    const part = raw.replace(/^[#/*]+/, '');
    const m = /^(?:trivy|tfsec):(.*)$/.exec(part);
    if (!m) continue;
    const segs = m[1]!.split(':');
    let id: string | null = null;
    let expired = false;
    for (let i = 0; i + 1 < segs.length; i += 2) {
      const value = segs[i + 1]!;
      if (segs[i] === 'ignore') id = value.replace(/\[.*$/, '') || null;
      else if (segs[i] === 'exp') expired = !/^\d{4}-\d{2}-\d{2}$/.test(value) || value <= today;
    }
    if (id && !expired) ids.push(id);
  }
  return ids;
}

/** Checkov's `checkov:skip=ID[,ID…][:reason]` (or the older `bridgecrew:skip=`); null when the comment is none. */
export function parseCheckovSkip(text: string): { names: string[]; reason: string | null } | null {
  const m = /(?:checkov|bridgecrew):skip=\s*([A-Za-z_\d]+(?:\s*,\s*[A-Za-z_\d]+)*)(?::(.*))?/.exec(text);
  if (!m) return null;
  return { names: m[1]!.split(',').map((s) => s.trim()).filter(Boolean), reason: m[2]?.trim() || null };
}

/** Parses one comment's text (after `#`); `null` when it is not an ignore pragma. */
export function parsePragmaText(text: string): { tool: 'shipshape' | 'hadolint'; global: boolean; stage?: true; names: string[]; reason: string | null } | null {
  const m = PRAGMA.exec(text.trim());
  if (!m) return null;
  let rest = m[3] ?? '';
  let reason: string | null = null;
  const dash = rest.indexOf('--');
  if (dash >= 0) {
    reason = rest.slice(dash + 2).trim() || null;
    rest = rest.slice(0, dash);
  }
  // hadolint allows `ignore=DL3008, DL3015`; the list ends at the first word that does not follow a comma.
  const list = /^\s*[^\s,]+(\s*,\s*[^\s,]+)*/.exec(rest)?.[0] ?? '';
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const scope = m[2]?.trim();
  return { tool: m[1] as 'shipshape' | 'hadolint', global: scope === 'global', ...(scope === 'stage' ? { stage: true as const } : {}), names, reason };
}

/** Every ignore pragma of a Dockerfile, each tied to the instruction it covers; and the malformed ones. */
export function collectPragmas(facts: DockerfileFacts): { pragmas: Pragma[]; malformed: MalformedPragma[] } {
  // Read twice per file (correctness/unused-ignore and applySuppressions): computed once, fresh arrays each time.
  const found = memoized(facts, 'pragmas', () => findPragmas(facts));
  return { pragmas: [...found.pragmas], malformed: [...found.malformed] };
}


function findPragmas(facts: DockerfileFacts): { pragmas: Pragma[]; malformed: MalformedPragma[] } {
  const comments = [...facts.comments];
  // Comment lines at the top of the file may have been taken for parser directives (`# key=value`).
  const firstLine = facts.instructions[0]?.range.line ?? facts.lines.starts.length + 1;
  const known = new Set(comments.map((c) => c.range.line));
  for (let l = 1; l < firstLine; l++) {
    const text = facts.lines.lineText(l);
    const m = /^(\s*)#\s*(.*?)\s*$/.exec(text);
    if (m && !known.has(l)) comments.push({ text: m[2] ?? '', range: { line: l, column: (m[1] ?? '').length + 1, endLine: l, endColumn: text.trimEnd().length + 1 } });
  }
  comments.sort((a, b) => a.range.line - b.range.line);
  const commentLines = new Set(comments.map((c) => c.range.line));
  const pragmas: Pragma[] = [];
  const malformed: MalformedPragma[] = [];
  const topDirectives = directiveLines(facts);
  /**
   * The instruction that starts after a comment, with only comment lines in between. Found for all
   * comments at once, from the last up (a comment directly above another takes that one's answer):
   * a search and a walk per comment made 100k pragma lines take minutes.
   */
  const below = new Map<number, Instruction | null>();
  const instructions = facts.instructions;
  for (let k = comments.length - 1, n = instructions.length; k >= 0; k--) {
    const line = comments[k]!.range.line;
    while (n > 0 && instructions[n - 1]!.range.line > line) n--;
    const next = instructions[n];
    below.set(line, !next ? null : next.range.line === line + 1 ? next : commentLines.has(line + 1) ? (below.get(line + 1) ?? null) : null);
  }
  const nextInstruction = (line: number): Instruction | null => below.get(line) ?? null;
  for (const c of comments) {
    const bk = /^check\s*=\s*(.*)$/i.exec(c.text.trim());
    if (bk) {
      // BuildKit's `# check=skip=…` right above an instruction; the one at the top of the file is the file-wide directive.
      const cfg = buildkitSkips(bk[1] ?? '');
      if (!topDirectives.has(c.range.line) && cfg.length) {
        pragmas.push({ tool: 'buildkit', global: false, entries: cfg.map((name) => ({ name, range: c.range })), reason: null, range: c.range, instruction: nextInstruction(c.range.line) });
      }
      continue;
    }
    const trivy = parseTrivyIgnores(c.text);
    if (trivy) {
      if (trivy.length) pragmas.push({ tool: 'trivy', global: false, entries: entriesAt(facts, c.range, trivy), reason: null, range: c.range, instruction: nextInstruction(c.range.line) });
      continue;
    }
    const checkov = parseCheckovSkip(c.text);
    if (checkov) {
      pragmas.push({ tool: 'checkov', global: true, entries: entriesAt(facts, c.range, checkov.names), reason: checkov.reason, range: c.range, instruction: null });
      continue;
    }
    const p = parsePragmaText(c.text);
    if (!p) {
      if (/^shipshape\b/.test(c.text.trim())) malformed.push({ range: c.range, text: c.text.trim() });
      continue;
    }
    if (p.names.length === 0) {
      malformed.push({ range: c.range, text: c.text.trim() });
      continue;
    }
    const entries = entriesAt(facts, c.range, p.names);
    const instruction = p.global ? null : nextInstruction(c.range.line);
    pragmas.push({ tool: p.tool, global: p.global, entries, reason: p.reason, range: c.range, instruction, ...(p.stage ? { stage: true as const } : {}) });
  }
  return { pragmas, malformed };
}

/** Each name of a pragma with where it is written in the comment (after the `=` or `:` that starts the list). */
function entriesAt(facts: DockerfileFacts, range: Range, names: readonly string[]): PragmaEntry[] {
  const lineText = facts.lines.lineText(range.line);
  const start = /[=:]/.exec(lineText.slice(range.column - 1));
  let from = start ? range.column - 1 + start.index + 1 : range.column - 1;
  return names.map((name) => {
    const at = lineText.indexOf(name, from);
    const col = at >= 0 ? at + 1 : range.column;
    if (at >= 0) from = at + name.length;
    return { name, range: { line: range.line, column: col, endLine: range.line, endColumn: col + (at >= 0 ? name.length : 1) } };
  });
}

/** The rule names a BuildKit `check=` value skips (`all` for every BuildKit rule). */
function buildkitSkips(value: string): string[] {
  const cfg = parseCheckValue(value);
  return cfg.skipAll ? ['all'] : cfg.skip;
}

/** Every pragma that applies to a file: the comments, the file-wide BuildKit directive, and whether that directive asks for `error=true`. */
export interface FilePragmas {
  pragmas: Pragma[];
  buildkitError: boolean;
}

/** The pragmas of a Dockerfile with its `# check=` parser directive (or `BUILDKIT_DOCKERFILE_CHECK`) as a global BuildKit pragma. */
export function filePragmas(facts: DockerfileFacts): FilePragmas {
  const { pragmas } = collectPragmas(facts);
  const bk = checkDirective(facts);
  if (bk) {
    const names = bk.skipAll ? ['all'] : bk.skip;
    if (names.length) pragmas.push({ tool: 'buildkit', global: true, entries: names.map((name) => ({ name, range: bk.range ?? { line: 1, column: 1, endLine: 1, endColumn: 1 } })), reason: null, range: bk.range ?? { line: 1, column: 1, endLine: 1, endColumn: 1 }, instruction: null });
  }
  return { pragmas, buildkitError: bk?.error ?? false };
}
