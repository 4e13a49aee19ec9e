/**
 * A tar writer for hostile archives: every header field can be set to anything (sizes that lie,
 * bad checksums, unknown type flags, missing magic), GNU long-name and pax records are written by
 * hand, and bodies may be cut short. Used by the fuzzer and by the regression tests that generate
 * what no well-behaved tar tool writes. Also: gzip of any depth and zstd in raw blocks (Node 20 has
 * no zstd compressor; raw blocks are valid zstd every decoder reads).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  /** Type flag character: '0' file, '1' hard link, '2' symlink, '5' directory, 'x' pax, 'g' pax global, 'L' GNU long name, 'K' GNU long link; anything else as given. */
  type?: string;
  body?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  /** The size field, when it should not be the body's length (a lie); a string is written as is. */
  size?: number | string;
  /** Added to the checksum (a damaged header). */
  checksumDelta?: number;
  /** The magic and version (`ustar\0` + `00` by default). */
  magic?: string;
  /** Bytes of the body actually written (a body cut short), default all. */
  writeBytes?: number;
  /** The mode and uid fields as raw text (damaged numbers). */
  modeField?: string;
  uidField?: string;
}

function field(buf: Buffer, off: number, len: number, value: string): void {
  buf.write(value.slice(0, len), off, 'latin1');
}

function octal(n: number, len: number): string {
  const s = Math.max(0, Math.floor(n)).toString(8);
  return s.length >= len ? s.slice(-len + 1) + '\0' : s.padStart(len - 1, '0') + '\0';
}

/** One 512-byte header. */
export function header(e: TarEntry, bodyLength: number): Buffer {
  const b = Buffer.alloc(512);
  const name = Buffer.from(e.name, 'utf8');
  name.copy(b, 0, 0, Math.min(100, name.length));
  field(b, 100, 8, e.modeField ?? octal(e.mode ?? (e.type === '5' ? 0o755 : 0o644), 8));
  field(b, 108, 8, e.uidField ?? octal(e.uid ?? 0, 8));
  field(b, 116, 8, octal(e.gid ?? 0, 8));
  const size = e.size ?? bodyLength;
  field(b, 124, 12, typeof size === 'string' ? size : octal(size, 12));
  field(b, 136, 12, octal(1700000000, 12));
  b.write((e.type ?? '0').slice(0, 1), 156, 'latin1');
  if (e.linkname) Buffer.from(e.linkname, 'utf8').copy(b, 157, 0, 100);
  field(b, 257, 8, e.magic ?? 'ustar\x0000');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  field(b, 148, 8, `${octal(sum + (e.checksumDelta ?? 0), 7)} `);
  return b;
}

/** A tar of these entries, with the two zero blocks at the end unless `noEnd`. */
export function tar(entries: readonly TarEntry[], noEnd = false): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = e.body === undefined ? Buffer.alloc(0) : typeof e.body === 'string' ? Buffer.from(e.body, 'utf8') : e.body;
    parts.push(header(e, body.length));
    const n = Math.min(body.length, e.writeBytes ?? body.length);
    if (n > 0) {
      parts.push(body.subarray(0, n));
      const pad = (512 - (n % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  if (!noEnd) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A GNU long-name record (`L`) for the entry that follows. */
export function gnuLongName(name: string, type: 'L' | 'K' = 'L'): TarEntry {
  return { name: '././@LongLink', type, body: `${name}\0` };
}

/** A pax header (`x`, or `g` global) holding these records. */
export function paxHeader(records: Record<string, string> | Array<[string, string]>, type: 'x' | 'g' = 'x'): TarEntry {
  const list = Array.isArray(records) ? records : Object.entries(records);
  let body = '';
  for (const [k, v] of list) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
    body += `${len}${rest}`;
  }
  return { name: 'PaxHeaders/x', type, body };
}

/** zstd frames made of raw (stored) blocks: valid zstd, no compression. */
export function zstdRaw(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
  const MAX = 128 * 1024;
  if (data.length === 0) parts.push(Buffer.from([0x01, 0x00, 0x00]));
  for (let off = 0; off < data.length; off += MAX) {
    const chunk = data.subarray(off, off + MAX);
    const last = off + MAX >= data.length ? 1 : 0;
    const h = (chunk.length << 3) | last;
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), chunk);
  }
  return Buffer.concat(parts);
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export function compress(data: Buffer, how: string): Buffer {
  switch (how) {
    case 'gzip':
      return gzipSync(data, { level: 1 });
    case 'gzip-gzip':
      return gzipSync(gzipSync(data, { level: 1 }), { level: 1 });
    case 'zstd':
      return zstdRaw(data);
    default:
      return data;
  }
}
