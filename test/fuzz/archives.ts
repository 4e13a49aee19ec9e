/**
 * The archive family: image archives built from a recipe (a JSON tree, `ArchiveSpec`) that a seeded
 * generator fills with hostile parts: tar headers that lie, pax and GNU long-name records, deep
 * directory trees, many small files, whiteouts, hard and symbolic links, layers compressed once,
 * twice or not at all, JSON documents (config, manifest.json, index.json) of the wrong shape, and
 * OCI descriptor graphs that fan out, share children (diamonds), loop or nest deep. The builder is a
 * pure function of the recipe, so a failing archive is reduced by shrinking its recipe.
 */
import type { Rng } from './rng.js';
import type { DirInput } from './dockerfiles.js';
import { compress, gnuLongName, paxHeader, sha256, tar, type TarEntry } from './tar.js';
import { privateKey, secretAssignment, secretValue } from './secrets.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One generator of layer entries. */
export type EntrySpec =
  | { k: 'file'; path: string; size: number; content?: 'zero' | 'text' | 'script' | 'passwd' | 'dpkg' }
  | { k: 'text'; path: string; text: string; secret?: string; mode?: number }
  | { k: 'dir'; path: string }
  | { k: 'nested'; depth: number; name: string; style: 'plain' | 'pax' | 'gnu' }
  | { k: 'many'; n: number; size: number; dir: string; name: string }
  | { k: 'longnames'; n: number; len: number; style: 'gnu' | 'pax' }
  | { k: 'paxrecords'; n: number; len: number }
  | { k: 'metachain'; n: number; type: 'L' | 'K' | 'x' | 'g'; len: number }
  | { k: 'whiteout'; path: string }
  | { k: 'opaque'; dir: string }
  | { k: 'link'; path: string; target: string; hard: boolean }
  | { k: 'raw'; name: string; type: string; size: string | number; checksumDelta: number; magic: string; body: string; writeBytes: number }
  | { k: 'bomb'; path: string; size: number };

export interface LayerSpec {
  compression: 'none' | 'gzip' | 'gzip-gzip' | 'zstd';
  entries: EntrySpec[];
  /** Not a tar: these bytes (as latin1) instead. */
  raw?: string;
  /** Cut the stored blob to this share of its length. */
  cut?: number;
  /** Name the layer with a digest that is not its own. */
  wrongDigest?: boolean;
}

export interface Mutation {
  path: (string | number)[];
  /** The value to set; the string `__delete__` deletes. */
  value: Json;
}

export interface ImageRecipe {
  layers: LayerSpec[];
  /** The config document; `rootfs.diff_ids` is filled in unless `keepDiffIds`. */
  config: Json;
  keepDiffIds: boolean;
  tags: string[];
  /** Changes to this image's entry of manifest.json, or to its OCI manifest. */
  manifest: Mutation[];
}

export interface GraphNode {
  kind: 'index' | 'manifest';
  /** index: the nodes it lists. */
  children: number[];
  /** manifest: the image it describes. */
  image: number;
  mediaType: string | null;
  platform: Json;
  annotations: Json;
  size: Json;
  /** Changes to the document itself (an index or a manifest). */
  mutations: Mutation[];
}
// GraphNode.size: the descriptor's size; null for the document's real size.

export interface ArchiveSpec {
  layout: 'docker' | 'oci' | 'both';
  outer: 'none' | 'gzip' | 'zstd';
  images: ImageRecipe[];
  /** OCI: the descriptor graph; index.json lists `roots`. */
  graph: { nodes: GraphNode[]; roots: number[]; rootMutations: Mutation[] };
  /** Changes to manifest.json as a whole. */
  manifestMutations: Mutation[];
  /** Outer members added (junk, links, raw headers). */
  extra: EntrySpec[];
  /** Members in reverse order (manifest.json and index.json first). */
  reverse: boolean;
  /** Cut the archive to this share of its length. */
  cut: number | null;
  /** Bytes overwritten: [share of the length, byte]. */
  flips: [number, number][];
  /** The file name the CLI is given. */
  name: string;
  format: string;
  flags: string[];
}

