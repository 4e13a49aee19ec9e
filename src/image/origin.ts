/**
 * Base image versus this build: where a layer (or a config setting) of an image came from, and which
 * Dockerfile instruction made it when the Dockerfile is given too.
 *
 * How an image check uses it:
 *
 * ```ts
 * import { layerOrigin, baseSeverity } from '../../src/image/origin.js';
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
import type { DockerfileFacts, Instruction } from '../dockerfile/model.js';
import { stageChain } from '../dockerfile/packages.js';
import type { CheckSettings, Severity } from '../engine/types.js';
import type { HistoryEntry, ImageFacts } from './facts.js';
import { isPathValue, isSecretName, redactSecrets } from '../dockerfile/secrets.js';
import { parseScriptText, shellParserReady, type ShellScript } from '../dockerfile/shell.js';

/** What an origin helper needs from an image check's context. */
export interface OriginContext {
  readonly image: ImageFacts;
  readonly dockerfile: DockerfileFacts | null;
  readonly settings: CheckSettings;
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

/** One history entry's instruction: keyword and the text after it. */
export interface HistoryInstruction {
  keyword: string;
  body: string;
}

const KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'USER', 'WORKDIR', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'MAINTAINER']);

/**
 * The instruction a history `created_by` records, in the forms builders write: the classic builder
 * and buildah (`/bin/sh -c #(nop) COPY file:… in /app`, `/bin/sh -c apk add …` for RUN,
 * `|2 A=1 B=2 /bin/sh -c …` for RUN with build args), BuildKit and kaniko (`RUN /bin/sh -c … # buildkit`,
 * `COPY . . # buildkit`, `USER app`). Null when it is none of these.
 */
export function historyInstruction(createdBy: string): HistoryInstruction | null {
  let s = createdBy.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s*(\S+)\s*([\s\S]*)$/.exec(s);
  if (nop) {
    const kw = nop[1]!.toUpperCase();
    return KEYWORDS.has(kw) ? { keyword: kw, body: nop[2]!.trim() } : null;
  }
  s = s.replace(/^\|\d+(?:\s+\S+?=\S*)*\s+(?=\/bin\/sh -c )/, '');
  const sh = /^\/bin\/sh -c\s+([\s\S]*)$/.exec(s);
  if (sh) return { keyword: 'RUN', body: sh[1]!.trim() };
  const kw = /^([A-Za-z]+)\b\s*([\s\S]*)$/.exec(s);
  if (kw && KEYWORDS.has(kw[1]!.toUpperCase()) && kw[1] === kw[1]!.toUpperCase()) {
    const body = kw[2]!.trim();
    return { keyword: kw[1]!, body: kw[1] === 'RUN' ? body.replace(/^\|\d+(?:\s+\S+?=\S*)*\s+/, '').replace(/^\/bin\/sh -c\s+/, '') : body };
  }
  return null;
}

