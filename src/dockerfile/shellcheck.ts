/**
 * ShellCheck over a Dockerfile: every shell-form RUN body (ONBUILD RUN triggers included) and every
 * entrypoint script read from the build context, in ONE `shellcheck` process per Dockerfile, the
 * comments mapped back to the line and column of the Dockerfile (or the script). A fact computed by
 * the analysis once ShellCheck is known to be there (`src/analyze.ts`); the check
 * `correctness/shellcheck` only reports it.
 *
 * Each body is a file of its own in a temporary directory, all given to the one process: a body
 * ShellCheck cannot parse then costs only its own findings, an `exit` in one RUN does not make the
 * next unreachable, and a variable one RUN assigns is not taken as assigned in the next (each RUN is
 * a shell of its own). Each file starts with the stage's shell (`SHELL`, else the `/bin/sh` of the
 * base image: dash on Debian and Ubuntu, BusyBox's ash on Alpine, bash on the Red Hat family) and an
 * `export` of the ARG and ENV names declared there, so `$VERSION` is not "referenced but not
 * assigned"; the body follows as the shell receives it (line continuations joined), and every
 * character of it knows where it is in the Dockerfile.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DockerfileFacts, Instruction, ScriptFile, ShellcheckComment, ShellcheckFacts, ShellcheckLevel, Stage } from './model.js';
import { shellBodies } from './parse.js';
import { stageChain } from './stages.js';
import { isWindowsImage } from './runtime.js';
import { mappedRange, type MappedText, type Range } from '../util/text.js';
import { baseBinSh, binShOfPackageManager, type BinSh } from '../knowledge/base-shell.js';

export type { ShellcheckComment, ShellcheckFacts, ShellcheckLevel } from './model.js';

/**
 * The codes never reported, as hadolint excludes them: SC1090 and SC1091 (a `source` of a file
 * ShellCheck cannot follow, which a Dockerfile has no way to point it at) and SC2187 (ash is checked
 * as dash, said once per file).
 */
export const HADOLINT_EXCLUDED = ['SC1090', 'SC1091', 'SC2187'] as const;

/**
 * Codes shipshape does not report either, judged on the review set: SC2016 (a `$VAR` in single quotes:
 * in Dockerfiles and entrypoints that is how a config file or an envsubst template is written),
 * SC1010 (`mix do deps.get, compile` is Elixir's `do`, not the shell's), SC2223 (`: ${VAR:=default}`,
 * the entrypoint idiom, "may cause DoS due to globbing" only for a default holding a glob), SC2119 and
 * SC2120 (a function that reads "$@" called without arguments: in entrypoints, wrappers such as
 * `popd() { command popd "$@" >/dev/null; }`, all of the review set's). ShellCheck's
 * `style` comments (`! -z` for `-n`, backticks, a useless cat) are not asked for: they change nothing
 * a container does.
 */
export const NOT_REPORTED = ['SC1010', 'SC2016', 'SC2119', 'SC2120', 'SC2223'] as const;

/**
 * Codes not reported in RUN bodies, only in scripts: word splitting of an unquoted variable or command
 * substitution (SC2086, SC2046). A RUN splits the Dockerfile's own values, and on purpose: package
 * lists (`apt-get install $buildDeps`), `make -j$(nproc)`, `apt-mark manual $savedAptMark`; quoting
 * them breaks the build. An entrypoint script splits values the user of the image passes. And
 * SC2155, `export GNUPGHOME="$(mktemp -d)"`: the official images' idiom (93 of the real corpus's 107),
 * which no reviewer changes in a RUN.
 */
const NOT_IN_RUN = new Set([2086, 2046, 2155]);

export interface ShellcheckOptions {
  /** The `shellcheck` executable. */
  binary: string;
  /** Codes not to report (`SC2086`), on top of `HADOLINT_EXCLUDED`. */
  exclude?: readonly string[];
  /** How long the one process may take (default 5 minutes: a busy machine is slow, not stuck). */
  timeoutMs?: number;
}

/**
 * Past these, a Dockerfile is not given to ShellCheck (it would take minutes on a busy machine): the
 * fact says so. Real Dockerfiles have tens of RUNs; the largest of the real corpus has under 200.
 */