function setPath(doc: Json, m: Mutation): Json {
  if (m.path.length === 0) return m.value;
  const [k, ...rest] = m.path;
  const base: Record<string | number, Json> = doc !== null && typeof doc === 'object' ? (Array.isArray(doc) ? [...doc] : { ...doc }) as Record<string | number, Json> : {};
  if (rest.length === 0 && m.value === '__delete__') delete base[k!];
  else base[k!] = setPath(base[k!] ?? null, { path: rest, value: m.value });
  return base as Json;
}

const applyAll = (doc: Json, ms: readonly Mutation[]): Json => ms.reduce(setPath, doc);

/** Deterministic filler text for a path. */
function filler(path: string, size: number): Buffer {
  const unit = Buffer.from(`${path}\n`);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += unit.length) unit.copy(b, i, 0, Math.min(unit.length, size - i));
  return b;
}

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n';
const DPKG = 'Package: curl\nStatus: install ok installed\nVersion: 7.88.1-10\nArchitecture: amd64\n\nPackage: netcat-openbsd\nStatus: install ok installed\nVersion: 1.219-1\n\n';

/** The tar entries of one generator. */
function entriesOf(e: EntrySpec): TarEntry[] {
  switch (e.k) {
    case 'file': {
      const body = e.content === 'zero' ? Buffer.alloc(e.size) : e.content === 'passwd' ? PASSWD : e.content === 'dpkg' ? DPKG : e.content === 'script' ? `#!/bin/sh\nset -e\n${'echo hi\n'.repeat(Math.max(1, e.size >> 3))}exec "$@"\n` : filler(e.path, e.size);
      return [{ name: e.path, body, mode: e.content === 'script' ? 0o755 : 0o644 }];
    }
    case 'text':
      return [{ name: e.path, body: e.text, mode: e.mode ?? 0o644 }];
    case 'dir':
      return [{ name: `${e.path}/`, type: '5' }];
    case 'nested': {
      const out: TarEntry[] = [];
      // The whole path only where a long-name record carries it (its cost is in `estimate`); the plain
      // style keeps its last 99 characters alone, copied: a slice of the growing path would keep every
      // longer path alive (16,384 levels of a 50-character name held 6.8 GB: seed 13, archive:1586).
      const long = e.style !== 'plain';
      const last99 = (s: string): string => (s.length > 99 ? Buffer.from(s.slice(-99)).toString() : s);
      let p = '';
      let tail = '';
      for (let i = 0; i < e.depth; i++) {
        if (long) p += `${e.name}/`;
        tail = last99(`${tail}${e.name}/`);
        if (long && p.length > 99) out.push(e.style === 'gnu' ? gnuLongName(p) : paxHeader({ path: p }));
        out.push({ name: tail, type: '5' });
      }
      const f = `${p}file`;
      if (long && f.length > 99) out.push(e.style === 'gnu' ? gnuLongName(f) : paxHeader({ path: f }));
      out.push({ name: last99(`${tail}file`), body: 'x' });
      return out;
    }
    case 'many':
      return Array.from({ length: e.n }, (_, i) => ({ name: `${e.dir}/${e.name}${i}`, body: filler(`${i}`, e.size) }));
    case 'longnames':
      return Array.from({ length: e.n }, (_, i) => {
        const name = `${String(i).padStart(6, '0')}${'n'.repeat(Math.max(0, e.len - 6))}`;
        return [e.style === 'gnu' ? gnuLongName(name) : paxHeader({ path: name }), { name: name.slice(0, 99), body: 'x' }];
      }).flat();
    case 'paxrecords':
      return [paxHeader(Array.from({ length: e.n }, (_, i): [string, string] => [`SCHILY.xattr.user.k${i}`, 'v'.repeat(e.len)])), { name: 'xattrs', body: 'x' }];
    case 'metachain': {
      const one = (i: number): TarEntry => (e.type === 'L' || e.type === 'K' ? gnuLongName(`${i}${'m'.repeat(e.len)}`, e.type) : paxHeader({ path: `${i}${'m'.repeat(e.len)}`, comment: 'c'.repeat(e.len) }, e.type));
      return [...Array.from({ length: e.n }, (_, i) => one(i)), { name: 'after-meta', body: 'x' }];
    }
    case 'whiteout': {
      const i = e.path.lastIndexOf('/');
      return [{ name: `${e.path.slice(0, i + 1)}.wh.${e.path.slice(i + 1)}` }];
    }
    case 'opaque':
      return [{ name: `${e.dir}/.wh..wh..opq` }];
    case 'link':
      return [{ name: e.path, type: e.hard ? '1' : '2', linkname: e.target }];
    case 'raw':
      return [{ name: e.name, type: e.type, size: e.size, checksumDelta: e.checksumDelta, magic: e.magic, body: Buffer.from(e.body, 'latin1'), writeBytes: e.writeBytes }];
    case 'bomb':
      return [{ name: e.path, body: Buffer.alloc(e.size) }];
  }
}

