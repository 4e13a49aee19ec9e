/** Package installs found in parsed shell commands: which manager, which packages, which flags. */
import { commandMemo, positionals, type ShellCommand, type Word } from '../shell/shell.js';

export type PackageManager = 'apt' | 'apk' | 'dnf' | 'yum' | 'zypper' | 'pip' | 'npm' | 'yarn' | 'pnpm' | 'gem' | 'go' | 'cargo' | 'composer' | 'bundler';

/** A command that installs packages. */
export interface InstallCommand {
  manager: PackageManager;
  /** The subcommand (`install`, `add`, `get`…). */
  action: string;
  /** Packages named on the command line (not files, not requirement lists). */
  packages: Word[];
  command: ShellCommand;
}

const VALUE_OPTIONS: Partial<Record<PackageManager, string[]>> = {
  apt: ['-o', '-c', '-t', '--target-release', '--option', '--config-file', '-a', '--host-architecture'],
  apk: ['-t', '--virtual', '-X', '--repository', '--repositories-file', '-p', '--root', '--arch', '--cache-dir', '--keys-dir'],
  dnf: ['--releasever', '--repo', '--enablerepo', '--disablerepo', '-x', '--exclude', '--setopt', '--installroot', '--repofrompath', '--nodocs-x'],
  yum: ['--releasever', '--enablerepo', '--disablerepo', '-x', '--exclude', '--setopt', '--installroot'],
  zypper: ['-r', '--repo', '--from', '-t', '--type'],
  pip: ['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--platform', '--python-version', '--implementation', '--abi', '--trusted-host', '--src', '--upgrade-strategy', '--progress-bar', '--cache-dir', '--log', '--timeout', '--retries', '--proxy', '--cert', '--client-cert', '-b', '--build', '--root-user-action', '--report', '--python', '--config-settings', '--global-option', '--install-option', '--only-binary', '--no-binary'],
  npm: ['--prefix', '--registry', '--cache', '--tag', '-w', '--workspace', '--omit', '--include', '--loglevel', '--userconfig'],
  yarn: ['--cwd', '--registry', '--cache-folder', '--modules-folder'],
  pnpm: ['--dir', '-C', '--registry', '--filter', '-F'],
  gem: ['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--source', '-s', '--platform'],
  cargo: ['--root', '--version', '--vers', '--git', '--branch', '--tag', '--rev', '--path', '--registry', '--index', '-j', '--jobs', '--target', '--target-dir', '--features', '-F', '--profile', '--bin', '--example', '--config', '-Z'],
  go: ['-o', '-C', '-tags', '-ldflags', '-gcflags', '-mod', '-modfile', '-p', '-pkgdir', '-toolexec', '-exec'],
};

type ManagerOf = { manager: PackageManager; sub: Word; rest: number } | null;

/** Asked by many checks for every command: computed once per command. */
function managerOf(cmd: ShellCommand): ManagerOf {
  const memo = commandMemo(cmd);
  let m = memo.manager as ManagerOf | undefined;
  if (m === undefined) memo.manager = m = findManager(cmd);
  return m;
}

function findManager(cmd: ShellCommand): ManagerOf {
  const base = cmd.base;
  const args = cmd.args;
  const firstPositional = (from = 0): number => {
    for (let i = from; i < args.length; i++) {
      const v = args[i]!.value;
      if (!v.startsWith('-')) return i;
      if (['-o', '-c', '-t', '--target-release', '-C', '--prefix', '--cwd', '--dir'].includes(v)) i++;
    }
    return -1;
  };
  let manager: PackageManager | null = null;
  let subAt = -1;
  if (base === 'apt-get' || base === 'apt' || base === 'aptitude') manager = 'apt';
  else if (base === 'apk') manager = 'apk';
  else if (base === 'dnf' || base === 'microdnf' || base === 'dnf5' || base === 'tdnf') manager = 'dnf';
  else if (base === 'yum') manager = 'yum';
  else if (base === 'zypper') manager = 'zypper';
  else if (/^pip([23](\.\d+)?)?$/.test(base) || base === 'uv' && args[0]?.value === 'pip') manager = 'pip';
  else if (/^python(3(\.\d+)?)?$/.test(base)) {
    const m = args.findIndex((a) => a.value === '-m');
    if (m >= 0 && /^pip[23]?$/.test(args[m + 1]?.value ?? '')) {
      manager = 'pip';
      subAt = firstPositional(m + 2);
    }
  } else if (base === 'npm') manager = 'npm';
  else if (base === 'yarn') manager = 'yarn';
  else if (base === 'pnpm') manager = 'pnpm';
  else if (base === 'gem') manager = 'gem';
  else if (base === 'go') manager = 'go';
  else if (base === 'cargo') manager = 'cargo';
  else if (base === 'composer') manager = 'composer';
  else if (base === 'bundle' || base === 'bundler') manager = 'bundler';
  if (!manager) return null;
  if (subAt < 0) subAt = firstPositional(base === 'uv' ? 1 : 0);
  const sub = args[subAt];
  if (!sub) {
    // `yarn` alone installs; so does `bundle` (not `yarn --version` or `bundle --help`)
    const asks = args.some((a) => ['--version', '-v', '-V', '--help', '-h'].includes(a.value));
    if ((manager === 'yarn' || manager === 'bundler') && !asks) return { manager, sub: { text: 'install', value: 'install', literal: true, range: cmd.nameRange }, rest: args.length };
    return null;
  }
  return { manager, sub, rest: subAt + 1 };
}

