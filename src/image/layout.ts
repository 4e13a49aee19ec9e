/**
 * Finds the images in an indexed archive: docker-archive `manifest.json` (legacy and Docker 25+,
 * which also holds an OCI layout) and OCI image layouts (`index.json`, nested indexes, multi-platform).
 */
import { posix } from 'node:path';
import { digestInName, ImageReadError, type ArchiveIndex, type BlobInfo } from './read.js';
import { dockerManifestSchema, firstIssue, ociIndexSchema, ociManifestSchema, type Descriptor } from './schema.js';
import { MAX_DESCRIPTORS, MAX_IMAGES, MAX_INDEX_DEPTH, MAX_LAYERS } from './limits.js';
import type { ManifestFacts } from './facts.js';

export interface BlobRef {
  /** Member name in the archive. */
  name: string;
  /** Expected sha256 hex of the stored bytes, when the name or the manifest states it. */
  sha256?: string;
}

export interface ImageSpec {
  format: 'docker-archive' | 'oci';
  tags: string[];
  config: BlobRef;
  layers: BlobRef[];
  /** Platform stated by an OCI index, when there is one. */
  platform?: string;
  /** The digest index.json gives the image (or its multi-platform index) by: what a registry serves it by. */
  repoDigest?: string;
  /** What the index and the manifest say about the image (see `ManifestFacts`). */
  manifest: ManifestFacts;
  /** The manifest's digest, from the OCI index that lists it. */
  manifestDigest?: string;
}

function ref(name: string, digest?: string): BlobRef {
  const fromName = digestInName(name);
  const sha = digest?.startsWith('sha256:') ? digest.slice(7) : fromName;
  return sha ? { name, sha256: sha } : { name };
}

/** Follows member links (`<id>/layer.tar -> ../<other>/layer.tar`). */
export function resolveMember(index: ArchiveIndex, name: string): BlobInfo | undefined {
  let n = posix.normalize(name).replace(/^(\.\/)+/, '');
  for (let hops = 0; hops < 16; hops++) {
    const b = index.blobs.get(n);
    if (b) return b;
    const next = index.links.get(n);
    if (next === undefined) return undefined;
    n = next;
  }
  return undefined;
}

function jsonOf(label: string, index: ArchiveIndex, name: string, what: string): unknown {
  const b = resolveMember(index, name);
  if (!b) throw new ImageReadError(`${label}: ${what} ${name} is missing from the archive`);
  // A document stored under its digest is what that digest says, or the archive is damaged.
  const named = digestInName(name);
  if (named && b.sha256 && named !== b.sha256) throw new ImageReadError(`${label}: ${what} ${name} does not match its digest (got sha256:${b.sha256.slice(0, 12)}…)`);
  if (b.jsonError) throw new ImageReadError(`${label}: ${what} ${name} is ${b.jsonError}`);
  if (b.json === undefined) throw new ImageReadError(`${label}: ${what} ${name} is not a JSON document`);
  return b.json;
}

