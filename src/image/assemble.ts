/** Builds image facts from an indexed archive and one image's manifest: integrity, config, history, merged file system, waste. */
import type { CapturedFile, Efficiency, FileEntry, HistoryEntry, ImageFacts, Inefficiency, LayerFacts, ShadowedFile } from './facts.js';
import { ImageReadError, type ArchiveIndex, type LayerScan } from './read.js';
import type { EntryStore } from './file-table.js';
import { resolveMember, type BlobRef, type ImageSpec } from './layout.js';
import { BUDGETS, digestInName } from './read.js';
import { firstIssue, imageConfigSchema, toHistory, toImageConfig } from './schema.js';
import { findBase } from './base.js';
import { FileView } from './file-table.js';
import { thousands } from '../util/count.js';

function verify(label: string, what: string, ref: BlobRef, sha256: string): void {
  if (ref.sha256 && ref.sha256 !== sha256) {
    throw new ImageReadError(`${label}: ${what} ${ref.name} does not match its digest (expected sha256:${ref.sha256.slice(0, 12)}…, got sha256:${sha256.slice(0, 12)}…)`);
  }
}

interface Merge {
  /** In the order paths were added; a directory a later layer writes again keeps its place. */
  files: FileView;
  /**
   * The paths shown under each directory, in `files`' order: built from `files` the first time a
   * whiteout or an overwrite reaches a directory that may hold entries (one that a layer merged so
   * far, or the one being merged, put an entry right under: `EntryStore.hasDir`), then kept. An image
   * whose layers only add files never builds it.
   */
  children: Map<string, Set<string>> | null;
  /** The layer being merged. */
  layer: number;
  shadowed: ShadowedFile[];
  wasted: number[];
  /**
   * The sizes of every path a layer wrote or deleted, except a file still shown whose one write is
   * its entry (`layer`, `size`): the common case, kept by the entry itself rather than a map entry per
   * file. A path joins the map when its file is hidden or a second layer writes or deletes it.
   */
  perPath: Map<string, PathSizes>;
  /** `stores[L]`: layer L's entries. */
  stores: EntryStore[];
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** Shows entry `local` of layer `L` (its path is not shown); `path` when the caller has it. */
function add(m: Merge, L: number, local: number, path?: string): void {
  m.files.append(L, local);
  if (!m.children) return;
  path ??= m.stores[L]!.path(local);
  const parent = parentOf(path);
  let set = m.children.get(parent);
  if (!set) m.children.set(parent, (set = new Set()));
  set.add(path);
}

/** The children index, built when first needed; null when nothing can lie under `path`. */
function childrenUnder(m: Merge, path: string): Map<string, Set<string>> | null {
  if (m.children) return m.children;
  let may = false;
  for (let L = 0; L <= m.layer && !may; L++) may = m.stores[L]!.hasDir(path);
  if (!may) return null;
  const children = new Map<string, Set<string>>();
  for (const p of m.files.keys()) {
    const parent = parentOf(p);
    let set = children.get(parent);
    if (!set) children.set(parent, (set = new Set()));
    set.add(p);
  }
  return (m.children = children);
}

/**
 * Removes a path and what lies under it; returns the bytes removed. A loop over a stack, not a
 * recursion: a layer may nest directories thousands deep.
 */
function removeTree(m: Merge, path: string, by: number, how: ShadowedFile['how'], keepSelf = false): number {
  let bytes = 0;
  const children = childrenUnder(m, path);
  if (!children) {
    // Nothing lies under the path: the entry alone, if it is shown.
    const e = keepSelf ? undefined : m.files.get(path);
    if (e) bytes += hide(m, e, by, how);
    return bytes;
  }
  // Depth first, children before their parent, in the order the recursion visited them.
  const stack: Array<{ path: string; expanded: boolean }> = [{ path, expanded: false }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const kids = children.get(top.path);
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
      else children.delete(top.path);
    }
    if (self && keepSelf) continue;
    const e = m.files.get(top.path);
    if (e) {
      children.get(parentOf(top.path))?.delete(top.path);
      bytes += hide(m, e, by, how);
    }
  }
  return bytes;
}

