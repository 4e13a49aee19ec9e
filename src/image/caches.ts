/** Package-manager caches and indexes present in an image's merged file system. */
import type { ImageContext } from '../engine/types.js';
import { humanBytes } from './bytes.js';
import type { ImageFacts } from './facts.js';
import { baseSeverity, layerOrigin, originDetail } from './origin.js';

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

interface CacheDir {
  kind: string;
  what: string;
  /** Matches a file path; group 1 is the cache directory. */
  re: RegExp;
  /** Bookkeeping files that are there even when the cache is clean. */
  skip?: RegExp;
}

const HOME = '(?:/root|/home/[^/]+|/usr/local/share)';

const DIRS: CacheDir[] = [
  { kind: 'apt', what: 'apt package lists', re: /^(\/var\/lib\/apt\/lists)\//, skip: /\/(lock|partial|auxfiles)(\/|$)/ },
  { kind: 'apt', what: 'apt package cache', re: /^(\/var\/cache\/apt)\//, skip: /\/(lock|partial)(\/|$)/ },
  { kind: 'apk', what: 'apk cache', re: /^(\/var\/cache\/apk|\/etc\/apk\/cache)\// },
  { kind: 'yum', what: 'yum/dnf cache', re: /^(\/var\/cache\/(?:yum|dnf|libdnf5))\// },
  { kind: 'zypper', what: 'zypper cache', re: /^(\/var\/cache\/zypp)\// },
  { kind: 'pip', what: 'pip cache', re: new RegExp(`^(${HOME}/\\.cache/pip)/`) },
  { kind: 'uv', what: 'uv cache', re: new RegExp(`^(${HOME}/\\.cache/uv)/`) },
  { kind: 'npm', what: 'npm cache', re: new RegExp(`^(${HOME}/\\.npm/_cacache)/`) },
  { kind: 'yarn', what: 'yarn cache', re: new RegExp(`^(${HOME}/\\.cache/yarn|${HOME}/\\.yarn/berry/cache)/`) },
];

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
    for (const d of DIRS) {
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

/**
 * Reports each cache `cachesInImage` finds whose kind `wanted` accepts, with messages `image` and
 * `imageBase` (data: what, path, bytes, origin): the image side shared by size/package-cache-left
 * and size/pip-cache.
 */
export function reportCachesInImage(ctx: ImageContext<'image' | 'imageBase'>, wanted: (kind: string) => boolean): void {
  for (const found of cachesInImage(ctx.image)) {
    if (!wanted(found.kind)) continue;
    const o = layerOrigin(ctx, found.layer);
    ctx.report({
      messageId: o.fromBase ? 'imageBase' : 'image',
      data: { what: found.what, path: found.dir, bytes: humanBytes(found.bytes), origin: o.says },
      image: { path: found.dir, layer: found.layer },
      severity: baseSeverity(ctx, o),
      detail: { ...originDetail(o), bytes: found.bytes, files: found.files },
    });
  }
}