function layerBlob(l: LayerSpec): { blob: Buffer; diffId: string } {
  const inner = l.raw !== undefined ? Buffer.from(l.raw, 'latin1') : tar(l.entries.flatMap(entriesOf));
  let blob = compress(inner, l.compression);
  if (l.cut !== undefined) blob = blob.subarray(0, Math.floor(blob.length * l.cut));
  return { blob, diffId: `sha256:${sha256(inner)}` };
}

const fakeDigest = (label: string): string => sha256(`fake:${label}`);

/** Builds the archive bytes of a recipe. */
export function buildArchive(spec: ArchiveSpec): Buffer {
  const members: TarEntry[] = [];
  const built = spec.images.map((img, ii) => {
    const layers = img.layers.map((l, li) => {
      const { blob, diffId } = layerBlob(l);
      const hex = l.wrongDigest ? fakeDigest(`layer${ii}.${li}`) : sha256(blob);
      return { blob, diffId, hex, mediaType: l.compression === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : l.compression === 'none' ? 'application/vnd.oci.image.layer.v1.tar' : 'application/vnd.oci.image.layer.v1.tar+gzip' };
    });
    const config = img.keepDiffIds ? img.config : setPath(img.config, { path: ['rootfs'], value: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } });
    const configText = JSON.stringify(config);
    return { layers, configText, configHex: sha256(configText) };
  });
  const blobs = new Map<string, Buffer>();
  if (spec.layout !== 'docker') {
    for (const b of built) {
      blobs.set(`blobs/sha256/${b.configHex}`, Buffer.from(b.configText));
      for (const l of b.layers) blobs.set(`blobs/sha256/${l.hex}`, l.blob);
    }
    // Descriptors of the graph: every document carries its own digest, except an index on a cycle,
    // which cannot (its digest would be inside its own text): it gets a made-up one, as in a damaged archive.
    const docs = new Map<number, { hex: string; text: string }>();
    const inProgress = new Set<number>();
    const cyclic = new Set<number>();
    const descriptor = (i: number): Json => {
      const n = spec.graph.nodes[i];
      if (!n) return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${fakeDigest(`missing${i}`)}`, size: 1 };
      const doc = docOf(i);
      const d: Record<string, Json> = { digest: `sha256:${doc.hex}` };
      if (n.mediaType !== null) d.mediaType = n.mediaType;
      // null: the document's real size (a cycle's back edge has no text yet: left out)
      if (n.size !== null) d.size = n.size;
      else if (doc.text) d.size = Buffer.byteLength(doc.text);
      if (n.platform !== null) d.platform = n.platform;
      if (n.annotations !== null) d.annotations = n.annotations;
      return d;
    };
    const docOf = (i: number): { hex: string; text: string } => {
      const have = docs.get(i);
      if (have) return have;
      const n = spec.graph.nodes[i]!;
      if (n.kind === 'index') {
        if (inProgress.has(i)) {
          cyclic.add(i);
          return { hex: fakeDigest(`index${i}`), text: '' };
        }
        inProgress.add(i);
        const text = JSON.stringify(applyAll({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: n.children.map(descriptor) }, n.mutations));
        inProgress.delete(i);
        const entry = { hex: cyclic.has(i) ? fakeDigest(`index${i}`) : sha256(text), text };
        docs.set(i, entry);
        return entry;
      }
      const b = built[n.image] ?? built[0];
      const img = spec.images[n.image] ?? spec.images[0];
      const doc: Json = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${b?.configHex ?? fakeDigest('noconfig')}`, size: b?.configText.length ?? 0 },
        layers: (b?.layers ?? []).map((l) => ({ mediaType: l.mediaType, digest: `sha256:${l.hex}`, size: l.blob.length })),
      };
      const text = JSON.stringify(applyAll(applyAll(doc, img?.manifest ?? []), n.mutations));
      const entry = { hex: sha256(text), text };
      docs.set(i, entry);
      return entry;
    };
    const index = applyAll({ schemaVersion: 2, manifests: spec.graph.roots.map(descriptor) }, spec.graph.rootMutations);
    for (const [, d] of docs) blobs.set(`blobs/sha256/${d.hex}`, Buffer.from(d.text));
    members.push({ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' });
    for (const [name, body] of blobs) members.push({ name, body });
    members.push({ name: 'index.json', body: JSON.stringify(index) });
  }
  if (spec.layout !== 'oci') {
    const manifest: Json = built.map((b, ii) => {
      const img = spec.images[ii]!;
      const names = b.layers.map((l, li) => (spec.layout === 'both' ? `blobs/sha256/${l.hex}` : `${l.hex.slice(0, 12)}${li}/layer.tar`));
      if (spec.layout === 'docker') {
        members.push({ name: `${b.configHex}.json`, body: b.configText });
        b.layers.forEach((l, li) => members.push({ name: names[li]!, body: l.blob }));
      }
      return applyAll({ Config: spec.layout === 'both' ? `blobs/sha256/${b.configHex}` : `${b.configHex}.json`, RepoTags: img.tags, Layers: names }, img.manifest);
    });
    members.push({ name: 'manifest.json', body: JSON.stringify(applyAll(manifest, spec.manifestMutations)) });
  }
  members.push(...spec.extra.flatMap(entriesOf));
  if (spec.reverse) members.reverse();
  let out = compress(tar(members), spec.outer);
  if (spec.cut !== null) out = out.subarray(0, Math.floor(out.length * spec.cut));
  if (spec.flips.length) {
    out = Buffer.from(out);
    for (const [at, byte] of spec.flips) if (out.length) out[Math.min(out.length - 1, Math.floor(at * out.length))] = byte;
  }
  return out;
}

