/**
 * The one streaming pass over an image archive. Every blob is hashed as it streams; JSON documents
 * are kept; every blob that looks like a layer (tar, gzip or zstd magic) is decompressed on the fly
 * and its inner tar headers indexed, keeping only the few small file bodies checks need. Nothing is
 * written to disk and no layer is held in memory, so manifest.json/index.json may come last.
 */
import { createHash } from 'node:crypto';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { posix } from 'node:path';
import tar from 'tar-stream';
import { Decompress as ZstdDecompress } from 'fzstd';
import { Hasher, type StreamHash } from './hasher.js';
import { TarWalker, type TarHeader, type BodySink } from './tar-walk.js';

/** An archive that cannot be read, in one line that names the file and the problem. */
export class ImageReadError extends Error {
  override name = 'ImageReadError';
}

export type Compression = 'none' | 'gzip' | 'zstd';

/** The kind of a stream from its first bytes. */
export function sniffBlob(head: Buffer): Compression | 'tar-empty' | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'none';
  if (head.length >= 512 && head.subarray(0, 512).every((b) => b === 0)) return 'tar-empty';
  return null;
}

/** One entry of a layer's tar, path normalized (no leading `/`, no trailing `/`). */
export interface RawEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkTarget?: string;
  /** `file`: a `.wh.<name>` entry (path is the removed path); `opaque`: `.wh..wh..opq` (path is the directory). */
  whiteout?: 'file' | 'opaque';
}

export interface RawCapture {
  path: string;
  size: number;
  text: string;
  truncated: boolean;
}

export interface LayerScan {
  compression: Compression;
  /** sha256 hex of the uncompressed tar. */
  diffId: string;
  uncompressedSize: number;
  entries: RawEntry[];
  captures: RawCapture[];
}

export interface BlobInfo {
  name: string;
  size: number;
  /** sha256 hex of the bytes as stored. */
  sha256: string;
  /** Parsed JSON for small documents. */
  json?: unknown;
  jsonError?: string;
  layer?: LayerScan;
  layerError?: string;
}

export interface ArchiveIndex {
  blobs: Map<string, BlobInfo>;
  /** Symlinks and hard links between archive members (normalized name -> normalized target). */
  links: Map<string, string>;
}

const MAX_JSON = 16 * 1024 * 1024;
const MAX_DB = 8 * 1024 * 1024;
const MAX_SMALL = 64 * 1024;
const SECRET_HEAD = 4096;
const SCRIPT_BUDGET = 4 * 1024 * 1024;
const CONFIG_BUDGET = 2 * 1024 * 1024;

/** Files read whole: identity, OS, package databases, process-manager configs. */
const EXACT = new Set([
  'etc/passwd', 'etc/group', 'etc/shadow', 'etc/os-release', 'usr/lib/os-release', 'etc/alpine-release', 'etc/debian_version',
  'var/lib/dpkg/status', 'lib/apk/db/installed', 'etc/supervisord.conf', 'etc/supervisor/supervisord.conf', 'etc/inittab',
]);
const DIRS = ['etc/supervisor/conf.d/', 'etc/supervisord.d/', 'var/lib/dpkg/status.d/', 'etc/services.d/', 'etc/s6-overlay/', 'etc/service/', 'etc/sv/', 'etc/cont-init.d/', 'etc/runit/'];
const SECRET_NAME = /^(id_(rsa|dsa|ecdsa|ed25519)|.*\.(pem|key|p12|pfx|jks|keystore|ppk)|\.env(\..*)?|credentials(\.json)?|\.npmrc|\.pypirc|\.git-credentials|\.netrc|\.pgpass|\.htpasswd|\.dockercfg|secrets?\.(ya?ml|json|env))$/i;
/** Credential files whose name alone is too common (`config.json`, `config`): known by their directory. */
const SECRET_PATH = /(^|\/)(\.docker\/config\.json|\.kube\/config|\.aws\/config|\.config\/gh\/hosts\.yml)$/;
/** Small configuration files: their heads are scanned for tokens and passwords. */
const CONFIG_NAME = /\.(json|ya?ml|toml|ini|cfg|conf|properties|xml|txt)$/i;
const NOT_SECRET_DIR = /^(etc\/ssl\/certs|usr\/share\/ca-certificates|etc\/pki\/ca-trust|usr\/share\/doc)\//;
/** Script candidates are skipped where a distribution or a language's packages keep thousands of them. */
const NOT_SCRIPT_DIR = /^(usr\/share|usr\/lib|lib|lib64|usr\/lib64|usr\/libexec|usr\/include|var\/lib|usr\/local\/lib|proc|sys)\/|\/(node_modules|site-packages|dist-packages|\.git)\//;

