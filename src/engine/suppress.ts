/**
 * Inline ignores: `# shipshape ignore=RULE[,RULE…] [-- reason]` on the comment line(s) directly above
 * an instruction, `# shipshape global ignore=…` for the whole file, and hadolint's
 * `# hadolint ignore=DL3008` / `# hadolint global ignore=…` through each check's aliases.
 *
 * Trivy's `# trivy:ignore:DS002` (`*` for every check covering a Trivy rule) and Checkov's
 * `# checkov:skip=CKV_DOCKER_2` (for the whole file) apply through the checks' Trivy and Checkov ids.
 *
 * BuildKit's `# check=skip=Rule1,Rule2` (or `skip=all`) is honoured the same way through the checks'
 * BuildKit aliases: as the parser directive at the top of the file (or the `BUILDKIT_DOCKERFILE_CHECK`
 * build argument) for the whole file, as a comment right above an instruction for that instruction;
 * `error=true` raises the findings of BuildKit-aliased checks to `error`.
 *
 * Runs after every check, since only then is it known which ignore silenced something; the stale
 * and unknown ignores it finds are reported under the `correctness/unused-ignore` check (when that
 * check is among the ones run). The Dockerfile front end reads the pragmas (`src/dockerfile/pragmas.ts`);
 * this module only applies them.
 */
import type { Range } from '../util/text.js';
import type { FilePragmas, Pragma, PragmaEntry } from '../dockerfile/pragmas.js';
import { formatMessage } from './run.js';
import { checkIdOf, designates, designatesFinding, namesFindings, peerTool } from './names.js';
import type { Check, Finding, Severity } from './types.js';
import { firstAbove } from '../util/search.js';

/** The id of the check the suppression step reports stale and unknown ignores under. */
export const UNUSED_IGNORE_ID = 'correctness/unused-ignore';

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
        const span = spans[firstAbove(spans, line, (s) => s.line) - 1];
        if (span && line <= span.endLine) for (const p of span.pragmas) out.push(p);
      }
      return out.length === global.length ? global : out.sort((a, b) => a - b);
    },
  };
}

/** True when the check covers a BuildKit build check (its aliases include a BuildKit rule name). */
export function isBuildkitCheck(check: Pick<Check, 'aliases'>): boolean {
  return (check.aliases ?? []).some((a) => /^[A-Z][A-Za-z]+$/.test(a));
}

/** True when a name in a BuildKit `check=skip=` list designates `check` (`all`: every BuildKit-aliased check). */
function skips(check: Pick<Check, 'id' | 'category' | 'aliases'>, name: string): boolean {
  if (name.toLowerCase() === 'all') return isBuildkitCheck(check);
  return designates(check, name);
}

/**
 * True when a name in a pragma of `tool` silences a finding of `check`: Trivy's `*` is every check
 * covering a Trivy rule; a finding id (`# hadolint ignore=SC2086`, `# shipshape ignore=shellcheck/SC2086`)
 * silences the findings of that id.
 */
function matches(tool: Pragma['tool'], check: Pick<Check, 'id' | 'category' | 'aliases' | 'findingIds'>, messageId: string, name: string): boolean {
  if (tool === 'buildkit') return skips(check, name);
  if (tool === 'trivy' && name === '*') return (check.aliases ?? []).some((a) => peerTool(a) === 'Trivy');
  return designatesFinding(check, messageId, name);
}

/** True when `name` (a rule id, a category or a peer id, in any case) designates `check`. */
export const names = designates;

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
export function applySuppressions(file: FilePragmas, findings: readonly Finding[], options: SuppressOptions): { findings: Finding[]; suppressed: Suppressed[] } {
  const { pragmas, buildkitError } = file;
  if (pragmas.length === 0 && !buildkitError) return { findings: [...findings], suppressed: [] };
  const byId = new Map(options.known.map((c) => [c.id, c] as const));
  const used = new Set<PragmaEntry>();
  const kept: Finding[] = [];
  const suppressed: Suppressed[] = [];
  const spans = pragmaSpans(pragmas);
  for (const f of findings) {
    const check = byId.get(checkIdOf(f)) ?? { id: checkIdOf(f), category: f.category, aliases: [] };
    let by: Pragma | null = null;
    for (const k of spans.covering(f.location.kind === 'dockerfile' ? f.location.range.line : null)) {
      const p = pragmas[k]!;
      for (const e of p.entries) {
        if (!matches(p.tool, check, f.messageId, e.name)) continue;
        used.add(e);
        by ??= p;
      }
    }
    if (by) suppressed.push({ finding: f, reason: by.reason });
    else kept.push(buildkitError && isBuildkitCheck(check) ? { ...f, severity: 'error' } : f);
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
        // A finding id (`SC2086`, `shellcheck/SC2086`) is known, but whether it found anything depends on ShellCheck being there: never reported unused.
        if (options.known.some((c) => namesFindings(c, e.name) && !names(c, e.name))) continue;
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
