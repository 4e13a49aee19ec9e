/**
 * Base image versus this build: where a layer (or a config setting) of an image came from, and which
 * Dockerfile instruction made it when the Dockerfile is given too.
 *
 * How an image check uses it:
 *
 * ```ts
 * import { layerOrigin, baseSeverity } from './origin.js';
 * image: (ctx) => {
 *   const o = layerOrigin(ctx, file.layer);            // or settingOrigin(ctx, 'USER') for a config field
 *   ctx.report({
 *     messageId: 'present',
 *     data: { path: file.path, origin: o.says },        // "from the base image busybox:1" / "added by this build in layer 2 (RUN apk add curl)"
 *     image: { path: file.path, layer: file.layer },
 *     severity: baseSeverity(ctx, o),                   // 'info' for a base-owned finding unless --base-findings / baseFindings: true
 *     detail: originDetail(o),                          // fromBase, baseImage, createdBy (the runner adds these by itself for a `layer`)
 *   });
 * }
 * ```
 *
 * For findings of the `tools` and `size` categories that name a base-image `layer` and set
 * no `severity`, the runner applies `baseSeverity` by itself.
 * `baseSeverity` returns `undefined` for this build's layers, so `severity: baseSeverity(ctx, o)` keeps
 * the check's (or the config's) severity there. The runner attaches the Dockerfile line of a layer
 * (`finding.dockerfile`) to every image finding that names a `layer`; for a config field pass
 * `dockerfile: o.dockerfile` in the report.
 */
import type { Category, Severity } from '../knowledge/practices.js';
import type { HistoryEntry, ImageFacts } from './facts.js';
import { entryInstruction, shortCreatedBy } from './history.js';
import { memoized } from '../util/memo.js';

/** What an origin helper needs from an image check's context. */
export interface OriginContext {
  readonly image: ImageFacts;
  /** The Dockerfile the image was built from, as `src/pair/trace.ts` matched it; null without one. */
  readonly build: BuildSource | null;
  readonly settings: { readonly baseFindings?: boolean };
}

/** The Dockerfile given with an image, as far as the image side needs it. */
export interface BuildSource {
  /** The Dockerfile's path, as findings name it. */
  file: string;
  /** The line of the final stage's FROM; null when there is no stage. */
  fromLine: number | null;
  /** The history matched to the instructions; null when none matched (the Dockerfile did not build this image). */
  trace: HistoryTrace | null;
}

/** The image's history matched to the Dockerfile's instructions, from the last entry backwards. */
export interface HistoryTrace {
  /** History entry index -> the line of the instruction that made it. */
  lineOf: ReadonlyMap<number, number>;
  /** Index of the first history entry of this build (entries before it are the base image's). */
  firstBuildEntry: number;
  /**
   * Every instruction found its entry, back to FROM: the base boundary is exact. False when the
   * history and the Dockerfile part ways (the Dockerfile changed since the build): the matched
   * entries keep their lines, and the boundary comes from the history heuristic.
   */
  complete: boolean;
  /** The base image as the final stage's FROM names it; null for scratch or an unresolved name. */
  baseName: string | null;
}

/** A place in a Dockerfile an image finding traces back to. */
export interface DockerfileLine {
  file: string;
  line: number;
}

export interface LayerOrigin {
  /** The layer index, or null for a setting no history entry made. */
  layer: number | null;
  /** True when the base image brought it (or, for a setting, when nothing in this build set it). */
  fromBase: boolean;
  /** The base image's name when known (`busybox:1.36`), else null. */
  base: string | null;
  /** The instruction as the history records it, shortened (`RUN apk add curl`, `COPY file:… in /app`); '' when unknown. */
  createdBy: string;
  /** A phrase for messages: `from the base image busybox:1.36 (layer 0)` or `added by this build in layer 2 (RUN apk add curl)`. */
  says: string;
  /** The Dockerfile instruction that made it, when the Dockerfile is given too. */
  dockerfile?: DockerfileLine;
}

/**
 * The base image's name, when something records it: the Dockerfile's FROM (when given and it matches
 * the history), the `org.opencontainers.image.base.name` annotation or label, or buildah's history
 * comment `FROM name` on the first entry of this build. Null when unknown.
 */
