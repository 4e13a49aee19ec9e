/**
 * The file index of an image kept outside the JavaScript heap's objects: typed-array columns (10
 * bytes a file in its layer's store, 4 in the merged view, about 8 in the view's hash table) and its
 * path's characters in pooled strings, instead of an object, a path string and a map slot per file:
 * about 50 bytes a file for paths of 25 characters, against about 190. 500,000 such files: about 25
 * MB, against 111 MB of live heap as objects.
 *
 * `EntryStore`: one layer's entries in tar order, append-only. `FileView`: the merged file system,
 * positions in the order a `Map` would keep them (a path set again keeps its place; one deleted and
 * added again goes to the end), each position naming a layer and an entry of that layer's store.
 * `FileView` is a `ReadonlyMap<string, FileEntry>` for the checks: every `get` and every step of an
 * iteration makes a fresh `FileEntry`, which nobody keeps for long.
 */
import type { FileEntry } from './facts.js';

type EntryType = FileEntry['type'];

const BITS = 13;
const CHUNK = 1 << BITS;
const MASK = CHUNK - 1;

/**
 * A growable column in chunks of 8,192 values: no copy when it grows past a chunk, at most one chunk
 * unused. The first chunk starts at 64 values and doubles, so that a layer of a few files (an image
 * may have a hundred such layers) does not hold whole chunks.
 */
class Column<A extends Uint32Array | Uint16Array> {
  readonly chunks: A[] = [];
  constructor(private readonly make: (n: number) => A) {}
  get(i: number): number {
    return this.chunks[i >>> BITS]![i & MASK]!;
  }
  set(i: number, v: number): void {
    const c = i >>> BITS;
    const k = i & MASK;
    let a = this.chunks[c];
    if (a === undefined || k >= a.length) a = this.grow(c, k);
    a[k] = v;
  }
  private grow(c: number, k: number): A {
    const old = this.chunks[c];
    let size = old ? old.length * 2 : c === 0 ? 64 : CHUNK;
    while (size <= k) size *= 2;
    const a = this.make(Math.min(size, CHUNK));
    if (old) a.set(old);
    return (this.chunks[c] = a);
  }
}

/**
 * Paths are kept in strings of this many characters: each path's characters are written into a
 * buffer as the tar gives them, and a full buffer becomes one string. A path is then a slice of it
 * (no copy, and as fast as a flat string for the checks' regular expressions); the strings are large
 * objects V8 never moves, and no string per path outlives the header it came from.
 */
const POOL_BITS = 18;
const POOL_CHARS = 1 << POOL_BITS;
/**
 * pathRef's flag for a path kept as its own string (`long`): LONG characters or more (a pooled
 * path must fit in one pool string), or a character past U+00FF. Otherwise pathRef is the pool string's index (13 bits) and the offset in it
 * (18 bits); a path ends where the next entry's begins, or at the end of its pool string.
 */
const LONG_FLAG = 0x80000000;
const LONG = 0xffff;
const MAX_POOLS = 1 << 13;
/** attr's mark for an entry whose tuple id is 65,535 or more (kept in `wideAttr`). */
const WIDE_ATTR = 0xffff;
/** Sizes from 2^32 - 1 bytes are kept in a map (`big`). */
const BIG = 0xffffffff;

const TYPES: EntryType[] = ['file', 'dir', 'symlink', 'hardlink', 'other'];

/** FNV-1a over UTF-16 code units: the hash of `FileView`'s table. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
function fnv(s: string, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** One layer's entries, in tar order. Paths are absolute (`/usr/bin/nc`). */
export class EntryStore {
  length = 0;
  /** The directories entries were added under (`/usr/bin`; `` for the root). */
  private readonly dirs = new Set<string>();
  /** The last entry's directory as the tar names it (`usr/bin`), and its length (-1 for the root; -2 before the first entry). */
  private lastRel = '';
  private lastRelLength = -2;
  /** (type, mode, uid, gid) tuples: few distinct in an image. */
  private readonly attrType: number[] = [];
  private readonly attrMode: number[] = [];
  private readonly attrUid: number[] = [];
  private readonly attrGid: number[] = [];
  private readonly attrIds = new Map<string, number>();
  private lastAttr = -1;
  /** Full pool strings; `pending` holds the characters of the next one (one byte each, Latin-1). */
  private readonly pool: string[] = [];
  private pending: Buffer | null = null;
  private pendingChars = 0;
  private readonly pathRef = new Column((n) => new Uint32Array(n));
  private readonly attr = new Column((n) => new Uint16Array(n));
  private readonly wideAttr = new Map<number, number>();
  private readonly sizes = new Column((n) => new Uint32Array(n));
  private readonly long = new Map<number, string>();
  private readonly big = new Map<number, number>();
  private readonly links = new Map<number, string>();