/** Every planted secret in a recipe (fields named `secret`). */
function secretsOf(spec: Json, out: string[] = []): string[] {
  if (Array.isArray(spec)) for (const x of spec) secretsOf(x, out);
  else if (spec !== null && typeof spec === 'object') {
    for (const [k, v] of Object.entries(spec)) {
      if (k === 'secret' && typeof v === 'string') out.push(v);
      else secretsOf(v, out);
    }
  }
  return out;
}

/** The input for a recipe (the reducer rebuilds from a smaller recipe). */
export function rebuildArchive(base: DirInput, spec: unknown): DirInput {
  const s = spec as ArchiveSpec;
  return { ...base, files: { [s.name]: buildArchive(s) }, target: s.name, flags: ['--format', s.format, ...s.flags], secrets: secretsOf(s as unknown as Json), spec };
}

// --- generation ---

const BASE_FILES: EntrySpec[] = [
  { k: 'dir', path: 'etc' },
  { k: 'file', path: 'etc/passwd', size: 0, content: 'passwd' },
  { k: 'file', path: 'var/lib/dpkg/status', size: 0, content: 'dpkg' },
  { k: 'file', path: 'bin/sh', size: 2048 },
  { k: 'file', path: 'usr/bin/nc', size: 512 },
  { k: 'file', path: 'docker-entrypoint.sh', size: 64, content: 'script' },
];

