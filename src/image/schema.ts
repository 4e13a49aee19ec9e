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
  size: z.number().nullish(),
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

/** The first problem zod found, as `field.path: message`. */
export function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  if (!i) return 'invalid';
  const where = i.path.length ? i.path.join('.') : 'document';
  return `${where}: ${i.message}`;
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
    healthcheck: c.Healthcheck?.Test ?? null,
    labels: c.Labels ?? {},
  };
}

export function toHistory(raw: RawImageConfig): HistoryEntry[] {
  return (raw.history ?? []).map((h) => {
    const e: HistoryEntry = { createdBy: h.created_by ?? '', emptyLayer: h.empty_layer === true, fromBase: false };
    if (h.comment) e.comment = h.comment;
    if (h.created) e.created = h.created;
    return e;
  });
}