const MAX_FILES = 1000;
const MAX_BYTES = 2 * 1024 * 1024;
const MAX_UNIT_BYTES = 64 * 1024;
const MAX_UNIT_EXPANSIONS = 500;

/** The proxy variables BuildKit gives every RUN without an ARG (its predefined build arguments). */
const PREDEFINED = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** ShellCheck's name for a shell, and whether POSIX-portability warnings (SC3xxx) hold for it. */
interface Dialect {
  shell: 'sh' | 'dash' | 'bash' | 'ksh';
  /** BusyBox's ash has `[[`, `source`, `$RANDOM`…: ShellCheck (before 0.10) checks it as POSIX sh, so its SC3xxx are not reported. */
  portability: boolean;
}

const FROM_BIN_SH: Record<BinSh, Dialect> = {
  dash: { shell: 'dash', portability: true },
  busybox: { shell: 'sh', portability: false },
  bash: { shell: 'bash', portability: true },
};

/** The dialect of a shell program named by SHELL or a shebang (`/bin/bash`, `ash`); null for one ShellCheck cannot read (zsh, pwsh). */
function dialectOf(program: string, binSh: BinSh | null): Dialect | null {
  const exe = program.replace(/\\/g, '/').split('/').pop()!.toLowerCase().replace(/\.exe$/, '');
  // An image that does not say which /bin/sh it has may have any: portability is not judged.
  if (exe === 'sh') return binSh ? FROM_BIN_SH[binSh] : { shell: 'sh', portability: false };
  if (exe === 'bash') return { shell: 'bash', portability: true };
  if (exe === 'dash') return { shell: 'dash', portability: true };
  if (exe === 'ash' || exe === 'busybox') return FROM_BIN_SH.busybox;
  if (exe === 'ksh' || exe === 'mksh' || exe === 'ksh93') return { shell: 'ksh', portability: true };
  return null;
}

/** The `/bin/sh` of a stage: from its base image, else from the package manager its RUNs use. */
function stageBinSh(stage: Stage | null): BinSh | null {
  if (!stage) return null;
  const chain = stageChain(stage);
  const fromImage = baseBinSh(chain[0]?.image ?? null);
  if (fromImage) return fromImage;
  const seen = new Set<BinSh>();
  for (const s of chain) {
    for (const ins of s.instructions) {
      for (const c of ins.keyword === 'RUN' ? (ins.shell?.commands ?? []) : []) {
        const b = binShOfPackageManager(c.base);
        if (b) seen.add(b);
      }
    }
  }
  return seen.size === 1 ? [...seen][0]! : null;
}

/** The shell a RUN runs in: the last SHELL before it in its stage chain, else `/bin/sh`. */
function runDialect(facts: DockerfileFacts, ins: Instruction, at: number): Dialect | null {
  if (ins.nonPosixShell) return null;
  const stage = ins.stage;
  const lists = stage ? stageChain(stage).map((s) => s.instructions).reverse() : [facts.instructions.filter((i) => i.stage === null)];
  for (const list of lists) {
    for (let k = list.length - 1; k >= 0; k--) {
      const i = list[k]!;
      if (i.range.line >= at && (list === lists[0])) continue;
      if (i.keyword === 'SHELL' && i.json?.[0]) return dialectOf(i.json[0], stageBinSh(stage));
    }
  }
  return dialectOf('sh', stageBinSh(stage));
}

/** One file given to ShellCheck and how its positions map back. */
interface Unit {
  name: string;
  text: string;
  dialect: Dialect;
  /** File line (1-based) -> the line of the body or script (1-based); 0 for a line of the header. */
  lines: number[];
  run: { ins: Instruction; body: MappedText; starts: number[] } | null;
  script: ScriptFile | null;
}

/**
 * The `export` line of a file's header: each name declared where the body runs, with its value when
 * the Dockerfile gives one that holds no variable (`ARG VERSION=1.2.3`), so ShellCheck knows
 * `$VERSION` is a word without spaces and does not ask to quote it; a name without a value (a build
 * argument given at build time) is exported bare, so it is not "referenced but not assigned".
 */
