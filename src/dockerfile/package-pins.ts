/** Version pins of installed packages: which packages a command installs without saying which version. */
import type { Instruction } from './model.js';
import { hasOption, type ShellCommand, type Word } from '../shell/shell.js';
import { packageArgs, packageInstall, packageName, type InstallCommand } from '../knowledge/packages.js';
import { expand } from './vars.js';

/** The managers whose pins are checked (dnf covers microdnf; pip covers pipx and uv pip). */
export type PinManager = 'apt' | 'apk' | 'pip' | 'npm' | 'gem' | 'yum' | 'dnf' | 'zypper' | 'go' | 'cargo';

export interface Unpinned {
  manager: PinManager;
  command: ShellCommand;
  /** The package words with no version. */
  packages: Word[];
}

/** An RPM `name-version[-release]` (`tomcat-9.0.1`, `openssl-1:1.1.1k`, `git-core-2.51.0-2.fc42`). */
const RPM_VERSION = /-(\d+:)?\d[^-/]*(-\d[^-/]*)?$/;
const PIPX_VALUES = ['--python', '--pip-args', '--suffix', '--index-url', '-i', '--spec', '--preinstall', '--extra-index-url'];

/** The word's value with ARG/ENV values known at the instruction substituted; null when a variable is unknown. */
function valueOf(w: Word, ins: Instruction): string | null {
  if (w.literal) return w.value;
  const e = expand(w.value, ins.vars);
  return e.unresolved || /\$\(|`/.test(w.value) ? null : e.value;
}

function pipPinned(v: string): boolean {
  if (/^[a-z][\w+.-]*\+[a-z]+:\/\//i.test(v)) {
    // a VCS URL is pinned by @ref after the repository path
    const path = v.replace(/^[^:]+:\/\/[^/]*/, '');
    return /@[^/]+$/.test(path.split('#')[0]!);
  }
  if (/^[a-z]+:\/\//i.test(v) || v.includes('/')) return true; // an archive URL or a local path
  return /[=<>!~@]/.test(v);
}

function npmPinned(v: string): boolean {
  if (/^(\.{0,2}\/|~\/)/.test(v)) return true;
  // git sources are pinned by #ref; a GitHub shorthand (user/repo) is one
  if (/^(git(\+[a-z]+)?:|git@|github:|gitlab:|bitbucket:)/.test(v) || /^https?:.*\.git(#|$)/.test(v) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(v)) return v.includes('#');
  if (/^https?:/.test(v) || /\.(tgz|tar|tar\.gz)$/.test(v) || /^(\.{0,2}\/|~\/)/.test(v)) return true;
  const at = v.lastIndexOf('@');
  return at > 0 && v.slice(at + 1) !== 'latest';
}

/**
 * A go package argument that names a version or nothing fetched: a local path or pattern (`./...`),
 * a `.go` file (`go run build.go`), or `module@vX.Y.Z`; for `go install` and `go run` (`build`), also
 * a standard-library package or meta-pattern (`std`, `cmd/go`: no dot in the first path element, so
 * no module host to fetch from).
 */
function goPinned(v: string, build: boolean): boolean {
  if (/^(\.{0,2}\/|\.$|\.\.$)/.test(v) || v === '.' || v === 'all' || v === 'tool' || v.endsWith('.go')) return true;
  const at = v.lastIndexOf('@');
  if (build && at < 0 && !v.split('/')[0]!.includes('.')) return true;
  if (at < 0) return false;
  return !['latest', 'none', 'upgrade', 'patch', 'master', 'main', 'HEAD'].includes(v.slice(at + 1));
}

/**
 * A distribution package whose name carries its version line: a number of its own in the name
 * (`openjdk-17-jre`, `gcc-12`, `cuda-nvcc-12-4`, `python3.12`, `php8.2-fpm`) or a version put in by a
 * variable (`cuda-nvcc-${CUDA_MAJOR}-${CUDA_MINOR}`). The distribution keeps such a line stable (only
 * fixes), which is what a pin asks for. A number glued to the name (`libssl3`, `python3`) is a
 * soname or series, not a chosen version.
 */
function versionInName(written: string, value: string): boolean {
  if (/\s/.test(value.trim())) return false; // a variable holding a list of packages
  if (/\$\{?\w*(VERSION|VER|MAJOR|MINOR|RELEASE)\w*\}?/i.test(written)) return true;
  const name = value.split(/[=:]/)[0]!;
  return /(^|-)\d+([.-]\d+)*(-|$)/.test(name) || /[a-z]\d+\.\d+/i.test(name);
}

/** Options of `unpinnedPackages`. */
export interface PinOptions {
  /** The build context is a Go module (a go.mod at its root): `go install pkg` there builds the version go.mod requires. */
  goModule?: boolean;
}

/**
 * The packages of an install that are meant to be pinned: for distribution packages, not one whose
 * name carries its version line. (Packages the same RUN removes again still count: build
 * dependencies decide what gets compiled.)
 */
function kept(install: InstallCommand, ins: Instruction): Word[] {
  if (!['apt', 'apk', 'dnf', 'yum', 'zypper'].includes(install.manager)) return install.packages;
  return install.packages.filter((w) => !versionInName(w.value, valueOf(w, ins) ?? w.value));
}

/** Keeps the words whose value is known and for which `pinned` is false. */
function unpinned(words: readonly Word[], ins: Instruction, pinned: (v: string) => boolean): Word[] {
  return words.filter((w) => {
    const v = valueOf(w, ins);
    return v !== null && v !== '' && !pinned(v);
  });
}

/** The packages a command installs without a version, or null when it pins them all (or installs none). */
export function unpinnedPackages(cmd: ShellCommand, ins: Instruction, options: PinOptions = {}): Unpinned | null {
  const out = (manager: PinManager, packages: Word[]): Unpinned | null => (packages.length ? { manager, command: cmd, packages } : null);
  if (cmd.base === 'pipx') {
    const p = { ...cmd, args: cmd.args.slice(1), argv: cmd.argv.slice(1) };
    if (cmd.argv[0] !== 'install') return null;
    const words: Word[] = [];
    for (let i = 0; i < p.args.length; i++) {
      const a = p.args[i]!.value;
      if (PIPX_VALUES.includes(a)) i++;
      else if (!a.startsWith('-')) words.push(p.args[i]!);
    }
    return out('pip', unpinned(words, ins, pipPinned));
  }
  const args = packageArgs(cmd);
  if (!args) return null;
  const found = packageInstall(cmd);
  const install = found && { ...found, packages: kept(found, ins) };
  switch (args.manager) {
    case 'apt':
      if (!install) return null;
      return out('apt', unpinned(install.packages, ins, (v) => v.includes('=') || v.includes('/') || v.endsWith('.deb')));
    case 'apk':
      if (!install) return null;
      return out('apk', unpinned(install.packages, ins, (v) => /[=~<>]/.test(v) || v.endsWith('.apk')));
    case 'pip':
      // a constraints file pins what the command names; a nightly build is installed to get the newest
      if (!install || hasOption(cmd, 'c', '--constraint') || ins.vars.get('PIP_CONSTRAINT')) return null;
      return out('pip', unpinned(install.packages, ins, (v) => pipPinned(v) || /[-_.]?nightly$/i.test(packageName('pip', v))));
    case 'npm':
      if (!install || install.action === 'ci') return null;
      return out('npm', unpinned(install.packages, ins, npmPinned));
    case 'gem': {
      if (!install || hasOption(cmd, 'v', '--version')) return null;
      const end = cmd.argv.indexOf('--');
      const words = install.packages.filter((w) => (end < 0 || cmd.args.indexOf(w) < end) && !/^(true|false)$/.test(w.value));
      return out('gem', unpinned(words, ins, (v) => /:./.test(v) || v.endsWith('.gem')));
    }
    case 'yum':
    case 'dnf': {
      const manager = args.manager;
      const rpm = (v: string): boolean => RPM_VERSION.test(v) || v.endsWith('.rpm') || v.startsWith('/') || v.startsWith('@') || /^https?:/.test(v);
      if (args.action === 'module') {
        if (args.positionals[0]?.value !== 'install') return null;
        return out(manager, unpinned(args.positionals.slice(1), ins, (v) => v.includes(':') || v.startsWith('/')));
      }
      if (!install || install.action === 'groupinstall' || install.action === 'localinstall') return null;
      return out(manager, unpinned(install.packages, ins, rpm));
    }
    case 'zypper':
      if (!install) return null;
      return out('zypper', unpinned(install.packages, ins, (v) => /[=<>]/.test(v) || v.endsWith('.rpm') || v.startsWith('/')));
    case 'go': {
      if (!['install', 'get', 'run'].includes(args.action)) return null;
      const words = args.action === 'run' ? args.positionals.slice(0, 1) : args.positionals;
      // in a module, `go install pkg` (no @version) builds the version go.mod requires
      const inModule = options.goModule === true && args.action === 'install';
      return out('go', unpinned(words, ins, (v) => goPinned(v, args.action !== 'get') || (inModule && !v.includes('@'))));
    }
    case 'cargo':
      // --git without --rev or --tag follows a branch, but names no crate version to check here
      if (args.action !== 'install' || hasOption(cmd, '', '--version', '--vers', '--path', '--git')) return null;
      return out('cargo', unpinned(args.positionals, ins, (v) => v.includes('@')));
    default:
      return null;
  }
}
