/**
 * The one analysis entry. Resolved targets go in: a Dockerfile with its build context, an image
 * archive, an image with the Dockerfile that built it. One result per target comes out, ready for
 * any reporter. The CLI, the GitHub Action, the conformance and precision runners and every other
 * front end call this module; none of them runs checks by itself.
 *
 * What happens here, per target: the config file that applies is found and resolved (`--config`, or
 * the nearest `.shipshape.yaml`), the input is read into facts (`src/dockerfile/`, `src/image/`), the
 * checks run through the engine (`src/engine/`), inline ignores apply, findings are sorted.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { missingTarget, parseDockerfile, type ParseOptions } from './dockerfile/parse.js';
import { directoryReader } from './dockerfile/context.js';
import { filePragmas } from './dockerfile/pragmas.js';
import { KNOWN_INSTRUCTIONS, type DockerfileFacts } from './dockerfile/model.js';
import { runDockerfileChecks, runImageChecks, sortFindings } from './engine/run.js';
import type { Check, CheckSettings, Finding, Severity } from './engine/types.js';
import { applySuppressions } from './engine/suppress.js';
import { designates } from './engine/names.js';
import { ConfigError, findConfig, resolveFor, severityFrom, type FailOn, type LoadedConfig } from './engine/config-resolve.js';
import type { ImageFacts } from './image/facts.js';
import type { ImageReadOptions, ImageTarget } from './image/read-images.js';
import type { Input } from './targets.js';
import type { TargetResult } from './report/model.js';
import { checks as allChecks } from '../checks/index.js';

export { allChecks as checks };
export type { Finding, Check, Severity };

/** A problem with what the user asked for (a flag, a config file, the `--dockerfile`): one line, exit status 2. */
export class UsageError extends Error {}

export interface AnalyzeOptions extends ParseOptions {
  checks?: readonly Check[];
  /** Rule ids or whole categories to skip. */
  ignore?: readonly string[];
  severity?: (check: Check) => Severity;
  /** Repository settings checks read through `ctx.settings` (from the config file). */
  settings?: CheckSettings;
}

/** The checks left after `ignore` (rule ids, categories or peer aliases). */
export function selectChecks(ignore: readonly string[] = [], from: readonly Check[] = allChecks): Check[] {
  if (ignore.length === 0) return [...from];
  return from.filter((c) => !ignore.some((name) => designates(c, name)));
}

/** Parses and checks one Dockerfile. */
export async function analyzeDockerfile(text: string, options: AnalyzeOptions = {}): Promise<{ facts: DockerfileFacts; findings: Finding[] }> {
  const facts = await parseDockerfile(text, options);
  const checks = selectChecks(options.ignore, options.checks ?? allChecks);
  const runOpts = { ...(options.severity ? { severity: options.severity } : {}), ...(options.settings ? { settings: options.settings } : {}) };
  const raw = runDockerfileChecks(facts, checks, runOpts);
  const { findings } = applySuppressions(filePragmas(facts), raw, { ran: checks, known: options.checks ? [...allChecks, ...options.checks] : allChecks, ...(options.severity ? { severity: options.severity } : {}) });
  return { facts, findings: sortFindings(findings) };
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
}

/** One analyzed target: what reporters print, the threshold that decides its exit status, notes for stderr. */
export interface AnalyzedTarget extends TargetResult {
  failOn: FailOn;
  notes: string[];
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
  const results: AnalyzedTarget[] = [];
  for (const input of inputs) {
    const { checks, severity, settings: configured, failOn, target } = await setup(input.path === '<stdin>' ? null : input.path);
    const settings = request.baseFindings ? { ...configured, baseFindings: true } : configured;
    if (input.kind === 'error') {
      results.push({ path: input.path, kind: input.targetKind, error: input.message, findings: [], failOn, notes: [] });
      continue;
    }
    if (input.kind === 'image') {
      const { ImageReadError } = await import('./image/read.js');
      try {
        const imageOpts = { checks, settings, dockerfile: built, ...(severity ? { severity } : {}), ...(request.platform ? { platform: request.platform } : {}), ...(request.imageRef ? { imageRef: request.imageRef } : {}) };
        const r = await analyzeImage(input, imageOpts);
        for (const one of r.results) results.push({ path: one.path, kind: 'image', error: null, findings: one.findings, failOn, notes: one.notes });
      } catch (e) {
        if (!(e instanceof ImageReadError)) throw e;
        results.push({ path: input.path, kind: 'image', error: e.message, findings: [], failOn, notes: [] });
      }
      continue;
    }
    const contextDir = request.context ?? input.contextDir;
    const { facts, findings } = await analyzeDockerfile(input.text, {
      path: input.path,
      checks,
      settings,
      ...(severity ? { severity } : {}),
      ...(contextDir ? { reader: directoryReader(contextDir) } : {}),
      ...(target !== undefined ? { target } : {}),
    });
    const noTarget = missingTarget(facts, target);
    if (noTarget) {
      results.push({ path: input.path, kind: 'dockerfile', error: `${input.path}: ${noTarget}`, findings: [], failOn, notes: [] });
      continue;
    }
    if (!looksLikeDockerfile(facts)) {
      results.push({ path: input.path, kind: 'dockerfile', error: `${input.path}: does not look like a Dockerfile: it does not start with an instruction and most of its lines are not instructions`, findings: [], failOn, notes: [] });
      continue;
    }
    results.push({ path: input.path, kind: 'dockerfile', error: null, findings, failOn, notes: [] });
  }
  return results;
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
async function configLoader(request: RunRequest) {
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
  const fixed = request.config ? await load(request.config) : undefined;
  return async (path: string | null) => {
    let loaded: LoadedConfig | null;
    if (fixed) loaded = fixed;
    else {
      const found = findConfig(path === null ? process.cwd() : path);
      if (found && !cache.has(found)) cache.set(found, await load(found));
      loaded = found ? (cache.get(found) ?? null) : null;
    }
    const eff = resolveFor(loaded, path);
    return {
      checks: selectChecks([...eff.ignore, ...(request.ignore ?? [])]),
      severity: severityFrom(eff.severity),
      settings: eff.settings,
      failOn: request.failOn ?? eff.failOn ?? 'warning',
      target: request.target ?? eff.target,
    };
  };
}