/** Files that are likely an image's entrypoint script: `*entrypoint*` anywhere, `*.sh` at the root. */
const ENTRYPOINT_NAME = /(^|\/)[^/]*entrypoint[^/]*$|^[^/]+\.sh$/i;

type Want = { limit: number; kind: 'whole' | 'head' | 'script' | 'config' } | null;
type Budget = { scripts: number; configs: number };

function wanted(path: string, size: number): Want {
  if (EXACT.has(path)) return { limit: MAX_DB, kind: 'whole' };
  if (DIRS.some((d) => path.startsWith(d))) return size <= MAX_SMALL ? { limit: MAX_SMALL, kind: 'whole' } : null;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if ((SECRET_NAME.test(base) || SECRET_PATH.test(path)) && !NOT_SECRET_DIR.test(path)) return { limit: SECRET_HEAD, kind: 'head' };
  // Entrypoint scripts (`docker-entrypoint.sh`, `/start.sh`) are read whatever the script budget has left.
  if (size > 2 && size <= MAX_SMALL && ENTRYPOINT_NAME.test(path)) return { limit: MAX_SMALL, kind: 'whole' };
  if (size > 2 && size <= MAX_SMALL && !NOT_SCRIPT_DIR.test(path)) {
    return CONFIG_NAME.test(base) ? { limit: SECRET_HEAD, kind: 'config' } : { limit: MAX_SMALL, kind: 'script' };
  }
  return null;
}

const ODD_SEGMENT = /(^|\/)\.{0,2}(\/|$)/;

/** Normalizes a member name of a layer; null for the root itself. Throws on a path that leaves the root. */
export function normalizeLayerPath(name: string): string | null {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 0x2f) end--;
  const trimmed = end === name.length ? name : name.slice(0, end);
  // The usual entry is already normal (no leading `/`, no empty, `.` or `..` segment): it is
  // returned as it is, since posix.normalize on every entry showed in the profile.
  if (trimmed !== '' && !ODD_SEGMENT.test(trimmed)) return trimmed;
  const p = posix.normalize('/' + name.replace(/\/+$/, ''));
  const rel = p.replace(/^\/+/, '');
  if (rel === '' || rel === '.') return null;
  if (name.split('/').includes('..')) {
    // `..` is legal only when it stays inside the root, and no image builder writes it.
    throw new Error(`entry ${JSON.stringify(name)} has a ".." component`);
  }
  return rel;
}

/** Normalizes a member name of the outer archive; throws on absolute paths and `..`. */
export function normalizeArchivePath(name: string): string {
  if (name.startsWith('/')) throw new Error(`entry ${JSON.stringify(name)} is an absolute path`);
  if (name.split('/').includes('..')) throw new Error(`entry ${JSON.stringify(name)} has a ".." component`);
  return posix.normalize(name).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

function entryType(t: string | null | undefined): RawEntry['type'] {
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** A zstd decompressor: Node's own where it has one (22.15+), fzstd otherwise. */
export function zstdStream(): Transform {
  const native = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  if (typeof native === 'function') return native();
  let out: Transform;
  const d = new ZstdDecompress((chunk) => {
    out.push(Buffer.from(chunk));
  });
  out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        d.push(chunk);
        cb();
      } catch (e) {
        cb(new Error(`corrupt zstd stream (${(e as Error).message})`));
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        cb();
      } catch (e) {
        cb(new Error(`truncated or corrupt zstd stream (${(e as Error).message})`));
      }
    },
  });
  return out;
}

/** Human wording for decompression and tar errors. */
export function describeStreamError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const msg = (err?.message ?? String(e)).split('\n', 1)[0] ?? '';
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(msg)) return 'truncated gzip stream (unexpected end of file)';
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return `corrupt gzip stream (${msg})`;
  if (/Unexpected end of data/.test(msg)) return 'truncated tar stream (unexpected end of data)';
  if (/Invalid tar header/.test(msg)) return 'corrupt tar header (not a tar stream, or damaged)';
  return msg;
}