/** About how many tar bytes a generator writes (to keep each archive within its budget). */
export function estimate(e: EntrySpec): number {
  const rec = (len: number): number => 1024 + Math.ceil(len / 512) * 512;
  switch (e.k) {
    case 'nested':
      return e.depth * (1024 + (e.style === 'plain' ? 0 : rec((e.depth * (e.name.length + 1)) / 2)));
    case 'many':
      return e.n * rec(e.size);
    case 'longnames':
      return e.n * (rec(e.len) + 1024);
    case 'paxrecords':
      return rec(e.n * (e.len + 30));
    case 'metachain':
      return e.n * rec(e.len * 2);
    case 'bomb':
      return e.size / 1000;
    case 'file':
      return rec(e.size);
    case 'text':
      return rec(e.text.length);
    default:
      return 1024;
  }
}

function hostileEntry(rng: Rng, big: boolean): EntrySpec {
  const s = (k: number): number => rng.scale(big ? k + 4 : k);
  switch (rng.int(14)) {
    case 0:
      return { k: 'nested', depth: s(10), name: rng.pick(['a', 'dir', 'x'.repeat(50)]), style: rng.pick(['plain', 'pax', 'gnu'] as const) };
    case 1:
      return { k: 'many', n: s(10), size: rng.pick([0, 1, 100, 600, 4096]), dir: rng.pick(['usr/share/x', 'app', 'etc/ssl/private', 'home/app/.ssh']), name: rng.pick(['f', 'k.key', '.env', 'run.sh', 'c.json']) };
    case 2:
      return { k: 'longnames', n: s(8), len: rng.pick([101, 300, 4096, 65536]), style: rng.pick(['gnu', 'pax'] as const) };
    case 3:
      return { k: 'paxrecords', n: s(8), len: rng.pick([1, 100, 4096, 100000]) };
    case 4:
      return { k: 'metachain', n: s(8), type: rng.pick(['L', 'K', 'x', 'g'] as const), len: rng.pick([10, 1000, 100000]) };
    case 5:
      return { k: 'whiteout', path: rng.pick(['etc/passwd', 'bin', 'usr/bin/nc', 'nothing/here', '.wh.x', '']) };
    case 6:
      return { k: 'opaque', dir: rng.pick(['etc', 'usr', 'a/a/a', '.']) };
    case 7:
      return { k: 'link', path: rng.pick(['bin/link', 'etc/passwd', 'a', 'loop']), target: rng.pick(['bin/sh', '/etc/passwd', '../../../etc/shadow', 'loop', '', 'a/../../x']), hard: rng.chance(0.5) };
    case 8:
      return { k: 'raw', name: rng.pick(['x', '', '../evil', '/abs', 'a'.repeat(100), 'dir/']), type: rng.pick(['0', '5', '1', '2', '3', '4', '6', '7', 'x', 'g', 'L', 'K', 'Z', '\0', 'S', 'V']), size: rng.pick([0, 1, 511, 513, '77777777777', '-1', 'zzzzzzzzzz', '\x80\0\0\0\0\0\0\0\0\0\xff\xff', '00000001000', 1 << 30]), checksumDelta: rng.chance(0.7) ? 0 : rng.range(-5, 5), magic: rng.pick(['ustar\x0000', 'ustar  \0', 'ustar\0', 'xxxxxx', '']), body: rng.word(rng.int(600)), writeBytes: rng.chance(0.8) ? 1 << 30 : rng.int(600) };
    case 9:
      return { k: 'bomb', path: 'var/zero', size: rng.scale(big ? 27 : 21) };
    case 10: {
      const k = privateKey(rng);
      return { k: 'text', path: rng.pick(['root/.ssh/id_rsa', 'app/server.key', 'etc/ssl/private/a.pem']), text: k.text, secret: k.secret };
    }
    case 11: {
      const v = secretValue(rng);
      return { k: 'text', path: rng.pick(['app/.env', 'root/.npmrc', 'app/config.json', 'root/.docker/config.json', 'docker-entrypoint.sh']), text: rng.pick([`TOKEN=${v.text}\n`, `//registry.npmjs.org/:_authToken=${v.text}\n`, `{"auths":{"x":{"auth":"${v.text}"}}}`, `#!/bin/sh\nexport T=${v.text}\nexec "$@"\n`]), secret: v.secret, mode: 0o755 };
    }
    case 12:
      return { k: 'text', path: rng.pick(['docker-entrypoint.sh', 'start.sh', 'usr/local/bin/entrypoint']), text: `#!/bin/sh\n${'${y:-'.repeat(s(6))}x${'}'.repeat(s(6))}\n${'$('.repeat(s(6))}\nexec "$@"\n`, mode: 0o4755 };
    default:
      return { k: 'file', path: rng.pick(['usr/bin/sudo', 'usr/bin/gcc', 'usr/sbin/sshd', 'usr/bin/curl']), size: rng.int(5000), ...(rng.chance(0.3) ? { content: 'zero' as const } : {}) };
  }
}

