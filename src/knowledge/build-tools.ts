/**
 * Build-side facts for the cache and multi-stage checks: which commands fetch dependencies from a
 * manifest in the build context, which commands compile or bundle an application, which packages
 * are compilers, SDKs or headers.
 */
import { commandMemo, hasOption, positionals, type ShellCommand, type Word } from '../shell/shell.js';
import { packageCommand } from './packages.js';

/** A command that downloads an application's dependencies from manifests in the build context. */
export interface DependencyFetch {
  /** The dependency world it fills: two fetches of one ecosystem share the same cache layer logic. */
  ecosystem: 'node' | 'python' | 'go' | 'ruby' | 'maven' | 'gradle' | 'rust' | 'php' | 'dotnet';
  /** How it reads in a message (`npm ci`, `go mod download`). */
  label: string;
  command: ShellCommand;
}

const sub = (cmd: ShellCommand, valueOptions: readonly string[] = []): Word[] => positionals(cmd, valueOptions);

/** Options of npm, pnpm and bun that take a value as the next word (`--omit dev`). */
const NODE_VALUES = ['--prefix', '-C', '--dir', '--cwd', '--registry', '--cache', '--tag', '-w', '--workspace', '--omit', '--include', '--loglevel', '--userconfig', '--filter', '-F', '--network-concurrency'];

/** An npm/pnpm/bun install that names packages (`npm install typescript`): it reads no manifest. */
const namesPackages = (cmd: ShellCommand): boolean => sub(cmd, NODE_VALUES).length > 1;

function label(cmd: ShellCommand, words: number): string {
  return [cmd.base, ...sub(cmd).slice(0, words).map((w) => w.value)].join(' ');
}

/**
 * The dependency fetch a command performs from the manifests of the tree it runs in, or null. Installs
 * that name what they install (`npm install typescript`, `npm i -g pm2`, `pip install flask`) read no
 * manifest, so they do not count; neither do global tool installs.
 */
export function dependencyFetch(cmd: ShellCommand): DependencyFetch | null {
  // Several checks ask for every command: computed once per command.
  const memo = commandMemo(cmd);
  let f = memo.fetch as DependencyFetch | null | undefined;
  if (f === undefined) memo.fetch = f = findDependencyFetch(cmd);
  return f;
}

/** The command names `findDependencyFetch` has a case for; others only go through the pip test. */
const FETCH_BASES = new Set(['npm', 'yarn', 'pnpm', 'bun', 'poetry', 'pipenv', 'pdm', 'uv', 'go', 'bundle', 'bundler', 'mvn', 'mvnw', 'gradle', 'gradlew', 'cargo', 'composer', 'dotnet']);

function findDependencyFetch(cmd: ShellCommand): DependencyFetch | null {
  const base = cmd.base;
  if (!FETCH_BASES.has(base)) return pipFetch(cmd);
  const pos = sub(cmd, ['--prefix', '-C', '--dir', '--cwd', '-f', '--file', '-s', '--settings', '-p', '--project']);
  const first = pos[0]?.value ?? '';
  const hit = (ecosystem: DependencyFetch['ecosystem'], words = 1): DependencyFetch => ({ ecosystem, label: label(cmd, words), command: cmd });
  switch (base) {
    case 'npm':
      if (['install', 'i', 'in', 'isntall'].includes(first) && !namesPackages(cmd) && !hasOption(cmd, 'g', '--global')) return hit('node');
      return first === 'ci' ? hit('node') : null;
    case 'yarn':
      if ((first === '' || first === 'install') && !cmd.argv.includes('--version')) return hit('node');
      return null;
    case 'pnpm':
      if (['install', 'i', 'fetch'].includes(first) && !namesPackages(cmd) && !hasOption(cmd, 'g', '--global')) return hit('node');
      return null;
    case 'bun':
      return (first === 'install' || first === 'i') && !namesPackages(cmd) && !hasOption(cmd, 'g', '--global') ? hit('node') : null;
    case 'poetry':
    case 'pipenv':
    case 'pdm':
      return first === 'install' || first === 'sync' ? hit('python') : null;
    case 'uv':
      if (first === 'sync') return hit('python');
      if (first === 'pip' && pos[1]?.value === 'install' && readsContext(cmd)) return hit('python', 2);
      return null;
    case 'go':
      if (first === 'mod' && ['download', 'tidy', 'vendor'].includes(pos[1]?.value ?? '')) return hit('go', 2);
      if (first === 'build' || first === 'get') return hit('go');
      if (first === 'install' && !pos.slice(1).some((w) => w.value.includes('@'))) return hit('go');
      return null;
    case 'bundle':
    case 'bundler':
      return first === '' || first === 'install' ? { ecosystem: 'ruby', label: 'bundle install', command: cmd } : null;
    case 'mvn':
    case 'mvnw':
      return first !== '' && !hasOption(cmd, 'v', '--version') ? hit('maven') : null;
    case 'gradle':
    case 'gradlew':
      return first !== '' && !hasOption(cmd, 'v', '--version') ? hit('gradle') : null;
    case 'cargo':
      if (['build', 'fetch', 'vendor'].includes(first)) return hit('rust');
      // cargo-chef: `cargo chef cook --recipe-path recipe.json` builds the dependencies a recipe lists
      if (first === 'chef' && pos[1]?.value === 'cook') return hit('rust', 2);
      if (first === 'install' && hasOption(cmd, '', '--path')) return hit('rust');
      return null;
    case 'composer':
      return first === 'install' || first === 'update' ? hit('php') : null;
    case 'dotnet':
      return ['restore', 'build', 'publish'].includes(first) ? hit('dotnet') : null;
    default:
      break;
  }
  return pipFetch(cmd);
}

