/** Builds image facts from an indexed archive and one image's manifest: integrity, config, history, merged file system, waste. */
import type { CapturedFile, Efficiency, FileEntry, HistoryEntry, ImageFacts, Inefficiency, LayerFacts, ShadowedFile } from './facts.js';
import { ImageReadError, type ArchiveIndex, type LayerScan } from './read.js';
import { resolveMember, type BlobRef, type ImageSpec } from './layout.js';
import { digestInName } from './read.js';
import { firstIssue, imageConfigSchema, toHistory, toImageConfig } from './schema.js';
import { findBase } from './base.js';

function verify(label: string, what: string, ref: BlobRef, sha256: string): void {
  if (ref.sha256 && ref.sha256 !== sha256) {
    throw new ImageReadError(`${label}: ${what} ${ref.name} does not match its digest (expected sha256:${ref.sha256.slice(0, 12)}…, got sha256:${sha256.slice(0, 12)}…)`);
  }
}

interface Merge {
  files: Map<string, FileEntry>;
  children: Map<string, Set<string>>;
  shadowed: ShadowedFile[];
  wasted: number[];
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function add(m: Merge, e: FileEntry): void {
  m.files.set(e.path, e);
  const parent = parentOf(e.path);
  let set = m.children.get(parent);
  if (!set) m.children.set(parent, (set = new Set()));
  set.add(e.path);
}

/**
 * Removes a path and what lies under it; returns the bytes removed. A loop over a stack, not a
 * recursion: a layer may nest directories thousands deep.
 */
function removeTree(m: Merge, path: string, by: number, how: ShadowedFile['how'], keepSelf = false): number {
  let bytes = 0;
  // Depth first, children before their parent, in the order the recursion visited them.
  const stack: Array<{ path: string; expanded: boolean }> = [{ path, expanded: false }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const kids = m.children.get(top.path);
    if (!top.expanded && kids && kids.size) {
      top.expanded = true;
      const list = [...kids];
      for (let i = list.length - 1; i >= 0; i--) stack.push({ path: list[i]!, expanded: false });
      continue;
    }
    stack.pop();
    const self = top.path === path;
    if (kids) {
      if (self && keepSelf) kids.clear();
      else m.children.delete(top.path);
    }
    if (self && keepSelf) continue;
    const e = m.files.get(top.path);
    if (e) {
      m.files.delete(top.path);
      m.children.get(parentOf(top.path))?.delete(top.path);
      m.shadowed.push({ ...e, hiddenBy: by, how });
      m.wasted[e.layer] = (m.wasted[e.layer] ?? 0) + e.size;
      bytes += e.size;
    }
  }
  return bytes;
}

/** Size of what lies under a path in the current merged view (dive sizes a directory whiteout this way); a loop, like removeTree. */
function treeSize(m: Merge, path: string): number {
  let n = 0;
  const stack = [path];
  while (stack.length) {
    for (const k of m.children.get(stack.pop()!) ?? []) {
      n += m.files.get(k)?.size ?? 0;
      stack.push(k);
    }
  }
  return n;
}

/** The sizes a path had in the layers that wrote it: a number while one layer did (see `packOnce`), then the record. */
type PathSizes = number | { cumulative: number; min: number; layers: number[] };

/**
 * A path written by one layer, packed as size * 1024 + layer (MAX_LAYERS is 1024) so that an image of
 * 500,000 files does not keep 500,000 records and arrays for the few paths two layers write; sizes
 * from 2^42 bytes (4 TB) get the record (they never fit a real archive anyway).
 */
const PACK = 1024;
const packOnce = (size: number, layer: number): PathSizes => (size < 2 ** 42 && layer < PACK ? size * PACK + layer : { cumulative: size, min: size, layers: [layer] });

function efficiencyOf(perPath: Map<string, PathSizes>, sizes: number[]): Efficiency {
  let minimum = 0;
  let discovered = 0;
  const inefficiencies: Inefficiency[] = [];
  let wastedBytes = 0;
  for (const [path, d] of perPath) {
    if (typeof d === 'number') {
      const size = Math.floor(d / PACK);
      minimum += size;
      discovered += size;
      continue;
    }
    minimum += d.min;
    discovered += d.cumulative;
    if (d.layers.length >= 2) {
      inefficiencies.push({ path, cumulativeSize: d.cumulative, layers: d.layers });
      wastedBytes += d.cumulative;
    }
  }
  inefficiencies.sort((a, b) => b.cumulativeSize - a.cumulativeSize || (a.path < b.path ? -1 : 1));
  const sizeBytes = sizes.reduce((a, b) => a + b, 0);
  const userSizeBytes = sizeBytes - (sizes[0] ?? 0);
  return {
    score: discovered === 0 ? 1 : minimum / discovered,
    wastedBytes,
    sizeBytes,
    userSizeBytes,
    wastedUserPercent: userSizeBytes === 0 ? 0 : wastedBytes / userSizeBytes,
    inefficiencies,
  };
}

/** Builds the facts of one image. */
export function assemble(label: string, index: ArchiveIndex, spec: ImageSpec, notes: string[]): ImageFacts {
  const cfgBlob = resolveMember(index, spec.config.name);
  if (!cfgBlob) throw new ImageReadError(`${label}: config ${spec.config.name} is missing from the archive`);
  verify(label, 'config', spec.config, cfgBlob.sha256);
  if (cfgBlob.jsonError) throw new ImageReadError(`${label}: config ${spec.config.name} is ${cfgBlob.jsonError}`);
  const parsed = imageConfigSchema.safeParse(cfgBlob.json);
  if (!parsed.success || cfgBlob.json === undefined || Array.isArray(cfgBlob.json)) {
    throw new ImageReadError(`${label}: config ${spec.config.name} is malformed: ${parsed.success ? 'not a JSON object' : firstIssue(parsed.error, cfgBlob.json)}`);
  }
  const raw = parsed.data;

  const scans: LayerScan[] = [];
  const digests: string[] = [];
  for (const ref of spec.layers) {
    const b = resolveMember(index, ref.name);
    if (!b) throw new ImageReadError(`${label}: layer ${ref.name} is missing from the archive`);
    verify(label, 'layer', ref, b.sha256);
    // A blob stored under its digest must match it, whichever name the manifest used (a
    // `<id>/layer.tar` link to `blobs/sha256/<hex>`): the reader skips the uncompressed hash of a
    // compressed blob so named, and relies on this check.
    const own = digestInName(b.name);
    if (own) verify(label, 'layer', { name: b.name, sha256: own }, b.sha256);
    if (b.layerError) throw new ImageReadError(`${label}: layer ${ref.name}: ${b.layerError}`);
    if (!b.layer) throw new ImageReadError(`${label}: layer ${ref.name} is not a tar, gzip or zstd stream`);
    scans.push(b.layer);
    digests.push(`sha256:${b.sha256}`);
  }
  const diffIds = raw.rootfs?.diff_ids ?? [];
  if (diffIds.length !== scans.length) {
    throw new ImageReadError(`${label}: config ${spec.config.name} lists ${diffIds.length} layer diff_ids but the manifest lists ${scans.length} layers`);
  }
  // An uncompressed layer's diff id is its blob digest; a compressed one's is hashed only when no
  // digest verifies the blob (read.ts), and is otherwise taken from the config (itself verified).
  const layerDiffIds = scans.map((s, i) => s.diffId ?? (diffIds[i]!.startsWith('sha256:') ? diffIds[i]!.slice(7) : ''));
  scans.forEach((s, i) => {
    const want = diffIds[i]!;
    if (s.diffId !== undefined && want.startsWith('sha256:') && want.slice(7) !== s.diffId) {
      throw new ImageReadError(`${label}: layer ${spec.layers[i]!.name} does not match rootfs.diff_ids[${i}] (expected ${want.slice(0, 19)}…, got sha256:${s.diffId.slice(0, 12)}…)`);
    }
  });

  const history = toHistory(raw);
  const base = findBase(history);
  const baseEnd = base.end;
  for (let i = 0; i <= baseEnd; i++) history[i]!.fromBase = true;
  if (base.confidence === 'guess') {
    notes.push(`${label}: no builder's marks tell where the base image ends; ${base.how}, so layers up to ${history.slice(0, baseEnd + 1).filter((h) => !h.emptyLayer).length - 1} are taken as the base's (a guess; --dockerfile gives the exact boundary)`);
  }
  const layerHistory: (HistoryEntry | undefined)[] = [];
  for (const h of history) {
    if (h.emptyLayer) continue;
    if (layerHistory.length < scans.length) {
      h.layer = layerHistory.length;
      layerHistory.push(h);
    }
  }
  const recorded = history.filter((h) => !h.emptyLayer).length;
  if (recorded !== scans.length && history.length > 0) {
    notes.push(`${label}: the history records ${recorded} layers but the image has ${scans.length}; layers are matched to history entries in order`);
  }

  // Merge the layers in order: each layer's whiteouts hide what lower layers added, then its entries land.
  const m: Merge = { files: new Map(), children: new Map(), shadowed: [], wasted: scans.map(() => 0) };
  const perPath = new Map<string, PathSizes>();
  const seen = (path: string, size: number, layer: number): void => {
    const d = perPath.get(path);
    if (d === undefined) perPath.set(path, packOnce(size, layer));
    else if (typeof d === 'number') {
      const first = Math.floor(d / PACK);
      perPath.set(path, { cumulative: first + size, min: Math.min(first, size), layers: [d % PACK, layer] });
    } else {
      d.cumulative += size;
      d.min = Math.min(d.min, size);
      d.layers.push(layer);
    }
  };
  const sizes: number[] = [];
  scans.forEach((scan, L) => {
    let size = 0;
    for (const e of scan.entries) {
      if (!e.whiteout) continue;
      const path = '/' + e.path;
      if (e.whiteout === 'file') {
        const prev = m.files.get(path);
        seen(path, prev?.type === 'dir' ? treeSize(m, path) : 0, L);
        removeTree(m, path, L, 'deleted');
      } else removeTree(m, path, L, 'deleted', true);
    }
    for (const e of scan.entries) {
      if (e.whiteout) continue;
      const path = '/' + e.path;
      const prev = m.files.get(path);
      if (prev) {
        if (prev.type === 'dir' && e.type === 'dir') {
          m.files.delete(path);
        } else removeTree(m, path, L, 'overwritten');
      }
      const f: FileEntry = { path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, size: e.size, layer: L };
      if (e.linkTarget !== undefined) f.linkTarget = e.linkTarget;
      if (prev?.type === 'dir' && e.type === 'dir') m.files.set(path, f);
      else add(m, f);
      size += e.size;
      if (e.type !== 'dir') seen(path, e.size, L);
    }
    sizes.push(size);
  });

  const entryIndex = new Map<HistoryEntry, number>(history.map((h, i) => [h, i]));
  const layers: LayerFacts[] = scans.map((s, i) => ({
    index: i,
    digest: digests[i]!,
    diffId: `sha256:${layerDiffIds[i]}`,
    compression: s.compression,
    size: sizes[i]!,
    wastedBytes: m.wasted[i] ?? 0,
    entries: s.entries.length,
    createdBy: layerHistory[i]?.createdBy ?? '',
    fromBase: (layerHistory[i] ? entryIndex.get(layerHistory[i]!)! : Infinity) <= baseEnd,
  }));

  const captures: CapturedFile[] = [];
  const captured = new Map<string, string>();
  scans.forEach((s, L) => {
    for (const c of s.captures) {
      const path = '/' + c.path;
      const visible = m.files.get(path)?.layer === L;
      captures.push({ path, layer: L, size: c.size, text: c.text, truncated: c.truncated, visible });
      if (visible) captured.set(path, c.text);
    }
  });

  const platform = [raw.os, raw.architecture, raw.variant].filter(Boolean).join('/') || spec.platform || '';
  return {
    path: label,
    format: spec.format,
    id: `sha256:${cfgBlob.sha256}`,
    tags: spec.tags,
    repoDigest: spec.repoDigest ?? null,
    ...(spec.manifestDigest ? { manifestDigest: spec.manifestDigest } : {}),
    platform,
    config: toImageConfig(raw),
    history,
    layers,
    files: m.files,
    shadowed: m.shadowed,
    captured,
    captures,
    efficiency: efficiencyOf(perPath, sizes),
    manifest: spec.manifest,
    base,
    notes,
  };
}
