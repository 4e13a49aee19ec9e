/**
 * Inline ignores: `# shipshape ignore=RULE[,RULE…] [-- reason]` on the comment line(s) directly above
 * an instruction, `# shipshape global ignore=…` for the whole file, and hadolint's
 * `# hadolint ignore=DL3008` / `# hadolint global ignore=…` through each check's aliases.
 *
 * BuildKit's `# check=skip=Rule1,Rule2` (or `skip=all`) is honoured the same way through the checks'
 * BuildKit aliases: as the parser directive at the top of the file (or the `BUILDKIT_DOCKERFILE_CHECK`
 * build argument) for the whole file, as a comment right above an instruction for that instruction;
 * `error=true` raises the findings of BuildKit-aliased checks to `error`.
 *
 * Runs after every check, since only then is it known which ignore silenced something; the stale
 * and unknown ignores it finds are reported under the `correctness/unused-ignore` check (when that
 * check is among the ones run).
 */
import type { DockerfileFacts, Instruction } from '../dockerfile/model.js';
import type { Range } from '../dockerfile/text.js';
import { checkDirective, directiveLines, parseCheckValue } from '../dockerfile/check-directive.js';
import { formatMessage } from './run.js';
import type { Check, Finding, Severity } from './types.js';
import { memoized } from '../dockerfile/memo.js';

/** The id of the check the suppression step reports stale and unknown ignores under. */
export const UNUSED_IGNORE_ID = 'correctness/unused-ignore';

/** One rule name in an ignore pragma. */
export interface PragmaEntry {
  name: string;
  /** Where the name is written in the comment. */
  range: Range;
}

/** An ignore comment. */
export interface Pragma {
  tool: 'shipshape' | 'hadolint' | 'buildkit';
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
    const p = parsePragmaText(c.text);
    if (!p) {
      if (/^shipshape\b/.test(c.text.trim())) malformed.push({ range: c.range, text: c.text.trim() });
      continue;
    }
    if (p.names.length === 0) {
      malformed.push({ range: c.range, text: c.text.trim() });
      continue;
    }
    const lineText = facts.lines.lineText(c.range.line);
    const eq = lineText.indexOf('=', c.range.column - 1);
    let from = eq + 1;
    const entries = p.names.map((name) => {
      const at = lineText.indexOf(name, from);
      const col = at >= 0 ? at + 1 : c.range.column;
      if (at >= 0) from = at + name.length;
      return { name, range: { line: c.range.line, column: col, endLine: c.range.line, endColumn: col + (at >= 0 ? name.length : 1) } };
    });
    const instruction = p.global ? null : nextInstruction(c.range.line);
    pragmas.push({ tool: p.tool, global: p.global, entries, reason: p.reason, range: c.range, instruction, ...(p.stage ? { stage: true as const } : {}) });
  }
  return { pragmas, malformed };
}

/**
 * The pragmas that may cover a finding's line, by index, in order: the global ones and those whose
 * instruction (or stage, for `stage ignore`) spans the line. Pragmas above instructions cover
 * disjoint spans (several pragmas may share one), and so do stage pragmas, so each kind is searched
 * by bisection: trying every pragma for every finding took minutes on 50k ignored findings.
 */
function pragmaSpans(pragmas: readonly Pragma[]): { covering(line: number | null): number[] } {
  interface Span { line: number; endLine: number; pragmas: number[] }
  const global: number[] = [];
  const kinds = [new Map<string, Span>(), new Map<string, Span>()];
  pragmas.forEach((p, k) => {
    if (p.global) return void global.push(k);
    if (!p.instruction) return;
    const stage = p.stage === true && p.instruction.keyword === 'FROM';
    const line = p.instruction.range.line;
    const endLine = stage ? (p.instruction.stage?.instructions.at(-1) ?? p.instruction).range.endLine : p.instruction.range.endLine;
    const spans = kinds[stage ? 1 : 0]!;
    const key = `${line}:${endLine}`;
    const span = spans.get(key);
    if (span) span.pragmas.push(k);
    else spans.set(key, { line, endLine, pragmas: [k] });
  });
  const sorted = kinds.map((m) => [...m.values()].sort((a, b) => a.line - b.line));
  return {
    covering(line) {
      if (line === null) return global;
      const out = [...global];
      for (const spans of sorted) {
        // The last span starting at or before the line.
        let lo = 0;
        let hi = spans.length - 1;
        let at = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (spans[mid]!.line <= line) {
            at = mid;
            lo = mid + 1;
          } else hi = mid - 1;
        }
        const span = spans[at];
        if (span && line <= span.endLine) out.push(...span.pragmas);
      }
      return out.length === global.length ? global : out.sort((a, b) => a - b);
    },
  };
}