function exportLine(names: ReadonlyMap<string, string | null>, body: string): string {
  const words: string[] = [];
  // Only the names the body mentions: a Dockerfile with 30k ARGs must not give every RUN 30k exports.
  const used = new Set(body.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  for (const [name, value] of names) {
    // BuildKit's proxy variables always: ShellCheck then asks about a near miss (`$RTTP_PROXY`).
    if (!NAME.test(name) || !(used.has(name) || PREDEFINED.includes(name))) continue;
    words.push(value !== null && value !== '' && !value.includes('$') && !value.includes("'") && !value.includes('\n') && !value.includes('\\') ? `${name}='${value}'` : name);
  }
  return words.length ? `export ${words.join(' ')}` : '';
}

/** The file ShellCheck reads: a shell line, the names to export, then the body, whose own shebang (a heredoc script) stays a comment. */
function unitText(dialect: Dialect, names: ReadonlyMap<string, string | null>, body: string): { text: string; lines: number[] } {
  const header = [`#!/bin/${dialect.shell}`, exportLine(names, body)];
  const bodyText = body.startsWith('#!') ? `# ${body.slice(2)}` : body;
  const n = bodyText.split('\n').length;
  return { text: `${header.join('\n')}\n${bodyText}\n`, lines: [0, 0, ...Array.from({ length: n }, (_, k) => k + 1)] };
}

/** A script of the context as ShellCheck reads it: its shebang first, then the header lines. */
function scriptUnit(script: ScriptFile, names: readonly string[], binSh: BinSh | null, name: string): Unit | null {
  const text = script.text;
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  // Without a shebang, only a file named as a shell script is one (a config file named as an argument is not).
  if (!shebang && !/\.(?:sh|bash)$/i.test(script.path)) return null;
  const program = shebang ? (shebang[1]!.endsWith('/env') ? (shebang[2] ?? '') : shebang[1]!) : 'sh';
  const dialect = dialectOf(program, binSh);
  if (!dialect) return null;
  const header = [`# shellcheck shell=${dialect.shell}`, exportLine(new Map(names.map((n) => [n, null])), text)];
  const rest = shebang ? (nl < 0 ? '' : text.slice(nl + 1)) : text;
  const n = rest.split('\n').length;
  const lines = shebang ? [1, 0, 0, ...Array.from({ length: n }, (_, k) => k + 2)] : [0, 0, ...Array.from({ length: n }, (_, k) => k + 1)];
  const out = shebang ? `${first}\n${header.join('\n')}\n${rest}` : `${header.join('\n')}\n${rest}`;
  return { name, text: out.endsWith('\n') ? out : `${out}\n`, dialect, lines, run: null, script };
}

/** The words of a RUN that may be variable names (in its body and its heredocs), each once. */
function mentioned(ins: Instruction): string[] {
  return [...new Set([ins.body, ...ins.heredocs.map((h) => h.body)].flatMap((t) => t.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []))];
}

/** The ARG and ENV names declared where each RUN runs (ENV only for an ONBUILD trigger, which runs in another build), and the final stage's ENV names. */
function declaredNames(facts: DockerfileFacts): { at: Map<Instruction, Map<string, string | null>>; finalEnv: string[] } {
  const at = new Map<Instruction, Map<string, string | null>>();
  const none = (names: Iterable<string>): [string, null][] => [...names].map((n) => [n, null]);
  const endOf = new Map<Stage, { all: Set<string>; env: Set<string> }>();
  let all = new Set<string>();
  let env = new Set<string>();
  let stage: Stage | null = null;
  const close = (): void => {
    if (stage) endOf.set(stage, { all, env });
  };
  for (const ins of facts.instructions) {
    if (ins.keyword === 'FROM') {
      close();
      stage = ins.stage;
      const parent = stage?.parent ? endOf.get(stage.parent) : undefined;
      all = new Set(parent?.all ?? []);
      env = new Set(parent?.env ?? []);
      continue;
    }
    if (ins.keyword === 'ARG' || ins.keyword === 'ENV') {
      for (const p of ins.properties) {
        all.add(p.name);
        if (ins.keyword === 'ENV') env.add(p.name);
      }
    }
    // A RUN knows the values its ARG and ENV lines give; a trigger runs in another build, which may set them otherwise.
    // Only the names the body mentions: 20k RUNs after 20k ARGs must not copy 20k names each.
    if (ins.keyword === 'RUN') at.set(ins, new Map([...none(PREDEFINED), ...mentioned(ins).filter((n) => all.has(n)).map((n) => [n, ins.vars.get(n) ?? null] as [string, string | null])]));
    if (ins.trigger?.keyword === 'RUN') at.set(ins.trigger, new Map(none([...PREDEFINED, ...mentioned(ins.trigger).filter((n) => env.has(n))])));
  }
  close();
  const final = facts.finalStage ? endOf.get(facts.finalStage) : undefined;
  return { at, finalEnv: [...(final?.env ?? [])] };
}

/**
 * A Dockerfile for Windows, whose RUN bodies are cmd or PowerShell: a Windows base or SHELL
 * (`isWindowsImage`), Windows' own users (`USER ContainerAdministrator`), or hadolint's
 * `# hadolint shell=powershell` pragma.
 */
function forWindows(facts: DockerfileFacts): boolean {
  if (isWindowsImage(facts)) return true;
  if (facts.instructions.some((i) => i.keyword === 'USER' && /^(ContainerAdministrator|ContainerUser)$/i.test(i.body.trim()))) return true;
  return facts.comments.some((c) => /^#?\s*hadolint\s+shell\s*=\s*(powershell|pwsh|cmd)\b/i.test(c.text.trim()));
}

/** The files to give ShellCheck for one Dockerfile. */
function unitsOf(facts: DockerfileFacts): Unit[] {
  if (forWindows(facts)) return [];
  const names = declaredNames(facts);
  const units: Unit[] = [];
  for (const { ins, body } of shellBodies(facts)) {
    if (ins.keyword !== 'RUN' || body.text.trim() === '') continue;
    const dialect = runDialect(facts, ins, ins.onbuild ? ins.range.line : ins.range.line);
    if (!dialect) continue;
    const { text, lines } = unitText(dialect, names.at.get(ins) ?? new Map(PREDEFINED.map((n) => [n, null])), body.text);
    const starts = [0];
    for (let i = 0; i < body.text.length; i++) if (body.text.charCodeAt(i) === 10) starts.push(i + 1);
    units.push({ name: `run-${units.length + 1}.sh`, text, dialect, lines, run: { ins, body, starts }, script: null });
  }
  const binSh = stageBinSh(facts.finalStage);
  for (const s of facts.context.scripts) {
    const u = scriptUnit(s, [...PREDEFINED, ...names.finalEnv], binSh, `script-${units.length + 1}.sh`);
    if (u) units.push(u);
  }
  return units;
}

interface RawComment {
  file: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  level: string;
  code: number;
  message: string;
}

/** A ShellCheck position (1-based line and column, tabs as one column) as an offset in the body, or in the script's own lines. */
function place(facts: DockerfileFacts, u: Unit, c: RawComment): Range | null {
  const bodyLine = (line: number): number => {
    const l = u.lines[Math.min(Math.max(line, 1), u.lines.length) - 1] ?? 0;
    return l;
  };
  const startLine = bodyLine(c.line);
  const endLine = bodyLine(c.endLine) || startLine;
  if (u.run) {
    const { body, starts } = u.run;
    // A comment on the header (the shell line, the exports) is about the whole body: its start.
    const offsetOf = (line: number, column: number): number => {
      if (line === 0) return 0;
      const s = starts[line - 1] ?? body.text.length;
      const lineEnd = line < starts.length ? starts[line]! - 1 : body.text.length;
      return Math.min(s + Math.max(column - 1, 0), lineEnd);
    };
    const a = offsetOf(startLine, startLine ? c.column : 1);
    const b = Math.max(a, offsetOf(endLine, endLine ? c.endColumn : 1));
    return mappedRange(facts.lines, body, a, b);
  }
  if (!startLine) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return { line: startLine, column: c.column, endLine: Math.max(endLine, startLine), endColumn: endLine === startLine ? Math.max(c.endColumn, c.column) : c.endColumn };
}

function run(binary: string, args: readonly string[], cwd: string, timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { cwd, timeout, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
      if (!e) return resolve({ code: 0, stdout, stderr });
      if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
      resolve({ code: -1, stdout, stderr: e.killed ? `timed out after ${Math.round(timeout / 1000)} s` : (e.message.split('\n', 1)[0] ?? String(e)) });
    });
  });
}

