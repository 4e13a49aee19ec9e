/**
 * The one analysis entry. Resolved targets go in: a Dockerfile with its build context, an image
 * archive, an image with the Dockerfile that built it, Kubernetes manifests (`analyze-manifests.ts`). One result per target comes out, ready for
 * any reporter. The CLI, the GitHub Action, the conformance and precision runners and every other
 * front end call this module; none of them runs checks by itself.
 *
 * What happens here, per target: the config file that applies is found and resolved (`--config`, or
 * the nearest `.shipshape.yaml`), the input is read into facts (`src/dockerfile/`, `src/image/`), the
 * checks run through the engine (`src/engine/`), inline ignores apply, findings are sorted.
 */
import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, posix, resolve as resolvePath } from 'node:path';
import { MAX_GRAMMAR_HEREDOCS, MAX_GRAMMAR_SHELL_BYTES, MAX_SHELL_COMMANDS, missingTarget, parseDockerfile, ShellCache, type ParseOptions } from './dockerfile/parse.js';
import { cachingReader, directoryReader, type ContextReader } from './dockerfile/context.js';
import { filePragmas } from './dockerfile/pragmas.js';
import { KNOWN_INSTRUCTIONS, type DockerfileFacts } from './dockerfile/model.js';
import { grammarFailure } from './shell/shell.js';
import { MAX_FINDINGS_PER_CHECK, runDockerfileChecks, runImageChecks, sortFindings } from './engine/run.js';
import type { Check, CheckSettings, Finding, FixKind, KnownImage, Severity } from './engine/types.js';
import { applySuppressions } from './engine/suppress.js';
import { checkIdOf, designates, designatesFinding, findingIdOf, findingNames } from './engine/names.js';
import type { ShellcheckFacts, ShellcheckOptions } from './dockerfile/shellcheck.js';
import { fingerprint, fingerprintText, type BaselineOutcome } from './engine/baseline.js';
import { ConfigError, configFinder, findingSeverityFrom, HADOLINT_CONFIG_NAMES, resolveFor, severityFrom, type FailOn, type LoadedConfig, type ShellcheckMode } from './engine/config-resolve.js';
import type { FindingSeverity } from './engine/run.js';
import type { ImageFacts } from './image/facts.js';
import type { ImageReadOptions, ImageTarget } from './image/read-images.js';
import type { OpenedSource, SourceOptions } from './image/sources/index.js';
import type { Input } from './targets.js';
import type { TargetResult } from './report/model.js';
import type { ManifestJob, PairingSources } from './analyze-manifests.js';
import { checks as allChecks } from '../checks/index.js';
import { thousands } from './util/count.js';

export { allChecks as checks };
/** How many times the shell grammar has failed in this process, and how (a long-lived front end says so once). */
export { grammarFailure };
export type { Finding, Check, Severity };

/** A problem with what the user asked for (a flag, a config file, the `--dockerfile`): one line, exit status 2. */
export class UsageError extends Error {}

export interface AnalyzeOptions extends ParseOptions {
  checks?: readonly Check[];
  /** Rule ids or whole categories to skip. */
  ignore?: readonly string[];
  severity?: (check: Check) => Severity;
  /** The config's severity for findings with their own id (ShellCheck's `SC2086`). */
  findingSeverity?: FindingSeverity;
  /** Repository settings checks read through `ctx.settings` (from the config file). */
  settings?: CheckSettings;
  /** The ShellCheck to run when a check needs it (`findShellcheck`); unset or null: ShellCheck does not run. */
  shellcheck?: Pick<ShellcheckOptions, 'binary' | 'timeoutMs'> | null;
}

/** The checks left after `ignore` (rule ids, categories or peer aliases). */
export function selectChecks(ignore: readonly string[] = [], from: readonly Check[] = allChecks): Check[] {
  if (ignore.length === 0) return [...from];
  return from.filter((c) => !ignore.some((name) => designates(c, name)));
}