function goodConfig(rng: Rng, layers: number): Record<string, Json> {
  const a = secretAssignment(rng);
  return {
    architecture: 'amd64',
    os: 'linux',
    config: {
      User: rng.pick(['', 'root', '1000', 'app']),
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...(rng.chance(0.3) ? [a.text] : [])],
      Entrypoint: rng.pick([['/docker-entrypoint.sh'], null, ['sh', '-c', 'nginx && exec app']]),
      Cmd: ['app'],
      WorkingDir: '/app',
      Labels: { 'org.opencontainers.image.version': '1.0' },
    },
    history: Array.from({ length: layers }, (_, i) => ({ created_by: i === 0 ? '/bin/sh -c #(nop) ADD file:abc in / ' : `RUN /bin/sh -c step ${i} # buildkit`, ...(rng.chance(0.1) ? { comment: `c${i}` } : {}) })),
    ...(rng.chance(0.3) ? { secret_note: { secret: a.secret } } : {}),
  };
}

/** JSON-shape hostility: wrong types, missing fields, huge arrays and strings, deep nesting. */
function jsonMutation(rng: Rng, paths: (string | number)[][]): Mutation {
  const path = rng.pick(paths);
  const d = rng.scale(rng.chance(0.8) ? 6 : 14);
  const value = rng.pick<Json>([
    null,
    '__delete__',
    0,
    -1,
    1e308,
    'x',
    true,
    [],
    {},
    [null],
    [1, 2],
    Array.from({ length: Math.min(d, 200000) }, (_, i) => `E${i}=v`),
    'y'.repeat(Math.min(d * 64, 4 << 20)),
    JSON.parse(`${'['.repeat(Math.min(d, 2000))}${']'.repeat(Math.min(d, 2000))}`) as Json,
    Object.fromEntries(Array.from({ length: Math.min(d, 50000) }, (_, i) => [`k${i}`, `v${i}`])),
    { os: 'linux', architecture: 'amd64' },
    'sha256:zz',
    `sha256:${'0'.repeat(64)}`,
  ]);
  return { path, value };
}

const CONFIG_PATHS: (string | number)[][] = [['config'], ['config', 'Env'], ['config', 'User'], ['config', 'Entrypoint'], ['config', 'Cmd'], ['config', 'Labels'], ['config', 'ExposedPorts'], ['config', 'Healthcheck'], ['history'], ['history', 0], ['history', 0, 'created_by'], ['history', 0, 'empty_layer'], ['rootfs'], ['rootfs', 'diff_ids'], ['rootfs', 'diff_ids', 0], ['os'], ['architecture'], []];
const MANIFEST_PATHS: (string | number)[][] = [['Config'], ['Layers'], ['Layers', 0], ['RepoTags'], ['config'], ['config', 'digest'], ['config', 'size'], ['layers'], ['layers', 0], ['layers', 0, 'digest'], ['layers', 0, 'size'], ['layers', 0, 'mediaType'], ['mediaType'], []];