  /** Whether an entry was added right under `dir` (`/` for the root). */
  hasDir(dir: string): boolean {
    return this.dirs.has(dir === '/' ? '' : dir);
  }

  private attrId(type: number, mode: number, uid: number, gid: number): number {
    const last = this.lastAttr;
    if (last !== -1 && this.attrType[last] === type && this.attrMode[last] === mode && this.attrUid[last] === uid && this.attrGid[last] === gid) return last;
    const key = `${type}:${mode}:${uid}:${gid}`;
    let id = this.attrIds.get(key);
    if (id === undefined) {
      id = this.attrType.length;
      this.attrType.push(type);
      this.attrMode.push(mode);
      this.attrUid.push(uid);
      this.attrGid.push(gid);
      this.attrIds.set(key, id);
    }
    return (this.lastAttr = id);
  }

  /** Appends an entry; `rel` is its path without the leading `/` (`usr/bin/nc`), as the tar names it once normalized. */
  add(rel: string, type: EntryType, mode: number, uid: number, gid: number, size: number, linkTarget?: string): void {
    const i = this.length++;
    const slash = rel.lastIndexOf('/');
    // Entries come grouped by directory: the last one's is tried before the set.
    if (this.lastRelLength !== slash || (slash !== -1 && !rel.startsWith(this.lastRel))) {
      const relDir = slash === -1 ? '' : rel.slice(0, slash);
      this.dirs.add(slash === -1 ? '' : '/' + relDir);
      this.lastRel = relDir;
      this.lastRelLength = slash;
    }
    const a = this.attrId(TYPES.indexOf(type), mode, uid, gid);
    if (a < WIDE_ATTR) this.attr.set(i, a);
    else {
      this.attr.set(i, WIDE_ATTR);
      this.wideAttr.set(i, a);
    }
    if (size < BIG) this.sizes.set(i, size);
    else {
      this.sizes.set(i, BIG);
      this.big.set(i, size);
    }
    if (linkTarget !== undefined) this.links.set(i, linkTarget);
    const n = rel.length + 1;
    if (n < LONG) {
      if (this.pendingChars + n > POOL_CHARS) this.join();
      const at = this.pendingChars;
      let buf = this.pending;
      if (!buf || at + n > buf.length) {
        // From 4 KiB, doubled as needed: a layer of a few files does not hold 256 KiB.
        let size = buf ? buf.length : 4096;
        while (size < at + n) size *= 2;
        const grown = Buffer.allocUnsafeSlow(Math.min(size, POOL_CHARS));
        if (buf) buf.copy(grown, 0, 0, at);
        buf = this.pending = grown;
      }
      buf[at] = 0x2f;
      let k = 0;
      for (; k < rel.length; k++) {
        const c = rel.charCodeAt(k);
        if (c > 0xff) break;
        buf[at + 1 + k] = c;
      }
      if (k === rel.length) {
        this.pathRef.set(i, this.ref(at));
        this.pendingChars += n;
        return;
      }
    }
    this.long.set(i, '/' + rel);
    // Where the next path will begin, so that the entry before this one ends there.
    this.pathRef.set(i, (this.ref(this.pendingChars) | LONG_FLAG) >>> 0);
  }

  private ref(at: number): number {
    if (this.pool.length >= MAX_POOLS) throw new RangeError(`file index: more than ${MAX_POOLS} path pools in one layer`);
    return (this.pool.length << POOL_BITS) | at;
  }

  private attrOf(i: number): number {
    const a = this.attr.get(i);
    return a === WIDE_ATTR ? this.wideAttr.get(i)! : a;
  }

  /** The pending characters become the next pool string. */
  private join(): void {
    this.pool.push(this.pending ? this.pending.toString('latin1', 0, this.pendingChars) : '');
    this.pending = null;
    this.pendingChars = 0;
  }

  /** Where `locate` found a path: the pool string and the range in it. */
  private s = '';
  private from = 0;
  private to = 0;

