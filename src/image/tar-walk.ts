/**
 * A push parser for tars: headers are decoded, bodies are handed on as views of the incoming chunks
 * (or skipped without being touched), synchronously, with no stream per entry. It reads both the
 * outer archive and the tar inside each layer: a layer's tar holds thousands of entries and most of
 * an image's bytes, and there tar-stream's per-chunk and per-entry stream machinery was the reader's
 * largest cost after decompression (see docs/performance.md); on the outer archive it passed every
 * byte of an uncompressed layer through a stream per member. Accepts what tar-stream accepts
 * (ustar with prefix, GNU, pax `path`/`linkpath`/`size` and global headers, GNU long names,
 * base-256 numbers) and fails with the same messages, which describeStreamError words for users.
 */

export interface TarHeader {
  name: string;
  /** tar-stream's names: file, link, symlink, directory, contiguous-file, character-device, block-device, fifo. */
  type: string | null;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string | null;
}

/** Receives the body of an entry, in order; the views are valid only during the call unless copied. */
export type BodySink = (chunk: Buffer) => void;

import { MAX_META_BYTES, MAX_PATH_BYTES } from './limits.js';

const BLOCK = 512;

function decodeStr(b: Buffer, off: number, len: number): string {
  let end = off;
  const max = off + len;
  let ascii = true;
  for (let c = b[end]; end < max && c !== 0; c = b[++end]) if (c! >= 0x80) ascii = false;
  return b.toString(ascii ? 'latin1' : 'utf8', off, end);
}

function decodeNumber(b: Buffer, off: number, len: number): number {
  if (b[off]! & 0x80) {
    // base-256: 0x80 positive, 0xff negative (two's complement)
    const neg = b[off] === 0xff;
    if (!neg && b[off] !== 0x80) return NaN;
    let v = 0;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + (neg ? 0xff - b[i]! : b[i]!);
    return neg ? -(v + 1) : v;
  }
  let i = off;
  const max = off + len;
  while (i < max && b[i] === 0x20) i++;
  let end = i;
  while (end < max && b[end] !== 0x20) end++;
  while (i < end && b[i] === 0) i++;
  if (i === end) return 0;
  // parseInt(text, 8) without the string: octal digits up to the first other byte, NaN if none.
  let v = 0;
  let digits = 0;
  for (; i < end; i++, digits++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
  }
  return digits === 0 ? NaN : v;
}

function typeName(flag: number): string | null {
  switch (flag) {
    case 0:
    case 0x30:
      return 'file';
    case 0x31:
      return 'link';
    case 0x32:
      return 'symlink';
    case 0x33:
      return 'character-device';
    case 0x34:
      return 'block-device';
    case 0x35:
      return 'directory';
    case 0x36:
      return 'fifo';
    case 0x37:
      return 'contiguous-file';
    case 0x78: // x
      return 'pax-header';
    case 0x67: // g
      return 'pax-global-header';
    case 0x4b: // K
      return 'gnu-long-link-path';
    case 0x4c: // L
    case 0x4e: // N
      return 'gnu-long-path';
  }
  return null;
}

function decodePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = buf;
  while (rest.length) {
    let i = 0;
    while (i < rest.length && rest[i] !== 0x20) i++;
    const len = parseInt(rest.toString('utf8', 0, i), 10);
    if (!len) return out;
    const rec = rest.toString('utf8', i + 1, len - 1);
    const eq = rec.indexOf('=');
    if (eq === -1) return out;
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    rest = rest.subarray(len);
  }
  return out;
}

function isUstar(b: Buffer, o: number): boolean {
  return b[o + 257] === 0x75 && b[o + 258] === 0x73 && b[o + 259] === 0x74 && b[o + 260] === 0x61 && b[o + 261] === 0x72;
}

export class TarWalker {
  private readonly head = Buffer.alloc(BLOCK);
  private headLen = 0;
  /** Body bytes still to come for the current entry (or long header). */
  private remaining = 0;
  private padding = 0;
  private sink: BodySink | null = null;
  private inEntry = false;
  private meta: Buffer[] | null = null;
  private metaType: string | null = null;
  private pax: Record<string, string> | null = null;
  private paxGlobal: Record<string, string> | null = null;
  private longPath: string | null = null;
  private longLink: string | null = null;

  constructor(
    private readonly onEntry: (h: TarHeader) => BodySink | null,
    private readonly onEntryEnd: () => void = () => undefined,
  ) {}

