/**
 * zstd layers. Node 22.15+ decodes zstd itself; on Node 20 `fzstd` (JavaScript) does, and it has
 * two costs an archive's author controls: it allocates each frame's whole window up front, and it
 * moves that window once per block. So the frame and block headers are walked as the bytes pass
 * (without decoding: a block header says how long the block is) and the stream is refused, before
 * the decoder pays for it, when a frame asks a window larger than MAX_ZSTD_WINDOW, when the window
 * moves cost more than MAX_ZSTD_COPY_RATIO times the bytes read (tiny blocks in a large window), or
 * when it holds more than MAX_ZSTD_EMPTY_BLOCKS empty blocks (a run of zero bytes).
 * Frame and block layout: RFC 8878, section 3.1.
 */
import { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import { MAX_ZSTD_COPY_RATIO, MAX_ZSTD_COPY_SLACK, MAX_ZSTD_EMPTY_BLOCKS, MAX_ZSTD_WINDOW } from './limits.js';
import { thousands } from '../util/count.js';

const ZSTD_MAGIC = 0xfd2fb528;

/** A stream whose decoding would cost more than the bounds allow: said as it is, not as corrupt. */
export class ZstdBoundError extends Error {}

const mb = (n: number): string => (n < 1048576 ? `${Math.round(n / 1024)} KB` : `${Math.round(n / 1048576)} MB`);

/**
 * Follows the frames and blocks of a zstd stream chunk by chunk. What it cannot follow (a bad magic
 * number, a reserved block type) it stops following: the decoder says what is wrong with it.
 */
export class ZstdWalk {
  /** Bytes of the header being gathered, and how many it needs. */
  private head = Buffer.alloc(18);
  private have = 0;
  private need = 4;
  private state: 'magic' | 'frame-header' | 'frame-rest' | 'skippable-size' | 'block-header' | 'off' = 'magic';
  /** Bytes to pass over before the next header (a block's body, a checksum, a skippable frame). */
  private skip = 0;
  private window = 0;
  private checksum = false;
  /** The frame header descriptor's fields: single segment, frame content size flag, dictionary id bytes. */
  private single = false;
  private fcf = 0;
  private dictBytes = 0;
  read = 0;
  blocks = 0;
  copies = 0;
  empty = 0;

  push(chunk: Uint8Array): void {
    this.read += chunk.length;
    let i = 0;
    while (i < chunk.length && this.state !== 'off') {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const n = Math.min(this.need - this.have, chunk.length - i);
      this.head.set(chunk.subarray(i, i + n), this.have);
      this.have += n;
      i += n;
      if (this.have === this.need) this.header();
    }
  }

  /** Passes over n bytes, then gathers the header `then`. */
  private passOver(n: number, then: 'magic' | 'block-header'): void {
    this.skip = n;
    this.state = then;
    this.have = 0;
    this.need = then === 'magic' ? 4 : 3;
  }

  private header(): void {
    const h = this.head;
    switch (this.state) {
      case 'magic': {
        const magic = h.readUInt32LE(0);
        if (magic === ZSTD_MAGIC) {
          this.state = 'frame-header';
          this.need = 5;
        } else if (magic >>> 4 === 0x184d2a5) {
          this.state = 'skippable-size';
          this.need = 8;
        } else this.state = 'off';
        return;
      }
      case 'skippable-size':
        this.passOver(h.readUInt32LE(4), 'magic');
        return;
      case 'frame-header': {
        const fhd = h[4]!;
        this.single = ((fhd >> 5) & 1) === 1;
        this.fcf = fhd >> 6;
        this.dictBytes = [0, 1, 2, 4][fhd & 3]!;
        const sizeBytes = this.fcf === 0 ? (this.single ? 1 : 0) : 1 << this.fcf;
        this.checksum = ((fhd >> 2) & 1) === 1;
        this.state = 'frame-rest';
        this.need = 5 + (this.single ? 0 : 1) + this.dictBytes + sizeBytes;
        return;
      }
      case 'frame-rest': {
        const { single, fcf, dictBytes } = this;
        let window: number;
        if (!single) {
          const d = h[5]!;
          const base = 2 ** (10 + (d >> 3));
          window = base + (base / 8) * (d & 7);
        } else {
          // A single-segment frame's window is its content size.
          const at = 5 + dictBytes;
          const sizeBytes = fcf === 0 ? 1 : 1 << fcf;
          let size = 0;
          for (let k = sizeBytes - 1; k >= 0; k--) size = size * 256 + h[at + k]!;
          window = fcf === 1 ? size + 256 : size;
        }
        if (window > MAX_ZSTD_WINDOW) {
          throw new ZstdBoundError(`a zstd frame asks for a ${mb(window)} window, more than the ${mb(MAX_ZSTD_WINDOW)} any compression level up to 20 uses; not read`);
        }
        this.window = window;
        this.passOver(0, 'block-header');
        return;
      }
      case 'block-header': {
        const b = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        const last = b & 1;
        const type = (b >> 1) & 3;
        const size = b >>> 3;
        if (type === 3) {
          this.state = 'off';
          return;
        }
        if (size === 0 && type !== 2 && ++this.empty > MAX_ZSTD_EMPTY_BLOCKS) {
          throw new ZstdBoundError(`more than ${MAX_ZSTD_EMPTY_BLOCKS} empty zstd blocks, which no encoder writes (a run of zero bytes?); not read further`);
        }
        this.blocks++;
        this.copies += this.window;
        if (this.copies > MAX_ZSTD_COPY_RATIO * this.read + MAX_ZSTD_COPY_SLACK) {
          throw new ZstdBoundError(
            `${thousands(this.blocks)} zstd blocks in ${mb(this.read)}, each moving the decoder's ${mb(this.window)} window: more than ${MAX_ZSTD_COPY_RATIO} times the bytes read; not read further`,
          );
        }
        const body = type === 1 ? 1 : size;
        if (last) this.passOver(body + (this.checksum ? 4 : 0), 'magic');
        else this.passOver(body, 'block-header');
        return;
      }
    }
  }
}

/** Bytes of small zstd blocks gathered before they go down the stream. */
const OUT_CHUNK = 128 * 1024;

/**
 * A zstd decompressor: Node's own where it has one (22.15+), fzstd otherwise, behind ZstdWalk.
 * fzstd hands over one output array per block: small ones are gathered into OUT_CHUNK bytes
 * before they go down the stream (a buffer, a push and a tar-walk call per block otherwise).
 */
export function zstdStream(): Transform {
  const native = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  if (typeof native === 'function') return native();
  let out: Transform;
  let pending: Buffer | null = null;
  let used = 0;
  const flushPending = (): void => {
    if (!used) return;
    out.push(pending!.subarray(0, used));
    pending = null;
    used = 0;
  };
  const walk = new ZstdWalk();
  const d = new Decompress((chunk) => {
    const n = chunk.length;
    if (n === 0) return;
    if (n >= OUT_CHUNK / 4) {
      flushPending();
      out.push(Buffer.from(chunk));
      return;
    }
    if (used + n > OUT_CHUNK) flushPending();
    pending ??= Buffer.allocUnsafe(OUT_CHUNK);
    pending.set(chunk, used);
    used += n;
  });
  const fail = (e: unknown, what: string): Error => (e instanceof ZstdBoundError ? e : new Error(`${what} (${(e as Error).message})`));
  out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        walk.push(chunk);
        // A copy: fzstd keeps the unfinished block's bytes as a view of the chunk it was given, and
        // the reader reuses its buffer once this callback returns (that corrupted the stream).
        d.push(Uint8Array.prototype.slice.call(chunk));
        flushPending();
        cb();
      } catch (e) {
        cb(fail(e, 'corrupt zstd stream'));
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        flushPending();
        cb();
      } catch (e) {
        cb(fail(e, 'truncated or corrupt zstd stream'));
      }
    },
  });
  return out;
}