  /** Sets `s`, `from` and `to` to entry `i`'s path; false for a path kept in `long`. */
  private locate(i: number): boolean {
    const ref = this.pathRef.get(i);
    if ((ref & LONG_FLAG) !== 0) return false;
    const c = ref >>> POOL_BITS;
    if (c === this.pool.length) this.join();
    const s = (this.s = this.pool[c]!);
    this.from = ref & (POOL_CHARS - 1);
    if (i + 1 < this.length) {
      const next = this.pathRef.get(i + 1) & ~LONG_FLAG;
      this.to = next >>> POOL_BITS === c ? next & (POOL_CHARS - 1) : s.length;
    } else this.to = s.length;
    return true;
  }

  path(i: number): string {
    return this.locate(i) ? this.s.substring(this.from, this.to) : this.long.get(i)!;
  }

  type(i: number): EntryType {
    return TYPES[this.attrType[this.attrOf(i)]!]!;
  }

  size(i: number): number {
    const s = this.sizes.get(i);
    return s === BIG ? this.big.get(i)! : s;
  }

  /** The hash of the entry's path, as `fnv` gives it for the path string. */
  hash(i: number): number {
    if (this.locate(i)) return fnv(this.s, this.from, this.to);
    const p = this.long.get(i)!;
    return fnv(p, 0, p.length);
  }

  /** Whether entry `i`'s path is `path`. */
  is(i: number, path: string): boolean {
    if (!this.locate(i)) return this.long.get(i) === path;
    const { s, from, to } = this;
    if (path.length !== to - from) return false;
    for (let k = from, j = 0; k < to; k++, j++) if (s.charCodeAt(k) !== path.charCodeAt(j)) return false;
    return true;
  }

  /** Whether entry `i` here and entry `j` of `other` have the same path. */
  same(i: number, other: EntryStore, j: number): boolean {
    if (!this.locate(i)) return other.long.has(j) && this.long.get(i) === other.long.get(j);
    const { s, from, to } = this;
    if (!other.locate(j)) return false;
    const { s: t, from: start, to: end } = other;
    if (to - from !== end - start) return false;
    for (let k = from, m = start; k < to; k++, m++) if (s.charCodeAt(k) !== t.charCodeAt(m)) return false;
    return true;
  }

  /** The entry as the checks see it, placed in `layer` (-1: not placed). */
  entry(i: number, layer: number, path = this.path(i)): FileEntry {
    const a = this.attrOf(i);
    const e: FileEntry = { path, type: TYPES[this.attrType[a]!]!, mode: this.attrMode[a]!, uid: this.attrUid[a]!, gid: this.attrGid[a]!, size: this.size(i), layer };
    const link = this.links.get(i);
    if (link !== undefined) e.linkTarget = link;
    return e;
  }
}

/** No position (a slot of the table that is empty). */
const EMPTY = 0;
/** A position whose entry was deleted. */
const GONE = 0xffffffff;
/** A position is layer << SHIFT | entry: entries under 2^20 (MAX_ENTRIES is 1,000,000), layers under 4,095 (MAX_LAYERS is 1,024). */
const SHIFT = 20;
const LOCAL = (1 << SHIFT) - 1;
const MAX_LAYER = 4094;

/** The merged file system: positions in `Map` order, each a layer and an entry of its store; a hash table from path to position. */
export class FileView implements ReadonlyMap<string, FileEntry> {
  private count = 0;
  /** Positions used, deleted ones included. */
  private used = 0;
  /** Per position, layer * 2^20 + entry (MAX_ENTRIES is under 2^20 and MAX_LAYERS under 2^12), or GONE. */
  private readonly at = new Column((n) => new Uint32Array(n));
  /** Open addressing, linear probing: position + 1, or EMPTY. */
  private table = new Int32Array(1 << 10);

  /** `stores[L]`: layer L's entries. */
  constructor(private readonly stores: readonly EntryStore[]) {}

  get size(): number {
    return this.count;
  }

  private alive(pos: number): boolean {
    return this.at.get(pos) !== GONE;
  }

  /** The position of `path`, or -1. */
  find(path: string): number {
    const mask = this.table.length - 1;
    let slot = fnv(path, 0, path.length) & mask;
    for (;;) {
      const v = this.table[slot]!;
      if (v === EMPTY) return -1;
      const pos = v - 1;
      const ref = this.at.get(pos);
      if (ref !== GONE && this.stores[ref >>> SHIFT]!.is(ref & LOCAL, path)) return pos;
      slot = (slot + 1) & mask;
    }
  }

  /** The position of the path of entry `local` of layer `layer`'s store, or -1. */
  findEntry(layer: number, local: number): number {
    const store = this.stores[layer]!;
    const mask = this.table.length - 1;
    let slot = store.hash(local) & mask;
    for (;;) {
      const v = this.table[slot]!;
      if (v === EMPTY) return -1;
      const pos = v - 1;
      const ref = this.at.get(pos);
      if (ref !== GONE && this.stores[ref >>> SHIFT]!.same(ref & LOCAL, store, local)) return pos;
      slot = (slot + 1) & mask;
    }
  }

