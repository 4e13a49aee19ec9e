/**
 * The lines changed since a git revision, for `--changed-since`: `git diff --unified=0 REF` over the
 * working tree (so uncommitted edits count), read hunk by hunk; files git does not track yet are
 * changed in full.
 */
import { execFileSync } from 'node:child_process';
import { dirname, relative, resolve, sep } from 'node:path';

/** git could not answer: not a repository, an unknown revision, no git. */
export class GitError extends Error {}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new GitError('git is not installed (or not on PATH)');
    const said = String(err.stderr ?? '').trim().split('\n').pop() ?? '';
    throw new GitError(said.replace(/^fatal: /, '') || 'git failed');
  }
}

/** Changed line numbers (1-based, in the working tree) per absolute file path; `all` for an untracked file. Files without changes are absent. */
export function changedLines(ref: string, files: readonly string[]): Map<string, Set<number> | 'all'> {
  const out = new Map<string, Set<number> | 'all'>();
  if (files.length === 0) return out;
  const top = git(['rev-parse', '--show-toplevel'], dirname(files[0]!)).trim();
  if (ref.startsWith('-')) throw new GitError('not a revision');
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top);
  } catch {
    throw new GitError('not a commit in this repository');
  }
  const inRepo = files.map((f) => relative(top, resolve(f))).filter((r) => !r.startsWith('..')).map((r) => r.split(sep).join('/'));
  if (inRepo.length === 0) return out;
  const diff = git(['diff', '--no-color', '--no-ext-diff', '--no-renames', '--unified=0', ref, '--', ...inRepo], top);
  let current: Set<number> | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const path = line.slice(4);
      current = null;
      if (path === '/dev/null') continue;
      current = new Set();
      out.set(resolve(top, path.replace(/^b\//, '')), current);
    } else if (line.startsWith('@@') && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  for (const f of git(['ls-files', '--others', '--exclude-standard', '--', ...inRepo], top).split('\n')) if (f) out.set(resolve(top, f), 'all');
  return out;
}
