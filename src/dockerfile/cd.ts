/** What a `cd` in a RUN is for: the opening of the RUN (WORKDIR says it better), dead code at its end, or scoped to the RUN. */
import { posix } from 'node:path';
import type { ShellCommand } from '../shell/shell.js';

/** Commands that may come before a `cd` that opens the RUN: they do no work in a directory. */
const PRELUDE = new Set(['echo', 'printf', 'set', 'true', ':', '.', 'source', 'export']);

export type CdScope =
  | { kind: 'opening'; dir: string }
  | { kind: 'trailing'; dir: string }
  | { kind: 'scoped' };

/** The directory a `cd` names, or null when WORKDIR cannot name it: home, `-`, `$OLDPWD`, a glob, a substitution. */
function target(cmd: ShellCommand): string | null {
  const arg = cmd.args.find((a) => !/^-[LPe@]+$/.test(a.value));
  if (!arg) return null;
  const v = arg.value;
  if (v === '-' || v === '~' || v.startsWith('~/') || /^\$\{?OLDPWD\}?$/.test(v) || /^\$\{?HOME\}?$/.test(v)) return null;
  if (/[*?[]/.test(v) || /\$\(|`/.test(arg.text)) return null;
  // `${DIR%/php}`: WORKDIR takes `$VAR` and `${VAR}`, not the shell's operators.
  if (/\$\{[^}]*[^\w}][^}]*\}/.test(v)) return null;
  return v;
}

/** A scratch directory for downloads: `WORKDIR /tmp` would leave the image there, never the better form. */
function scratch(dir: string): boolean {
  return /^(\/tmp|\/var\/tmp|\$\{?TMPDIR\}?)\/?$/.test(dir);
}

const norm = (p: string): string => posix.normalize(p).replace(/\/+$/, '') || '/';

/** The RUN removes `dir` (or a directory holding it, or its contents) after the cd. */
function removedLater(dir: string, later: readonly ShellCommand[]): boolean {
  const d = norm(dir);
  return later.some((c) => c.base === 'rm' && c.argv.some((a) => {
    if (a.startsWith('-')) return false;
    const x = norm(a.replace(/\/\*$/, ''));
    return x === d || (x !== '/' && d.startsWith(`${x}/`));
  }));
}

/** A later command that leaves `dir` again (`cd -`, `cd ..`, `cd /`, `popd`, a cd elsewhere): the first cd was scoped on purpose. */
function leaves(c: ShellCommand, dir: string): boolean {
  if (c.base === 'popd' || c.base === 'pushd') return true;
  if (c.base !== 'cd') return false;
  const to = target(c);
  if (to === null) return true;
  if (to.split('/').includes('..')) return true;
  return to.startsWith('/') && !(norm(to) === norm(dir) || norm(to).startsWith(`${norm(dir)}/`));
}

/**
 * What a top-level `cd` of a RUN does: `top` is the RUN's top-level commands in order (not nested,
 * not wrapped), `all` every command of the RUN, `mounts` the targets of its `--mount`s. `opening`: it opens the RUN after a prelude (`echo`, `set -e`, a `mkdir` of the same
 * directory) into a directory the RUN neither removes nor leaves again, the case WORKDIR expresses;
 * `trailing`: the RUN ends with it, so it does nothing; `scoped`: the RUN uses the directory for
 * some of its commands only (a single-layer build in an extracted tree), which WORKDIR cannot say.
 */
export function cdScope(cmd: ShellCommand, top: readonly ShellCommand[], all: readonly ShellCommand[] = top, mounts: readonly string[] = []): CdScope {
  const at = top.indexOf(cmd);
  const dir = cmd.args.find((a) => !/^-[LPe@]+$/.test(a.value))?.value ?? '~';
  if (at === top.length - 1 && all.indexOf(cmd) === all.length - 1) return { kind: 'trailing', dir };
  const named = target(cmd);
  // A mount of this RUN (`--mount=type=cache,target=/installTmp`) is not in the image: WORKDIR would leave an empty directory.
  if (named === null || scratch(named) || mounts.some((m) => norm(named) === norm(m) || norm(named).startsWith(`${norm(m)}/`))) return { kind: 'scoped' };
  // Every command before it, those in conditions and loops too, must be a prelude.
  const before = all.slice(0, all.indexOf(cmd)).filter((c) => !c.wrappedBy);
  const prelude = before.every((c) => PRELUDE.has(c.base) || (c.base === 'cd' && target(c) !== null) || (c.base === 'mkdir' && c.argv.some((a) => !a.startsWith('-') && norm(a) === norm(named))));
  if (!prelude) return { kind: 'scoped' };
  const later = top.slice(at + 1);
  if (later.some((c) => leaves(c, named)) || removedLater(named, later)) return { kind: 'scoped' };
  return { kind: 'opening', dir: named };
}