async function drainWrite(stream: Writable, chunk: Buffer): Promise<void> {
  if (stream.destroyed) return;
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

/** Indexes the tar inside one layer blob while its bytes arrive. */
class LayerSink {
  private failed: Error | null = null;
  private written = 0;
  private readonly scanner: LayerScanner;
  private readonly walker: TarWalker;
  /** The decompressor, for compressed layers; an uncompressed layer goes straight to the walker. */
  private readonly input: Writable | null = null;
  private readonly done: Promise<void> = Promise.resolve();
  private diff: StreamHash | null = null;
  private uncompressed = 0;

  constructor(
    private readonly compression: Compression,
    budget: Budget,
    hasher: Hasher,
    blobSize: number,
  ) {
    this.scanner = new LayerScanner(budget);
    this.walker = new TarWalker(
      (h) => this.scanner.entry(h),
      () => this.scanner.entryEnd(),
    );
    if (compression === 'none') return;
    const inflate = compression === 'gzip' ? zlib.createGunzip({ chunkSize: 256 * 1024, highWaterMark: 1 << 20 } as zlib.ZlibOptions) : zstdStream();
    const diff = (this.diff = hasher.create(blobSize));
    const walker = this.walker;
    const out = new Writable({
      highWaterMark: 1 << 20,
      write: (chunk: Buffer, _e, cb) => {
        // zlib inflates on the threadpool but hands each output chunk over synchronously and
        // queues the next inflate only when that returns: deferring the hash and the tar walk to a
        // microtask lets them run on this thread while the next chunk inflates on the other core,
        // instead of the two taking turns.
        queueMicrotask(() => {
          try {
            this.uncompressed += chunk.length;
            walker.write(chunk);
          } catch (e) {
            cb(e as Error);
            return;
          }
          const queued = diff.update(chunk);
          if (queued) queued.then(() => cb(), cb);
          else cb();
        });
      },
      final: (cb) => {
        try {
          walker.end();
          cb();
        } catch (e) {
          cb(e as Error);
        }
      },
    });
    this.input = inflate;
    this.done = pipeline(inflate, out);
    this.done.catch((e: Error) => {
      this.failed = e;
    });
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failed) return;
    this.written += chunk.length;
    if (!this.input) {
      try {
        this.walker.write(chunk);
      } catch (e) {
        this.failed = e as Error;
      }
      return;
    }
    await drainWrite(this.input, chunk);
  }

  /** `storedSha256`: the blob's digest, which is the diff id of an uncompressed layer. */
  async end(storedSha256: string): Promise<LayerScan> {
    if (this.input) {
      if (!this.failed) this.input.end();
      await this.done;
    } else {
      if (this.failed) throw this.failed;
      this.walker.end();
    }
    const { entries, captures } = this.scanner;
    if (!this.diff) return { compression: this.compression, diffId: storedSha256, uncompressedSize: this.written, entries, captures };
    return { compression: this.compression, diffId: await this.diff.digest(), uncompressedSize: this.uncompressed, entries, captures };
  }
}

type Collecting = { path: string; size: number; want: NonNullable<Want>; parts: Buffer[]; kept: number; drop: boolean; checked: boolean };

/** What one layer's tar holds: its entries, and the bodies wanted() asks for. */
class LayerScanner {
  readonly entries: RawEntry[] = [];
  readonly captures: RawCapture[] = [];
  /** The capture being collected for the current entry. */
  private cur: Collecting | null = null;

  constructor(private readonly budget: Budget) {}

  entry(h: TarHeader): BodySink | null {
    const { entries, budget } = this;
    this.cur = null;
    const path = normalizeLayerPath(h.name);
    if (path === null) return null;
    const base = path.slice(path.lastIndexOf('/') + 1);
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (base.startsWith('.wh.')) {
      if (base === '.wh..wh..opq') entries.push({ path: dir, type: 'dir', mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0, size: 0, whiteout: 'opaque' });
      else if (!base.startsWith('.wh..wh.')) {
        const target = (dir ? dir + '/' : '') + base.slice(4);
        entries.push({ path: target, type: 'other', mode: 0, uid: 0, gid: 0, size: 0, whiteout: 'file' });
      }
      return null;
    }
    const type = entryType(h.type);
    const e: RawEntry = { path, type, mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0, size: type === 'file' ? h.size ?? 0 : 0 };
    if (type === 'symlink' && h.linkname) e.linkTarget = h.linkname;
    if (type === 'hardlink' && h.linkname) e.linkTarget = '/' + (normalizeLayerPath(h.linkname) ?? '');
    entries.push(e);
    const want = type === 'file' ? wanted(path, e.size) : null;
    if (!want || (want.kind === 'script' && budget.scripts <= 0) || (want.kind === 'config' && budget.configs <= 0)) return null;
    const cur: Collecting = { path, size: e.size, want, parts: [], kept: 0, drop: false, checked: false };
    this.cur = cur;
    return (chunk) => {
      if (cur.drop || cur.kept >= want.limit) return;
      // A copy: the chunk's buffer is not ours to keep.
      const part = Buffer.from(chunk.subarray(0, want.limit - cur.kept));
      cur.parts.push(part);
      cur.kept += part.length;
      // A script candidate that does not start with `#!` is dropped as soon as that is known.
      if (want.kind === 'script' && !cur.checked && cur.kept >= 2) {
        cur.checked = true;
        const h2 = cur.parts.length === 1 ? part : Buffer.concat(cur.parts).subarray(0, 2);
        if (h2[0] !== 0x23 || h2[1] !== 0x21) {
          cur.drop = true;
          cur.parts.length = 0;
        }
      }
    };
  }