function pipFetch(cmd: ShellCommand): DependencyFetch | null {
  const pm = packageCommand(cmd);
  if (pm?.manager === 'pip' && pm.action === 'install' && readsContext(cmd)) {
    return { ecosystem: 'python', label: cmd.argv.includes('-r') || cmd.argv.includes('--requirement') ? 'pip install -r' : 'pip install .', command: cmd };
  }
  return null;
}

/** A pip install reading a requirements file or a local project. */
function readsContext(cmd: ShellCommand): boolean {
  return cmd.argv.some((a, i) => a === '-r' || a === '--requirement' || a.startsWith('--requirement=') || /^-r\S/.test(a) || (/^\.\.?\/?$|^\.\[/.test(a) && cmd.argv[i - 1] !== '--target'));
}

/** A command that compiles, packages or bundles an application. */
export interface BuildStep {
  label: string;
  command: ShellCommand;
}

const COMPILERS = new Set(['gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'javac', 'rustc', 'tsc', 'webpack', 'ninja', 'esbuild', 'rollup']);
const MAVEN_GOALS = new Set(['package', 'install', 'verify', 'compile', 'deploy', 'spring-boot:repackage']);
const GRADLE_TASKS = /^(:?[\w-]+:)*(build|assemble|jar|bootJar|shadowJar|installDist|war|bootWar|compileJava|compileKotlin|nativeCompile|distTar|distZip)$/;

/** The build a command performs, or null (`go build`, `mvn package`, `npm run build`, `make`, `gcc`…). */
export function buildStep(cmd: ShellCommand): BuildStep | null {
  const base = cmd.base.replace(/-\d+(\.\d+)*$/, '');
  const pos = sub(cmd, ['-o', '-C', '-f', '--file', '-p', '--project', '--prefix', '--cwd', '--dir', '-ldflags', '-tags', '-c', '--configuration', '-r', '--runtime']);
  const first = pos[0]?.value ?? '';
  const hit = (text: string): BuildStep => ({ label: text, command: cmd });
  if (hasOption(cmd, '', '--version', '--help')) return null;
  if (COMPILERS.has(base)) return hit(base);
  switch (base) {
    case 'go':
      if (first === 'build') return hit('go build');
      if (first === 'install' && !pos.slice(1).some((w) => w.value.includes('@'))) return hit('go install');
      return null;
    case 'mvn':
    case 'mvnw': {
      const goal = pos.find((w) => MAVEN_GOALS.has(w.value));
      return goal ? hit(`mvn ${goal.value}`) : null;
    }
    case 'gradle':
    case 'gradlew': {
      const task = pos.find((w) => GRADLE_TASKS.test(w.value));
      return task ? hit(`gradle ${task.value}`) : null;
    }
    case 'npm':
    case 'yarn':
    case 'pnpm':
    case 'bun': {
      const script = first === 'run' || first === 'run-script' ? pos[1]?.value : base === 'npm' ? undefined : first;
      return script && /^build/.test(script) ? hit(`${base} run ${script}`) : null;
    }
    case 'cargo':
      return first === 'build' ? hit('cargo build') : null;
    case 'make':
    case 'gmake':
      return hit('make');
    case 'cmake':
      return cmd.argv.includes('--build') ? hit('cmake --build') : null;
    case 'dotnet':
      return first === 'publish' || first === 'build' ? hit(`dotnet ${first}`) : null;
    case 'ng':
    case 'next':
    case 'vite':
      return first === 'build' ? hit(`${base} build`) : null;
    case 'npx':
      return first === 'tsc' || first === 'webpack' || (['vite', 'next', 'ng'].includes(first) && pos[1]?.value === 'build') ? hit(`npx ${first}`) : null;
    default:
      return null;
  }
}

/**
 * True when a command builds native extensions with the image's compiler: `bundle install` (Ruby
 * applications almost always hold C-extension gems: puma, nio4r, bootsnap, database drivers), an
 * install told to build from source (`npm ci --build-from-source`, `pip install --no-binary`),
 * `node-gyp`, `npm rebuild`, `python setup.py build_ext`.
 */
export function compilesNativeExtensions(cmd: ShellCommand): boolean {
  const first = sub(cmd)[0]?.value ?? '';
  switch (cmd.base) {
    case 'bundle':
    case 'bundler':
      return first === '' || first === 'install';
    case 'node-gyp':
      return true;
    case 'npm':
    case 'yarn':
    case 'pnpm':
      return first === 'rebuild' || cmd.argv.some((a) => a === '--build-from-source' || a.startsWith('--build-from-source='));
    default:
      break;
  }
  const pm = packageCommand(cmd);
  if (pm?.manager === 'pip') return pm.action === 'install' && cmd.argv.some((a) => a === '--no-binary' || a.startsWith('--no-binary='));
  if (/^python[\d.]*$/.test(cmd.base)) return cmd.argv[0] === 'setup.py' && ['build_ext', 'build', 'install', 'develop', 'bdist_wheel'].includes(cmd.argv[1] ?? '');
  return false;
}

const BUILD_PACKAGES = new Set([
  'gcc', 'g++', 'gcc-c++', 'cpp', 'clang', 'llvm', 'make', 'cmake', 'build-essential', 'build-base', 'alpine-sdk',
  'autoconf', 'automake', 'libtool', 'pkg-config', 'pkgconf', 'pkgconfig', 'ninja-build', 'meson',
  'golang', 'golang-go', 'go', 'rust', 'rustc', 'cargo', 'maven', 'gradle', 'default-jdk', 'default-jdk-headless',
  'development tools', '@development-tools',
]);

/** True when a package is a compiler, SDK, build tool or a headers (`-dev`, `-devel`) package. */
export function isBuildPackage(name: string): boolean {
  const n = name.toLowerCase();
  return (
    BUILD_PACKAGES.has(n) ||
    /^(gcc|g\+\+|clang|llvm|cpp)-\d+(\.\d+)?$/.test(n) ||
    /-(dev|devel)$/.test(n) ||
    /^linux-headers\b/.test(n) ||
    /^kernel-headers$/.test(n) ||
    /^(openjdk-?\d+|temurin-\d+|java-[\d.]+-openjdk)-jdk(-headless)?$/.test(n) ||
    /^dotnet-sdk\b/.test(n)
  );
}

/**
 * True when the Dockerfile's own name says it makes a toolchain image on purpose: a dev container,
 * a builder or CI image (`.devcontainer/Dockerfile`, `Dockerfile.builder`, `dev.Dockerfile`).
 */
export function namedAsToolchainImage(path: string): boolean {
  const parts = path.replace(/\\/g, '/').split('/');
  const file = parts.pop() ?? '';
  if (parts.some((d) => /^\.?devcontainer$/i.test(d))) return true;
  return /(^|[._-])(dev|devel|develop|development|devcontainer|builder|build|toolchain|toolkit|ci|sdk)([._-]|$)/i.test(file.replace(/dockerfile/i, ''));
}
