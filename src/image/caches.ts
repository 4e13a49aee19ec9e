/** Package-manager caches and indexes present in an image's merged file system. */
import type { Severity } from '../knowledge/practices.js';
import { humanBytes } from './bytes.js';
import { CACHE_PATHS_IN_IMAGE } from '../knowledge/package-cache.js';
import type { ImageFacts } from './facts.js';
import { baseSeverity, layerOrigin, originDetail, type OriginContext } from './origin.js';

/** One cache directory's files written by one layer. */
export interface CacheInImage {
  /** What it is, for messages: `apt package lists`, `pip cache`… */
  what: string;
  /** The manager: apt, apk, yum, zypper, pip, uv, npm, yarn. */
  kind: string;
  /** The cache directory (`/var/lib/apt/lists`, `/home/app/.cache/pip`). */
  dir: string;
  layer: number;
  bytes: number;
  files: number;
}

/** Below this many bytes a cache directory is bookkeeping, not a cache left behind. */
const FLOOR = 4096;

/**
 * The caches the merged file system still holds, one entry per cache directory and layer that wrote
 * its files, largest first.
 */
export function cachesInImage(image: ImageFacts): CacheInImage[] {
  const found = new Map<string, CacheInImage>();
  for (const f of image.files.values()) {
    if (f.type !== 'file' && f.type !== 'hardlink') continue;
    for (const d of CACHE_PATHS_IN_IMAGE) {
      const m = d.re.exec(f.path);
      if (!m) continue;
      if (d.skip?.test(f.path.slice(m[1]!.length))) break;
      const key = `${m[1]}\0${f.layer}`;
      const e = found.get(key) ?? { what: d.what, kind: d.kind, dir: m[1]!, layer: f.layer, bytes: 0, files: 0 };
      e.bytes += f.size;
      e.files++;
      found.set(key, e);
      break;
    }
  }
  return [...found.values()].filter((e) => e.bytes >= FLOOR).sort((a, b) => b.bytes - a.bytes || a.layer - b.layer);
}

/** A finding about a cache left in an image, as a check reports it (`ctx.report(r)`). */
export interface CacheReport {
  messageId: 'image' | 'imageBase';
  data: { what: string; path: string; bytes: string; origin: string };
  image: { path: string; layer: number };
  severity: Severity | undefined;
  detail: Record<string, string | number | boolean>;
}

/**
 * What to report for each cache `cachesInImage` finds whose kind `wanted` accepts, with messages
 * `image` and `imageBase` (data: what, path, bytes, origin): the image side shared by
 * size/package-cache-left and size/pip-cache.
 */
export function cacheReports(ctx: OriginContext, wanted: (kind: string) => boolean): CacheReport[] {
  const out: CacheReport[] = [];
  for (const found of cachesInImage(ctx.image)) {
    if (!wanted(found.kind)) continue;
    const o = layerOrigin(ctx, found.layer);
    out.push({
      messageId: o.fromBase ? 'imageBase' : 'image',
      data: { what: found.what, path: found.dir, bytes: humanBytes(found.bytes), origin: o.says },
      image: { path: found.dir, layer: found.layer },
      severity: baseSeverity(ctx, o),
      detail: { ...originDetail(o), bytes: found.bytes, files: found.files },
    });
  }
  return out;
}
