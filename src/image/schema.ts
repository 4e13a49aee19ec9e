/** zod schemas for the JSON documents inside an image archive, and their conversion to facts. */
import { z } from 'zod';
import type { HistoryEntry, ImageConfig } from './facts.js';

const strings = z.array(z.string());
/** Docker writes `null` for unset lists and maps; a string Entrypoint/Cmd is accepted as one word. */
const command = z.union([strings, z.string().transform((s) => [s])]).nullish();

const containerConfig = z.object({
  User: z.string().nullish(),
  Entrypoint: command,
  Cmd: command,
  Env: strings.nullish(),
  WorkingDir: z.string().nullish(),
  ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
  StopSignal: z.string().nullish(),
  Volumes: z.record(z.string(), z.unknown()).nullish(),
  Healthcheck: z.object({ Test: strings.nullish() }).nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
});

export const imageConfigSchema = z.object({
  architecture: z.string().nullish(),
  os: z.string().nullish(),
  variant: z.string().nullish(),
  config: containerConfig.nullish(),
  rootfs: z.object({ type: z.string().nullish(), diff_ids: strings.nullish() }).nullish(),
  history: z
    .array(
      z.object({
        created: z.string().nullish(),
        created_by: z.string().nullish(),
        comment: z.string().nullish(),
        author: z.string().nullish(),
        empty_layer: z.boolean().nullish(),
      }),
    )
    .nullish(),
});
export type RawImageConfig = z.infer<typeof imageConfigSchema>;

/** docker-archive `manifest.json`: one entry per image. */
export const dockerManifestSchema = z.array(
  z.object({
    Config: z.string(),
    RepoTags: strings.nullish(),
    Layers: strings,
  }),
);

const descriptor = z.object({
  mediaType: z.string().nullish(),
  digest: z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest'),
  /** Bytes of the blob, which must match what the archive holds (checked where the blob is read). */
  size: z.number().int().nonnegative().nullish(),
  platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().nullish() }).nullish(),
  annotations: z.record(z.string(), z.string()).nullish(),
});
export type Descriptor = z.infer<typeof descriptor>;

/** OCI `index.json` or a nested image index. Docker 25 may write `"manifests": null`. */
export const ociIndexSchema = z.object({
  mediaType: z.string().nullish(),
  manifests: z.array(descriptor).nullish(),
});

/** OCI or Docker v2 image manifest. */
export const ociManifestSchema = z.object({
  mediaType: z.string().nullish(),
  config: descriptor,
  layers: z.array(descriptor),
  annotations: z.record(z.string(), z.string()).nullish(),
});

const EXPECTED: Record<string, string> = { string: 'a string', array: 'a list', object: 'an object', number: 'a number', int: 'a whole number', boolean: 'true or false', record: 'an object' };

/** What a JSON value is, in words: `missing`, `null`, `a number (12)`, `a list`… */
function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length <= 40 ? `the string ${JSON.stringify(v)}` : 'a string';
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  return 'an object';
}

/** A field path as a reader of the document writes it: `history[0].created_by`, `manifests[2].digest`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || 'the document';
}

/**
 * The first problem zod found in `doc`, said in the document's own terms (`config.digest is missing;
 * it must be a string`, `history[0].created_by is a list; it must be a string`), not zod's wording.
 */
export function firstIssue(err: z.ZodError, doc: unknown): string {
  const i = err.issues[0];
  if (!i) return 'invalid';
  const where = fieldName(i.path);
  let value: unknown = doc;
  for (const k of i.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
  const is = kindOf(value);
  if (i.code === 'invalid_type') return `${where} is ${is}; it must be ${EXPECTED[i.expected] ?? i.expected}`;
  if (i.code === 'too_small') return `${where} is ${is}; it must be 0 or more`;
  if (i.code === 'invalid_union') return `${where} is ${is}; it must be a list of strings or a string`;
  if (i.code === 'invalid_format' || i.code === 'custom') return `${where} is ${is}; ${i.message === 'not a digest' ? 'it must be a digest (sha256:<64 hex digits>)' : i.message}`;
  return `${where} is ${is}; not what the image format allows there`;
}

export function toImageConfig(raw: RawImageConfig): ImageConfig {
  const c = raw.config ?? {};
  return {
    user: c.User ?? '',
    entrypoint: c.Entrypoint ?? null,
    cmd: c.Cmd ?? null,
    env: c.Env ?? [],
    workingDir: c.WorkingDir ?? '',
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    stopSignal: c.StopSignal ?? null,
    volumes: Object.keys(c.Volumes ?? {}),
    healthcheck: c.Healthcheck?.Test ?? null,
    labels: c.Labels ?? {},
  };
}

export function toHistory(raw: RawImageConfig): HistoryEntry[] {
  return (raw.history ?? []).map((h) => {
    const e: HistoryEntry = { createdBy: h.created_by ?? '', emptyLayer: h.empty_layer === true, fromBase: false };
    if (h.comment) e.comment = h.comment;
    if (h.author) e.author = h.author;
    if (h.created) e.created = h.created;
    return e;
  });
}