/** The rule names a BuildKit `check=` value skips (`all` for every BuildKit rule). */
function buildkitSkips(value: string): string[] {
  const cfg = parseCheckValue(value);
  return cfg.skipAll ? ['all'] : cfg.skip;
}

/** True when the check covers a BuildKit build check (its aliases include a BuildKit rule name). */
export function isBuildkitCheck(check: Pick<Check, 'aliases'>): boolean {
  return (check.aliases ?? []).some((a) => /^[A-Z][A-Za-z]+$/.test(a));
}

/** True when a name in a BuildKit `check=skip=` list designates `check` (`all`: every BuildKit-aliased check). */
function skips(check: Pick<Check, 'id' | 'category' | 'aliases'>, name: string): boolean {
  if (name.toLowerCase() === 'all') return isBuildkitCheck(check);
  return names(check, name) || (check.aliases ?? []).some((a) => a.toLowerCase() === name.toLowerCase());
}

/** True when `name` (a rule id, a category or a peer id) designates `check`. */
export function names(check: Pick<Check, 'id' | 'category' | 'aliases'>, name: string): boolean {
  return check.id === name || check.category === name || (check.aliases ?? []).includes(name);
}

export interface SuppressOptions {
  /** The checks that ran over this file. */
  ran: readonly Check[];
  /** Every known check (the registry), to tell unknown names from names of checks not run. */
  known: readonly Check[];
  /** The severity a check's findings get (config overrides). */
  severity?: (check: Check) => Severity;
}

export interface Suppressed {
  finding: Finding;
  reason: string | null;
}

/** Removes the findings silenced by pragmas, and adds `correctness/unused-ignore` findings for stale or unknown ones. */
export function applySuppressions(facts: DockerfileFacts, findings: readonly Finding[], options: SuppressOptions): { findings: Finding[]; suppressed: Suppressed[] } {
  const { pragmas } = collectPragmas(facts);
  const bk = checkDirective(facts);
  if (bk) {
    const names = bk.skipAll ? ['all'] : bk.skip;
    if (names.length) pragmas.push({ tool: 'buildkit', global: true, entries: names.map((name) => ({ name, range: bk.range ?? { line: 1, column: 1, endLine: 1, endColumn: 1 } })), reason: null, range: bk.range ?? { line: 1, column: 1, endLine: 1, endColumn: 1 }, instruction: null });
  }
  if (pragmas.length === 0 && !bk?.error) return { findings: [...findings], suppressed: [] };
  const byId = new Map(options.known.map((c) => [c.id, c] as const));
  const used = new Set<PragmaEntry>();
  const kept: Finding[] = [];
  const suppressed: Suppressed[] = [];
  const spans = pragmaSpans(pragmas);
  for (const f of findings) {
    const check = byId.get(f.rule) ?? { id: f.rule, category: f.category, aliases: [] };
    let by: Pragma | null = null;
    for (const k of spans.covering(f.location.kind === 'dockerfile' ? f.location.range.line : null)) {
      const p = pragmas[k]!;
      for (const e of p.entries) {
        if (p.tool === 'buildkit' ? !skips(check, e.name) : !names(check, e.name)) continue;
        used.add(e);
        by ??= p;
      }
    }
    if (by) suppressed.push({ finding: f, reason: by.reason });
    else kept.push(bk?.error && isBuildkitCheck(check) ? { ...f, severity: 'error' } : f);
  }
  const reporter = options.ran.find((c) => c.id === UNUSED_IGNORE_ID);
  if (reporter) {
    const severity = options.severity?.(reporter) ?? reporter.severity;
    const add = (messageId: string, range: Range, data: Record<string, string>): void => {
      const template = reporter.messages[messageId];
      if (template === undefined) return;
      kept.push({ rule: reporter.id, category: reporter.category, severity, message: formatMessage(template, data), messageId, location: { kind: 'dockerfile', range } });
    };
    for (const p of pragmas) {
      // hadolint's own pragmas may name rules only hadolint has; they are honoured, never reported.
      if (p.tool !== 'shipshape') continue;
      for (const e of p.entries) {
        if (!options.known.some((c) => names(c, e.name))) add('unknownRule', e.range, { name: e.name });
        else if (!p.global && !p.instruction) add('orphan', e.range, { name: e.name });
        else if (!used.has(e) && options.ran.some((c) => c.id !== UNUSED_IGNORE_ID && names(c, e.name))) {
          if (p.global) add('unusedGlobal', e.range, { name: e.name });
          else if (p.instruction) add('unused', e.range, { name: e.name, keyword: p.instruction.keyword, line: String(p.instruction.range.line) });
        }
      }
    }
  }
  return { findings: kept, suppressed };
}
