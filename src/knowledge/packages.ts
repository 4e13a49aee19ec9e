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

/** Subcommands that refresh a package index, per manager. */
const INDEX_REFRESH: Partial<Record<PackageManager, string[]>> = {
  apt: ['update'],
  apk: ['update'],
  dnf: ['update', 'makecache', 'check-update'],
  yum: ['update', 'makecache', 'check-update'],
  zypper: ['refresh', 'ref', 'update', 'up'],
};
/** Subcommands that install, upgrade or download from that index. */
const INDEX_INSTALL: Partial<Record<PackageManager, string[]>> = {
  apt: ['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall', 'download', 'source'],
  apk: ['add', 'upgrade', 'fix', 'fetch'],
  dnf: ['install', 'upgrade', 'groupinstall', 'localinstall', 'reinstall', 'distro-sync', 'download'],
  yum: ['install', 'upgrade', 'groupinstall', 'localinstall', 'reinstall', 'distro-sync', 'download'],
  zypper: ['install', 'in', 'dist-upgrade', 'dup', 'patch', 'download', 'source-install', 'si'],
};

/** Programs whose own install step runs the package manager (`playwright install --with-deps`, `install-php-extensions gd`). */
function installsThroughTool(c: ShellCommand): boolean {
  const args = c.argv;
  if (c.base === 'install-php-extensions' || c.base === 'apt-fast' || c.base === 'install_packages') return true;
  // `playwright …`, or run through a package runner: `npx -y playwright@1.47.0 …`
  const from = c.base === 'playwright' ? 0 : ['npx', 'pnpx', 'bunx'].includes(c.base) ? args.findIndex((a) => /^playwright(@|$)/.test(a)) + 1 : 0;
  if (from === 0 && c.base !== 'playwright') return false;
  const rest = args.slice(from);
  return rest.includes('install-deps') || (rest.includes('install') && rest.includes('--with-deps'));
}

const SYSTEM_DIRS = /^\/(usr\/(local\/)?)?s?bin\//;

/** A script the step runs (`./setup.sh`, `/opt/install.sh`, `bash scripts/deps.sh`): what it installs is not seen here. */
function runsScript(c: ShellCommand): boolean {
  if (c.name.endsWith('.sh') || (c.name.includes('/') && !SYSTEM_DIRS.test(c.name))) return true;
  if (!['sh', 'bash', 'ash', 'dash', 'zsh'].includes(c.base) || c.argv.some((a) => /^-[a-z]*c/.test(a))) return false;
  return c.argv.some((a) => !a.startsWith('-'));
}

/**
 * The package-index refresh among one step's commands that nothing in that step uses (`apt-get update`
 * alone in its RUN, or in its history entry); null when there is none. The index is used by an
 * install or download of the same manager (tonistiigi/xx wrappers such as `xx-apt-get install`
 * included), by an installer that runs the package manager itself (`playwright install --with-deps`,
 * `install-php-extensions`), or possibly by a script run after the refresh, whose installs are not seen.
 */
export function refreshWithoutInstall(cmds: readonly ShellCommand[]): { command: ShellCommand; text: string } | null {
  const found = cmds.map((c) => ({ c, p: packageCommand(c.base.startsWith('xx-') ? { ...c, base: c.base.slice(3) } : c) }));
  const at = found.findIndex(({ p }) => p && INDEX_REFRESH[p.manager]?.includes(p.action));
  const update = found[at];
  if (!update?.p) return null;
  const manager = update.p.manager;
  if (found.some(({ p }) => p && p.manager === manager && INDEX_INSTALL[manager]?.includes(p.action))) return null;
  if (found.slice(at + 1).some(({ c }) => installsThroughTool(c) || runsScript(c))) return null;
  return { command: update.c, text: `${update.c.base} ${update.p.action}` };
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