  /** Parses a chunk; throws on a damaged header. */
  write(chunk: Buffer): void {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, n - off);
        if (this.sink) this.sink(chunk.subarray(off, off + take));
        else if (this.meta) this.meta.push(Buffer.from(chunk.subarray(off, off + take)));
        this.remaining -= take;
        off += take;
        if (this.remaining === 0) this.bodyDone();
      } else if (this.padding > 0) {
        const take = Math.min(this.padding, n - off);
        this.padding -= take;
        off += take;
      } else if (this.headLen === 0 && n - off >= BLOCK) {
        this.header(chunk, off);
        off += BLOCK;
      } else {
        const take = Math.min(BLOCK - this.headLen, n - off);
        chunk.copy(this.head, this.headLen, off, off + take);
        this.headLen += take;
        off += take;
        if (this.headLen === BLOCK) {
          this.headLen = 0;
          this.header(this.head, 0);
        }
      }
    }
  }

  /** The input ended: throws when it stopped inside a header or a body. */
  end(): void {
    if (this.remaining > 0 || this.padding > 0 || this.headLen > 0) throw new Error('Unexpected end of data');
  }

  private bodyDone(): void {
    if (this.meta) {
      const buf = Buffer.concat(this.meta);
      this.meta = null;
      this.longHeader(buf);
    } else if (this.inEntry) {
      this.inEntry = false;
      this.sink = null;
      this.onEntryEnd();
    }
  }

  private longHeader(buf: Buffer): void {
    switch (this.metaType) {
      case 'gnu-long-path':
        this.longPath = decodeStr(buf, 0, buf.length);
        break;
      case 'gnu-long-link-path':
        this.longLink = decodeStr(buf, 0, buf.length);
        break;
      case 'pax-global-header':
        this.paxGlobal = decodePax(buf);
        break;
      case 'pax-header':
        this.pax = this.paxGlobal === null ? decodePax(buf) : { ...this.paxGlobal, ...decodePax(buf) };
        break;
    }
    this.metaType = null;
  }

  private header(b: Buffer, o: number): void {
    let sum = 8 * 32;
    for (let i = o; i < o + 148; i++) sum += b[i]!;
    for (let i = o + 156; i < o + BLOCK; i++) sum += b[i]!;
    // An all-zero block: the end-of-archive marker or padding after it.
    if (sum === 8 * 32) return;
    if (sum !== decodeNumber(b, o + 148, 8)) throw new Error('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
    let name = decodeStr(b, o, 100);
    if (!isUstar(b, o)) throw new Error('Invalid tar header: unknown format.');
    if (b[o + 262] === 0 && b[o + 345] !== 0) name = decodeStr(b, o + 345, 155) + '/' + name; // ustar\0: prefix
    else if (b[o + 262] === 0x20 && !(b[o + 263] === 0x20 && b[o + 264] === 0)) throw new Error('Invalid tar header: unknown format.');
    else if (b[o + 262] !== 0 && b[o + 262] !== 0x20) throw new Error('Invalid tar header: unknown format.');
    const flag = b[o + 156]!;
    let type = typeName(flag);
    let size = decodeNumber(b, o + 124, 12);
    const padTo = (s: number): number => (BLOCK - (s % BLOCK)) % BLOCK;
    if (type === 'pax-header' || type === 'pax-global-header' || type === 'gnu-long-path' || type === 'gnu-long-link-path') {
      if (size > MAX_META_BYTES) throw new Error(`a ${type === 'pax-header' || type === 'pax-global-header' ? 'pax' : 'GNU long-name'} record of ${size} bytes (more than ${MAX_META_BYTES})`);
      this.metaType = type;
      this.meta = [];
      this.remaining = size;
      this.padding = padTo(size);
      if (size === 0) this.bodyDone();
      return;
    }
    const h: TarHeader = {
      name,
      type,
      mode: decodeNumber(b, o + 100, 8),
      uid: decodeNumber(b, o + 108, 8),
      gid: decodeNumber(b, o + 116, 8),
      size,
      linkname: b[o + 157] === 0 ? null : decodeStr(b, o + 157, 100),
    };
    if (this.longPath !== null) {
      h.name = this.longPath;
      this.longPath = null;
    }
    if (this.longLink !== null) {
      h.linkname = this.longLink;
      this.longLink = null;
    }
    if (this.pax) {
      if (this.pax.path) h.name = this.pax.path;
      if (this.pax.linkpath) h.linkname = this.pax.linkpath;
      if (this.pax.size) h.size = parseInt(this.pax.size, 10);
      this.pax = null;
    }
    if (h.name.length > MAX_PATH_BYTES || (h.linkname?.length ?? 0) > MAX_PATH_BYTES) {
      const long = h.name.length > MAX_PATH_BYTES ? h.name : h.linkname!;
      throw new Error(`entry ${JSON.stringify(long.slice(0, 60))}… has a ${h.name.length > MAX_PATH_BYTES ? 'name' : 'link target'} of ${long.length} characters, longer than PATH_MAX (${MAX_PATH_BYTES})`);
    }
    // A regular file named with a trailing slash is a directory. The full name decides: with a pax or
    // GNU long name the header's own 100 bytes are a truncation that may end in `/` by chance (and a
    // file taken for a directory has its body read as the next header).
    if (type === 'file' && h.name.endsWith('/')) h.type = type = 'directory';
    size = h.size;
    if (!(size >= 0)) throw new Error('Invalid header');
    if (size === 0 || type === 'directory') {
      // tar-stream reads no body for a directory whatever its size field says.
      this.onEntry(h);
      this.onEntryEnd();
      return;
    }
    this.sink = this.onEntry(h);
    this.inEntry = true;
    this.remaining = size;
    this.padding = padTo(size);
  }
}