/** Parses and checks one Dockerfile. */
export async function analyzeDockerfile(text: string, options: AnalyzeOptions = {}): Promise<{ facts: DockerfileFacts; findings: Finding[]; overflow: Map<string, number> }> {
  const facts = await parseDockerfile(text, options);
  const known = options.checks ? [...allChecks, ...options.checks] : allChecks;
  const checks = selectChecks(options.ignore, options.checks ?? allChecks);
  // Names of kinds of findings (`SC2086`, `shellcheck/SC2086`) in the ignore list: those findings go, their check stays.
  const dropped = findingNames(known, options.ignore ?? []);
  const shellchecking = checks.filter((c) => c.needs?.includes('shellcheck'));
  let shellcheck: Promise<ShellcheckFacts> | null = null;
  if (options.shellcheck && shellchecking.length) {
    // Loaded (with node:child_process) only for a run that has ShellCheck to run.
    const { runShellcheck } = await import('./dockerfile/shellcheck.js');
    // ShellCheck itself skips the codes ignored (as it writes them: SC2086).
    const exclude = dropped.flatMap((n) => shellchecking.map((c) => findingIdOf(c, n)).filter((id): id is string => id !== null));
    // Started here and awaited after the other checks, which run meanwhile; findings are sorted
    // below, so the report is the same. The catch only keeps a throw of the other checks from
    // leaving this promise's failure unhandled: it is awaited, and so rethrown, below.
    shellcheck = runShellcheck(facts, { ...options.shellcheck, exclude });
    shellcheck.catch(() => undefined);
  }
  const overflow = new Map<string, number>();
  const runOpts = { ...(options.severity ? { severity: options.severity } : {}), ...(options.findingSeverity ? { findingSeverity: options.findingSeverity } : {}), ...(options.settings ? { settings: options.settings } : {}), overflow };
  let raw = runDockerfileChecks(facts, shellcheck ? checks.filter((c) => !shellchecking.includes(c)) : checks, runOpts);
  if (shellcheck) {
    facts.shellcheck = await shellcheck;
    raw = raw.concat(runDockerfileChecks(facts, shellchecking, runOpts));
  }
  if (dropped.length) raw = raw.filter((f) => !dropped.some((n) => designatesFinding(checks.find((c) => c.id === checkIdOf(f)) ?? { id: checkIdOf(f), category: f.category }, f.messageId, n)));
  const { findings } = applySuppressions(filePragmas(facts), raw, { ran: checks, known, ...(options.severity ? { severity: options.severity } : {}) });
  return { facts, findings: sortFindings(findings), overflow };
}

/** The note for the findings a check had past MAX_FINDINGS_PER_CHECK on one file. */
export function overflowNotes(path: string, overflow: ReadonlyMap<string, number>): string[] {
  return [...overflow].map(([rule, n]) => `${path}: ${thousands(n)} more findings of ${rule} not reported (at most ${thousands(MAX_FINDINGS_PER_CHECK)} per rule and file)`);
}

/**
 * The `shellcheck` executable a mode asks for: `auto` the one on the PATH (null when there is none),
 * `on` the same but a `UsageError` without one, `off` null; any other value is a path to the
 * executable, which must exist.
 */
export function findShellcheck(mode: ShellcheckMode | string, where = 'shellcheck'): string | null {
  if (mode === 'off') return null;
  const executable = (p: string): boolean => {
    try {
      accessSync(p, fsConstants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (mode !== 'auto' && mode !== 'on') {
    const p = isAbsolute(mode) || mode.includes('/') ? resolvePath(mode) : mode;
    if (p.includes('/')) {
      if (!executable(p)) throw new UsageError(`${where} ${mode}: no executable file there`);
      return p;
    }
    const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, p)).find(executable);
    if (!onPath) throw new UsageError(`${where} ${mode}: not found on the PATH`);
    return onPath;
  }
  const found = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'shellcheck')).find(executable) ?? null;
  if (!found && mode === 'on') throw new UsageError(`${where}: on, but there is no shellcheck on the PATH (install it, e.g. apt-get install shellcheck, or name it: --shellcheck /path/to/shellcheck)`);
  return found;
}

/** False for text with lines but not one known instruction (a README given by mistake). Empty files pass: they get a finding. */
export function looksLikeDockerfile(facts: DockerfileFacts): boolean {
  const all = facts.instructions;
  if (all.length === 0) return true;
  const known = all.filter((i) => KNOWN_INSTRUCTIONS.has(i.keyword)).length;
  // Prose with an instruction-like line in it (a README quoting `CMD npm start`) starts with a word
  // that is no instruction and is mostly such lines; a Dockerfile with a typo is mostly instructions.
  return known > 0 && (KNOWN_INSTRUCTIONS.has(all[0]!.keyword) || known * 2 > all.length);
}

