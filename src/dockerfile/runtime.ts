/**
 * How the container built from the final stage runs, as far as the Dockerfile and its build context
 * show it: the programs its ENTRYPOINT, CMD, HEALTHCHECK and their scripts use, whether the start
 * script steps down from root, whether it is a Windows image, and what kind of image it is (a
 * service, a command-line tool, a toolchain or language image, a base for other images). The user,
 * tools and multi-stage checks ask these questions; each is answered once per Dockerfile.
 */
import { posix } from 'node:path';
import type { DockerfileFacts, Instruction, ScriptFile, Stage } from './model.js';
import { positionals, type ShellCommand } from '../shell/shell.js';
import { WRITE_PATHS, WRITING_COMMANDS } from '../knowledge/runtime.js';
import { userCreation } from '../knowledge/user-commands.js';
import { runCommands } from './run.js';
import type { Range } from '../util/text.js';
import { stageChain } from './stages.js';
import { dockerfileLaunch, finalCommands } from './launch.js';
import { namedAsToolchainImage } from '../knowledge/build-tools.js';
import { memoized } from '../util/memo.js';
import { SHELLS } from '../knowledge/launch.js';
import { isRootUser } from '../knowledge/users.js';
import { toolsLeft } from './tools.js';
import { SSH_SERVERS } from '../knowledge/tools.js';

/** The instructions of the final stage's chain, base stage first. */
function chainInstructions(facts: DockerfileFacts): Instruction[] {
  return facts.finalStage ? stageChain(facts.finalStage).flatMap((s: Stage) => s.instructions) : [];
}