/** Comments outside SC3xxx that are only about what POSIX sh lacks (arguments to `.`, the `function` keyword). */
const NOT_PORTABLE = new Set([2112, 2240]);

const LEVELS = new Set(['error', 'warning', 'info', 'style']);

/**
 * One syntax error, one comment: ShellCheck says SC1009 ("the mentioned syntax error was in…") and
 * SC1072 ("fix any mentioned problems and try again") beside the comment that names the error; those
 * two go when the body or script has that comment.
 */
function withoutCompanions(comments: ShellcheckComment[]): ShellcheckComment[] {
  const key = (c: ShellcheckComment): string => `${c.file ?? ''}\0${c.instruction?.range.line ?? ''}`;
  const named = new Set(comments.filter((c) => /^SC1\d{3}$/.test(c.code) && c.code !== 'SC1009' && c.code !== 'SC1072' && c.level === 'error').map(key));
  return comments.filter((c) => !((c.code === 'SC1009' || c.code === 'SC1072') && named.has(key(c))));
}

/** Runs ShellCheck once over the RUN bodies and entrypoint scripts of a parsed Dockerfile; the process starts before this returns its promise. */
export async function runShellcheck(facts: DockerfileFacts, options: ShellcheckOptions): Promise<ShellcheckFacts> {
  const all = unitsOf(facts);
  // ShellCheck's time grows much faster than the number of variables a body uses or declares: a body past
  // these is left out (a generated RUN of 30k words), and the fact says so.
  const units = all.filter((u) => u.text.length <= MAX_UNIT_BYTES && (u.text.match(/\$/g)?.length ?? 0) <= MAX_UNIT_EXPANSIONS);
  const left = all.length - units.length;
  const leftOut = left ? `${left} shell bod${left === 1 ? 'y' : 'ies'} too large for ShellCheck (over ${MAX_UNIT_BYTES / 1024} KB or ${MAX_UNIT_EXPANSIONS} expansions); not checked` : null;
  if (units.length === 0) return { comments: [], error: leftOut };
  const bytes = units.reduce((n, u) => n + u.text.length, 0);
  if (units.length > MAX_FILES || bytes > MAX_BYTES) return { comments: [], error: `too large for ShellCheck (${units.length} shell bodies, ${Math.round(bytes / 1024)} KB); not checked` };
  const exclude = [...new Set([...HADOLINT_EXCLUDED, ...NOT_REPORTED, ...(options.exclude ?? [])].map((c) => c.toUpperCase()))];
  // Written and started before the first await: the caller runs its other checks while ShellCheck
  // runs in its own process (the main thread is busy until then, so an await here would wait for it).
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-shellcheck-'));
  try {
    for (const u of units) writeFileSync(join(dir, u.name), u.text);
    const args = ['--format=json1', '--norc', '--severity=info', `--exclude=${exclude.join(',')}`, ...units.map((u) => u.name)];
    const r = await run(options.binary, args, dir, options.timeoutMs ?? 5 * 60_000);
    if (r.code !== 0 && r.code !== 1) return { comments: [], error: `shellcheck (${options.binary}) failed: ${(r.stderr.trim().split('\n', 1)[0] ?? '') || `exit status ${r.code}`}` };
    let raw: RawComment[];
    try {
      raw = (JSON.parse(r.stdout) as { comments: RawComment[] }).comments;
    } catch {
      return { comments: [], error: `shellcheck (${options.binary}) printed no JSON (is it ShellCheck 0.7 or newer?)` };
    }
    const byName = new Map(units.map((u) => [u.name, u]));
    const comments: ShellcheckComment[] = [];
    for (const c of raw) {
      const u = byName.get(c.file);
      if (!u || !LEVELS.has(c.level)) continue;
      const code = `SC${c.code}`;
      if (u.run && NOT_IN_RUN.has(c.code)) continue;
      if (!u.dialect.portability && ((c.code >= 3000 && c.code < 4000) || NOT_PORTABLE.has(c.code))) continue;
      const range = place(facts, u, c);
      if (!range) continue;
      comments.push({ code, level: c.level as ShellcheckLevel, message: c.message, file: u.script?.path ?? null, range, instruction: u.run?.ins ?? null });
    }
    return { comments: withoutCompanions(comments), error: leftOut };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
