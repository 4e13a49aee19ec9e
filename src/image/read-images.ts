/** Image targets: read an archive in one streaming pass into facts, one `ImageFacts` per image in it. */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ImageFacts } from './facts.js';
import { ImageReadError, FileChunks, bufferChunks, indexArchive, sniffBlob, type Meter } from './read.js';
import { zstdStream } from './zstd.js';
import { findImages, type ImageSpec } from './layout.js';
import { assemble } from './assemble.js';
import { addLaunch } from './launch.js';

export { ImageReadError };

export interface ImageTarget {
  path: string;
  /** The whole archive in memory (tests, the library API). */
  data?: Buffer;
  /** An archive arriving on a pipe (stdin): its first bytes, already read, then the rest as it comes. */
  stream?: { head: Buffer; rest: AsyncIterable<Buffer> };
}

async function* piped(s: { head: Buffer; rest: AsyncIterable<Buffer> }): AsyncGenerator<Buffer> {
  if (s.head.length > 0) yield s.head;
  yield* s.rest;
}

export interface ImageReadOptions {
  /** `os/arch[/variant]` to pick from a multi-platform index; default: the host's. */
  platform?: string;
  /** Analyze only the image with this tag (or ref name, or image id prefix) when the archive holds several. */
  imageRef?: string;
}

function head(target: ImageTarget): Buffer {
  if (target.data) return target.data.subarray(0, 512);
  if (target.stream) return target.stream.head.subarray(0, 512);
  let fd: number;
  try {
    fd = openSync(target.path, 'r');
  } catch (e) {
    throw new ImageReadError(`${target.path}: ${(e as Error).message.split('\n', 1)[0]}`);
  }
  try {
    const buf = Buffer.alloc(512);
    return buf.subarray(0, readSync(fd, buf, 0, 512, 0));
  } finally {
    closeSync(fd);
  }
}

function stream(target: ImageTarget): Readable {
  if (target.stream) return Readable.from(piped(target.stream));
  return target.data ? Readable.from(bufferChunks(target.data)) : createReadStream(target.path, { highWaterMark: 1 << 20 });
}

function matchesRef(spec: ImageSpec, ref: string, id: string): boolean {
  const short = (t: string): string => t.replace(/^(docker\.io\/)?(library\/)?/, '');
  if (spec.tags.some((t) => t === ref || short(t) === short(ref) || short(t) === short(`${ref}:latest`))) return true;
  const hex = ref.replace(/^sha256:/, '');
  return hex.length >= 6 && /^[a-f0-9]+$/.test(hex) && id.startsWith(hex);
}

/** Reads every image of an archive (or the one chosen with `imageRef`) into facts. */
export async function readImages(target: ImageTarget, options: ImageReadOptions = {}): Promise<ImageFacts[]> {
  const label = target.path;
  const kind = sniffBlob(head(target));
  if (kind === null) throw new ImageReadError(`${label}: not a tar or gzip archive`);
  let source: AsyncIterable<Buffer> | Iterable<Buffer>;
  // A whole archive compressed: its bytes as read are the input, what the decompressor makes counts as inflated (limits.ts).
  const meter: Meter = { input: 0, inflated: 0, entries: 0 };
  let compressed = false;
  if (kind === 'gzip' || kind === 'zstd') {
    // A whole archive compressed (`docker save | gzip`): decompressed as it streams.
    const inflate = kind === 'gzip' ? createGunzip({ chunkSize: 256 * 1024 }) : zstdStream();
    const raw = stream(target);
    raw.on('error', (e) => inflate.destroy(e));
    raw.on('data', (c: Buffer) => {
      meter.input += c.length;
    });
    source = raw.pipe(inflate);
    compressed = true;
  } else if (target.stream) source = piped(target.stream);
  else source = target.data ? bufferChunks(target.data) : new FileChunks(target.path);
  const index = await indexArchive(source, label, compressed ? { meter } : {});
  if (index.blobs.size === 0 && index.links.size === 0) throw new ImageReadError(`${label}: empty archive (no members)`);
  const notes: string[] = [];
  let specs = findImages(label, index, options.platform, notes);
  if (options.imageRef) {
    const ref = options.imageRef;
    const chosen = specs.filter((s) => matchesRef(s, ref, index.blobs.get(s.config.name)?.sha256 ?? ''));
    if (chosen.length === 0) {
      const have = specs.flatMap((s) => s.tags);
      throw new ImageReadError(`${label}: no image ${ref} in the archive${have.length ? ` (it has ${have.join(', ')})` : ''}`);
    }
    specs = chosen;
  }
  const images = specs.map((spec, i) => {
    const name = specs.length === 1 ? label : `${label}#${spec.tags[0] ?? String(i)}`;
    const image = assemble(name, index, spec, [...notes]);
    if (options.platform) image.platformAsked = options.platform;
    return image;
  });
  for (const image of images) await addLaunch(image);
  return images;
}
