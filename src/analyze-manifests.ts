/**
 * The analysis of Kubernetes manifest targets, called by `analyzeTargets` once every other target
 * has been read (their images and Dockerfiles are what the containers are matched to):
 *
 * 1. each manifest file is read into workloads (`src/manifests/`);
 * 2. each container's `image:` is matched (`src/pair/match.ts`) to an image of the run (a target
 *    or `--image`, by its repository tags), to the Dockerfile the config's `images:` map names for
 *    it, to an image a lookup finds (`ImageLookup`: where image sources such as a registry or the
 *    local engine plug in), or, when the run holds one container and one Dockerfile (or one image),
 *    to that one; an unmatched container gets a note;
 * 3. each container is laid over its image (`src/pair/effective.ts`) and the checks' `container`
 *    hooks run on the result (`runContainerChecks`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { parseDockerfile } from './dockerfile/parse.js';
import { directoryReader } from './dockerfile/context.js';
import type { DockerfileFacts } from './dockerfile/model.js';
import type { ImageFacts } from './image/facts.js';
import type { OpenedSource, SourceOptions } from './image/sources/index.js';
import type { ImageRef } from './knowledge/image-ref.js';
import type { ManifestFacts } from './manifests/model.js';
import { runContainerChecks, sortFindings } from './engine/run.js';
import { fingerprint, fingerprintText } from './engine/baseline.js';
import type { Check, CheckSettings, Finding, Severity } from './engine/types.js';
import { dockerfileSide, effectiveContainer, imageSide, type EffectiveContainer, type ImageSide } from './pair/effective.js';
import { matchImage, matchMapping, type ImageCandidate, type ImageMapping } from './pair/match.js';
import { manifestPragmas, type ManifestPragma } from './manifests/pragmas.js';

/** One manifest target, with the config that applies to it. */
export interface ManifestJob {
  path: string;
  text: string;
  checks: readonly Check[];
  severity?: (check: Check) => Severity;
  settings: CheckSettings;
  /** The config's `images:` map, paths resolved. */
  images: readonly ImageMapping[];
}

/** An image found elsewhere by its reference (a registry, the local engine): image sources plug in here. */
export type ImageLookup = (ref: ImageRef, written: string) => Promise<ImageCandidate | null>;

/** What the rest of the run offers the manifests. */
export interface PairingSources {
  /** Images read as targets of this run. */
  images: ImageCandidate[];
  /** Dockerfiles read as targets of this run, and `--dockerfile`. */
  dockerfiles: { facts: DockerfileFacts; file: string }[];
}

export interface ManifestOptions {
  /** `--image`: images to match containers against (not analyzed as targets): archives, layout directories, names as for image targets. */
  imageFiles?: readonly string[];
  platform?: string;
  /** How `--image` names that are no file are read (engine, registry, credentials, timeouts). */
  sources?: SourceOptions;
  /** `--images-from-engine`: a container nothing else matches is read from the local engine when it has the image. */
  fromEngine?: boolean;
  lookups?: readonly ImageLookup[];
}

export interface ManifestResult {
  error: string | null;
  findings: Finding[];
  notes: string[];
}