/** `NAME=value`, `--name=value`. */
const ASSIGNMENT = /(^|[\s;&|(])(--?[A-Za-z][\w.-]*|[A-Za-z_][\w.-]*)=("[^"]*"|'[^']*'|[^\s;&|)]+)/g;
/** `--name value`. */
const OPTION_VALUE = /(^|\s)(--?[A-Za-z][\w.-]*)\s+("[^"]*"|'[^']*'|[^\s;&|)-][^\s;&|)]*)/g;

/** History text with secret values cut to their first characters: token shapes and secret-named assignments and options. */
function redactHistory(text: string): string {
  const cut = (sep: string) => (m: string, lead: string, name: string, value: string): string => {
    const bare = value.replace(/^["']|["']$/g, '');
    if (!isSecretName(name.replace(/^--?/, '')) || bare.length < 4 || bare.startsWith('$') || isPathValue(bare)) return m;
    return `${lead}${name}${sep}${bare.slice(0, 2)}…`;
  };
  return redactSecrets(text).replace(ASSIGNMENT, cut('=')).replace(OPTION_VALUE, cut(' '));
}

/**
 * A history entry as a short instruction for messages (`RUN apk add curl`, at most 80 characters),
 * with secret values redacted: image findings quote it in their messages and `detail.createdBy`.
 */
export function shortCreatedBy(createdBy: string): string {
  const h = historyInstruction(createdBy);
  const text = redactHistory((h ? `${h.keyword} ${h.body}` : createdBy.trim()).replace(/\s+/g, ' ').replace(/\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{4,}/g, '$1:$2…')).trim();
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

const norm = (s: string): string => s.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();

/** The history entry may be the record of this instruction (same keyword; RUN bodies and COPY targets agree where comparable). */
function agrees(h: HistoryInstruction, ins: Instruction): boolean {
  if (h.keyword === 'RUN') {
    const a = norm(h.body);
    const b = norm(ins.json ? ins.json.join(' ') : ins.body);
    return a === b || a.includes(b) || b.includes(a) || (a.length > 20 && a.slice(0, 20) === b.slice(0, 20));
  }
  if (h.keyword === 'COPY' || h.keyword === 'ADD') {
    const dest = /\bin (\S+)\s*$/.exec(h.body)?.[1];
    const last = ins.args[ins.args.length - 1]?.value.replace(/^["']|["']$/g, '');
    if (dest && last && last.startsWith('/')) return dest === last || dest.startsWith(last.replace(/\/$/, '') + '/') || dest === last.replace(/\/$/, '');
  }
  if (h.keyword === 'CMD' || h.keyword === 'ENTRYPOINT') {
    // `["node" "server.js"]` (BuildKit), `["node","server.js"]` (buildah), `["/bin/sh" "-c" "npm start"]`
    const have = [...h.body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    if (have.length === 0) return true;
    const want = ins.json ?? ['/bin/sh', '-c', ins.body];
    return have.length === want.length && have.every((w, i) => norm(w) === norm(want[i]!));
  }
  if (h.keyword === 'USER' || h.keyword === 'WORKDIR') {
    const want = ins.args[0]?.value.replace(/^["']|["']$/g, '') ?? '';
    const have = h.body.trim();
    return want.includes('$') || have === want || (h.keyword === 'WORKDIR' && have.endsWith(`/${want.replace(/^\.\//, '')}`));
  }
  return true;
}

const sameKind = (a: string, b: string): boolean => a === b || ((a === 'COPY' || a === 'ADD') && (b === 'COPY' || b === 'ADD'));

interface Trace {
  /** History entry index -> the Dockerfile instruction that made it. */
  byEntry: Map<number, Instruction>;
  /** Index of the first history entry of this build (entries before it are the base image's). */
  firstBuildEntry: number;
  /**
   * Every instruction found its entry, back to FROM: the base boundary is exact. False when the
   * history and the Dockerfile part ways (the Dockerfile changed since the build): the matched
   * entries keep their lines, and the boundary comes from the history heuristic.
   */
  complete: boolean;
}

const traces = new WeakMap<ImageFacts, WeakMap<DockerfileFacts, Trace | null>>();

/** The first history entry the reader's heuristic gives to this build. */
function heuristicFirst(image: ImageFacts): number {
  const i = image.history.findIndex((h) => !h.fromBase);
  return i < 0 ? image.history.length : i;
}

/**
 * Matches the image's history to the final stage's instructions (and its parent stages'), from the
 * last entry backwards: each entry is the nearest earlier instruction of the same kind whose body
 * agrees. Where the instructions run out, the base image's entries begin. Null when nothing matched
 * (the Dockerfile did not build this image).
 */
export function traceHistory(image: ImageFacts, dockerfile: DockerfileFacts): Trace | null {
  let forImage = traces.get(image);
  if (!forImage) traces.set(image, (forImage = new WeakMap()));
  if (forImage.has(dockerfile)) return forImage.get(dockerfile)!;
  const final = dockerfile.finalStage;
  let result: Trace | null = null;
  if (final) {
    const instrs = stageChain(final).flatMap((s) => s.instructions).filter((i) => i.keyword !== 'FROM' && !i.onbuild);
    const byEntry = new Map<number, Instruction>();
    let p = instrs.length - 1;
    let first = image.history.length;
    for (let e = image.history.length - 1; e >= 0 && p >= 0; e--) {
      const h = historyInstruction(image.history[e]!.createdBy);
      if (!h) continue;
      let found = -1;
      // In order: only ARG instructions may have no entry of their own.
      for (let j = p; j >= 0; j--) {
        if (sameKind(h.keyword, instrs[j]!.keyword) && agrees(h, instrs[j]!)) {
          found = j;
          break;
        }
        if (instrs[j]!.keyword !== 'ARG') break;
      }
      if (found < 0) {
        // BuildKit records ARG entries that may match no instruction; anything else ends the match.
        if (h.keyword === 'ARG') continue;
        break;
      }
      byEntry.set(e, instrs[found]!);
      first = e;
      p = found - 1;
    }
    const complete = instrs.slice(0, p + 1).every((i) => i.keyword === 'ARG');
    if (byEntry.size > 0) result = { byEntry, firstBuildEntry: complete ? first : heuristicFirst(image), complete };
  }
  forImage.set(dockerfile, result);
  return result;
}

/**
 * The base image's name, when something records it: the Dockerfile's FROM (when given and it matches
 * the history), the
 * `org.opencontainers.image.base.name` label, or buildah's history comment `FROM name` on the first
 * entry of this build. Null when unknown.
 */
export function baseImageName(image: ImageFacts, dockerfile: DockerfileFacts | null = null): string | null {
  // The Dockerfile names the base only when it built this image (its instructions match the history).
  const root = dockerfile?.finalStage && traceHistory(image, dockerfile) ? stageChain(dockerfile.finalStage)[0] : undefined;
  if (root?.image && !root.image.unresolved && root.image.resolved.toLowerCase() !== 'scratch') return root.image.resolved;
  const label = image.config.labels['org.opencontainers.image.base.name'];
  if (label) return label.replace(/^docker\.io\/(library\/)?/, '');
  const firstBuild = image.history.find((h) => !h.fromBase);
  const comment = firstBuild?.comment && /^FROM (\S+)$/.exec(firstBuild.comment)?.[1];
  // buildah writes `FROM <name>` for the base and `FROM <short id>` for its own intermediate steps.
  if (comment && image.history.some((h) => h.fromBase) && !/^[0-9a-f]{12,64}$/.test(comment)) return comment.replace(/^docker\.io\/(library\/)?/, '');
  return null;
}

/**
 * True when history entry `entry` came with the base image: exactly when the Dockerfile is given and
 * matched (see `traceHistory`), else the reader's heuristic (`HistoryEntry.fromBase`).
 */
export function entryIsBase(ctx: OriginContext, entry: number): boolean {
  const t = ctx.dockerfile ? traceHistory(ctx.image, ctx.dockerfile) : null;
  if (t) return entry < t.firstBuildEntry;
  return ctx.image.history[entry]?.fromBase ?? false;
}

function dockerfileLine(ctx: OriginContext, entry: number): DockerfileLine | undefined {
  if (!ctx.dockerfile) return undefined;
  const ins = traceHistory(ctx.image, ctx.dockerfile)?.byEntry.get(entry);
  return ins ? { file: ctx.dockerfile.path, line: ins.range.line } : undefined;
}

function describe(ctx: OriginContext, entry: HistoryEntry | undefined, index: number, layer: number | null, fromBase: boolean): LayerOrigin {
  const base = baseImageName(ctx.image, ctx.dockerfile);
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

/** Where layer `layer` came from: the base image or this build, the history entry, the Dockerfile line. */
export function layerOrigin(ctx: OriginContext, layer: number): LayerOrigin {
  const index = ctx.image.history.findIndex((h) => h.layer === layer);
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
  const kw = keyword.toUpperCase();
  let index = -1;
  for (let i = ctx.image.history.length - 1; i >= 0; i--) {
    if (historyInstruction(ctx.image.history[i]!.createdBy)?.keyword === kw) {
      index = i;
      break;
    }
  }
  if (index < 0) {
    const none = describe(ctx, undefined, -1, null, true);
    // Nothing set it: with the Dockerfile, the final stage's FROM is where the build starts to own it.
    const from = ctx.dockerfile?.finalStage?.from;
    if (from && ctx.dockerfile) none.dockerfile = { file: ctx.dockerfile.path, line: from.range.line };
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

const scripts = new WeakMap<HistoryEntry, ShellScript | null>();

/**
 * The commands of a RUN history entry, parsed once with the shell parser (null for other entries, or
 * when the parser is not loaded: `analyzeImage` loads it before the checks run).
 */
export function historyScript(entry: HistoryEntry): ShellScript | null {
  if (scripts.has(entry)) return scripts.get(entry)!;
  const h = historyInstruction(entry.createdBy);
  const script = h?.keyword === 'RUN' && shellParserReady() && !h.body.startsWith('[') ? parseScriptText(h.body) : null;
  scripts.set(entry, script);
  return script;
}

/**
 * True when a COPY/ADD history entry copies the whole build context: BuildKit and kaniko record the
 * sources (`COPY . . # buildkit`, `COPY --chown=app . /app`); the classic builder and buildah record
 * a directory digest and the destination (`COPY dir:3f1c… in .`, `… in /app` with WORKDIR /app).
 * `workdir` is the WORKDIR in force at that entry.
 */
export function copiesWholeContext(h: HistoryInstruction, workdir: string): boolean {
  if (h.keyword !== 'COPY' && h.keyword !== 'ADD') return false;
  const classic = /^dir:[0-9a-f]+ in (\S+)\s*$/.exec(h.body);
  if (classic) {
    const dest = classic[1]!.replace(/\/+$/, '') || '/';
    const wd = workdir.replace(/\/+$/, '') || '/';
    return dest === '.' || dest === './' || (dest === wd && wd !== '/');
  }
  if (/^(file|multi|dir):/.test(h.body)) return false;
  const words = h.body.split(/\s+/).filter((w) => !w.startsWith('--'));
  if (words.length < 2) return false;
  return words.slice(0, -1).some((w) => w === '.' || w === './' || w === '"."');
}
