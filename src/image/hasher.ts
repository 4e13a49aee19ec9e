/**
 * sha256 of large streams off the main thread. An image read hashes every blob as stored and every
 * layer again uncompressed: on a 400 MB image that is the main thread's largest single cost, while
 * the second core has room. One worker per archive read keeps the hashes; each chunk is copied to
 * it (a memcpy, several times cheaper than hashing) and the caller waits only when more than
 * MAX_INFLIGHT bytes are queued, so memory stays bounded when the machine is busy. Small blobs are
 * hashed in place: a worker costs more than they do. The worker is off unless asked for (see
 * `offload`).
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

/** Blobs at least this large are hashed on the worker. */
export const OFFLOAD_MIN = 4 * 1024 * 1024;
const MAX_INFLIGHT = 4 * 1024 * 1024;
/** Chunks are copied into buffers of this size, which the worker hands back for reuse. */
const SLAB = 1024 * 1024;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.buf) {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('sha256')));
    h.update(new Uint8Array(m.buf, 0, m.len));
    parentPort.postMessage({ ack: m.len, buf: m.buf }, [m.buf]);
  } else {
    const h = hashes.get(m.id) || createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, hex: h.digest('hex') });
  }
});
`;

export interface StreamHash {
  update(chunk: Buffer): void | Promise<void>;
  digest(): Promise<string>;
}

class LocalHash implements StreamHash {
  private readonly h: Hash = createHash('sha256');
  update(chunk: Buffer): void {
    this.h.update(chunk);
  }
  async digest(): Promise<string> {
    return this.h.digest('hex');
  }
}

/** The hashes of one archive read. `close()` ends the worker. */
export class Hasher {
  private worker: Worker | null = null;
  private failed = false;
  private nextId = 1;
  private inflight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly free: ArrayBuffer[] = [];
  private readonly digests = new Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>();

  /**
   * Off by default. It was meant for a machine with a core to spare, but every measurement here
   * (2 cores, load average 0.6 to 9, three rounds of the benchmark) found it no faster than hashing
   * in place, with more CPU for the copies and 24-32 MB more peak memory for the worker's isolate and
   * slabs (500,000-file image: 117 MB in place, 146-149 MB with the worker; docs/performance.md).
   * `SHIPSHAPE_HASH_WORKER=1` turns it on, for a machine where that is worth measuring.
   */
  private readonly offload: boolean;

  /** `offload`: force the choice (tests); by default `SHIPSHAPE_HASH_WORKER=1` in the environment. */
  constructor(opts: { offload?: boolean } = {}) {
    this.offload = opts.offload ?? (process.env.SHIPSHAPE_HASH_WORKER === '1' && availableParallelism() >= 2);
  }

  /** A hash for a stream of about `sizeHint` bytes. */
  create(sizeHint: number): StreamHash {
    if (sizeHint < OFFLOAD_MIN || this.failed || !this.offload) return new LocalHash();
    const w = this.start();
    if (!w) return new LocalHash();
    const id = this.nextId++;
    // Small chunks (zlib hands over 256 KiB) are gathered into one slab before it is sent.
    const slab = { buf: null as ArrayBuffer | null, len: 0 };
    return {
      update: (chunk: Buffer) => this.send(w, id, chunk, slab),
      digest: () =>
        new Promise<string>((resolve, reject) => {
          if (this.failed) return reject(new Error('the hashing worker stopped'));
          this.flush(w, id, slab);
          this.digests.set(id, { resolve, reject });
          w.postMessage({ id });
        }),
    };
  }

  private start(): Worker | null {
    if (this.worker) return this.worker;
    try {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.on('message', (m: { ack?: number; buf?: ArrayBuffer; id?: number; hex?: string }) => {
        if (m.ack !== undefined) {
          this.inflight -= m.ack;
          if (m.buf) this.free.push(m.buf);
          while (this.inflight <= MAX_INFLIGHT / 2 && this.waiting.length) this.waiting.shift()!();
        } else if (m.id !== undefined) {
          const done = this.digests.get(m.id);
          this.digests.delete(m.id);
          done?.resolve(m.hex ?? '');
        }
      });
      const fail = (): void => {
        this.failed = true;
        for (const d of this.digests.values()) d.reject(new Error('the hashing worker stopped'));
        this.digests.clear();
        for (const go of this.waiting.splice(0)) go();
      };
      w.on('error', fail);
      w.on('exit', fail);
      this.worker = w;
      return w;
    } catch {
      this.failed = true;
      return null;
    }
  }

  private send(w: Worker, id: number, chunk: Buffer, slab: { buf: ArrayBuffer | null; len: number }): void | Promise<void> {
    if (this.failed) return;
    // Copied into slabs that are moved to the worker and back (a view would be cloned with its
    // whole buffer, and fresh buffers cost page faults).
    let off = 0;
    while (off < chunk.length) {
      slab.buf ??= this.free.pop() ?? new ArrayBuffer(SLAB);
      const take = Math.min(SLAB - slab.len, chunk.length - off);
      new Uint8Array(slab.buf, slab.len, take).set(chunk.subarray(off, off + take));
      slab.len += take;
      off += take;
      if (slab.len === SLAB) this.flush(w, id, slab);
    }
    if (this.inflight > MAX_INFLIGHT) return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private flush(w: Worker, id: number, slab: { buf: ArrayBuffer | null; len: number }): void {
    if (!slab.buf || slab.len === 0) return;
    this.inflight += slab.len;
    w.postMessage({ id, buf: slab.buf, len: slab.len }, [slab.buf]);
    slab.buf = null;
    slab.len = 0;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    w.removeAllListeners('exit');
    await w.terminate();
  }
}
