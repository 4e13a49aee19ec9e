/**
 * Precision on real code: runs shipshape over the review set (../shared/corpus/review, each folder a
 * Dockerfile with the small files of its build context, read in place), matches every finding to the
 * verdicts reviewed by hand (precision/verdicts.jsonl), and writes docs/precision.md: precision
 * overall, per severity, per category and per rule, the findings with no verdict yet, and any finding
 * reviewed as wrong that came back. `--check` exits 1 when a wrong finding came back.
 * `--rename-verdicts CHECK` moves the verdicts of a check whose findings took rule ids of their own
 * (`correctness/shellcheck` -> `shellcheck/SC2086`) to those ids first (`renameVerdicts`).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTargets } from '../src/analyze.js';
import { resolveTarget } from '../src/targets.js';
import type { Severity } from '../src/engine/types.js';
import { matchVerdicts, type Verdict, type Reviewed, type Seen } from './match.js';

const root = process.cwd();
// security/end-of-life compares with today's date: the review set is judged as of its review day, so
// the report does not change by itself as releases reach their end (set SHIPSHAPE_TODAY to see another day).
process.env.SHIPSHAPE_TODAY ??= '2026-12-06';
const corpus = join(root, '..', 'shared', 'corpus', 'review');

interface ManifestEntry {
  folder: string;
  dockerfile_in_context: string;
}

/** The review set as shipshape sees it: each folder's Dockerfile analyzed with the folder as its build context. */
export async function reviewFindings(dir = corpus): Promise<Seen[]> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestEntry[];
  const out: Seen[] = [];
  const noStdin = (): never => {
    throw new Error('no standard input here');
  };
  for (const m of manifest) {
    const folder = join(dir, m.folder);
    // Where the Dockerfile is not inside its context (a build-output context), the folder holds it as `Dockerfile`.
    const rel = m.dockerfile_in_context.startsWith('(') ? 'Dockerfile' : m.dockerfile_in_context;
    const results = await analyzeTargets(resolveTarget(join(folder, rel), folder, noStdin), { context: folder });
    for (const r of results) {
      if (r.error) throw new Error(`${m.folder}: ${r.error}`);
      for (const f of r.findings) {
        const loc = f.location;
        out.push({
          folder: m.folder,
          rule: f.rule,
          category: f.category,
          check: f.check ?? f.rule,
          file: loc.kind === 'file' ? loc.file : null,
          line: loc.kind === 'image' ? 0 : loc.range.line,
          column: loc.kind === 'image' ? 0 : loc.range.column,
          severity: f.severity,
          message: f.message,
        });
      }
    }
  }
  return out;
}

/** Every verdict: precision/verdicts.jsonl and any other precision/*.jsonl (verdicts added on a branch, kept apart until merged). */
export function loadVerdicts(dir = join(root, 'precision')): Verdict[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  return files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Verdict));
}

/**
 * `--rename-verdicts CHECK`: the verdicts recorded under a check's id whose findings now carry rule ids
 * of their own (`correctness/shellcheck` -> `shellcheck/SC2086`) take the rule of that check's finding
 * at their folder, file, line and column (failing that, of its one finding on that line, as matching
 * does). Only the `rule` of those lines of precision/*.jsonl changes; a verdict with no such finding
 * is left and named. Re-running it changes nothing more.
 */
export function renameVerdicts(seen: readonly Seen[], check: string, dir = join(root, 'precision')): { renamed: number; left: string[] } {
  const at = (x: { folder: string; file: string | null; line: number }): string => `${x.folder}\0${x.file ?? ''}\0${x.line}`;
  const byLine = new Map<string, Seen[]>();
  for (const s of seen) if (s.check === check && s.rule !== check) byLine.set(at(s), [...(byLine.get(at(s)) ?? []), s]);
  let renamed = 0;
  const left: string[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(join(dir, f), 'utf8').split('\n');
    let changed = false;
    const out = lines.map((l) => {
      if (!l) return l;
      const v = JSON.parse(l) as Verdict;
      if (v.rule !== check) return l;
      const there = byLine.get(at(v)) ?? [];
      const rules = new Set(there.filter((s) => s.column === v.column).map((s) => s.rule));
      const rule = rules.size === 1 ? [...rules][0]! : rules.size === 0 && there.length === 1 ? there[0]!.rule : null;
      const was = `"rule": ${JSON.stringify(check)}`;
      if (rule === null || !l.includes(was)) {
        left.push(`${f}: ${v.folder} ${v.file ? `${v.file}:` : ''}${v.line}:${v.column}`);
        return l;
      }
      renamed++;
      changed = true;
      return l.replace(was, `"rule": ${JSON.stringify(rule)}`);
    });
    if (changed) writeFileSync(join(dir, f), out.join('\n'));
  }
  return { renamed, left };
}

interface Tally {
  right: number;
  wrong: number;
  debatable: number;
}