export function baseImageName(image: ImageFacts, build: BuildSource | null = null): string | null {
  // The Dockerfile names the base only when it built this image (its instructions match the history).
  if (build?.trace?.baseName) return build.trace.baseName;
  const key = 'org.opencontainers.image.base.name';
  const annotation = image.manifest.annotations[key];
  if (annotation) return annotation.replace(/^docker\.io\/(library\/)?/, '');
  // A label the base image set names the base's own base.
  const label = image.config.labels[key];
  let setAt = -1;
  for (let i = image.history.length - 1; label && i >= 0 && setAt < 0; i--) {
    const ins = entryInstruction(image.history[i]!);
    if (ins?.keyword === 'LABEL' && ins.body.includes(key)) setAt = i;
  }
  const inherited = setAt >= 0 && (build?.trace ? setAt < build.trace.firstBuildEntry : image.history[setAt]!.fromBase);
  if (label && !inherited) return label.replace(/^docker\.io\/(library\/)?/, '');
  if (image.base.name) return image.base.name;
  const firstBuild = image.history.find((h) => !h.fromBase);
  const comment = firstBuild?.comment && /^FROM (\S+)$/.exec(firstBuild.comment)?.[1];
  // buildah writes `FROM <name>` for the base and `FROM <short id>` for its own intermediate steps.
  if (comment && image.history.some((h) => h.fromBase) && !/^[0-9a-f]{12,64}$/.test(comment)) return comment.replace(/^docker\.io\/(library\/)?/, '');
  return null;
}

/** How the base boundary an image finding relies on was found: the Dockerfile, or a rule of `base.ts`. */
export function baseBoundary(ctx: OriginContext): { rule: string; confidence: 'exact' | 'likely' | 'guess'; how: string } {
  const t = ctx.build?.trace;
  if (t?.complete) return { rule: 'dockerfile', confidence: 'exact', how: `the history matches ${ctx.build!.file} back to its FROM` };
  return ctx.image.base;
}

/**
 * True when history entry `entry` came with the base image: exactly when the Dockerfile is given and
 * matched (see `src/pair/trace.ts`), else the reader's heuristic (`HistoryEntry.fromBase`).
 */
export function entryIsBase(ctx: OriginContext, entry: number): boolean {
  const t = ctx.build?.trace;
  if (t) return entry < t.firstBuildEntry;
  return ctx.image.history[entry]?.fromBase ?? false;
}

function dockerfileLine(ctx: OriginContext, entry: number): DockerfileLine | undefined {
  const line = ctx.build?.trace?.lineOf.get(entry);
  return line !== undefined ? { file: ctx.build!.file, line } : undefined;
}

function describe(ctx: OriginContext, entry: HistoryEntry | undefined, index: number, layer: number | null, fromBase: boolean): LayerOrigin {
  const base = baseImageName(ctx.image, ctx.build);
  const createdBy = entry ? shortCreatedBy(entry.createdBy) : '';
  const where = layer === null ? '' : ` in layer ${layer}`;
  const says = fromBase
    ? `from the base image${base ? ` ${base}` : ''}${layer === null ? '' : ` (layer ${layer})`}`
    : `added by this build${where}${createdBy ? ` (${createdBy})` : ''}`;
  const out: LayerOrigin = { layer, fromBase, base, createdBy, says };
  const line = index >= 0 ? dockerfileLine(ctx, index) : undefined;
  if (line) out.dockerfile = line;
  return out;
}

/**
 * The history read once per image: the entry that made each layer, and the last entry of each
 * instruction keyword. Findings ask per layer and per setting; a history of thousands of entries
 * was scanned again for each (a config can hold hundreds of thousands).
 */
export function historyIndexes(image: ImageFacts): { byLayer: Map<number, number>; lastByKeyword: Map<string, number> } {
  return memoized(image, 'historyIndexes', () => {
    const byLayer = new Map<number, number>();
    const lastByKeyword = new Map<string, number>();
    image.history.forEach((h, i) => {
      if (h.layer !== undefined && !byLayer.has(h.layer)) byLayer.set(h.layer, i);
      const kw = entryInstruction(h)?.keyword;
      if (kw) lastByKeyword.set(kw, i);
    });
    return { byLayer, lastByKeyword };
  });
}