/** A script's text without its comment lines, as the words the container may run. */
function wordsOf(text: string, into: Set<string>): void {
  for (const line of text.split('\n')) {
    const code = line.replace(/(^|\s)#.*$/, '');
    for (const m of code.matchAll(/[A-Za-z0-9_][\w.+-]*/g)) into.add(m[0]);
  }
}

/**
 * Every word the running container may execute: the program names of the final stage's
 * ENTRYPOINT, CMD and HEALTHCHECK (exec form, `sh -c` strings and shell form alike, by base name),
 * and every word of the scripts of the build context they run (`start`, `healthcheck` and `helper`
 * scripts, comments left out): a tool named there (`nc -z db 5432`, `CMD="socat …"`,
 * `start-stop-daemon -x /usr/bin/socat`) is one the container needs.
 */
export function runtimeWords(facts: DockerfileFacts): ReadonlySet<string> {
  return memoized(facts, 'runtimeWords', () => {
    const names = new Set<string>();
    for (const i of chainInstructions(facts)) {
      const ins = i.trigger ?? i;
      if (ins.keyword !== 'CMD' && ins.keyword !== 'ENTRYPOINT' && ins.keyword !== 'HEALTHCHECK') continue;
      for (const c of ins.shell?.commands ?? []) names.add(c.base);
      for (const s of ins.json ?? []) for (const w of s.split(/[\s;&|()'"]+/)) if (w) names.add(w.split('/').pop()!);
    }
    for (const script of facts.context.scripts) {
      for (const c of script.shell?.commands ?? []) names.add(c.base);
      wordsOf(script.text, names);
    }
    return names;
  });
}

/** True when the running container uses one of these commands (see `runtimeWords`). */
export function usedAtRuntime(facts: DockerfileFacts, commands: readonly string[]): boolean {
  const words = runtimeWords(facts);
  return commands.some((c) => words.has(c));
}

/** How a start script hands the work to another user. */
export interface StepDown {
  /** The user it steps down to, as written (`app`, `$PUID`, `10001:10001`). */
  user: string;
  /** Where the script does it (the command, or the assignment that keeps it in a variable). */
  at: Range;
  script: ScriptFile;
}

/** Options of setpriv, runuser, chroot and su that name the user to become. */
function stepDownUser(c: ShellCommand): string | null {
  const argv = c.argv;
  const valueOf = (...names: string[]): string | null => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      for (const n of names) {
        if (a === n) return argv[i + 1] ?? null;
        if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
      }
    }
    return null;
  };
  switch (c.base) {
    case 'gosu':
    case 'su-exec':
    case 's6-setuidgid':
      return argv.find((a) => !a.startsWith('-')) ?? null;
    case 'setpriv':
      return valueOf('--reuid', '--ruid', '--euid');
    case 'runuser':
      return valueOf('-u', '--user') ?? (argv.includes('-c') || argv.includes('-l') ? (argv.find((a) => !a.startsWith('-')) ?? null) : null);
    case 'chroot':
      return valueOf('--userspec');
    case 'chpst':
      return valueOf('-u', '-U');
    case 'su':
      // `su app -c cmd`, `su -s /bin/sh app -c cmd`: the first word that is not an option or an option's value.
      for (let i = 0; i < argv.length; i++) {
        const a = argv[i]!;
        if (a === '-s' || a === '-c' || a === '--shell' || a === '--command' || a === '-g' || a === '-G') i++;
        else if (!a.startsWith('-')) return argv.includes('-c') || argv.includes('--command') || c.wrappedBy?.base === 'exec' ? a : null;
      }
      return null;
    default:
      return null;
  }
}

/** A step-down command kept in a variable (`GOSU="gosu app"`, `exec_cmd="exec su-exec app"`), run later as `exec $GOSU "$@"`. */
// `(?<!\w)`: a name starts where a word starts; without it every position inside a long word was tried (quadratic on a 100 KB word).
const STEP_DOWN_TEXT = /(?<!\w)[A-Za-z_]\w*=["'](?:exec\s+)?(?:gosu|su-exec|s6-setuidgid)\s+["']?([^\s"']+)|(?<!\w)[A-Za-z_]\w*=["'][^"'\n]*\bsetpriv\s[^"'\n]*--(?:reuid|ruid)[= ]["']?([^\s"']+)/;

/**
 * The default a script gives a variable: `NAME=${NAME:-value}` (or `NAME="${NAME-value}"`), or
 * `${NAME:=value}` anywhere; the first in the text. A plain scan (no regular expression is built
 * from the script's names).
 */
function scriptDefault(text: string, name: string): string | null {
  const open = '${' + name;
  for (let at = text.indexOf(open); at !== -1; at = text.indexOf(open, at + 1)) {
    let k = at + open.length;
    if (text[k] === ':') k++;
    const op = text[k];
    if (op !== '-' && op !== '=') continue;
    const end = text.indexOf('}', k + 1);
    if (end === -1) return null;
    const value = text.slice(k + 1, end);
    if (op === '=') return value;
    // `${NAME:-value}` counts as the assignment `NAME=${NAME:-value}`, quoted or not.
    let b = at;
    if (text[b - 1] === '"' || text[b - 1] === "'") b--;
    if (text[b - 1] !== '=' || text.slice(b - 1 - name.length, b - 1) !== name) continue;
    const before = text.charCodeAt(b - 2 - name.length);
    if (!Number.isNaN(before) && /\w/.test(String.fromCharCode(before))) continue;
    return value;
  }
  return null;
}

/**
 * The user a step-down names, with its variables given the defaults the image sets (`ENV PUID=0`)
 * or the script sets (`PUID=${PUID:-0}`, `: "${PUID:=0}"`): `$PUID:$PGID` defaulting to 0 is root.
 */
function defaultUser(user: string, facts: DockerfileFacts, script: ScriptFile): string {
  return user.replace(/^["']|["']$/g, '').replace(/\$\{?([A-Za-z_]\w*)\}?/g, (m, name: string) => {
    const inScript = scriptDefault(script.text, name);
    if (inScript !== null) return inScript.replace(/["']/g, '');
    const env = chainInstructions(facts).filter((i) => i.keyword === 'ENV').flatMap((i) => i.properties).filter((p) => p.name === name).pop();
    return env?.value ?? m;
  });
}

/**
 * Where a start script (or a helper it runs) hands the container's work to another, non-root user:
 * a step-down command (`gosu`, `su-exec`, `setpriv --reuid=`, `s6-setuidgid`, `chroot --userspec=`,
 * `runuser -u`, `su app -c …`, `chpst -u`) that replaces the script (`exec gosu app "$@"`), passes
 * it the container's command (`su-exec app "$@"`) or starts a server in the background, or such a
 * command kept in a variable (`GOSU="gosu app"`). A one-off setup step as the user (`gosu app mkdir
 * -p /data`) is no hand-off. Null when there is none. A user written as a variable is taken as
 * non-root unless its known value is 0 (`PUID` defaulting to 0 in the script is not seen).
 */
export function stepDown(facts: DockerfileFacts): StepDown | null {
  return memoized(facts, 'stepDown', () => {
    for (const script of facts.context.scripts) {
      const nonRoot = (user: string): boolean => !isRootUser(defaultUser(user, facts, script));
      if (script.role === 'healthcheck') continue;
      for (const c of script.shell?.commands ?? []) {
        const user = stepDownUser(c);
        const handsOff = c.wrappedBy?.base === 'exec' || c.background || c.argv.some((a) => /^"?\$(\{)?[@*0]\}?"?$/.test(a));
        if (user && handsOff && nonRoot(user)) return { user, at: (c.wrappedBy?.base === 'exec' ? c.wrappedBy : c).range, script };
      }
      // `GOSU="gosu app"`: the command is kept in a variable's value.
      const lines = script.text.split('\n');
      for (let l = 0; l < lines.length; l++) {
        const code = lines[l]!.replace(/(^|\s)#.*$/, '');
        const m = STEP_DOWN_TEXT.exec(code);
        const user = m ? (m[1] ?? m[2] ?? '') : '';
        if (m && nonRoot(user)) return { user, at: { line: l + 1, column: m.index + 2, endLine: l + 1, endColumn: m.index + m[0].length + 1 }, script };
      }
    }
    return null;
  });
}

const WINDOWS_REPOSITORIES = /(^|\/)(windows|nanoserver|servercore|windowsservercore)(\/|$)|^windows\/|(^|[-/])nanoserver|(^|[-/])windowsservercore/i;

/**
 * True for a Windows image: based on a Windows base (`mcr.microsoft.com/windows/nanoserver`,
 * `…/servercore`, a `*-nanoserver-*`/`*-windowsservercore-*` tag), or a stage whose shell is
 * PowerShell or cmd. Windows has no root and no numeric UIDs.
 */
export function isWindowsImage(facts: DockerfileFacts): boolean {
  return memoized(facts, 'windows', () => {
    const final = facts.finalStage;
    if (!final) return false;
    for (const s of stageChain(final)) {
      const ref = s.image;
      if (ref && (WINDOWS_REPOSITORIES.test(ref.repository) || /(^|-)(nanoserver|windowsservercore|ltsc\d{4}|servercore)(-|$)/i.test(ref.tag ?? ''))) return true;
      for (const i of s.instructions) if (i.keyword === 'SHELL' && /\b(powershell|pwsh|cmd)(\.exe)?\b/i.test(i.json?.[0] ?? '')) return true;
    }
    return false;
  });
}

/** Programs that are a shell, a REPL or an interactive interpreter when run without a script. */
const INTERACTIVE = new Set([...SHELLS, 'busybox', 'python', 'python2', 'python3', 'node', 'nodejs', 'deno', 'bun', 'irb', 'ruby', 'R', 'Rscript', 'erl', 'iex', 'ghci', 'jshell', 'lua', 'luajit', 'php', 'perl', 'swift', 'scala', 'clojure', 'julia', 'pwsh', 'powershell', 'cmd', 'psql', 'mysql', 'redis-cli', 'sqlite3', 'tclsh', 'elixir', 'groovysh', 'guile', 'racket', 'sbcl', 'ocaml', 'utop']);
/**
 * Build tools, compilers and SDK drivers, and programs that run the toolchain themselves (Go's linters
 * and release tools load packages with `go list` and build them): an image whose program is one of
 * them is a toolchain image.
 */
const TOOLCHAIN = new Set(['golangci-lint', 'gopls', 'staticcheck', 'govulncheck', 'goreleaser', 'dlv', 'mage', 'air', 'gradle', 'mvn', 'ant', 'sbt', 'go', 'cargo', 'rustc', 'gcc', 'g++', 'cc', 'clang', 'make', 'cmake', 'native-image', 'emcc', 'dotnet', 'javac', 'ghc', 'stack', 'cabal', 'mix', 'rebar3', 'bazel', 'bazelisk', 'tlmgr', 'latexmk', 'pandoc', 'npm', 'yarn', 'pnpm', 'pip', 'pip3', 'conda', 'mamba', 'composer', 'bundle', 'gem', 'dart', 'flutter', 'zig', 'nim', 'crystal', 'kotlinc', 'scalac', 'swiftc', 'tsc']);
/** Servers that start as root and hand their work to an unprivileged user themselves (workers, child processes). */
export const SELF_DROPPING_SERVERS: ReadonlySet<string> = new Set([
  'nginx', 'openresty', 'httpd', 'httpd-foreground', 'apache2', 'apache2ctl', 'apache2-foreground', 'apachectl', 'lighttpd',
  'php-fpm', 'php-fpm7', 'php-fpm8', 'php-fpm81', 'php-fpm82', 'php-fpm83', 'php-fpm84', 'php-fpm85', 'php-fpm7.4', 'php-fpm8.1', 'php-fpm8.2', 'php-fpm8.3', 'php-fpm8.4',
  'postfix', 'master', 'dovecot', 'exim', 'mosquitto', 'unbound', 'named', 'dnsmasq', 'squid', 'haproxy', 'vsftpd', 'proftpd', 'pure-ftpd', 'cupsd', 'smbd', 'nmbd', 'rsyslogd', 'crond', 'cron',
]);
/** Servers that, started as root, switch the whole process to their own user: nothing of theirs keeps running as root. */
export const FULLY_DROPPING_SERVERS: ReadonlySet<string> = new Set(['mosquitto', 'unbound', 'named', 'dnsmasq', 'squid', 'ntpd', 'chronyd', 'memcached']);

/** Daemons that need root by what they do: sshd (logins as any user), dockerd and containerd (namespaces, cgroups). */
export const ROOT_DAEMONS: ReadonlySet<string> = new Set(['sshd', 'dockerd', 'dockerd-entrypoint.sh', 'containerd', 'buildkitd', 'podman', 'kubelet', 'systemd', 'init']);

/** A final stage named for development (`dev`, `dev-image`, `devcontainer`, `debug`, `ci`, `test`): a developer's image, not the shipped one. */
const DEVELOPMENT_STAGE = /(^|[-_.])(dev|devel|develop|development|devcontainer|debug|ci|test|tests|testing)([-_.]|$)/;

/** What the image is for, as far as its Dockerfile shows; the user, tools and multi-stage checks weigh their advice by it. */
export interface ImageKind {
  /** The program that does the work (`launch.main`), by base name; null when unknown. */
  program: string | null;
  /** The final stage's chain EXPOSEs a port. */
  exposes: boolean;
  /**
   * Why the image is not an application image, when it is not: `base` (no CMD or ENTRYPOINT of its
   * own: a base for other images), `interactive` (a shell or an interpreter started with no script),
   * `toolchain` (a build tool, compiler or SDK is the program, or the file's name or folder says
   * development or builder image), `tool` (a command-line tool: an ENTRYPOINT and no port). Null for
   * an application or service image.
   */
  notAnApp: 'base' | 'interactive' | 'toolchain' | 'tool' | null;
}

/** The kind of image the final stage makes (see `ImageKind`). */
export function imageKind(facts: DockerfileFacts): ImageKind {
  return memoized(facts, 'imageKind', () => {
    const instructions = chainInstructions(facts);
    const exposes = instructions.some((i) => i.keyword === 'EXPOSE');
    const { entrypoint, cmd } = finalCommands(facts);
    const launch = dockerfileLaunch(facts);
    const main = launch?.main ?? null;
    // `perl5.38.5`, `python3.12`: the interpreter by its plain name.
    const program = main ? posix.basename(main.name).replace(/^(perl|python|ruby|php|node|lua|pypy|tclsh)[\d.]+$/, '$1') : null;
    const args = main?.argv ?? [];
    const plainArgs = args.filter((a) => !a.startsWith('-'));
    let notAnApp: ImageKind['notAnApp'] = null;
    // No program of its own and nothing copied from a build stage: a base for other images (an
    // application image with no CMD, run with the command given, copies its build in).
    if (!entrypoint && !cmd && !instructions.some((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.flags.some((f) => f.name === 'from'))) notAnApp = 'base';
    else if (namedAsToolchainImage(facts.path) || facts.context.devcontainer || DEVELOPMENT_STAGE.test(facts.finalStage?.name ?? '')) notAnApp = 'toolchain';
    // `dotnet app.dll` and `npm start` run an application; `dotnet` and `gradle` alone are the toolchain.
    else if (program && TOOLCHAIN.has(program) && !(program === 'dotnet' && args.some((a) => a.endsWith('.dll'))) && !(['npm', 'yarn', 'pnpm'].includes(program) && plainArgs.length > 0)) notAnApp = 'toolchain';
    else if (program && INTERACTIVE.has(program) && plainArgs.length === 0) notAnApp = 'interactive';
    else if (!exposes && main && args.every((a) => /^--?(help|version|h|V)$/.test(a)) && args.length > 0) notAnApp = 'tool';
    else if (!exposes && entrypoint && !(program && (SELF_DROPPING_SERVERS.has(program) || ROOT_DAEMONS.has(program)))) notAnApp = 'tool';
    return { program, exposes, notAnApp };
  });
}

/**
 * The last `USER` of the final stage's chain, with its value after ARG/ENV substitution
 * (`USER "$UID"` with `ARG UID=0` is root), and whether an earlier USER in the chain was non-root
 * (a `USER root` at the end then switched back by mistake).
 */
export function lastUser(facts: DockerfileFacts): { ins: Instruction; value: string; unresolved: boolean; root: boolean; afterNonRoot: boolean } | null {
  return memoized(facts, 'lastUser', () => {
    const users = chainInstructions(facts).filter((i) => i.keyword === 'USER' && i.args[0]);
    const resolve = (i: Instruction): { value: string; unresolved: boolean } => {
      const raw = i.args[0]!.value.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
      if (!raw.includes('$')) return { value: raw, unresolved: false };
      let unresolved = false;
      const value = raw.replace(/\$\{([A-Za-z_]\w*)(?::?-([^}]*))?\}|\$([A-Za-z_]\w*)/g, (_, a: string | undefined, def: string | undefined, b: string | undefined) => {
        const v = i.vars.get((a ?? b)!);
        if (v === undefined || v === null || v === '') {
          if (def !== undefined) return def;
          unresolved = true;
          return '';
        }
        return v;
      });
      return { value, unresolved };
    };
    const last = users[users.length - 1];
    if (!last) return null;
    const { value, unresolved } = resolve(last);
    const root = !unresolved && isRootUser(value);
    const afterNonRoot = users.slice(0, -1).some((u) => {
      const r = resolve(u);
      return !r.unresolved && !isRootUser(r.value);
    });
    return { ins: last, value, unresolved, root, afterNonRoot };
  });
}

/** True when a RUN of the final stage's chain uses `sudo` with no USER before it: the base image's user is not root. */
export function baseUserIsNotRoot(facts: DockerfileFacts): boolean {
  return memoized(facts, 'baseUserIsNotRoot', () => {
    for (const i of chainInstructions(facts)) {
      if (i.keyword === 'USER') return false;
      const ins = i.trigger ?? i;
      if (ins.keyword === 'RUN' && ins.shell?.commands.some((c) => c.base === 'sudo' && !c.wrappedBy)) return true;
    }
    return false;
  });
}

/** True when the final stage's chain says outright that it runs as root: `ENV USER=root`. */
export function declaresRoot(facts: DockerfileFacts): boolean {
  return chainInstructions(facts).some((i) => i.keyword === 'ENV' && i.properties.some((p) => p.name === 'USER' && p.value !== null && isRootUser(p.value)));
}

/**
 * True when an SSH server is what the image is for, not a leftover: the final stage installs one and
 * configures or starts it (copies an `sshd_config`, or its start scripts run `sshd`). Git servers
 * (git over SSH) and SSH gateways are built this way.
 */
export function sshServerIsPurpose(facts: DockerfileFacts): boolean {
  return memoized(facts, 'sshServerIsPurpose', () => {
    if (toolsLeft(facts, SSH_SERVERS.byPackage).length === 0 && !usedAtRuntime(facts, ['sshd'])) return false;
    const copiesConfig = chainInstructions(facts).some((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && /(^|\/)sshd?_config(\.d)?\/?["']?$|(^|\/)ssh\/?["']?$/.test(i.args[i.args.length - 1]?.value ?? '') || ((i.keyword === 'COPY' || i.keyword === 'ADD') && i.args.some((a) => /sshd_config/.test(a.value))));
    // A service directory for it copied from the context (s6's `docker/s6/openssh/`, an `sshd_config` inside a copied folder).
    const copiesService = facts.context.copiedFiles.some((p) => /(^|\/)(sshd_config|sshd|openssh)(\/|$)/.test(p));
    return copiesConfig || copiesService || usedAtRuntime(facts, ['sshd']);
  });
}

/** True for a base, toolchain or interpreter image (see `ImageKind`): it carries its tools on purpose. */
export function isToolchainImage(facts: DockerfileFacts): boolean {
  const k = imageKind(facts).notAnApp;
  return k === 'base' || k === 'toolchain' || k === 'interactive';
}

const NEED = /\b(run[- ]?time|required|needed|needs?|depends? on|used by|for (the )?(app|application|extensions?|plugins?|users?))\b/i;

/**
 * True when a comment says the packages at `line` are needed: a comment line inside the RUN above
 * that line (`# Runtime dependencies`, `# gcc is required to support cgo`), or the comment block right
 * above the instruction. Authors write that next to what they keep on purpose.
 */
export function commentSaysNeeded(facts: DockerfileFacts, ins: Instruction, line: number): boolean {
  // One pass over the instruction's lines, once (asked per package, a scan up from each package
  // was quadratic in a RUN of thousands of lines; fuzz campaign seed 14).
  const m = memoized(ins, 'commentSaysNeeded', () => {
    let above = false;
    for (let l = ins.range.line - 1; l >= 1; l--) {
      const t = facts.lines.lineText(l).trim();
      if (!t.startsWith('#')) break;
      if (NEED.test(t)) {
        above = true;
        break;
      }
    }
    // For each line of the instruction: what the nearest comment line above it inside the instruction says, else the block above.
    const verdicts: boolean[] = [];
    let nearest: boolean | null = null;
    for (let l = ins.range.line; l <= ins.range.endLine; l++) {
      verdicts.push(nearest ?? above);
      const t = facts.lines.lineText(l).trim();
      if (t.startsWith('#')) nearest = NEED.test(t);
    }
    return { verdicts, above };
  });
  const k = line - ins.range.line;
  if (k < 0) return m.above;
  return m.verdicts[k] ?? m.verdicts[m.verdicts.length - 1] ?? m.above;
}

/** A path the running container writes to, with how the Dockerfile or its context shows it. */
export interface RuntimeWrite {
  path: string;
  /** `VOLUME /data`, `CMD --data-dir`, `ENV UPLOAD_DIR`, `docker-entrypoint.sh runs mkdir on it`. */
  why: string;
}

/** Options that name where a program keeps what it writes (`--data-dir`, `--db-path`, `--log-dir`, `--storage`). */
const WRITE_OPTION = /^--?[\w-]*(data|db|database|storage|uploads?|state|logs?|cache|output|work)([-_]?(dir|directory|path|folder|root))?$/i;
/** Variables that do the same (`DATA_DIR`, `UPLOAD_PATH`, `APP_LOG_DIR`). */
const WRITE_ENV = /^[A-Z0-9_]*(DATA|STORAGE|UPLOADS?|STATE|LOGS?|CACHE|DB)_(DIR|PATH|FOLDER|ROOT|DIRECTORY|HOME)$/;
const KERNEL_PATH = /^\/(dev|proc|sys)(\/|$)/;

/**
 * Where the container built from the final stage writes while it runs, as far as the Dockerfile and
 * its context show: its VOLUMEs, a directory its ENTRYPOINT or CMD names with a data, storage, log
 * or cache option (`--data-dir /app/data`), an ENV such as `DATA_DIR=/app/data`, a path its start
 * scripts run `mkdir`, `touch`, `cp`, `mv`, `ln`, `tee`, `install`, `chmod`, `chown`, `rm` or `sed -i`
 * on, and the paths its program is known to write (`WRITE_PATHS`). Absolute paths only.
 */
export function runtimeWrites(facts: DockerfileFacts): readonly RuntimeWrite[] {
  return memoized(facts, 'runtimeWrites', () => {
    const out: RuntimeWrite[] = [];
    const add = (path: string, why: string): void => {
      const p = posix.normalize(path.replace(/^["']|["']$/g, '')).replace(/\/+$/, '') || '/';
      if (p.startsWith('/') && p !== '/' && !KERNEL_PATH.test(p) && !p.includes('$')) out.push({ path: p, why });
    };
    for (const i of chainInstructions(facts)) {
      if (i.keyword === 'VOLUME') for (const v of i.json ?? i.args.map((a) => a.value)) add(v, `VOLUME ${v}`);
      if (i.keyword === 'ENV') for (const p of i.properties) if (WRITE_ENV.test(p.name) && p.value) add(p.value, `ENV ${p.name}`);
    }
    const { entrypoint, cmd } = finalCommands(facts);
    for (const ins of [entrypoint, cmd]) {
      if (!ins) continue;
      const argv = ins.json ?? (ins.shell?.commands ?? []).flatMap((c) => c.argv);
      argv.forEach((a, k) => {
        const eq = a.indexOf('=');
        if (eq > 0 && WRITE_OPTION.test(a.slice(0, eq))) add(a.slice(eq + 1), `${ins.keyword} ${a.slice(0, eq)}`);
        else if (WRITE_OPTION.test(a) && argv[k + 1]) add(argv[k + 1]!, `${ins.keyword} ${a}`);
      });
    }
    for (const script of facts.context.scripts) {
      if (script.role === 'healthcheck') continue;
      for (const c of script.shell?.commands ?? []) {
        if (!WRITING_COMMANDS.has(c.base) || (c.base === 'sed' && !c.argv.some((a) => /^-\w*i/.test(a)))) continue;
        const pos = positionals(c);
        // cp, mv, ln and install write their last operand; chmod and chown take a mode or owner first; sed's first operand is its script.
        const targets = /^(cp|mv|ln|install)$/.test(c.base) ? pos.slice(-1) : c.base === 'chmod' || c.base === 'chown' || (c.base === 'sed' && !c.argv.includes('-e')) ? pos.slice(1) : pos;
        for (const t of targets) if (t.literal) add(t.value, `${script.path} runs ${c.base} on it`);
      }
    }
    const program = imageKind(facts).program;
    for (const w of (program && WRITE_PATHS.get(program)) || []) if (w.sure) add(w.path, `${program} writes ${w.what} there`);
    return out;
  });
}

/** Databases that, started as root, switch to their own account from their configuration. */
const ACCOUNT_DAEMONS = new Set(['mysqld', 'mariadbd', 'mysqld_safe', 'mongod', 'slapd', 'clickhouse-server']);

/** Commands that create or change accounts: naming a user there is not using it. */
const ACCOUNT_COMMANDS = new Set(['useradd', 'adduser', 'groupadd', 'addgroup', 'usermod', 'groupmod', 'passwd']);

/**
 * The first user the final stage's chain creates (`useradd`, `adduser`) and never uses: no USER names
 * it (or its UID), no `--chown` gives it files, no other RUN command names it as a word (`chown app`,
 * `su app`, `runuser -u app`, `echo 'app:pw' | chpasswd`), and neither the ENTRYPOINT, CMD nor their
 * scripts mention it (`exec gosu app`). Null when every created user is used or none is created, when
 * the program is a server that switches to its own account (nginx, php-fpm, mysqld), and when the
 * ENTRYPOINT runs a script the build context does not hold (it may hand over). An
 * image that runs as root although its author made it a user: the USER line was forgotten.
 */
export function unusedUser(facts: DockerfileFacts): { user: string; at: ShellCommand } | null {
  return memoized(facts, 'unusedUser', () => {
    const instructions = chainInstructions(facts);
    const created: { user: string; uid: string | null; at: ShellCommand }[] = [];
    const mentioned = new Set<string>();
    const words = (text: string): string[] => text.split(/[\s:=,"'()]+/).filter(Boolean);
    for (const i of instructions) {
      const ins = i.trigger ?? i;
      if (ins.keyword === 'USER') for (const w of words(ins.args[0]?.value ?? '')) mentioned.add(w);
      for (const f of ins.flags) if (f.name === 'chown' && f.value) for (const w of words(f.value)) mentioned.add(w);
      if (ins.keyword !== 'RUN') continue;
      for (const c of runCommands(ins)) {
        const made = userCreation(c);
        if (made?.user?.literal) created.push({ user: made.user.value, uid: made.uid?.literal ? made.uid.value : null, at: c });
        if (!ACCOUNT_COMMANDS.has(c.base)) for (const a of c.argv) for (const w of words(a)) mentioned.add(w);
      }
    }
    // The ENTRYPOINT and CMD arguments (not the program: `CMD ["app"]` is no use of user app) and the words of their scripts.
    const runtime = new Set<string>();
    for (const i of instructions) {
      if (i.keyword !== 'CMD' && i.keyword !== 'ENTRYPOINT') continue;
      for (const a of (i.json ?? []).slice(1)) for (const w of words(a)) runtime.add(w);
      for (const c of i.shell?.commands ?? []) for (const a of c.argv) for (const w of words(a)) runtime.add(w);
    }
    // Words of the scripts' commands (`chown app`, `su app -c`), not of their paths (`/home/app/server` names a directory).
    for (const script of facts.context.scripts) for (const c of script.shell?.commands ?? []) for (const a of c.argv) for (const w of words(a)) runtime.add(w);
    const programs = instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT').flatMap((i) => [...(i.json ?? []), ...(i.shell?.commands ?? []).map((c) => c.name)]).map((w) => posix.basename(w));
    // A server that switches to its own account (nginx's `user nginx;`, mysqld's `user=mysql`) uses the user it was made for;
    // a start script the context does not hold may hand over to it (`exec gosu postgres`): neither is known to be unused.
    if (programs.some((p) => SELF_DROPPING_SERVERS.has(p) || FULLY_DROPPING_SERVERS.has(p) || ACCOUNT_DAEMONS.has(p))) return null;
    if (facts.context.scripts.length === 0 && programs.some((p) => /\.sh$|entrypoint/i.test(p))) return null;
    const unused = created.find((u) => !mentioned.has(u.user) && !(u.uid !== null && mentioned.has(u.uid)) && !runtime.has(u.user));
    return unused ? { user: unused.user, at: unused.at } : null;
  });
}
