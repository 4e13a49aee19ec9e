/**
 * The one streaming pass over an image archive. Every blob is hashed as it streams; JSON documents
 * are kept; every blob that looks like a layer (tar, gzip or zstd magic) is decompressed on the fly
 * and its inner tar headers indexed, keeping only the few small file bodies checks need. Nothing is
 * written to disk and no layer is held in memory, so manifest.json/index.json may come last.
 */
import { open } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { posix } from 'node:path';
import { zstdStream } from './zstd.js';
import { Hasher, type StreamHash } from './hasher.js';
import { TarWalker, type TarHeader, type BodySink } from './tar-walk.js';
import { MAX_ENTRIES, MAX_EXPANSION, MAX_EXPANSION_SLACK, SECRET_HEAD_BUDGET } from './limits.js';
import type { FileEntry } from './facts.js';
import { EntryStore } from './file-table.js';

const HEX64 = /^[a-f0-9]{64}$/;

/** A sha256 written in a member name: `blobs/sha256/<hex>`, `<hex>.json`, `sha256:<hex>`, `<hex>.tar.gz`. */
export function digestInName(name: string): string | undefined {
  const base = posix.basename(name).replace(/^sha256:/, '').replace(/\.(json|tar|tar\.gz|tgz|tar\.zst)$/, '');
  return HEX64.test(base) ? base : undefined;
}

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

/** A whiteout of a layer: `file`, a `.wh.<name>` entry (path is the removed path); `opaque`, `.wh..wh..opq` (path is the directory). */
export interface Whiteout {
  path: string;
  kind: 'file' | 'opaque';
}

export interface RawCapture {
  path: string;
  size: number;
  text: string;
  truncated: boolean;
}

export interface LayerScan {
  compression: Compression;
  /**
   * sha256 hex of the uncompressed tar. Absent for a compressed blob named by its digest: that
   * digest verifies the stored bytes (and gzip its own CRC-32), so the uncompressed bytes are not
   * hashed again.
   */
  diffId?: string;
  uncompressedSize: number;
  /** The layer's entries, in tar order (whiteouts apart). */
  entries: EntryStore;
  /** The layer's whiteouts, in tar order (applied before its entries). */
  whiteouts: Whiteout[];
  captures: RawCapture[];
  /** Files wanted() asked for but left unread because their budget had run out, per budget. */
  unread: Unread;
}

/** Per capture budget: files left unread once it ran out. */
export type Unread = Record<keyof Budget, number>;

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
/**
 * What one capture costs beyond its text, charged to its budget with it: the objects that carry
 * it from the reader to the checks, its path twice, a map slot. The budgets bound memory, and for a
 * small file these cost more than the text (measured 2026-12-07: 21,000 captured 100-byte files
 * held 11 MB of resident memory, about 500 bytes each).
 */
const CAPTURE_COST = 256;