/** Where layer `layer` came from: the base image or this build, the history entry, the Dockerfile line. */
export function layerOrigin(ctx: OriginContext, layer: number): LayerOrigin {
  const index = historyIndexes(ctx.image).byLayer.get(layer) ?? -1;
  const entry = index >= 0 ? ctx.image.history[index] : undefined;
  const fromBase = index >= 0 ? entryIsBase(ctx, index) : (ctx.image.layers[layer]?.fromBase ?? false);
  return describe(ctx, entry, index, layer, fromBase);
}

/**
 * Where a config setting came from: the last history entry with this instruction keyword (`USER`,
 * `CMD`, `ENTRYPOINT`, `LABEL`, `ENV`…). `layer` is null (a setting makes no layer). When no entry
 * records it, `found` is false, `fromBase` true and `createdBy` '' (`says`: "from the base image"):
 * the value is the default or came with a base whose history does not show it; with the Dockerfile,
 * `dockerfile` is then the final stage's FROM line.
 */
export function settingOrigin(ctx: OriginContext, keyword: string): LayerOrigin & { found: boolean } {
  const index = historyIndexes(ctx.image).lastByKeyword.get(keyword.toUpperCase()) ?? -1;
  if (index < 0) {
    const none = describe(ctx, undefined, -1, null, true);
    // Nothing set it: with the Dockerfile, the final stage's FROM is where the build starts to own it.
    if (ctx.build && ctx.build.fromLine !== null) none.dockerfile = { file: ctx.build.file, line: ctx.build.fromLine };
    return { ...none, found: false };
  }
  const o = describe(ctx, ctx.image.history[index], index, null, entryIsBase(ctx, index));
  if (!o.fromBase) o.says = `set by this build with ${o.createdBy}`;
  else o.says = `set by the base image${o.base ? ` ${o.base}` : ''} with ${o.createdBy}`;
  return { ...o, found: true };
}

/**
 * The severity for a finding about something the base image owns: `info` (nobody should be told to
 * fix what they cannot change) unless `--base-findings` or the config's `baseFindings: true` asks for
 * full findings. `undefined` (the check's own severity) for this build's layers and settings.
 */
export function baseSeverity(ctx: OriginContext, origin: Pick<LayerOrigin, 'fromBase'>): Severity | undefined {
  return origin.fromBase && !ctx.settings.baseFindings ? 'info' : undefined;
}

/** The origin as finding `detail` fields: `fromBase`, `baseImage` (when known), `createdBy` (when known). */
export function originDetail(origin: LayerOrigin): Record<string, string | number | boolean> {
  const d: Record<string, string | number | boolean> = { fromBase: origin.fromBase };
  if (origin.base) d.baseImage = origin.base;
  if (origin.createdBy) d.createdBy = origin.createdBy;
  return d;
}

/** Categories whose image findings about a base-image layer are `info` by default (see `baseSeverity`). */
const BASE_OWNED: ReadonlySet<Category> = new Set(['tools', 'size']);

/** The parts of a finding the image side fills in. */
export interface LabelledFinding {
  category: Category;
  severity: Severity;
  detail?: Record<string, string | number | boolean>;
  dockerfile?: DockerfileLine;
}

/**
 * The image-side step the engine runs on every finding of an image check: a finding that names a
 * layer says where the layer came from and, with the Dockerfile, which line made it; what the base
 * image owns (its tools, its waste) is info unless full base findings were asked for, and unless the
 * check set a severity of its own.
 */
export function labelImageFinding(ctx: OriginContext): (finding: LabelledFinding, said: { image?: { layer?: number }; severity?: Severity | undefined }) => void {
  return (finding, said) => {
    const layer = said.image?.layer;
    if (layer === undefined || !ctx.image.layers[layer]) return;
    const origin = layerOrigin(ctx, layer);
    const boundary = baseBoundary(ctx);
    finding.detail = { ...originDetail(origin), baseFoundBy: boundary.rule, baseConfidence: boundary.confidence, ...finding.detail };
    if (said.severity === undefined && origin.fromBase && BASE_OWNED.has(finding.category)) finding.severity = baseSeverity(ctx, origin) ?? finding.severity;
    if (!finding.dockerfile && origin.dockerfile) finding.dockerfile = origin.dockerfile;
  };
}
