/**
 * GitLab Code Quality (`artifacts:reports:codequality`): a JSON array of issues with `description`,
 * `check_name`, `fingerprint` (unique per issue, stable across runs: GitLab compares the branch's
 * report with the target branch's by it), `severity` and `location.path` / `location.lines.begin`.
 * Severities: error is `major`, warning `minor`, info `info`; a target not analysed is `blocker`.
 */
import type { Severity } from '../engine/types.js';
import type { TargetResult } from './model.js';
import { placeOf } from './xml.js';
import { fixNote } from './model.js';
import { sha256Hex } from '../util/sha256.js';

const SEVERITY: Record<Severity, 'major' | 'minor' | 'info'> = { error: 'major', warning: 'minor', info: 'info' };

const hash = (s: string): string => sha256Hex(s).slice(0, 32);

export function renderGitlab(results: readonly TargetResult[]): string {
  const issues: Record<string, unknown>[] = [];
  const used = new Map<string, number>();
  // The same finding twice (two identical instructions) needs two fingerprints: the n-th occurrence is numbered.
  const unique = (base: string): string => {
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return hash(`${base}\0${n}`);
  };
  for (const t of results) {
    if (t.error !== null) {
      issues.push({ description: t.error, check_name: 'shipshape/target-not-analyzed', fingerprint: unique(`error\0${t.path}`), severity: 'blocker', location: { path: t.path.replace(/^\.\//, ''), lines: { begin: 1 } } });
    }
    for (const f of t.findings) {
      const p = placeOf(f, t);
      const description = `${p.where ? `${p.where}: ${f.message}` : f.message}${fixNote(f)}`;
      issues.push({
        description,
        check_name: f.rule,
        // By the check's id (a shellcheck/SC2086 finding: correctness/shellcheck, the message id tells codes apart), so fingerprints stay as they were before ShellCheck's findings took ShellCheck's ids.
        fingerprint: unique(`${f.check ?? f.rule}\0${p.file}\0${f.fingerprint ?? `${p.line}:${p.column}:${f.message}`}`),
        severity: SEVERITY[f.severity],
        categories: [f.category === 'security' ? 'Security' : f.category === 'size' || f.category === 'cache' ? 'Performance' : 'Style'],
        location: { path: p.file, lines: { begin: p.line ?? 1 } },
      });
    }
  }
  return JSON.stringify(issues, null, 2) + '\n';
}