const tally = (rs: readonly Reviewed[]): Tally => ({
  right: rs.filter((r) => r.counted === 'right').length,
  wrong: rs.filter((r) => r.counted === 'wrong').length,
  debatable: rs.filter((r) => r.counted === 'debatable').length,
});
const ratio = (a: number, b: number): string => (b === 0 ? '—' : (a / b).toFixed(3));
const precision = (t: Tally): string => ratio(t.right, t.right + t.wrong);
const strict = (t: Tally): string => ratio(t.right, t.right + t.wrong + t.debatable);

/** The targets of issue 12, checked on every run. */
const TARGETS = { all: 0.97, warning: 0.95, error: 0.99, category: 0.9, warningStrict: 0.85 };

async function main(): Promise<number> {
  if (!existsSync(join(corpus, 'manifest.json'))) {
    console.log(`precision: ${corpus} is absent; nothing to measure`);
    return 0;
  }
  const seen = await reviewFindings();
  const rename = process.argv.indexOf('--rename-verdicts');
  if (rename >= 0) {
    const check = process.argv[rename + 1] ?? '';
    const { renamed, left } = renameVerdicts(seen, check);
    console.log(`--rename-verdicts ${check}: ${renamed} verdicts renamed${left.length ? `; ${left.length} left under ${check} (no finding of it there):\n  ${left.join('\n  ')}` : ''}`);
  }
  const { reviewed, unreviewed, gone } = matchVerdicts(seen, loadVerdicts());
  const all = tally(reviewed);
  const bySeverity = (['error', 'warning', 'info'] as Severity[]).map((s) => [s, tally(reviewed.filter((r) => r.seen.severity === s))] as const);
  const categories = [...new Set(reviewed.map((r) => r.seen.category))].sort();
  const byCategory = categories.map((c) => [c, tally(reviewed.filter((r) => r.seen.category === c))] as const);
  // Each rule, and a check whose findings carry rule ids of their own (correctness/shellcheck for shellcheck/SC…) as a whole too.
  const rules = [...new Set(reviewed.flatMap((r) => (r.seen.check !== r.seen.rule ? [r.seen.rule, r.seen.check] : [r.seen.rule])))].sort();
  const byRule = rules.map((c) => [c, tally(reviewed.filter((r) => r.seen.rule === c || r.seen.check === c))] as const);
  const wholeCheck = new Set(reviewed.filter((r) => r.seen.check !== r.seen.rule).map((r) => r.seen.check));
  const back = reviewed.filter((r) => r.counted === 'wrong' && !r.verdict.unfixed);
  const accepted = reviewed.filter((r) => r.counted === 'wrong' && r.verdict.unfixed);

  const row = (name: string, t: Tally): string => `| ${name} | ${t.right + t.wrong + t.debatable} | ${t.right} | ${t.wrong} | ${t.debatable} | ${precision(t)} | ${strict(t)} |`;
  const head = ['| | findings | right | wrong | debatable | precision | counting debatable as wrong |', '|---|---|---|---|---|---|---|'];
  const warn = bySeverity.find(([s]) => s === 'warning')![1];
  const err = bySeverity.find(([s]) => s === 'error')![1];
  const num = (t: Tally): number => (t.right + t.wrong === 0 ? 1 : t.right / (t.right + t.wrong));
  const numStrict = (t: Tally): number => (t.right + t.wrong + t.debatable === 0 ? 1 : t.right / (t.right + t.wrong + t.debatable));
  const checks: [string, boolean][] = [
    [`precision overall ≥ ${TARGETS.all}`, num(all) >= TARGETS.all],
    [`precision of warnings ≥ ${TARGETS.warning}`, num(warn) >= TARGETS.warning],
    [`precision of errors ≥ ${TARGETS.error}`, num(err) >= TARGETS.error],
    [`every category ≥ ${TARGETS.category}`, byCategory.every(([, t]) => num(t) >= TARGETS.category)],
    [`warnings, counting debatable as wrong, ≥ ${TARGETS.warningStrict}`, numStrict(warn) >= TARGETS.warningStrict],
    ['no finding reviewed as wrong came back', back.length === 0],
    ['every finding has a verdict', unreviewed.length === 0],
  ];
  const md = [
    '# Precision on real projects',
    '',
    'Generated by `npm run precision`. shipshape runs over the review set (`../shared/corpus/review`: 134',
    'Dockerfiles of public projects, each with the small files of its build context, read in place) with each',
    'folder as the build context, exactly as `shipshape --context <folder> <folder>/<Dockerfile>` does. Every',
    'finding is matched to a verdict reviewed by hand (`precision/*.jsonl`: corpus folder, rule, file, line,',
    'column, verdict, reason):',
    '',
    '- **right**: true here, and its advice applies at its severity;',
    '- **wrong**: false here (the thing it claims does not happen), or advice that would be harmful;',
    '- **debatable**: true, but advice experts disagree on at the severity given. A debatable finding whose',
    '  reviewer wrote the severity it should have (`should_be`) counts as right once shipshape reports it at that',
    '  severity or lower.',
    '',
    'Precision is right / (right + wrong). A test fails when a finding reviewed as wrong comes back.',
    '',
    '## Targets',
    '',
    ...checks.map(([name, ok]) => `- ${ok ? 'met' : '**not met**'}: ${name}`),
    '',
    '## Overall and by severity',
    '',
    ...head,
    row('all', all),
    ...bySeverity.map(([s, t]) => row(`\`${s}\``, t)),
    '',
    '## By category',
    '',
    ...head,
    ...byCategory.map(([c, t]) => row(`\`${c}\``, t)),
    '',
    '## By rule',
    '',
    ...head,
    ...byRule.map(([c, t]) => row(wholeCheck.has(c) ? `\`${c}\` (all its rules)` : `\`${c}\``, t)),
    '',
    `Verdicts whose finding no longer appears (fixed, or the check changed): ${gone.length} (${gone.filter((v) => v.verdict === 'wrong').length} wrong, ${gone.filter((v) => v.verdict === 'debatable').length} debatable, ${gone.filter((v) => v.verdict === 'right').length} right).`,
    '',
  ];
  if (accepted.length) {
    md.push('## Wrong findings left as they are', '', 'Each still counts as wrong above; the evidence that would fix it is outside what shipshape sees.', '', '| folder | rule | line | reason it is wrong | why it is not fixed |', '|---|---|---|---|---|');
    for (const r of accepted) md.push(`| ${r.seen.folder} | \`${r.seen.rule}\` | ${r.seen.file ? `${r.seen.file}:` : ''}${r.seen.line} | ${r.verdict.reason.replace(/\|/g, '\\|')} | ${r.verdict.unfixed!.replace(/\|/g, '\\|')} |`);
    md.push('');
  }
  if (back.length) {
    md.push('## Wrong findings that came back', '', '| folder | rule | line | reason it is wrong |', '|---|---|---|---|');
    for (const r of back) md.push(`| ${r.seen.folder} | \`${r.seen.rule}\` | ${r.seen.file ? `${r.seen.file}:` : ''}${r.seen.line} | ${r.verdict.reason.replace(/\|/g, '\\|')} |`);
    md.push('');
  }
  const goneRight = gone.filter((v) => v.verdict === 'right');
  if (goneRight.length) {
    md.push('## Findings reviewed as right that no longer appear', '', 'Each is a recall question: was the check right to drop it?', '', '| folder | rule | line | reason it was right |', '|---|---|---|---|');
    for (const v of goneRight) md.push(`| ${v.folder} | \`${v.rule}\` | ${v.file ? `${v.file}:` : ''}${v.line} | ${v.reason.replace(/\|/g, '\\|')} |`);
    md.push('');
  }
  if (unreviewed.length) {
    md.push('## Findings with no verdict yet', '', 'New since the last review: read each one and add its verdict to `precision/verdicts.jsonl`.', '', '| folder | rule | severity | line | message |', '|---|---|---|---|---|');
    for (const s of unreviewed) md.push(`| ${s.folder} | \`${s.rule}\` | ${s.severity} | ${s.file ? `${s.file}:` : ''}${s.line}:${s.column} | ${s.message.replace(/\|/g, '\\|')} |`);
    md.push('');
  }
  writeFileSync(join(root, 'docs', 'precision.md'), md.join('\n'));
  // `--list [prefix]`: the findings that do not count as right, with the reason, for the rules under a prefix.
  const list = process.argv.indexOf('--list');
  if (list >= 0) {
    const prefix = process.argv[list + 1] ?? '';
    for (const r of reviewed) {
      if (r.counted === 'right' || !r.seen.rule.startsWith(prefix)) continue;
      console.log(`${r.counted.padEnd(9)} ${r.seen.severity.padEnd(7)} ${r.seen.rule} ${r.seen.folder} ${r.seen.file ? `${r.seen.file}:` : ''}${r.seen.line} [${r.verdict.pattern}${r.verdict.should_be ? ` -> ${r.verdict.should_be}` : ''}] ${r.verdict.reason}`);
    }
  }
  console.log([...head, row('all', all), ...bySeverity.map(([s, t]) => row(s, t))].join('\n'));
  console.log(`\n${unreviewed.length} findings without a verdict, ${back.length} wrong findings back, ${gone.length} verdicts gone; docs/precision.md written`);
  for (const [name, ok] of checks) if (!ok) console.log(`target not met: ${name}`);
  if (process.argv.includes('--check') && back.length > 0) {
    console.error('precision: findings reviewed as wrong came back (see docs/precision.md)');
    return 1;
  }
  return 0;
}

if (process.argv[1]?.endsWith('precision.js')) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`precision: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = 2;
    },
  );
}

