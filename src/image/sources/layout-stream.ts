/**
 * Blobs from a registry or a layout directory, handed to the archive reader (`read.ts`) as the OCI
 * layout archive they would make if saved: `index.json` naming the chosen manifests, the manifests,
 * then the config and layer blobs under `blobs/sha256/<hex>`. The reader then does what it does for
 * an `oci-archive`: one pass, every blob hashed and checked against its digest, layers decompressed
 * and indexed as they arrive, nothing written to disk.
 *
 * Several blobs download at once: while the reader takes one blob, the next ones (WINDOW in all)
 * are already under way, each buffering at most BLOB_BUFFER bytes before its connection waits, so
 * memory stays bounded whatever the image's size. A blob must have exactly the size its manifest
 * gives it; a connection dropped mid-blob resumes where it stopped (an HTTP Range request).
 */
import { ImageReadError } from '../read.js';
import { describeNetError, retriable } from './http.js';
import { shortDigest, type BlobStore, type OpenedBlob } from './store.js';
import type { ChosenImage } from './select.js';

/** Blobs downloading at once (the one being read and the ones after it). */
export const WINDOW = 4;
/** Bytes a blob may buffer ahead of the reader before its connection waits. */
export const BLOB_BUFFER = 2 * 1024 * 1024;
/** Small network chunks are joined up to this before the reader sees them (fewer decompressor calls). */
const JOIN = 1024 * 1024;
const RESUMES = 3;

export interface PlannedBlob {
  digest: string;
  size: number;
  /** `config`, `layer 3`: how messages name it. */
  what: string;
}

export interface LayoutPlan {
  /** `index.json`'s bytes. */
  index: Buffer;
  /** Manifests, by digest. */
  documents: Array<{ digest: string; bytes: Buffer }>;
  /** Configs and layers in manifest order, each digest once. */
  blobs: PlannedBlob[];
  /** The images come from a whole OCI layout: the archive carries its `oci-layout` file too. */
  whole: boolean;
}

/** The synthetic archive's `index.json` and blob list for the chosen images. */
export function planOf(images: Array<{ image: ChosenImage; config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> }>): LayoutPlan {
  const manifests = images.map(({ image }) => {
    const d: Record<string, unknown> = { mediaType: image.manifest.mediaType || 'application/vnd.oci.image.manifest.v1+json', digest: image.manifest.digest, size: image.manifest.bytes.length };
    if (image.platform) {
      const [os, architecture, variant] = image.platform.split('/');
      d.platform = { os, architecture, ...(variant ? { variant } : {}) };
    }
    if (image.refName) d.annotations = { 'org.opencontainers.image.ref.name': image.refName };
    return d;
  });
  for (const { image } of images) for (const a of image.attestations ?? []) manifests.push({ ...a.descriptor });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  const seen = new Set<string>();
  const blobs: PlannedBlob[] = [];
  const documents: LayoutPlan['documents'] = [];
  for (const { image, config, layers } of images) {
    if (!seen.has(image.manifest.digest)) documents.push({ digest: image.manifest.digest, bytes: image.manifest.bytes });
    seen.add(image.manifest.digest);
    for (const a of image.attestations ?? []) {
      if (a.bytes && !seen.has(a.descriptor.digest)) documents.push({ digest: a.descriptor.digest, bytes: a.bytes });
      seen.add(a.descriptor.digest);
    }
    const add = (b: { digest: string; size: number }, what: string): void => {
      if (seen.has(b.digest)) return;
      seen.add(b.digest);
      blobs.push({ digest: b.digest, size: b.size, what });
    };
    add(config, 'config');
    layers.forEach((l, i) => add(l, `layer ${i}`));
  }
  return { index, documents, blobs, whole: images.some(({ image }) => image.attestations !== undefined) };
}

/** A ustar header for a regular file (base-256 size past 8 GiB). */
function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  if (size < 8 ** 11) h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  else {
    h[124] = 0x80;
    let v = size;
    for (let i = 135; i > 124; i--) {
      h[i] = v % 256;
      v = Math.floor(v / 256);
    }
  }
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h[156] = 0x30;
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

const pad = (size: number): Buffer => Buffer.alloc((512 - (size % 512)) % 512);

const nameOf = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

/** One blob downloading ahead of the reader, up to BLOB_BUFFER bytes; resumed where a dropped connection stopped. */
class Feed {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private error: Error | null = null;
  private cancelled = false;
  private body: { destroy(error?: Error): void } | null = null;
  private wakeReader: (() => void) | null = null;
  private wakePump: (() => void) | null = null;

  constructor(
    private readonly store: BlobStore,
    private readonly blob: PlannedBlob,
    private readonly label: string,
  ) {}

  start(): void {
    this.pump().then(
      () => this.notify(),
      (e: unknown) => {
        this.error = e instanceof ImageReadError ? e : new ImageReadError(`${this.label}: ${this.blob.what} ${shortDigest(this.blob.digest)}: ${describeNetError(e)}`);
        this.notify();
      },
    );
  }

  private notify(): void {
    const w = this.wakeReader;
    this.wakeReader = null;
    w?.();
  }