  entryEnd(): void {
    const cur = this.cur;
    this.cur = null;
    if (!cur || cur.parts.length === 0) return;
    const { want, path } = cur;
    const budget = this.budget;
    const body = Buffer.concat(cur.parts);
    if (want.kind === 'script') {
      if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21 || body.includes(0)) return;
      budget.scripts -= body.length;
    }
    if (want.kind === 'config') {
      if (body.includes(0)) return;
      budget.configs -= body.length;
    }
    this.captures.push({ path, size: cur.size, text: body.toString('utf8'), truncated: body.length < cur.size });
  }
}

/** Reads the archive stream once and indexes every member. */
export async function indexArchive(source: Readable, label: string): Promise<ArchiveIndex> {
  const blobs = new Map<string, BlobInfo>();
  const links = new Map<string, string>();
  const budget: Budget = { scripts: SCRIPT_BUDGET, configs: CONFIG_BUDGET };
  const hasher = new Hasher();
  const extract = tar.extract();
  let last = '(start of archive)';
  const piped = pipeline(source, extract as unknown as NodeJS.WritableStream);
  piped.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      let name: string;
      try {
        name = normalizeArchivePath(h.name);
      } catch (e) {
        entry.resume();
        throw new ImageReadError(`${label}: ${(e as Error).message}; refusing an archive that points outside itself`);
      }
      last = name;
      if (h.type === 'symlink' || h.type === 'link') {
        entry.resume();
        const target = h.linkname ?? '';
        const resolved = h.type === 'symlink' && !target.startsWith('/') ? posix.join(posix.dirname(name), target) : target;
        if (resolved.startsWith('/') || resolved === '..' || resolved.startsWith('../')) {
          throw new ImageReadError(`${label}: link ${name} -> ${target} points outside the archive`);
        }
        links.set(name, posix.normalize(resolved));
        continue;
      }
      if (h.type !== 'file' && h.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const size = h.size ?? 0;
      const hash = hasher.create(size);
      const head: Buffer[] = [];
      let headLen = 0;
      type Mode = 'undecided' | 'json' | 'layer' | 'skip';
      let mode: Mode = 'undecided' as Mode;
      let sink: LayerSink | null = null;
      const json: Buffer[] = [];
      // The first 512 bytes tell a JSON document, a layer (tar, gzip, zstd) or something else (VERSION).
      const decide = (): Mode => {
        const buf = Buffer.concat(head);
        const first = buf.toString('latin1', 0, Math.min(buf.length, 64)).trimStart()[0];
        const kind = sniffBlob(buf);
        if ((first === '{' || first === '[') && size <= MAX_JSON) {
          json.push(buf);
          return 'json';
        }
        if (kind !== null && (kind !== 'tar-empty' || size >= 1024)) {
          sink = new LayerSink(kind === 'tar-empty' ? 'none' : kind, budget, hasher, size);
          return 'layer';
        }
        return 'skip';
      };
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        const hashing = hash.update(chunk);
        if (hashing) await hashing;
        if (mode === 'undecided') {
          head.push(chunk);
          headLen += chunk.length;
          if (headLen >= 512) {
            mode = decide();
            if (mode === 'layer') await (sink as LayerSink | null)?.write(Buffer.concat(head));
          }
        } else if (mode === 'json') json.push(chunk);
        else if (mode === 'layer') await (sink as LayerSink | null)?.write(chunk);
      }
      if (mode === 'undecided' && headLen > 0) {
        mode = decide();
        if (mode === 'layer') await (sink as LayerSink | null)?.write(Buffer.concat(head));
      }
      const info: BlobInfo = { name, size, sha256: await hash.digest() };
      if (mode === 'json') {
        try {
          info.json = JSON.parse(Buffer.concat(json).toString('utf8'));
        } catch (e) {
          info.jsonError = `not valid JSON (${(e as Error).message.split('\n', 1)[0]})`;
        }
      }
      const s = sink as LayerSink | null;
      if (s) {
        try {
          info.layer = await s.end(info.sha256);
        } catch (e) {
          info.layerError = describeStreamError(e);
        }
      }
      blobs.set(name, info);
    }
    await piped;
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw new ImageReadError(`${label}: ${describeStreamError(e)}${last === '(start of archive)' ? '' : ` after ${last}`}`);
  } finally {
    await hasher.close();
  }
  return { blobs, links };
}