export interface ImageAnalyzeOptions extends ImageReadOptions {
  checks: readonly Check[];
  /** The Dockerfile the image was built from: findings name its lines, the base ends at its FROM. */
  dockerfile?: DockerfileFacts | null;
  severity?: (check: Check) => Severity;
  /** Config-file settings (allowedTools, trustedRegistries, baseFindings…) the checks read as `ctx.settings`. */
  settings?: CheckSettings;
}

export interface ImageResult {
  path: string;
  findings: Finding[];
  image: ImageFacts;
  /** Things the user should know about how the archive was read (the platform chosen…). */
  notes: string[];
}

/** Reads an archive (one streaming pass) and runs the image side of the checks on each image in it. */
export async function analyzeImage(target: ImageTarget, options: ImageAnalyzeOptions): Promise<{ results: ImageResult[] }> {
  // The image reader (tar walk, zstd, zod schemas) loads only when an image is given.
  const [{ readImages }, { labelImageFinding }, { buildSource }] = await Promise.all([import('./image/read-images.js'), import('./image/origin.js'), import('./pair/trace.js')]);
  const images = await readImages(target, options);
  const df = options.dockerfile ?? null;
  const settings = options.settings ?? {};
  return {
    results: images.map((image) => {
      const build = df ? buildSource(image, df) : null;
      // A Dockerfile whose instructions match none of the history did not build this image: say so.
      if (df && !build?.trace) image.notes.push(`${image.path}: its history matches no instruction of ${df.path}; findings are not traced to Dockerfile lines`);
      else if (df && build?.trace && !build.trace.complete) image.notes.push(`${image.path}: its history matches ${df.path} only from line ${[...build.trace.lineOf.values()].reduce((min, l) => Math.min(min, l), Infinity)} on (changed since the build?); the base image is told apart from the history`);
      const findings = runImageChecks(image, options.checks, {
        settings,
        ...(options.severity ? { severity: options.severity } : {}),
        dockerfile: df && build ? { facts: df, build } : null,
        amend: labelImageFinding({ image, build, settings }),
      });
      return { path: image.path, image, notes: image.notes, findings: sortFindings(findings) };
    }),
  };
}

/** What a front end asks of a run over several targets. */
export interface RunRequest {
  /** Rules, categories or peer ids to skip (on top of the config's `ignore`); validated by the caller. */
  ignore?: readonly string[];
  /** A config file to use instead of the nearest `.shipshape.yaml` above each target. */
  config?: string;
  /** The exit threshold the caller set; unset: the config's `failOn`, else `warning`. */
  failOn?: FailOn;
  /** Report what base images own at full severity. */
  baseFindings?: boolean;
  /** The build context for every Dockerfile target (default: each Dockerfile's directory). */
  context?: string;
  /** For image targets: the platform to pick from a multi-platform index. */
  platform?: string;
  /** For image targets: the one image of an archive holding several. */
  imageRef?: string;
  /** For image targets: the Dockerfile they were built from. */
  dockerfile?: string;
  /** The stage analyzed as the image (`docker build --target`); the config's `target` otherwise. */
  target?: string;
  /**
   * Fix the Dockerfile targets (and the scripts of their build contexts) with the fixes of these
   * kinds; the results then hold the fixed texts and the findings left. With `dockerfile`, that
   * Dockerfile is fixed too, with what its image knows (users, digests).
   */
  fix?: readonly FixKind[];
  /** For manifest targets: images to match their containers against (`--image`: archives, layout directories, names in the engine or a registry). */
  images?: readonly string[];
  /** For manifest targets: a container nothing else matches is read from the local engine when it has its image (`--images-from-engine`). */
  imagesFromEngine?: boolean;
  /** For images in a registry, the engine or a layout directory: pull policy, credentials, timeouts. */
  sources?: SourceOptions;
  /** `--shellcheck`: auto, on, off or the executable's path; the config's `shellcheck` otherwise (default auto). */
  shellcheck?: string;
}