function blobName(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

/** `os/arch[/variant]` from a descriptor's platform. */
export function platformOf(d: Descriptor): string | undefined {
  const p = d.platform;
  if (!p) return undefined;
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

interface Found {
  manifest: Descriptor;
  refName?: string;
  /** The digest of the entry of index.json it was found under. */
  top: string;
}

/** BuildKit's attestation manifests in an index: the image manifest each is for, and the attestation's own manifest. */
interface Attestation {
  subject: string;
  manifest: Descriptor;
}

function isAttestation(d: Descriptor): boolean {
  return Boolean(d.annotations?.['vnd.docker.reference.type']) || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

/**
 * Walks the index graph from index.json: each index is read once, however many indexes list it (a
 * diamond is not walked again along every path), depth first in the order the indexes list their
 * entries. A cycle cannot exist between documents named by their content's digest, so one means the
 * archive is damaged. Bounded by MAX_INDEX_DEPTH, MAX_DESCRIPTORS and MAX_IMAGES.
 */
function walkIndex(label: string, index: ArchiveIndex, root: unknown, out: Found[], attestations: Attestation[] = []): void {
  type Frame = { doc: unknown; where: string; inherited: string | undefined; depth: number; name: string; top: string | undefined };
  const stack: Array<Frame | { leave: string }> = [{ doc: root, where: 'index.json', inherited: undefined, depth: 0, name: 'index.json', top: undefined }];
  const onPath = new Set<string>();
  const read = new Set<string>();
  const manifests = new Set<string>();
  let descriptors = 0;
  while (stack.length) {
    const f = stack.pop()!;
    if ('leave' in f) {
      onPath.delete(f.leave);
      continue;
    }
    if (f.depth > MAX_INDEX_DEPTH) throw new ImageReadError(`${label}: ${f.where}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
    const parsed = ociIndexSchema.safeParse(f.doc);
    if (!parsed.success) throw new ImageReadError(`${label}: ${f.where}: ${firstIssue(parsed.error, f.doc)}`);
    onPath.add(f.name);
    stack.push({ leave: f.name });
    const list = parsed.data.manifests ?? [];
    descriptors += list.length;
    if (descriptors > MAX_DESCRIPTORS) throw new ImageReadError(`${label}: ${f.where}: the indexes list more than ${MAX_DESCRIPTORS} descriptors`);
    const nested: Frame[] = [];
    for (const d of list) {
      const refName = d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name'] ?? f.inherited;
      // Attestation manifests (BuildKit provenance/SBOM) are not images; they are kept for the image they attest.
      if (isAttestation(d)) {
        const subject = d.annotations?.['vnd.docker.reference.digest'];
        if (subject && d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') attestations.push({ subject, manifest: d });
        continue;
      }
      const name = blobName(d.digest);
      const blob = resolveMember(index, name);
      // A manifest whose mediaType is absent may still be an index.
      const isIndex = d.mediaType ? INDEX_TYPES.has(d.mediaType) : !!blob?.json && typeof blob.json === 'object' && 'manifests' in (blob.json as object);
      if (isIndex) {
        if (onPath.has(name)) throw new ImageReadError(`${label}: ${f.where} lists ${name}, which lists it again: the index graph loops, so its digests cannot be right`);
        if (read.has(name)) continue;
        read.add(name);
        checkSize(label, f.where, d, blob);
        nested.push({ doc: jsonOf(label, index, name, 'nested index'), where: name, inherited: refName, depth: f.depth + 1, name, top: f.top ?? d.digest });
        continue;
      }
      const key = `${d.digest}\0${refName ?? ''}`;
      if (manifests.has(key)) continue;
      manifests.add(key);
      if (manifests.size > MAX_IMAGES) throw new ImageReadError(`${label}: the indexes list more than ${MAX_IMAGES} image manifests`);
      checkSize(label, f.where, d, blob);
      const top = f.top ?? d.digest;
      out.push(refName === undefined ? { manifest: d, top } : { manifest: d, refName, top });
    }
    // Depth first, in the order listed: the first nested index is read next.
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
  }
}

/** A descriptor's declared size must be what the archive holds (OCI: the size "MUST" match). */
function checkSize(label: string, where: string, d: Descriptor, blob: BlobInfo | undefined): void {
  if (blob && typeof d.size === 'number' && d.size !== blob.size) {
    throw new ImageReadError(`${label}: ${where}: descriptor ${d.digest.slice(0, 19)}… declares ${d.size} bytes, but the archive holds ${blob.size}`);
  }
}

/** `linux/<arch>` of this machine: the default platform for archives and layouts. */
export function hostPlatform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `linux/${arch}`;
}

/** Whether a platform (`linux/arm64/v8`) is the one asked for (`linux/arm64`: any variant). */
export function platformMatches(have: string | undefined, want: string): boolean {
  if (!have) return false;
  const [os, arch, variant] = want.split('/');
  const [hos, harch, hvariant] = have.split('/');
  return os === hos && arch === harch && (!variant || variant === hvariant);
}

/**
 * A repository tag as Docker displays it: Docker Hub's `docker.io/` and `library/` dropped
 * (`docker.io/library/busybox:1` -> `busybox:1`, `docker.io/acme/app:1` -> `acme/app:1`); other
 * registries (`ghcr.io/…`, `localhost/…`) kept. buildah's docker-archive writes `docker.io/acme/app:1`
 * where its oci-archive ref name says `acme/app:1`: both read the same.
 */
export function displayTag(tag: string): string {
  return tag.replace(/^docker\.io\//, '').replace(/^library\/(?=[^/]+$|[^/]+:[^/]*$)/, '');
}

/** Reads an OCI ref name as a tag: a full reference is shown as Docker shows it, a bare `1.0` is kept as is. */
function tagOf(refName: string | undefined): string[] {
  return refName ? [displayTag(refName)] : [];
}

/** The in-toto predicate types of the attestations an index holds for one image manifest (`https://slsa.dev/provenance/v0.2`, `https://spdx.dev/Document`). */
function predicateTypes(index: ArchiveIndex, attestations: Attestation[], manifestDigest: string): string[] {
  const out: string[] = [];
  for (const a of attestations) {
    if (a.subject !== manifestDigest) continue;
    const m = ociManifestSchema.safeParse(resolveMember(index, blobName(a.manifest.digest))?.json);
    // A layout copied without its attestation blobs still says, in the index, that there was one.
    if (!m.success) {
      out.push('unknown');
      continue;
    }
    for (const l of m.data.layers) out.push(l.annotations?.['in-toto.io/predicate-type'] ?? 'unknown');
  }
  return [...new Set(out)];
}

function fromOci(label: string, index: ArchiveIndex, platform: string | undefined, notes: string[]): ImageSpec[] {
  const found: Found[] = [];
  const attestations: Attestation[] = [];
  walkIndex(label, index, jsonOf(label, index, 'index.json', 'index'), found, attestations);
  if (found.length === 0) return [];
  // Group by reference; within one reference several platforms mean a multi-platform image.
  const groups = new Map<string, Found[]>();
  for (const f of found) {
    const k = f.refName ?? '';
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const specs: ImageSpec[] = [];
  for (const [refName, list] of groups) {
    let chosen = list;
    const platforms = [...new Set(list.map((f) => platformOf(f.manifest)).filter((p): p is string => p !== undefined))];
    if (list.length > 1 && platforms.length > 1) {
      const want = platform ?? hostPlatform();
      const match = list.find((f) => platformMatches(platformOf(f.manifest), want));
      if (!match && platform) throw new ImageReadError(`${label}: no image for platform ${platform} (the index has ${platforms.join(', ')})`);
      const pick = match ?? list[0]!;
      chosen = [pick];
      const how = match ? (platform ? 'as asked with --platform' : "the host's platform") : `the host's platform ${want} is not in it`;
      notes.push(`${label}${refName ? ` (${refName})` : ''}: multi-platform index with ${platforms.join(', ')}; analyzing ${platformOf(pick.manifest) ?? 'the first'} (${how}); choose another with --platform`);
    }
    for (const f of chosen) {
      const mname = blobName(f.manifest.digest);
      const doc = jsonOf(label, index, mname, 'manifest');
      const m = ociManifestSchema.safeParse(doc);
      if (!m.success) throw new ImageReadError(`${label}: manifest ${mname}: ${firstIssue(m.error, doc)}`);
      if (m.data.layers.length > MAX_LAYERS) throw new ImageReadError(`${label}: manifest ${mname} lists ${m.data.layers.length} layers; more than ${MAX_LAYERS} is not an image a runtime can start`);
      for (const d of [m.data.config, ...m.data.layers]) checkSize(label, `manifest ${mname}`, d, resolveMember(index, blobName(d.digest)));
      const p = platformOf(f.manifest);
      const manifest: ManifestFacts = {
        fromIndex: true,
        attestationsKnown: resolveMember(index, 'oci-layout') !== undefined,
        attestations: predicateTypes(index, attestations, f.manifest.digest),
        annotations: { ...(f.manifest.annotations ?? {}), ...(m.data.annotations ?? {}) },
      };
      if (p) manifest.indexPlatform = p;
      const spec: ImageSpec = {
        format: 'oci',
        tags: tagOf(f.refName ?? m.data.annotations?.['org.opencontainers.image.ref.name']),
        config: ref(blobName(m.data.config.digest), m.data.config.digest),
        layers: m.data.layers.map((l) => ref(blobName(l.digest), l.digest)),
        manifest,
      };
      if (p) spec.platform = p;
      if (f.top.startsWith('sha256:')) spec.repoDigest = f.top;
      spec.manifestDigest = f.manifest.digest;
      specs.push(spec);
    }
  }
  return specs;
}

function fromDockerManifest(label: string, index: ArchiveIndex): ImageSpec[] {
  const doc = jsonOf(label, index, 'manifest.json', 'manifest');
  const parsed = dockerManifestSchema.safeParse(doc);
  if (!parsed.success) throw new ImageReadError(`${label}: manifest.json: ${firstIssue(parsed.error, doc)}`);
  if (parsed.data.length > MAX_IMAGES) throw new ImageReadError(`${label}: manifest.json lists ${parsed.data.length} images; more than ${MAX_IMAGES} are not read`);
  const many = parsed.data.find((m) => m.Layers.length > MAX_LAYERS);
  if (many) throw new ImageReadError(`${label}: manifest.json lists ${many.Layers.length} layers for one image; more than ${MAX_LAYERS} is not an image a runtime can start`);
  return parsed.data.map((m) => ({
    format: 'docker-archive' as const,
    tags: (m.RepoTags ?? []).map(displayTag),
    config: ref(normalizeMember(m.Config)),
    layers: m.Layers.map((l) => ref(normalizeMember(l))),
    // `docker save` keeps no attestations and no manifest annotations.
    manifest: { fromIndex: false, attestationsKnown: false, attestations: [], annotations: {} },
  }));
}

function normalizeMember(n: string): string {
  return posix.normalize(n).replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** Every image in the archive. Docker 25+ archives hold both layouts: manifest.json wins (its index.json may be empty). */
export function findImages(label: string, index: ArchiveIndex, platform: string | undefined, notes: string[]): ImageSpec[] {
  const manifest = resolveMember(index, 'manifest.json');
  if (manifest && Array.isArray(manifest.json) && manifest.json.length > 0) return fromDockerManifest(label, index);
  if (resolveMember(index, 'index.json')) {
    const specs = fromOci(label, index, platform, notes);
    if (specs.length > 0) return specs;
    throw new ImageReadError(`${label}: index.json lists no image manifest`);
  }
  if (manifest) {
    const specs = fromDockerManifest(label, index);
    if (specs.length > 0) return specs;
    throw new ImageReadError(`${label}: manifest.json lists no image`);
  }
  const layers = [...index.blobs.values()].filter((b) => b.layer).length;
  throw new ImageReadError(
    `${label}: not an image archive: no manifest.json or index.json${layers === 0 && index.blobs.size > 0 ? ' (it looks like a plain file-system tar)' : ''}`,
  );
}