  typeOf(pos: number): EntryType {
    const ref = this.at.get(pos);
    return this.stores[ref >>> SHIFT]!.type(ref & LOCAL);
  }

  sizeOf(pos: number): number {
    const ref = this.at.get(pos);
    return this.stores[ref >>> SHIFT]!.size(ref & LOCAL);
  }

  entryAt(pos: number, path?: string): FileEntry {
    const ref = this.at.get(pos);
    const L = ref >>> SHIFT;
    return this.stores[L]!.entry(ref & LOCAL, L, path);
  }

  pathAt(pos: number): string {
    const ref = this.at.get(pos);
    return this.stores[ref >>> SHIFT]!.path(ref & LOCAL);
  }

  /** Makes room for `n` positions at once, instead of doubling the table on the way. */
  reserve(n: number): void {
    let size = this.table.length;
    while (size < n * 2) size *= 2;
    if (size !== this.table.length && this.used === 0) this.table = new Int32Array(size);
  }

  /** Adds entry `local` of layer `layer` at the end; its path must not be shown. */
  append(layer: number, local: number): void {
    if (layer > MAX_LAYER || local > LOCAL) throw new RangeError(`file index: layer ${layer}, entry ${local} out of range`);
    if ((this.used + 1) * 2 > this.table.length) this.grow();
    const pos = this.used++;
    this.at.set(pos, layer * (LOCAL + 1) + local);
    this.count++;
    this.place(this.table, pos);
  }

  /** Puts entry `local` of layer `layer` in the place of position `pos` (same path). */
  replace(pos: number, layer: number, local: number): void {
    this.at.set(pos, layer * (LOCAL + 1) + local);
  }

  /** Takes position `pos` out; its slot in the table stays until the table is rebuilt. */
  remove(pos: number): void {
    this.at.set(pos, GONE);
    this.count--;
  }

  /** The slot for position `pos` in `table` (its path's hash, then the first empty slot). */
  private place(table: Int32Array, pos: number): void {
    const mask = table.length - 1;
    const ref = this.at.get(pos);
    let slot = this.stores[ref >>> SHIFT]!.hash(ref & LOCAL) & mask;
    while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
    table[slot] = pos + 1;
  }

  /** A table twice as large (or as large, when deleted positions made it full), without deleted positions. */
  private grow(): void {
    const size = this.count * 2 >= this.table.length / 2 ? this.table.length * 2 : this.table.length;
    if (this.count * 2 < this.used) this.compact();
    const table = new Int32Array(size);
    for (let pos = 0; pos < this.used; pos++) if (this.alive(pos)) this.place(table, pos);
    this.table = table;
  }

  /** Drops deleted positions from the order (the caller rebuilds the table). */
  private compact(): void {
    let to = 0;
    for (let pos = 0; pos < this.used; pos++) {
      const ref = this.at.get(pos);
      if (ref === GONE) continue;
      if (to !== pos) this.at.set(to, ref);
      to++;
    }
    this.used = to;
  }

  get(path: string): FileEntry | undefined {
    const pos = this.find(path);
    return pos === -1 ? undefined : this.entryAt(pos, path);
  }

  has(path: string): boolean {
    return this.find(path) !== -1;
  }

  delete(path: string): boolean {
    const pos = this.find(path);
    if (pos === -1) return false;
    this.remove(pos);
    return true;
  }

  *positions(): IterableIterator<number> {
    for (let pos = 0; pos < this.used; pos++) if (this.alive(pos)) yield pos;
  }

  *entries(): MapIterator<[string, FileEntry]> {
    for (let pos = 0; pos < this.used; pos++) {
      if (!this.alive(pos)) continue;
      const e = this.entryAt(pos);
      yield [e.path, e];
    }
  }

  *keys(): MapIterator<string> {
    for (let pos = 0; pos < this.used; pos++) if (this.alive(pos)) yield this.pathAt(pos);
  }

  *values(): MapIterator<FileEntry> {
    for (let pos = 0; pos < this.used; pos++) if (this.alive(pos)) yield this.entryAt(pos);
  }

  [Symbol.iterator](): MapIterator<[string, FileEntry]> {
    return this.entries();
  }

  forEach(fn: (value: FileEntry, key: string, map: ReadonlyMap<string, FileEntry>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