/** Takes one entry out of the merged view: its bytes still ship, in the layer that wrote it. */
function hide(m: Merge, e: FileEntry, by: number, how: ShadowedFile['how']): number {
  m.files.delete(e.path);
  if (e.type !== 'dir' && !m.perPath.has(e.path)) m.perPath.set(e.path, packOnce(e.size, e.layer));
  m.shadowed.push({ ...e, hiddenBy: by, how });
  m.wasted[e.layer] = (m.wasted[e.layer] ?? 0) + e.size;
  return e.size;
}

/** Size of what lies under a path in the current merged view (dive sizes a directory whiteout this way); a loop, like removeTree. */
function treeSize(m: Merge, path: string): number {
  let n = 0;
  const children = childrenUnder(m, path);
  if (!children) return 0;
  const stack = [path];
  while (stack.length) {
    for (const k of children.get(stack.pop()!) ?? []) {
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

function efficiencyOf({ perPath, files }: Merge, sizes: number[]): Efficiency {
  let minimum = 0;
  let discovered = 0;
  // Files shown whose one write is their entry (see Merge.perPath).
  const some = perPath.size > 0;
  for (const pos of files.positions()) {
    if (files.typeOf(pos) === 'dir' || (some && perPath.has(files.pathAt(pos)))) continue;
    const size = files.sizeOf(pos);
    minimum += size;
    discovered += size;
  }
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
  const stores = scans.map((s) => s.entries);
  const files = new FileView(stores);
  files.reserve(stores.reduce((n, s) => n + s.length, 0));
  const m: Merge = { files, children: null, layer: 0, shadowed: [], wasted: scans.map(() => 0), perPath: new Map(), stores };
  const perPath = m.perPath;
  /** A path's sizes so far: the map's, or those of the file shown when its entry holds them. */
  const sizesOf = (path: string): PathSizes | undefined => {
    const d = perPath.get(path);
    if (d !== undefined) return d;
    const f = m.files.get(path);
    return f && f.type !== 'dir' ? packOnce(f.size, f.layer) : undefined;
  };
  /** A layer wrote (`write`: the entry now shown, whose earlier version is hidden) or deleted a path. */
  const seen = (path: string, size: number, layer: number, write = false): void => {
    const d = write ? perPath.get(path) : sizesOf(path);
    if (d === undefined) {
      if (!write) perPath.set(path, packOnce(size, layer));
    } else if (typeof d === 'number') {
      const first = Math.floor(d / PACK);
      perPath.set(path, { cumulative: first + size, min: Math.min(first, size), layers: [d % PACK, layer] });
    } else {
      if (!perPath.has(path)) perPath.set(path, d);
      d.cumulative += size;
      d.min = Math.min(d.min, size);
      d.layers.push(layer);
    }
  };
  const sizes: number[] = [];
  scans.forEach((scan, L) => {
    m.layer = L;
    let size = 0;
    for (const w of scan.whiteouts) {
      const path = w.path;
      if (w.kind === 'file') {
        const prev = m.files.get(path);
        seen(path, prev?.type === 'dir' ? treeSize(m, path) : 0, L);
        removeTree(m, path, L, 'deleted');
      } else removeTree(m, path, L, 'deleted', true);
    }
    const store = scan.entries;
    for (let i = 0; i < store.length; i++) {
      const type = store.type(i);
      const pos = m.files.findEntry(L, i);
      let path: string | undefined;
      if (pos === -1) add(m, L, i);
      else if (type === 'dir' && m.files.typeOf(pos) === 'dir') m.files.replace(pos, L, i);
      else {
        path = store.path(i);
        removeTree(m, path, L, 'overwritten');
        add(m, L, i, path);
      }
      const fileSize = store.size(i);
      size += fileSize;
      if (type !== 'dir' && perPath.size > 0) seen(path ?? store.path(i), fileSize, L, true);
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
    entries: s.entries.length + s.whiteouts.length,
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
  for (const [k, b] of Object.entries(BUDGETS) as Array<[keyof typeof BUDGETS, (typeof BUDGETS)[keyof typeof BUDGETS]]>) {
    const n = scans.reduce((sum, s) => sum + s.unread[k], 0);
    if (n > 0) notes.push(`${label}: ${b.readBy} did not see ${thousands(n)} ${b.files}: the reader keeps at most ${b.bytes / 1048576} MiB of ${b.kept}`);
  }

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
    efficiency: efficiencyOf(m, sizes),
    manifest: spec.manifest,
    base,
    notes,
  };
}