function graphOf(rng: Rng, images: number): ArchiveSpec['graph'] {
  const node = (kind: GraphNode['kind'], children: number[], image = 0): GraphNode => ({ kind, children, image, mediaType: kind === 'index' ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json', platform: null, annotations: null, size: null, mutations: [] });
  const nodes: GraphNode[] = [];
  const shape = rng.chance(0.5) ? 'simple' : rng.pick(['diamond', 'cycle', 'deep', 'wide', 'multiplatform', 'attest', 'self']);
  if (shape === 'simple') {
    for (let i = 0; i < images; i++) {
      const n = node('manifest', [], i);
      n.annotations = { 'org.opencontainers.image.ref.name': `app:${i}` };
      nodes.push(n);
    }
    return { nodes, roots: nodes.map((_, i) => i), rootMutations: [] };
  }
  if (shape === 'diamond') {
    // levels of `width` indexes, each listing every index of the next level: width^depth paths.
    const width = rng.range(2, 6);
    const depth = rng.range(2, 12);
    const m = nodes.push(node('manifest', [], 0)) - 1;
    let next = [m];
    for (let l = 0; l < depth; l++) {
      const level: number[] = [];
      for (let w = 0; w < width; w++) level.push(nodes.push(node('index', [...next])) - 1);
      next = level;
    }
    return { nodes, roots: next, rootMutations: [] };
  }
  if (shape === 'cycle' || shape === 'self') {
    const a = nodes.push(node('index', [])) - 1;
    const b = nodes.push(node('index', [a])) - 1;
    const m = nodes.push(node('manifest', [], 0)) - 1;
    nodes[a]!.children = shape === 'self' ? [a, m] : [b, m];
    if (rng.chance(0.5)) nodes[a]!.mediaType = null;
    return { nodes, roots: [a], rootMutations: [] };
  }
  if (shape === 'deep') {
    let cur = nodes.push(node('manifest', [], 0)) - 1;
    for (let i = rng.scale(8); i > 0; i--) cur = nodes.push(node('index', [cur])) - 1;
    return { nodes, roots: [cur], rootMutations: [] };
  }
  if (shape === 'wide') {
    const n = rng.scale(rng.chance(0.8) ? 6 : 13);
    const m = nodes.push(node('manifest', [], 0)) - 1;
    const idx = nodes.push(node('index', Array(n).fill(m))) - 1;
    return { nodes, roots: rng.chance(0.5) ? [idx] : Array(n).fill(m), rootMutations: [] };
  }
  const list: number[] = [];
  for (const [os, arch] of [['linux', 'amd64'], ['linux', 'arm64'], ['windows', 'amd64'], ['unknown', 'unknown']]) {
    const n = node('manifest', [], rng.int(images));
    n.platform = { os: os!, architecture: arch! };
    if (shape === 'attest' && os === 'unknown') n.annotations = { 'vnd.docker.reference.type': 'attestation-manifest' };
    list.push(nodes.push(n) - 1);
  }
  const idx = nodes.push(node('index', list)) - 1;
  return { nodes, roots: [idx], rootMutations: [] };
}

const FORMATS = ['json', 'json', 'json', 'text', 'sarif', 'github', 'markdown'];

/** A random archive recipe, built. */
export function archiveInput(rng: Rng): DirInput {
  const big = rng.chance(0.01);
  // Tar bytes (before compression) this archive may hold: most are small, a few large.
  let budget = big ? 256 << 20 : rng.chance(0.9) ? 4 << 20 : 48 << 20;
  const imageCount = rng.chance(0.85) ? 1 : rng.range(2, 3);
  const images: ImageRecipe[] = [];
  for (let i = 0; i < imageCount; i++) {
    const layerCount = rng.chance(0.9) ? rng.range(1, 4) : rng.scale(6);
    const layers: LayerSpec[] = [];
    for (let l = 0; l < layerCount; l++) {
      const entries: EntrySpec[] = l === 0 ? [...BASE_FILES] : [];
      for (let k = rng.chance(0.4) ? 0 : rng.range(1, 3); k > 0; k--) {
        const e = hostileEntry(rng, big);
        const cost = estimate(e);
        if (cost > budget) continue;
        budget -= cost;
        entries.push(e);
      }
      const layer: LayerSpec = { compression: rng.pick(['none', 'gzip', 'gzip', 'zstd', 'gzip-gzip'] as const), entries };
      if (rng.chance(0.03)) layer.raw = rng.pick(['', 'not a tar', '\x1f\x8b\x08\x00garbage', '\0'.repeat(1024), '{"a":1}']);
      if (rng.chance(0.03)) layer.cut = rng.next();
      if (rng.chance(0.02)) layer.wrongDigest = true;
      layers.push(layer);
    }
    let config: Json = goodConfig(rng, layerCount);
    for (let k = rng.chance(0.8) ? 0 : rng.range(1, 3); k > 0; k--) config = setPath(config, jsonMutation(rng, CONFIG_PATHS));
    const manifest: Mutation[] = [];
    for (let k = rng.chance(0.92) ? 0 : rng.range(1, 2); k > 0; k--) manifest.push(jsonMutation(rng, MANIFEST_PATHS));
    images.push({ layers, config, keepDiffIds: rng.chance(0.05), tags: rng.pick([['app:1.0'], [], ['docker.io/library/app:latest', 'app:2'], ['x'.repeat(300)]]), manifest });
  }
  const layout = rng.pick(['docker', 'docker', 'oci', 'oci', 'both'] as const);
  const graph = graphOf(rng, imageCount);
  for (const n of graph.nodes) {
    if (rng.chance(0.05)) n.size = rng.pick<Json>([-1, 1e18, 'x', null, 2 ** 53]);
    if (rng.chance(0.05)) n.mediaType = rng.pick([null, 'application/json', 'application/vnd.docker.distribution.manifest.list.v2+json', '']);
    if (rng.chance(0.05)) n.mutations.push(jsonMutation(rng, MANIFEST_PATHS));
  }
  const spec: ArchiveSpec = {
    layout,
    outer: rng.chance(0.9) ? 'none' : rng.pick(['gzip', 'zstd'] as const),
    images,
    graph,
    manifestMutations: rng.chance(0.9) ? [] : [jsonMutation(rng, [[], [0], [0, 'Layers'], [1]])],
    extra: rng.chance(0.85) ? [] : [hostileEntry(rng, false)].filter((e) => estimate(e) <= budget),
    reverse: rng.chance(0.3),
    cut: rng.chance(0.05) ? rng.next() : null,
    flips: rng.chance(0.05) ? Array.from({ length: rng.range(1, 4) }, (): [number, number] => [rng.next(), rng.int(256)]) : [],
    name: rng.pick(['image.tar', 'image.tar', 'app.tar', 'image.tar.gz', 'image']),
    format: rng.pick(FORMATS),
    flags: rng.chance(0.9) ? [] : rng.pick([['--platform', 'linux/arm64'], ['--image-ref', 'app:1'], ['--platform', 'x/y'], ['--base-findings']]),
  };
  const base: DirInput = { family: 'archive', files: {}, target: spec.name, flags: [], secrets: [], recipe: [`archive ${layout}${big ? ' big' : ''}`, ...images.flatMap((im) => im.layers.flatMap((l) => l.entries.slice(l === im.layers[0] ? BASE_FILES.length : 0).map((e) => e.k)))] };
  // Now and then the archive is empty or nearly (a failed `docker save`).
  if (rng.chance(0.01)) return { ...base, files: { [spec.name]: Buffer.alloc(rng.pick([0, 1, 511, 1024])) }, flags: ['--format', spec.format] };
  return rebuildArchive(base, spec);
}