/** A file a fix changed: where it is and its text before and after. */
export interface FixedFile {
  /** The path as the user named it (the Dockerfile), or the context directory joined with the script's path. */
  path: string;
  before: string;
  after: string;
}

/** One analyzed target: what reporters print, the threshold that decides its exit status, notes for stderr. */
export interface AnalyzedTarget extends TargetResult {
  failOn: FailOn;
  notes: string[];
  /** The build context a Dockerfile was read with (entrypoint-script findings are in it). */
  contextDir?: string;
  /** The baseline file its config names (absolute), if any. */
  baseline?: string;
  /** With `fix`: the files changed and the number of fixes applied (findings are then those left). */
  fixed?: { files: FixedFile[]; applied: number; passes: number };
}

/** True when at least one analyzed target holds a finding at or above its fail threshold. */
export function failed(results: readonly AnalyzedTarget[], rank: Record<Severity, number>): boolean {
  return results.some((r) => r.failOn !== 'none' && r.findings.some((f) => rank[f.severity] >= rank[r.failOn as Severity]));
}

/**
 * Analyzes resolved targets, each with the config that applies to it. A target that cannot be read
 * is a result with its `error` set; a bad flag or config file throws a `UsageError`.
 */
export async function analyzeTargets(inputs: readonly Input[], request: RunRequest = {}): Promise<AnalyzedTarget[]> {
  const setup = await configLoader(request);
  const built = request.dockerfile ? await pairedDockerfile(request.dockerfile, request.context) : null;
  // One reader per build context: Dockerfiles side by side share theirs. With --fix, which writes
  // files, one per target: its passes read the same files again, which nothing writes meanwhile.
  const readers = new Map<string, ContextReader>();
  const readerFor = (dir: string): ContextReader => {
    if (request.fix) return cachingReader(directoryReader(dir));
    let r = readers.get(dir);
    if (!r) readers.set(dir, (r = cachingReader(directoryReader(dir))));
    return r;
  };
  // Image targets are read first: what they know (users, digests) serves the fixes of the Dockerfiles.
  const slots: AnalyzedTarget[][] = inputs.map(() => []);
  const knownImages: KnownImage[] = [];
  // Manifests are analyzed last, against the images and Dockerfiles the other targets were.
  const manifests: { at: number; job: ManifestJob }[] = [];
  const pairing: PairingSources | null = inputs.some((i) => i.kind === 'manifest') ? { images: [], dockerfiles: built ? [{ facts: built, file: built.path }] : [] } : null;
  if (request.images?.length && !pairing) throw new UsageError(`--image ${request.images[0]}: no Kubernetes manifest among the targets to run it; to analyze the image itself, give it as a target`);
  if (request.imagesFromEngine && !pairing) throw new UsageError('--images-from-engine: no Kubernetes manifest among the targets; it reads the images their containers run');
  const order = [...inputs.keys()].sort((a, b) => Number(inputs[b]!.kind === 'image') - Number(inputs[a]!.kind === 'image'));
  for (const at of order) {
    const input = inputs[at]!;
    const results = slots[at]!;
    const { checks, severity, settings: configured, failOn, target, config, notes, baseline, images, ignore, findingSeverity, shellcheck } = await setup(input.path === '<stdin>' ? null : input.path);
    const settings = request.baseFindings ? { ...configured, baseFindings: true } : configured;
    const about = { failOn, ...(config ? { config } : {}), ...(baseline ? { baseline } : {}) };
    if (input.kind === 'manifest') {
      manifests.push({ at, job: { path: input.path, text: input.text, checks, settings, images, ...(severity ? { severity } : {}) } });
      results.push({ path: input.path, kind: 'manifest', error: null, findings: [], ...about, notes });
      continue;
    }
    if (input.kind === 'error') {
      results.push({ path: input.path, kind: input.targetKind, error: input.message, findings: [], ...about, notes });
      continue;
    }
    if (input.kind === 'image') {
      const { ImageReadError } = await import('./image/read.js');
      // A registry, the engine or a layout directory: opened into what the archive reader takes.
      let opened: OpenedSource | null = null;
      try {
        if (input.source) opened = await (await import('./image/sources/index.js')).openImageSource(input.path, input.source, { ...request.sources, ...(request.platform ? { platform: request.platform } : {}) });
        const imageOpts = { checks, settings, dockerfile: built, ...(severity ? { severity } : {}), ...(request.platform ? { platform: request.platform } : {}), ...(request.imageRef ? { imageRef: request.imageRef } : {}) };
        const r = await analyzeImage(opened?.target ?? input, imageOpts);
        for (const one of r.results) {
          for (const f of one.findings) f.fingerprint = fingerprint(f, fingerprintText(f, () => null));
          results.push({ path: one.path, kind: 'image', error: null, findings: one.findings, ...about, notes: [...notes, ...(opened?.notes ?? []), ...one.notes] });
          knownImages.push(await knownImage(one.image, built !== null));
        }
        pairing?.images.push(...r.results.map((one) => ({ image: one.image, file: one.path })));
      } catch (e) {
        if (!(e instanceof ImageReadError)) throw e;
        results.push({ path: input.path, kind: 'image', error: e.message, findings: [], ...about, notes });
      } finally {
        opened?.close();
      }
      continue;
    }
    const contextDir = request.context ?? input.contextDir;
    const build = input.build;
    const stage = build?.target ?? target;
    const options: AnalyzeOptions = {
      path: input.path,
      checks,
      ignore,
      settings: knownImages.length ? { ...settings, knownImages } : settings,
      shellcheck,
      ...(severity ? { severity } : {}),
      ...(findingSeverity ? { findingSeverity } : {}),
      ...(build && Object.keys(build.args).length ? { buildArgs: new Map(Object.entries(build.args)) } : {}),
      // The stage a compose service or bake target builds; else --target or the config's.
      ...(stage !== undefined ? { target: stage } : {}),
      // With --fix the file is analyzed again after each pass: the instructions a pass left alone keep their parsed shell.
      ...(request.fix ? { shellCache: new ShellCache() } : {}),
    };
    const reader = contextDir ? readerFor(contextDir) : undefined;
    const failedBefore = grammarFailure()?.count ?? 0;
    const { facts, findings, overflow } = await analyzeDockerfile(input.text, { ...options, ...(reader ? { reader } : {}) });
    notes.push(...overflowNotes(input.path, overflow));
    const grammar = grammarFailure();
    if (grammar && grammar.count > failedBefore) notes.push(`${input.path}: the shell grammar (tree-sitter-bash) failed on a shell body (${grammar.message}); that body and every shell body after it in this run are not read`);
    const variant = build ? { build } : {};
    if (facts.shellcheck?.error) notes.push(`${input.path}: ShellCheck: ${facts.shellcheck.error}`);
    if (facts.unreadShell) notes.push(`${input.path}: ${thousands(facts.unreadShell)} shell ${facts.unreadShell === 1 ? 'body or script' : 'bodies or scripts'} not read: past what one Dockerfile is read for (${thousands(MAX_SHELL_COMMANDS)} commands, ${MAX_GRAMMAR_SHELL_BYTES / 1024} KB of shell text the full grammar reads, ${MAX_GRAMMAR_HEREDOCS} here-documents in one body)`);
    const noTarget = missingTarget(facts, stage);
    if (noTarget) {
      results.push({ path: input.path, kind: 'dockerfile', error: `${input.path}: ${build?.target ? `${build.file} (${build.name}) builds a stage it does not have: ` : ''}${noTarget}`, findings: [], ...about, ...variant, notes });
      continue;
    }
    if (!looksLikeDockerfile(facts)) {
      results.push({ path: input.path, kind: 'dockerfile', error: `${input.path}: does not look like a Dockerfile: it does not start with an instruction and most of its lines are not instructions`, findings: [], ...about, ...variant, notes });
      continue;
    }
    const result: AnalyzedTarget = { path: input.path, kind: 'dockerfile', error: null, findings, ...about, ...variant, notes, ...(contextDir ? { contextDir } : {}) };
    const texts = request.fix ? await fixTarget(result, input.text, options, reader, contextDir ?? undefined, request.fix) : null;
    // Fingerprints of the findings as reported: after --fix, of the fixed texts.
    const scriptLines = new Map(facts.context.scripts.map((sc) => [sc.path, (texts?.get(sc.path) ?? sc.text).split('\n')] as const));
    const dockerfileLines = texts ? (texts.get('') ?? input.text).split('\n') : null;
    const lineText = (file: string | null, n: number): string | null => (file === null ? (dockerfileLines ? (dockerfileLines[n - 1]?.replace(/\r$/, '') ?? null) : facts.lines.lineText(n)) : (scriptLines.get(file)?.[n - 1] ?? null));
    for (const f of result.findings) f.fingerprint = fingerprint(f, fingerprintText(f, lineText));
    results.push(result);
    pairing?.dockerfiles.push({ facts, file: input.path });
  }
  if (pairing && manifests.length > 0) {
    const { analyzeManifestJobs } = await import('./analyze-manifests.js');
    const out = await analyzeManifestJobs(manifests.map((m) => m.job), pairing, { ...(request.images ? { imageFiles: request.images } : {}), ...(request.platform ? { platform: request.platform } : {}), ...(request.sources ? { sources: request.sources } : {}), ...(request.imagesFromEngine ? { fromEngine: true } : {}) });
    if ('usage' in out) throw new UsageError(out.usage);
    out.results.forEach((r, i) => {
      const target = slots[manifests[i]!.at]![0]!;
      Object.assign(target, { error: r.error, findings: r.findings, notes: [...target.notes, ...r.notes] });
    });
  }
  if (request.fix && request.dockerfile && built && !inputs.some((i) => i.kind === 'dockerfile' && i.path === request.dockerfile)) {
    // `--fix --dockerfile Dockerfile app.tar`: the Dockerfile is fixed with what the image knows.
    const { checks, severity, settings, failOn, target } = await setup(request.dockerfile);
    const text = built.text;
    const contextDir = request.context ?? dirname(request.dockerfile);
    const reader = directoryReader(contextDir);
    const options: AnalyzeOptions = { path: request.dockerfile, checks, settings: { ...settings, knownImages }, ...(severity ? { severity } : {}), ...(target !== undefined ? { target } : {}), shellCache: new ShellCache() };
    const { findings } = await analyzeDockerfile(text, { ...options, reader });
    const result: AnalyzedTarget = { path: request.dockerfile, kind: 'dockerfile', error: null, findings, failOn, notes: [] };
    await fixTarget(result, text, options, reader, contextDir, request.fix);
    slots.push([result]);
  }
  return slots.flat();
}