const INSTALL_ACTIONS: Record<PackageManager, string[]> = {
  apt: ['install'],
  apk: ['add'],
  dnf: ['install', 'in', 'groupinstall', 'localinstall', 'reinstall'],
  yum: ['install', 'groupinstall', 'localinstall', 'reinstall'],
  zypper: ['install', 'in'],
  pip: ['install'],
  npm: ['install', 'i', 'add', 'ci', 'isntall', 'in'],
  yarn: ['add', 'install', 'global'],
  pnpm: ['add', 'install', 'i'],
  gem: ['install', 'i'],
  go: ['install', 'get', 'mod'],
  cargo: ['install', 'build', 'fetch'],
  composer: ['install', 'require', 'update'],
  bundler: ['install'],
};

/** True when `action` is one of the manager's install subcommands (`npm ci`, `apk add`, `dnf in`…). */
export function isInstallAction(manager: PackageManager, action: string): boolean {
  return INSTALL_ACTIONS[manager].includes(action);
}

/** The subcommand of a package-manager command (`update`, `install`, `clean`…), or null when it is not one. */
export function packageCommand(cmd: ShellCommand): { manager: PackageManager; action: string } | null {
  const m = managerOf(cmd);
  return m ? { manager: m.manager, action: m.sub.value } : null;
}

/**
 * A package-manager command split at its subcommand: the words after it, and its positionals
 * (option values skipped), for the forms `packageInstall` does not name packages for
 * (`dnf module install`, `go run`, `zypper remove`…).
 */
export function packageArgs(cmd: ShellCommand): PackageArgs | null {
  const m = managerOf(cmd);
  if (!m) return null;
  // Asked by several checks for every command: split once per command.
  const memo = commandMemo(cmd);
  let a = memo.packageArgs as PackageArgs | undefined;
  if (!a) {
    const tail: ShellCommand = { ...cmd, args: cmd.args.slice(m.rest), argv: cmd.argv.slice(m.rest) };
    memo.packageArgs = a = { manager: m.manager, action: m.sub.value, sub: m.sub, rest: tail.args, positionals: positionals(tail, VALUE_OPTIONS[m.manager] ?? []) };
  }
  return a;
}

/** A package-manager command split at its subcommand (shared by every caller: do not modify). */
export interface PackageArgs {
  readonly manager: PackageManager;
  readonly action: string;
  readonly sub: Word;
  readonly rest: readonly Word[];
  readonly positionals: readonly Word[];
}

/** The packages an install command names, or null when the command installs nothing. */
export function packageInstall(cmd: ShellCommand): InstallCommand | null {
  const m = managerOf(cmd);
  if (!m || !isInstallAction(m.manager, m.sub.value)) return null;
  const tail: ShellCommand = { ...cmd, args: cmd.args.slice(m.rest), argv: cmd.argv.slice(m.rest) };
  let packages = positionals(tail, VALUE_OPTIONS[m.manager] ?? []);
  if (m.manager === 'yarn' && m.sub.value === 'global') packages = packages.slice(1);
  if (m.manager === 'go' && m.sub.value === 'mod') return null;
  if (m.manager === 'pip') packages = packages.filter((p) => !/^(\.|\/)/.test(p.value) && !/\.(whl|tar\.gz|zip)$/.test(p.value));
  return { manager: m.manager, action: m.sub.value, packages, command: cmd };
}

/** The name of a package without version or constraint (`curl=7.88*` -> `curl`, `flask>=2` -> `flask`). */
export function packageName(manager: PackageManager, spec: string): string {
  switch (manager) {
    case 'apt': {
      const eq = spec.indexOf('=');
      const name = eq < 0 ? spec : spec.slice(0, eq);
      const colon = name.indexOf(':');
      return colon < 0 ? name : name.slice(0, colon);
    }
    case 'apk':
      return spec.split(/[=~<>]/)[0]!;
    case 'pip':
      return spec.split(/[=<>!~;[ ]/)[0]!.toLowerCase();
    case 'npm':
    case 'yarn':
    case 'pnpm':
      return spec.startsWith('@') ? '@' + spec.slice(1).split('@')[0]! : spec.split('@')[0]!;
    case 'gem':
      return spec.split(':')[0]!;
    case 'go':
      return spec.split('@')[0]!;
    default:
      return spec.replace(/-\d[\w.:-]*$/, '');
  }
}
