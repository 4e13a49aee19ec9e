/**
 * Standard input as a target: its first bytes say what it is; a Dockerfile is then read whole (it is
 * small), an image archive streams like a file, so `docker save app | shipshape -` never holds the
 * archive in memory.
 */
import { createReadStream, readSync } from 'node:fs';

export interface StdinSource {
  /** The bytes read first: at least `HEAD_BYTES`, fewer only when the input ended sooner. */
  readonly head: Buffer;
  /** The input ended within `head`. */
  readonly ended: boolean;
  /** The whole input (head included), read synchronously; stops once it holds more than `limit` bytes. */
  readAll(limit: number): Buffer;
  /** The bytes after `head`, as they arrive (not after `readAll`). */
  rest(): AsyncIterable<Buffer>;
}

export const HEAD_BYTES = 512;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** One synchronous read; a non-blocking descriptor with nothing yet (EAGAIN) is waited on. */
function readSome(fd: number, buf: Buffer, at: number): number {
  for (;;) {
    try {
      return readSync(fd, buf, at, buf.length - at, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, 5);
    }
  }
}

/** Reads the head of a descriptor (default 0) now; the rest on demand, once. */
export function stdinSource(fd = 0): StdinSource {
  let buf = Buffer.alloc(64 * 1024);
  let length = 0;
  let ended = false;
  while (length < HEAD_BYTES) {
    const n = readSome(fd, buf, length);
    if (n === 0) {
      ended = true;
      break;
    }
    length += n;
  }
  const head = buf.subarray(0, length);
  return {
    head,
    ended,
    readAll(limit) {
      while (!ended && length <= limit) {
        if (length === buf.length) {
          const bigger = Buffer.alloc(buf.length * 2);
          buf.copy(bigger, 0, 0, length);
          buf = bigger;
        }
        const n = readSome(fd, buf, length);
        if (n === 0) ended = true;
        length += n;
      }
      return buf.subarray(0, length);
    },
    async *rest() {
      if (ended) return;
      for await (const chunk of createReadStream('', { fd, autoClose: false, highWaterMark: 1 << 20 })) yield chunk as Buffer;
    },
  };
}

/** A source over bytes already in memory (the Action, which has no stdin; tests). */
export function bufferSource(data: Buffer): StdinSource {
  return {
    head: data,
    ended: true,
    readAll: () => data,
    async *rest() {},
  };
}