/** A reader that sees the texts fixed so far before the files on disk. */
function overlay(base: ContextReader | undefined, files: ReadonlyMap<string, string>): ContextReader {
  return {
    root: base?.root ?? '.',
    read: (p) => files.get(posix.normalize(p).replace(/^\.\//, '')) ?? base?.read(p) ?? null,
    exists: (p) => files.has(posix.normalize(p).replace(/^\.\//, '')) || (base?.exists(p) ?? false),
    list: (p) => base?.list(p) ?? null,
  };
}

/** Applies the fixes of `kinds` to a Dockerfile target until none is left; `result` gets the findings left and the changed files. */
async function fixTarget(result: AnalyzedTarget, text: string, options: AnalyzeOptions, reader: ContextReader | undefined, contextDir: string | undefined, kinds: readonly FixKind[]): Promise<ReadonlyMap<string, string> | null> {
  const want = new Set(kinds);
  if (!result.findings.some((f) => f.fix && want.has(f.fix.kind))) {
    result.fixed = { files: [], applied: 0, passes: 0 };
    return null;
  }
  // The fix engine loads only when there is something to fix.
  const { fixFiles } = await import('./fix/loop.js');
  const lint = async (files: ReadonlyMap<string, string>): Promise<Finding[]> => (await analyzeDockerfile(files.get('')!, { ...options, reader: overlay(reader, files) })).findings;
  const read = (file: string): string | null => reader?.read(file) ?? null;
  const r = await fixFiles(new Map([['', text]]), lint, want, result.findings, read);
  result.findings = r.findings;
  const files: FixedFile[] = [];
  for (const [key, after] of r.files) {
    const before = key === '' ? text : read(key);
    if (before === null || before === after) continue;
    files.push({ path: key === '' ? result.path : posix.join((contextDir ?? '.').split('\\').join('/'), key), before, after });
  }
  result.fixed = { files, applied: r.applied.length, passes: r.passes };
  return r.files;
}

/** What a fix may take from an image of the run: its tags, its registry digest, its users. */
async function knownImage(image: ImageFacts, built: boolean): Promise<KnownImage> {
  const { parseAccounts } = await import('./image/users.js');
  const passwd = image.captured.get('/etc/passwd');
  const users = new Map<string, { uid: number; gid: number }>();
  for (const a of passwd === undefined ? [] : parseAccounts(passwd)) if (!users.has(a.name)) users.set(a.name, { uid: a.uid, gid: a.gid });
  return { tags: image.tags, digest: image.repoDigest, users, workdir: image.config.workingDir, built };
}

/**
 * `--dockerfile`: the Dockerfile the image targets were built from, parsed once. Image findings then
 * name the instruction that made their layer, and the base image ends exactly where its FROM is.
 */
async function pairedDockerfile(path: string, context: string | undefined): Promise<DockerfileFacts> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--dockerfile ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
  const { facts } = await analyzeDockerfile(text, { path, checks: [], reader: directoryReader(context ?? dirname(path)) });
  if (!looksLikeDockerfile(facts)) throw new UsageError(`--dockerfile ${path}: does not look like a Dockerfile: it does not start with an instruction and most of its lines are not instructions`);
  return facts;
}

/**
 * Per target: the config file that applies (`config`, or the nearest `.shipshape.yaml`), merged
 * under the request. The loader (yaml, zod) is imported only when there is a file to load.
 */
export async function configLoader(request: RunRequest = {}) {
  const cache = new Map<string, LoadedConfig | null>();
  const load = async (file: string): Promise<LoadedConfig> => {
    const { loadConfig } = await import('./engine/config.js');
    try {
      return loadConfig(file, allChecks);
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message);
      throw e;
    }
  };
  const trivyIgnores = new Map<string, string[]>();
  const trivyIgnore = async (file: string): Promise<string[]> => {
    let ids = trivyIgnores.get(file);
    if (!ids) {
      const { trivyIgnoreIds } = await import('./engine/peer-config.js');
      try {
        ids = trivyIgnoreIds(readFileSync(file, 'utf8'));
      } catch {
        ids = [];
      }
      trivyIgnores.set(file, ids);
    }
    return ids;
  };
  const fixed = request.config ? await load(request.config) : undefined;
  const told = new Set<string>();
  // Looked up once per directory: a run over many files side by side asks the same questions.
  const findConfig = configFinder();
  const selected = new Map<string, ReturnType<typeof selectChecks>>();
  const selectedChecks = (ignore: string[]): ReturnType<typeof selectChecks> => {
    const key = ignore.join('\0');
    let s = selected.get(key);
    if (!s) selected.set(key, (s = selectChecks(ignore)));
    return s;
  };
  // The executable each ShellCheck mode names, looked up once per run.
  const shellchecks = new Map<string, string | null>();
  const shellcheckFor = (mode: string, where: string): string | null => {
    if (!shellchecks.has(mode)) shellchecks.set(mode, findShellcheck(mode, where));
    return shellchecks.get(mode)!;
  };
  return async (path: string | null) => {
    let loaded: LoadedConfig | null;
    const start = path === null ? process.cwd() : path;
    if (fixed) loaded = fixed;
    else {
      // The nearest .shipshape.yaml; without one, the nearest hadolint config, converted.
      const found = findConfig(start) ?? findConfig(start, HADOLINT_CONFIG_NAMES);
      if (found && !cache.has(found)) cache.set(found, await load(found));
      loaded = found ? (cache.get(found) ?? null) : null;
    }
    const eff = resolveFor(loaded, path);
    // Trivy's ignore file, found like Trivy's users keep it: at the top of the repository, or nearer.
    const trivyFile = findConfig(start, ['.trivyignore']);
    const trivy = trivyFile ? await trivyIgnore(trivyFile) : [];
    const notes: string[] = [];
    if (loaded?.kind === 'hadolint' && !told.has(loaded.path)) {
      told.add(loaded.path);
      for (const d of loaded.dropped ?? []) notes.push(`${loaded.path}: ${d}; not taken over`);
    }
    const ignore = [...eff.ignore, ...trivy, ...(request.ignore ?? [])];
    const mode = request.shellcheck ?? eff.shellcheck ?? 'auto';
    const binary = shellcheckFor(mode, request.shellcheck !== undefined ? '--shellcheck' : `${loaded?.path ?? ''}: shellcheck:`.replace(/^: /, ''));
    return {
      checks: selectedChecks(ignore),
      ignore,
      shellcheck: binary ? { binary } : null,
      severity: severityFrom(eff.severity),
      findingSeverity: findingSeverityFrom(eff.severity),
      settings: eff.settings,
      failOn: request.failOn ?? eff.failOn ?? 'warning',
      target: request.target ?? eff.target,
      config: loaded ? { path: loaded.path, kind: loaded.kind ?? 'shipshape' } : null,
      baseline: loaded?.config.baseline ? resolvePath(loaded.dir, loaded.config.baseline) : null,
      notes,
      images: eff.images,
    };
  };
}

/**
 * Drops the findings recorded in a baseline: `file` for every target (`--baseline`), else the one
 * each target's config names. Returns what each baseline matched and how many of its entries are gone.
 */
export async function applyBaselines(results: readonly AnalyzedTarget[], file?: string): Promise<{ results: AnalyzedTarget[]; outcomes: BaselineOutcome[] }> {
  const { applyBaseline, loadBaseline, BaselineError } = await import('./engine/baseline.js');
  const groups = new Map<string, number[]>();
  results.forEach((r, i) => {
    const b = file ?? r.baseline;
    if (!b) return;
    groups.set(b, [...(groups.get(b) ?? []), i]);
  });
  const out = [...results];
  const outcomes: BaselineOutcome[] = [];
  for (const [path, idx] of groups) {
    let baseline;
    try {
      baseline = loadBaseline(path);
    } catch (e) {
      if (e instanceof BaselineError) throw new UsageError(`${file ? '--baseline ' : 'baseline '}${e.message}`);
      throw e;
    }
    const applied = applyBaseline(idx.map((i) => out[i]!), baseline);
    idx.forEach((i, k) => (out[i] = applied.results[k]!));
    outcomes.push(applied.outcome);
  }
  return { results: out, outcomes };
}

/**
 * `--changed-since REF`: keeps the findings on lines changed since a git revision (and every finding
 * of a file git does not track yet); a finding in an image is kept unless it is traced to an
 * unchanged Dockerfile line.
 */
export async function keepChanged(results: readonly AnalyzedTarget[], ref: string): Promise<AnalyzedTarget[]> {
  const { changedLines, GitError } = await import('./repo/git.js');
  const files = new Set<string>();
  for (const r of results) {
    if (r.error !== null) continue;
    if (r.kind === 'dockerfile' && r.path !== '<stdin>') files.add(resolvePath(r.path));
    for (const f of r.findings) {
      if (f.location.kind === 'file' && r.contextDir) files.add(resolvePath(r.contextDir, f.location.file));
      if (f.dockerfile) files.add(resolvePath(f.dockerfile.file));
    }
  }
  let changed: Map<string, Set<number> | 'all'>;
  try {
    changed = changedLines(ref, [...files]);
  } catch (e) {
    if (e instanceof GitError) throw new UsageError(`--changed-since ${ref}: ${e.message}`);
    throw e;
  }
  const touches = (file: string, from: number, to: number): boolean => {
    const c = changed.get(file);
    if (c === 'all') return true;
    if (!c) return false;
    for (let n = from; n <= to; n++) if (c.has(n)) return true;
    return false;
  };
  return results.map((r) => {
    if (r.error !== null || r.path === '<stdin>') return r;
    const findings = r.findings.filter((f) => {
      const l = f.location;
      if (l.kind === 'dockerfile') return touches(resolvePath(r.path), l.range.line, l.range.endLine);
      if (l.kind === 'file') return r.contextDir ? touches(resolvePath(r.contextDir, l.file), l.range.line, l.range.endLine) : true;
      return f.dockerfile ? touches(resolvePath(f.dockerfile.file), f.dockerfile.line, f.dockerfile.line) : true;
    });
    return { ...r, findings };
  });
}