  private async pump(): Promise<void> {
    const { digest, size, what } = this.blob;
    const progress = { got: 0 };
    for (let resumes = 0; ; resumes++) {
      if (this.cancelled) return;
      const opened = await this.store.blob(digest, size, progress.got, what);
      if (this.cancelled) {
        opened.body.destroy();
        return;
      }
      this.body = opened.body;
      try {
        await this.take(opened, progress);
      } catch (e) {
        if (e instanceof ImageReadError || this.cancelled) throw e;
        if (retriable(e) && resumes < RESUMES) continue;
        throw new ImageReadError(`${this.label}: ${what} ${shortDigest(digest)}: ${describeNetError(e)} after ${progress.got} of ${size} bytes from ${this.store.where}${resumes ? ` (${resumes + 1} tries)` : ''}`);
      }
      if (this.cancelled) return;
      if (progress.got === size) {
        this.ended = true;
        return;
      }
      if (resumes >= RESUMES) {
        throw new ImageReadError(`${this.label}: ${what} ${shortDigest(digest)} is truncated: ${this.store.where} sent ${progress.got} of the ${size} bytes the manifest gives it (${resumes + 1} tries)`);
      }
    }
  }

  /**
   * Queues one response's bytes (events, not an async iterator: a promise per network chunk showed
   * in the profile), pausing the connection while BLOB_BUFFER bytes wait for the reader.
   */
  private take(opened: OpenedBlob, progress: { got: number }): Promise<void> {
    const { size, what, digest } = this.blob;
    const body = opened.body;
    return new Promise<void>((resolve, reject) => {
      let left = opened.skip;
      let ended = false;
      const done = (e?: Error): void => {
        body.off('data', onData);
        body.off('end', onEnd);
        body.off('error', onError);
        body.off('close', onClose);
        this.wakePump = null;
        if (e) reject(e);
        else resolve();
      };
      const onData = (raw: Buffer): void => {
        let c = raw;
        if (left > 0) {
          if (c.length <= left) {
            left -= c.length;
            return;
          }
          c = c.subarray(left);
          left = 0;
        }
        progress.got += c.length;
        if (progress.got > size) {
          body.destroy();
          done(new ImageReadError(`${this.label}: ${what} ${shortDigest(digest)}: ${this.store.where} sends more than the ${size} bytes the manifest gives it`));
          return;
        }
        this.queue.push(c);
        this.queued += c.length;
        this.notify();
        if (this.queued >= BLOB_BUFFER && !body.isPaused()) {
          body.pause();
          opened.paused?.(true);
          this.wakePump = () => {
            opened.paused?.(false);
            body.resume();
          };
        }
      };
      const onEnd = (): void => {
        ended = true;
        done();
      };
      const onError = (e: Error): void => done(e);
      // A connection closed before the end: what Node reports as 'aborted'.
      const onClose = (): void => {
        if (!ended) done(this.cancelled ? new Error('cancelled') : Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      };
      body.on('data', onData);
      body.on('end', onEnd);
      body.on('error', onError);
      body.on('close', onClose);
    });
  }

  /** The blob's bytes as they arrive, small chunks joined. */
  async *read(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.queue.length > 0) {
        let take = 1;
        let n = this.queue[0]!.length;
        while (take < this.queue.length && n + this.queue[take]!.length <= JOIN) n += this.queue[take++]!.length;
        const parts = this.queue.splice(0, take);
        this.queued -= n;
        if (this.queued < BLOB_BUFFER) {
          const w = this.wakePump;
          this.wakePump = null;
          w?.();
        }
        yield take === 1 ? parts[0]! : Buffer.concat(parts, n);
        continue;
      }
      if (this.error) throw this.error;
      if (this.ended) return;
      await new Promise<void>((r) => (this.wakeReader = r));
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.body?.destroy();
    const w = this.wakePump;
    this.wakePump = null;
    w?.();
  }
}

/**
 * The synthetic OCI layout archive, as the reader takes a piped archive: its first bytes (the
 * `index.json` member) and the rest as it downloads. Stopping early (an error, the reader failing)
 * cancels every download under way.
 */
export function layoutArchive(plan: LayoutPlan, store: BlobStore, label: string): { head: Buffer; rest: AsyncIterable<Buffer> } {
  const layout = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
  const head = Buffer.concat([header('index.json', plan.index.length), plan.index, pad(plan.index.length), ...(plan.whole ? [header('oci-layout', layout.length), layout, pad(layout.length)] : [])]);
  async function* rest(): AsyncGenerator<Buffer> {
    const feeds: Feed[] = [];
    const startUpTo = (i: number): void => {
      while (feeds.length < plan.blobs.length && feeds.length <= i) {
        const f = new Feed(store, plan.blobs[feeds.length]!, label);
        feeds.push(f);
        f.start();
      }
    };
    try {
      for (const d of plan.documents) yield Buffer.concat([header(nameOf(d.digest), d.bytes.length), d.bytes, pad(d.bytes.length)]);
      for (let i = 0; i < plan.blobs.length; i++) {
        startUpTo(i + WINDOW - 1);
        const b = plan.blobs[i]!;
        yield header(nameOf(b.digest), b.size);
        yield* feeds[i]!.read();
        const p = pad(b.size);
        if (p.length) yield p;
      }
      yield Buffer.alloc(1024);
    } finally {
      for (const f of feeds) f.cancel();
    }
  }
  return { head, rest: rest() };
}
