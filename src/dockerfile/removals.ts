/** Packages a RUN installs and removes again: build dependencies and transient tools that never reach its layer. */
import type { Instruction } from './model.js';
import type { ShellCommand, Word } from '../shell/shell.js';
import { hasOption } from '../shell/shell.js';
import { packageArgs, packageName, type InstallCommand } from '../knowledge/packages.js';
import { runCommands } from './run.js';

/** What the rest of a RUN does to the packages one install command named. */
export interface Removal {
  /** The named packages that a later command removes (by name, by the install's virtual package, or marked auto and then autoremoved). */
  removed: Word[];
  /** The removal also removes what they pulled in automatically (`--auto-remove`, `apt-get autoremove`, `apk del` of a virtual package), recommends included. */
  autoremoved: boolean;
}

const APT_REMOVE = ['remove', 'purge', 'autoremove', 'autopurge'];
const RPM_REMOVE = ['remove', 'erase', 'autoremove'];

/**
 * The packages of `install` that later commands of the same RUN remove again:
 * - apt: `apt-get purge|remove NAME…`, or `apt-mark auto NAME…|'.*'` followed by `apt-get purge
 *   --auto-remove` or `apt-get autoremove` (the docker-library pattern), unless a later
 *   `apt-mark manual` names them again;
 * - apk: `apk del NAME…` or `apk del` of the `--virtual` name the install gave them;
 * - dnf/yum/microdnf: `remove|erase NAME…`.
 * A removal inside a condition still counts: the author meant the package to go.
 */
export function removedAgain(install: InstallCommand, ins: Instruction): Removal {
  const cmds = runCommands(ins);
  const at = cmds.indexOf(install.command);
  const later = at < 0 ? [] : cmds.slice(at + 1);
  const name = (w: Word): string => packageName(install.manager, w.value);
  const names = new Set(install.packages.map(name));
  const gone = new Set<string>();
  let autoremoved = false;
  switch (install.manager) {
    case 'apt': {
      // `apt-mark auto` makes packages removable by the next autoremove; `apt-mark manual NAME` keeps one
      let allAuto = false;
      const auto = new Set<string>();
      const manual = new Set<string>();
      for (const c of later) {
        if (c.base === 'apt-mark') {
          const [op, ...pats] = c.argv.filter((a) => !a.startsWith('-'));
          if (op === 'auto') {
            allAuto ||= pats.some((p) => p === '.*' || p === '*' || p === '~i');
            for (const p of pats) auto.add(p);
          } else if (op === 'manual') for (const p of pats) manual.add(p);
          continue;
        }
        const p = packageArgs(c);
        if (p?.manager !== 'apt' || !APT_REMOVE.includes(p.action)) continue;
        for (const w of p.positionals) if (names.has(packageName('apt', w.value))) gone.add(packageName('apt', w.value));
        if (p.action.startsWith('auto') || hasOption(c, '', '--auto-remove', '--autoremove')) {
          autoremoved = true;
          for (const n of names) if ((allAuto || auto.has(n)) && !manual.has(n)) gone.add(n);
        }
      }
      break;
    }
    case 'apk': {
      const virtual = virtualName(install.command);
      for (const c of later) {
        const p = packageArgs(c);
        if (p?.manager !== 'apk' || p.action !== 'del') continue;
        for (const w of p.positionals) {
          if (virtual !== null && w.value === virtual) {
            for (const n of names) gone.add(n);
            autoremoved = true;
          } else if (names.has(packageName('apk', w.value))) gone.add(packageName('apk', w.value));
        }
      }
      // apk removes what it pulled in for a package once nothing else needs it
      autoremoved ||= gone.size > 0;
      break;
    }
    case 'dnf':
    case 'yum':
      for (const c of later) {
        const p = packageArgs(c);
        if ((p?.manager !== 'dnf' && p?.manager !== 'yum') || !RPM_REMOVE.includes(p.action)) continue;
        for (const w of p.positionals) if (names.has(packageName(install.manager, w.value))) gone.add(packageName(install.manager, w.value));
      }
      break;
    default:
      break;
  }
  return { removed: install.packages.filter((w) => gone.has(name(w))), autoremoved };
}

/** The virtual package an `apk add --virtual NAME` (`-t NAME`) groups its packages under. */
function virtualName(cmd: ShellCommand): string | null {
  const i = cmd.argv.findIndex((a) => a === '--virtual' || a === '-t' || a.startsWith('--virtual='));
  if (i < 0) return null;
  const a = cmd.argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : (cmd.argv[i + 1] ?? null);
}