/** A path as the user would type it: relative to the working directory when under it. */
function shown(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** `--image`: archives, layout directories, images in the engine or a registry, read to be matched (not analyzed). */
async function readImageOptions(values: readonly string[], platform: string | undefined, sources: SourceOptions | undefined): Promise<{ candidates: ImageCandidate[]; notes: string[] } | { usage: string }> {
  if (values.length === 0) return { candidates: [], notes: [] };
  const [{ readImages, ImageReadError }, { imageOption }] = await Promise.all([import('./image/read-images.js'), import('./targets.js')]);
  const candidates: ImageCandidate[] = [];
  const notes: string[] = [];
  for (const value of values) {
    const named = imageOption(value);
    if ('error' in named) return { usage: `--image ${named.error}` };
    let opened: OpenedSource | null = null;
    try {
      if (named.source) opened = await (await import('./image/sources/index.js')).openImageSource(value, named.source, { ...sources, ...(platform ? { platform } : {}) });
      for (const image of await readImages(opened?.target ?? { path: value }, platform ? { platform } : {})) candidates.push({ image, file: image.path });
      notes.push(...(opened?.notes ?? []));
    } catch (e) {
      if (e instanceof ImageReadError) return { usage: `--image ${e.message.startsWith(value) ? e.message : `${value}: ${e.message}`}` };
      throw e;
    } finally {
      opened?.close();
    }
  }
  return { candidates, notes };
}

/**
 * `--images-from-engine`: the image a container names, read from the local Docker or Podman engine
 * when it has it (`docker-daemon:NAME`), never pulled. One note when there is no engine; a read that
 * fails is a note and leaves the container to the manifest alone.
 */
async function engineLookup(sources: SourceOptions | undefined, platform: string | undefined, notes: string[]): Promise<ImageLookup | null> {
  const [{ findEngine, engineHas }, { openImageSource, DEFAULT_TIMEOUT_SECONDS }, { readImages, ImageReadError }] = await Promise.all([import('./image/sources/engine.js'), import('./image/sources/index.js'), import('./image/read-images.js')]);
  const engine = findEngine(sources?.env ?? process.env);
  if (engine === null || 'error' in engine) {
    notes.push(`--images-from-engine: ${engine === null ? 'no Docker or Podman engine found (DOCKER_HOST is unset, no docker context, no /var/run/docker.sock, no Podman socket)' : engine.error}; containers were matched to the images and Dockerfiles of the run only`);
    return null;
  }
  const timeoutMs = (sources?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const seen = new Map<string, Promise<ImageCandidate | null>>();
  const read = async (name: string): Promise<ImageCandidate | null> => {
    const has = await engineHas(engine, name, timeoutMs);
    if (has !== true) {
      if (has !== false) notes.push(`--images-from-engine: the engine at ${engine.display} did not answer for ${name} (${has.unreachable})`);
      return null;
    }
    const label = `docker-daemon:${name}`;
    let opened: OpenedSource | null = null;
    try {
      opened = await openImageSource(label, { kind: 'engine', name }, { ...sources, ...(platform ? { platform } : {}) });
      const images = await readImages(opened.target, platform ? { platform } : {});
      return images[0] ? { image: images[0], file: label } : null;
    } catch (e) {
      if (!(e instanceof ImageReadError)) throw e;
      notes.push(`--images-from-engine: ${e.message}`);
      return null;
    } finally {
      opened?.close();
    }
  };
  return (_ref, written) => {
    let p = seen.get(written);
    if (!p) seen.set(written, (p = read(written)));
    return p;
  };
}

/** Reads a Dockerfile the config maps an image to, once per path and context. */
function dockerfileLoader(): (m: ImageMapping) => Promise<DockerfileFacts | { usage: string }> {
  const cache = new Map<string, Promise<DockerfileFacts | { usage: string }>>();
  return (m) => {
    const key = `${m.dockerfile}\0${m.context}`;
    let p = cache.get(key);
    if (!p) {
      p = (async () => {
        let text: string;
        try {
          text = readFileSync(m.dockerfile, 'utf8');
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          return { usage: `images: ${m.name}: ${shown(m.dockerfile)}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}` };
        }
        const facts = await parseDockerfile(text, { path: shown(m.dockerfile), reader: directoryReader(m.context) });
        if (!facts.finalStage) return { usage: `images: ${m.name}: ${shown(m.dockerfile)}: does not look like a Dockerfile (no FROM)` };
        return facts;
      })();
      cache.set(key, p);
    }
    return p;
  };
}

/** The findings no inline ignore covers (a pragma names a rule id, a category or a peer id). */
function suppressed(findings: Finding[], pragmas: readonly ManifestPragma[], checks: readonly Check[]): Finding[] {
  if (pragmas.length === 0) return findings;
  const aliases = new Map(checks.map((c) => [c.id as string, c.aliases ?? []]));
  return findings.filter((f) => {
    const line = f.location.kind === 'image' ? null : f.location.range.line;
    const names = new Set([f.rule, f.category, ...(aliases.get(f.rule) ?? [])]);
    return !pragmas.some((p) => p.names.some((n) => names.has(n)) && (p.span === null || (line !== null && line >= p.span.line && line <= p.span.endLine)));
  });
}

/** Analyzes the manifest targets; a bad `--image` or `images:` entry is a usage error for the whole run. */
export async function analyzeManifestJobs(jobs: readonly ManifestJob[], sources: PairingSources, options: ManifestOptions = {}): Promise<{ results: ManifestResult[] } | { usage: string }> {
  const { readManifests, ManifestError } = await import('./manifests/read.js');
  const extra = await readImageOptions(options.imageFiles ?? [], options.platform, options.sources);
  if ('usage' in extra) return extra;
  const candidates = [...sources.images, ...extra.candidates];
  const lookups = [...(options.lookups ?? [])];
  if (options.fromEngine) {
    const engine = await engineLookup(options.sources, options.platform, extra.notes);
    if (engine) lookups.push(engine);
  }
  const parsed: (ManifestFacts | string)[] = jobs.map((job) => {
    try {
      return readManifests(job.text, job.path);
    } catch (e) {
      if (e instanceof ManifestError) return e.message;
      throw e;
    }
  });
  // One container in the whole run and one Dockerfile (or one image): they are the pair.
  const all = parsed.flatMap((m) => (typeof m === 'string' ? [] : m.workloads.flatMap((w) => w.pod.containers)));
  let only: ImageSide | null = null;
  if (all.length === 1) {
    if (candidates.length === 1) only = imageSide(candidates[0]!.image, 'only', candidates[0]!.file);
    else if (candidates.length === 0 && sources.dockerfiles.length === 1) only = dockerfileSide(sources.dockerfiles[0]!.facts, 'only');
  }
  const loadDockerfile = dockerfileLoader();
  const sides = new Map<ImageFacts | DockerfileFacts, ImageSide>();
  const results: ManifestResult[] = [];
  for (const [i, job] of jobs.entries()) {
    const m = parsed[i]!;
    if (typeof m === 'string') {
      results.push({ error: m, findings: [], notes: [] });
      continue;
    }
    const notes: string[] = [];
    const containers: EffectiveContainer[] = [];
    for (const workload of m.workloads) {
      for (const container of workload.pod.containers) {
        const ref = container.imageRef;
        let side: ImageSide | null = null;
        if (ref && !ref.unresolved) {
          const hit = matchImage(ref, candidates);
          if (hit) side = sides.get(hit.image) ?? imageSide(hit.image, 'tag', hit.file);
          const mapping = side ? null : matchMapping(ref, job.images);
          if (mapping) {
            const facts = await loadDockerfile(mapping);
            if ('usage' in facts) return facts;
            side = sides.get(facts) ?? dockerfileSide(facts, 'config');
            sides.set(facts, side);
          }
          for (const lookup of side ? [] : lookups) {
            const found = await lookup(ref, container.image!.value);
            if (found) {
              side = sides.get(found.image) ?? imageSide(found.image, 'lookup', found.file);
              break;
            }
          }
        }
        if (!side && only) side = only;
        if (side?.image) sides.set(side.image, side);
        const c = await effectiveContainer(m, workload, container, side);
        containers.push(c);
        const where = `${m.path}:${container.nameRange.line}: ${c.label}`;
        if (!side) {
          const what = container.image ? `image ${container.image.value}` : 'no image';
          notes.push(`${where} (${what}): no image or Dockerfile of this run matches it, so only the manifest was checked; give the image with --image, or map the name to its Dockerfile under images: in .shipshape.yaml`);
        } else if (side.matchedBy === 'only') {
          notes.push(`${where}: paired with ${side.label}, the only ${side.kind === 'image' ? 'image' : 'Dockerfile'} of this run${container.image ? ` (its image: ${container.image.value})` : ''}`);
        }
      }
    }
    const raw = runContainerChecks(m, containers, job.checks, { settings: job.settings, ...(job.severity ? { severity: job.severity } : {}) });
    const findings = sortFindings(suppressed(raw, manifestPragmas(m.text), job.checks));
    // Baselines match a finding by its rule and the manifest lines it is about, not their number.
    for (const f of findings) f.fingerprint = fingerprint(f, fingerprintText(f, (file, n) => (file === null ? m.index.lineText(n) : null)));
    results.push({ error: null, findings, notes });
  }
  // Where each --image was read from (the engine, a registry, the platform chosen): said once, with the first manifest.
  results[0]?.notes.unshift(...extra.notes);
  return { results };
}