/** Files read whole: identity, OS, package databases, process-manager configs. */
const EXACT = new Set([
  'etc/passwd', 'etc/group', 'etc/shadow', 'etc/os-release', 'usr/lib/os-release', 'etc/alpine-release', 'etc/debian_version', 'etc/redhat-release',
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
type Budget = { scripts: number; configs: number; secrets: number };
/** What each budget starts at, and what a note says of the files left unread. */
export const BUDGETS: Record<keyof Budget, { bytes: number; files: string; readBy: string; kept: string }> = {
  scripts: { bytes: SCRIPT_BUDGET, files: '`#!` scripts', readBy: 'the checks of scripts (PID 1, shells, daemons)', kept: 'scripts' },
  configs: { bytes: CONFIG_BUDGET, files: 'small configuration files', readBy: 'the secret scan', kept: 'their heads' },
  secrets: { bytes: SECRET_HEAD_BUDGET, files: 'files named like secrets', readBy: 'the secret scan', kept: 'their heads' },
};
/** What one capture draws from a budget: its text, its path and CAPTURE_COST. */
type Cost = { kind: keyof Budget; bytes: number };
/** The budget each kind of capture draws on (files read whole draw on none). */
const BUDGET_OF: Record<NonNullable<Want>['kind'], keyof Budget | null> = { whole: null, script: 'scripts', config: 'configs', head: 'secrets' };

/**
 * What the whole archive has cost so far, for the bounds in limits.ts: bytes read from the input,
 * bytes that decompression produced (outer and layers), entries indexed in all layers.
 */
export interface Meter {
  input: number;
  inflated: number;
  entries: number;
}

/** Throws once decompression produced more than the archive's size allows (limits.ts). */
function charge(meter: Meter, n: number): void {
  meter.inflated += n;
  if (meter.inflated > MAX_EXPANSION * meter.input + MAX_EXPANSION_SLACK) {
    throw new Error(`decompresses to more than ${MAX_EXPANSION} times its size (${Math.round(meter.inflated / 1048576)} MB from ${Math.round(meter.input / 1048576)} MB read): a decompression bomb, not read further`);
  }
}

/**
 * The small files that say which version of a runtime is installed: Go's `VERSION`, a JDK's
 * `release`, Node's and PHP's version headers. Tested only for names ending so (a cheap test first).
 */
const RUNTIME_VERSION = /(?:^|\/)go\/VERSION$|(?:^|\/)[^/]*(?:jdk|jre|java|corretto|zulu|temurin|semeru|graalvm)[^/]*\/release$|(?:^|\/)include\/(?:node\/node_version|php\/main\/php_version)\.h$/;
const RUNTIME_MAX = 16 * 1024;
/** Headers node-gyp and package managers download to build against: not the runtime the image runs. */
const BUILD_CACHE = /(^|\/)(node_modules|\.cache|\.node-gyp|\.npm)\//;

function wanted(path: string, size: number): Want {
  if (EXACT.has(path)) return { limit: MAX_DB, kind: 'whole' };
  if (size <= RUNTIME_MAX && (path.endsWith('VERSION') || path.endsWith('release') || path.endsWith('_version.h')) && RUNTIME_VERSION.test(path) && !path.startsWith('usr/include/') && !BUILD_CACHE.test(path)) {
    return { limit: RUNTIME_MAX, kind: 'whole' };
  }
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

function entryType(t: string | null | undefined): FileEntry['type'] {
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

/** Indexes the tar inside one layer blob while its bytes arrive. */
class LayerSink {
  private failed: Error | null = null;
  private written = 0;
  readonly scanner: LayerScanner;
  private readonly walker: TarWalker;
  /** The decompressor, for compressed layers; an uncompressed layer goes straight to the walker. */
  private readonly input: Writable | null = null;
  private readonly done: Promise<void> = Promise.resolve();
  private diff: StreamHash | null = null;
  private uncompressed = 0;
  /** Compressed bytes written to the decompressor and not yet consumed by it. */
  private queued = 0;

  constructor(
    private readonly compression: Compression,
    budget: Budget,
    hasher: Hasher,
    blobSize: number,
    /** Hash the uncompressed tar too (a compressed blob that no digest in its name verifies). */
    hashDiff: boolean,
    private readonly flow: Flow,
    meter: Meter,
  ) {
    this.scanner = new LayerScanner(budget, meter);
    this.walker = new TarWalker(
      (h) => this.scanner.entry(h),
      () => this.scanner.entryEnd(),
    );
    if (compression === 'none') return;
    const inflate =
      compression === 'gzip'
        ? // 1 MiB output chunks: a quarter of the callbacks, buffers and tar-walk calls of 256 KiB
          // ones (about 8% less CPU on a 400 MB image).
          zlib.createGunzip({ chunkSize: 1 << 20, writableHighWaterMark: QUEUE_BUDGET, readableHighWaterMark: 1 << 20 } as zlib.ZlibOptions)
        : zstdStream();
    const diff = (this.diff = hashDiff ? hasher.create(blobSize) : null);
    const walker = this.walker;
    const out = new Writable({
      highWaterMark: 1 << 20,
      write: (chunk: Buffer, _e, cb) => {
        // zlib inflates on the threadpool but hands each output chunk over synchronously and
        // queues the next inflate only when that returns: deferring the tar walk (and hash) to a
        // microtask lets them run on this thread while the next chunk inflates on another core,
        // instead of the two taking turns.
        queueMicrotask(() => {
          try {
            this.uncompressed += chunk.length;
            charge(meter, chunk.length);
            walker.write(chunk);
          } catch (e) {
            cb(e as Error);
            return;
          }
          const queued = diff?.update(chunk);
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
    flow.inflating++;
    this.done.then(
      () => this.settle(),
      (e: Error) => {
        this.failed = e;
        this.settle();
      },
    );
  }

  /** The decompressor finished or failed: what it still held no longer counts against the budget. */
  private settle(): void {
    this.flow.queued -= this.queued;
    this.queued = 0;
    this.flow.inflating--;
    this.flow.wake();
  }

  /**
   * Takes the next bytes of the blob. A compressed layer queues them for its decompressor (the
   * caller waits on `flow` before reading more); `hold`, when given, is called then and returns
   * what to call once the decompressor is done with those bytes, so the caller may reuse the buffer.
   */
  write(chunk: Buffer, hold?: () => () => void): void {
    if (this.failed) return;
    this.written += chunk.length;
    const input = this.input;
    if (!input) {
      try {
        this.walker.write(chunk);
      } catch (e) {
        this.failed = e as Error;
      }
      return;
    }
    if (input.destroyed) return;
    const n = chunk.length;
    this.queued += n;
    this.flow.queued += n;
    const release = hold?.();
    input.write(chunk, () => {
      // Called once zlib consumed the chunk, or with an error for a chunk it will never read (a
      // chunk it was reading when it failed may never call back: that buffer is just not reused).
      release?.();
      if (this.queued === 0) return; // settle() already took the rest off the budget
      this.queued -= n;
      this.flow.queued -= n;
      this.flow.wake();
    });
  }

  /** Stops the decompressor (the archive ended or failed inside this layer). */
  abort(): void {
    this.input?.destroy();
  }

  /** `storedSha256`: the blob's digest, which is the diff id of an uncompressed layer. */
  async end(storedSha256: string): Promise<LayerScan> {
    if (this.input) {
      if (!this.failed && !this.input.destroyed) this.input.end();
      await this.done;
    } else {
      if (this.failed) throw this.failed;
      this.walker.end();
    }
    const { entries, whiteouts, captures, unread } = this.scanner;
    if (!this.input) return { compression: this.compression, diffId: storedSha256, uncompressedSize: this.written, entries, whiteouts, captures, unread };
    const scan: LayerScan = { compression: this.compression, uncompressedSize: this.uncompressed, entries, whiteouts, captures, unread };
    if (this.diff) scan.diffId = await this.diff.digest();
    return scan;
  }
}

type Collecting = { path: string; size: number; want: NonNullable<Want>; parts: Buffer[]; kept: number; drop: boolean; checked: boolean };

/** What one layer's tar holds: its entries, and the bodies wanted() asks for. */
class LayerScanner {
  readonly entries = new EntryStore();
  readonly whiteouts: Whiteout[] = [];
  readonly captures: RawCapture[] = [];
  /** Counted as they are left unread; commit() adds the captures it drops (the same object is the scan's). */
  readonly unread: Unread = { scripts: 0, configs: 0, secrets: 0 };
  /** Per capture: the budget it draws on and how much (bytes), applied in layer order by commit(). */
  readonly costs: Array<Cost | null> = [];
  /** The capture being collected for the current entry. */
  private cur: Collecting | null = null;

  /**
   * `budget`: what earlier layers left, as far as they are committed. Layers decompress
   * concurrently, so a layer collects against what is known to be left and commit() settles the
   * budget in archive order: the captures are those a sequential read keeps.
   */
  constructor(
    private readonly budget: Budget,
    private readonly meter: Meter,
  ) {}

  entry(h: TarHeader): BodySink | null {
    const { entries, budget } = this;
    this.cur = null;
    if (++this.meter.entries > MAX_ENTRIES) throw new Error(`more than ${MAX_ENTRIES} entries in the layers; not read further`);
    const path = normalizeLayerPath(h.name);
    if (path === null) return null;
    const slash = path.lastIndexOf('/');
    const base = slash === -1 ? path : path.slice(slash + 1);
    if (base.charCodeAt(0) === 0x2e && base.startsWith('.wh.')) {
      const dir = slash === -1 ? '' : path.slice(0, slash);
      if (base === '.wh..wh..opq') this.whiteouts.push({ path: '/' + dir, kind: 'opaque' });
      else if (!base.startsWith('.wh..wh.')) this.whiteouts.push({ path: '/' + (dir ? dir + '/' : '') + base.slice(4), kind: 'file' });
      return null;
    }
    const type = entryType(h.type);
    // A damaged numeric field reads as NaN: 0, so that no figure in a message is NaN.
    const num = (n: number): number => (Number.isFinite(n) ? n : 0);
    const size = type === 'file' ? num(h.size) : 0;
    const link = !h.linkname ? undefined : type === 'symlink' ? h.linkname : type === 'hardlink' ? '/' + (normalizeLayerPath(h.linkname) ?? '') : undefined;
    entries.add(path, type, num(h.mode), num(h.uid), num(h.gid), size, link);
    const want = type === 'file' ? wanted(path, size) : null;
    if (!want) return null;
    const drawsOn = BUDGET_OF[want.kind];
    if (drawsOn && budget[drawsOn] <= 0) {
      if (want.kind !== 'script') {
        this.unread[drawsOn]++;
        return null;
      }
      // A script candidate is a script only when it starts with `#!`: its first two bytes say
      // whether one was left unread.
      let seen = 0;
      let first = 0;
      return (chunk) => {
        for (let i = 0; seen < 2 && i < chunk.length; i++, seen++) {
          if (seen === 0) first = chunk[i]!;
          else if (first === 0x23 && chunk[i] === 0x21) this.unread.scripts++;
        }
      };
    }
    const cur: Collecting = { path, size, want, parts: [], kept: 0, drop: false, checked: false };
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
    if (want.kind === 'script' && (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21 || body.includes(0))) return;
    if (want.kind === 'config' && body.includes(0)) return;
    const kind = BUDGET_OF[want.kind];
    const cost: Cost | null = kind ? { kind, bytes: body.length + path.length + CAPTURE_COST } : null;
    // This layer's own copy of the budget, so that it stops collecting once it alone used it up.
    if (cost) budget[cost.kind] -= cost.bytes;
    this.costs.push(cost);
    this.captures.push({ path, size: cur.size, text: body.toString('utf8'), truncated: body.length < cur.size });
  }

  /** Settles this layer's captures against the shared budget (called in archive order). */
  commit(shared: Budget): void {
    const kept: RawCapture[] = [];
    this.captures.forEach((c, i) => {
      const cost = this.costs[i];
      if (cost) {
        if (shared[cost.kind] <= 0) {
          this.unread[cost.kind]++;
          return;
        }
        shared[cost.kind] -= cost.bytes;
      }
      kept.push(c);
    });
    // A loop, not push(...kept): an argument list of hundreds of thousands overflows the stack.
    this.captures.length = 0;
    for (const c of kept) this.captures.push(c);
    this.costs.length = 0;
  }
}

/**
 * Decompressors at work and the compressed bytes queued for them. Layers are read in archive
 * order, but a layer's decompression may still run while the next layers arrive (and decompress
 * on another thread): the reader waits while more than QUEUE_BUDGET bytes are queued or more than
 * MAX_INFLATING decompressors are busy, which bounds the memory this costs.
 */
class Flow {
  queued = 0;
  inflating = 0;
  private waiters: Array<() => void> = [];
  wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves once the reader may go on. */
  async ready(): Promise<void> {
    while (this.queued > QUEUE_BUDGET || this.inflating > MAX_INFLATING) await new Promise<void>((r) => this.waiters.push(r));
  }
}

/** Compressed layer bytes queued for decompression, over all layers, before the reader waits. */
const QUEUE_BUDGET = 16 * 1024 * 1024;
/** Layers decompressing at once (each on a libuv thread) before the reader waits. */
const MAX_INFLATING = 3;
/** Read size for archive files. */
const READ_SIZE = 1024 * 1024;

/**
 * An archive file read in large reads into reused buffers, the next read under way while the
 * last chunk is worked on. A buffer whose bytes a decompressor still has to read is held (`hold()`
 * on the current chunk) and reused only once every hold is released.
 */
export class FileChunks implements AsyncIterable<Buffer> {
  private current: { buf: Buffer; holds: number; done: boolean } | null = null;
  private readonly spare: Buffer[] = [];
  constructor(private readonly path: string) {}

  /** Holds the current chunk's buffer; returns the release. */
  hold(): () => void {
    const c = this.current;
    if (!c) return () => undefined;
    c.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--c.holds === 0 && c.done) this.spare.push(c.buf);
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const fh = await open(this.path, 'r');
    const read = (): Promise<{ buf: Buffer; n: number }> => {
      const buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(READ_SIZE);
      return fh.read(buf, 0, READ_SIZE, null).then((r) => ({ buf, n: r.bytesRead }));
    };
    try {
      let next = read();
      for (;;) {
        const { buf, n } = await next;
        if (n === 0) return;
        next = read();
        const c: { buf: Buffer; holds: number; done: boolean } = { buf, holds: 0, done: false };
        this.current = c;
        yield n === READ_SIZE ? buf : buf.subarray(0, n);
        c.done = true;
        this.current = null;
        if (c.holds === 0) this.spare.push(buf);
      }
    } finally {
      await fh.close();
    }
  }
}

/** An in-memory archive (stdin) in slices, so the reader's backpressure applies to it too. */
export function* bufferChunks(data: Buffer): Iterable<Buffer> {
  for (let off = 0; off < data.length; off += READ_SIZE) yield data.subarray(off, off + READ_SIZE);
}

type Mode = 'undecided' | 'json' | 'layer' | 'skip';

/** One member of the archive while its body arrives. */
interface Member {
  name: string;
  size: number;
  /** Created once the first bytes tell what the member is (see decide()). */
  hash: StreamHash | null;
  mode: Mode;
  head: Buffer[];
  headLen: number;
  json: Buffer[];
  sink: LayerSink | null;
}

/**
 * Reads the archive once and indexes every member. `source` yields the archive's bytes: a stream
 * (a decompressed whole archive), an in-memory archive in slices, or a FileChunks.
 */
export async function indexArchive(source: AsyncIterable<Buffer> | Iterable<Buffer>, label: string, options: { meter?: Meter } = {}): Promise<ArchiveIndex> {
  const blobs = new Map<string, BlobInfo>();
  const links = new Map<string, string>();
  // The budget as committed by the layers settled so far, in archive order.
  const budget: Budget = { scripts: BUDGETS.scripts.bytes, configs: BUDGETS.configs.bytes, secrets: BUDGETS.secrets.bytes };
  const meter: Meter = options.meter ?? { input: 0, inflated: 0, entries: 0 };
  const countInput = !options.meter;
  const hasher = new Hasher();
  const flow = new Flow();
  const chunks = source instanceof FileChunks ? source : null;
  const hold = chunks ? (): (() => void) => chunks.hold() : undefined;
  /** Promises the reader waits on before its next chunk (hash backpressure). */
  const waits: Promise<void>[] = [];
  /** Members still finishing (layer decompression, digests), and the last layer's commit. */
  const finishing: Promise<void>[] = [];
  let committed: Promise<void> = Promise.resolve();
  let last = '(start of archive)';
  let failure: Error | null = null;
  let cur: Member | null = null;

  /** The first bytes (at least 512, or the whole member) tell a JSON document, a layer (tar, gzip, zstd) or something else (VERSION). `view`: buf is the caller's chunk. */
  const decide = (m: Member, buf: Buffer, view: boolean): Mode => {
    m.head = [];
    const first = buf.toString('latin1', 0, Math.min(buf.length, 64)).trimStart()[0];
    const kind = sniffBlob(buf);
    const isLayer = kind !== null && (kind !== 'tar-empty' || m.size >= 1024);
    // A compressed layer's blob is hashed here: the other core decompresses layers. Other large
    // blobs (uncompressed layers) may be hashed on the worker (hasher.ts).
    const hash = (m.hash = hasher.create(isLayer && kind !== 'none' && kind !== 'tar-empty' ? 0 : m.size));
    const hashing = hash.update(buf);
    if (hashing) waits.push(hashing);
    if ((first === '{' || first === '[') && m.size <= MAX_JSON) {
      m.json.push(view ? Buffer.from(buf) : buf);
      return 'json';
    }
    if (isLayer) {
      const compression = kind === 'tar-empty' ? 'none' : kind!;
      // A compressed blob named by its digest is verified by that digest (and gzip by its own
      // CRC-32 and length): the uncompressed bytes are hashed only when nothing else verifies them.
      m.sink = new LayerSink(compression, { ...budget }, hasher, m.size, digestInName(m.name) === undefined, flow, meter);
      m.sink.write(buf, view ? hold : undefined);
      return 'layer';
    }
    return 'skip';
  };

  const body = (m: Member, part: Buffer): void => {
    if (m.mode !== 'undecided') {
      const hashing = m.hash!.update(part);
      if (hashing) waits.push(hashing);
    }
    if (m.mode === 'layer') m.sink!.write(part, hold);
    else if (m.mode === 'undecided') {
      if (m.headLen === 0 && part.length >= 512) {
        m.mode = decide(m, part, true);
        return;
      }
      m.head.push(Buffer.from(part));
      m.headLen += part.length;
      if (m.headLen >= 512) m.mode = decide(m, Buffer.concat(m.head), false);
    } else if (m.mode === 'json') m.json.push(Buffer.from(part));
  };

  const finish = (m: Member): void => {
    if (m.mode === 'undecided' && m.headLen > 0) m.mode = decide(m, Buffer.concat(m.head), false);
    const info: BlobInfo = { name: m.name, size: m.size, sha256: '' };
    blobs.set(m.name, info);
    if (m.mode === 'json') {
      try {
        info.json = JSON.parse(Buffer.concat(m.json).toString('utf8'));
      } catch (e) {
        info.jsonError = `not valid JSON (${(e as Error).message.split('\n', 1)[0]})`;
      }
    }
    const sink = m.sink;
    const digest = (m.hash ?? hasher.create(0)).digest().then((hex) => {
      info.sha256 = hex;
    });
    if (!sink) {
      finishing.push(digest);
      return;
    }
    // The layer may still be decompressing: the reader goes on, and its captures are settled
    // against the shared budget once every earlier layer's are.
    const scanned = digest
      .then(
        () => sink.end(info.sha256),
        (e: unknown) => {
          // No digest (the hashing worker stopped): the layer's decompressor is stopped too.
          sink.abort();
          throw e;
        },
      )
      .then(
        (scan) => {
          info.layer = scan;
        },
        (e: unknown) => {
          info.layerError = describeStreamError(e);
        },
      );
    const prev = committed;
    committed = Promise.all([prev, scanned]).then(() => {
      sink.scanner.commit(budget);
    });
    finishing.push(committed);
  };

  const walker = new TarWalker(
    (h) => {
      let name: string;
      try {
        name = normalizeArchivePath(h.name);
      } catch (e) {
        throw new ImageReadError(`${label}: ${(e as Error).message}; refusing an archive that points outside itself`);
      }
      last = name;
      if (h.type === 'symlink' || h.type === 'link') {
        const target = h.linkname ?? '';
        const resolved = h.type === 'symlink' && !target.startsWith('/') ? posix.join(posix.dirname(name), target) : target;
        if (resolved.startsWith('/') || resolved === '..' || resolved.startsWith('../')) {
          throw new ImageReadError(`${label}: link ${name} -> ${target} points outside the archive`);
        }
        links.set(name, posix.normalize(resolved));
        return null;
      }
      if (h.type !== 'file' && h.type !== 'contiguous-file') return null;
      const m: Member = { name, size: h.size, hash: null, mode: 'undecided', head: [], headLen: 0, json: [], sink: null };
      cur = m;
      return (part) => body(m, part);
    },
    () => {
      const m = cur;
      cur = null;
      if (m) finish(m);
    },
  );

  try {
    for await (const chunk of source) {
      // Without a meter of its own (a compressed archive's bytes are counted as read), the source's bytes are the input.
      if (countInput) meter.input += chunk.length;
      else charge(meter, chunk.length);
      walker.write(chunk);
      if (waits.length) await Promise.all(waits.splice(0));
      await flow.ready();
    }
    walker.end();
    // A file without a body (size 0) is finished by the walker at its header.
    await Promise.all(finishing);
  } catch (e) {
    failure = e instanceof ImageReadError ? e : new ImageReadError(`${label}: ${describeStreamError(e)}${last === '(start of archive)' ? '' : ` after ${last}`}`);
  } finally {
    if (failure) {
      // A layer cut off mid-stream is stopped; the others finish on their own.
      (cur as Member | null)?.sink?.abort();
      await Promise.allSettled(finishing);
    }
    await hasher.close();
  }
  if (failure) throw failure;
  return { blobs, links };
}
