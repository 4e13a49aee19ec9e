/**
 * Finds the images in an indexed archive: docker-archive `manifest.json` (legacy and Docker 25+,
 * which also holds an OCI layout) and OCI image layouts (`index.json`, nested indexes, multi-platform).
 */
import { posix } from 'node:path';
import { digestInName, ImageReadError, type ArchiveIndex, type BlobInfo } from './read.js';
import { dockerManifestSchema, firstIssue, ociIndexSchema, ociManifestSchema, type Descriptor } from './schema.js';

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
  if (b.jsonError) throw new ImageReadError(`${label}: ${what} ${name} is ${b.jsonError}`);
  if (b.json === undefined) throw new ImageReadError(`${label}: ${what} ${name} is not a JSON document`);
  return b.json;
}

function blobName(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

function platformOf(d: Descriptor): string | undefined {
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

function walkIndex(label: string, index: ArchiveIndex, doc: unknown, where: string, inherited: string | undefined, depth: number, out: Found[], top?: string): void {
  if (depth > 8) throw new ImageReadError(`${label}: ${where}: indexes nested more than 8 deep`);
  const parsed = ociIndexSchema.safeParse(doc);
  if (!parsed.success) throw new ImageReadError(`${label}: ${where}: ${firstIssue(parsed.error)}`);
  for (const d of parsed.data.manifests ?? []) {
    const refName = d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name'] ?? inherited;
    // Attestation manifests (BuildKit provenance/SBOM) are not images.
    if (d.annotations?.['vnd.docker.reference.type'] || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown')) continue;
    const name = blobName(d.digest);
    if (d.mediaType && INDEX_TYPES.has(d.mediaType)) {
      walkIndex(label, index, jsonOf(label, index, name, 'nested index'), name, refName, depth + 1, out, top ?? d.digest);
      continue;
    }
    const blob = resolveMember(index, name);
    // A manifest whose mediaType is absent may still be an index.
    if (!d.mediaType && blob?.json && typeof blob.json === 'object' && 'manifests' in (blob.json as object)) {
      walkIndex(label, index, blob.json, name, refName, depth + 1, out, top ?? d.digest);
      continue;
    }
    const found: Found = { manifest: d, top: top ?? d.digest };
    if (refName !== undefined) found.refName = refName;
    out.push(found);
  }
}

function hostPlatform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `linux/${arch}`;
}

function platformMatches(have: string | undefined, want: string): boolean {
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

function fromOci(label: string, index: ArchiveIndex, platform: string | undefined, notes: string[]): ImageSpec[] {
  const found: Found[] = [];
  walkIndex(label, index, jsonOf(label, index, 'index.json', 'index'), 'index.json', undefined, 0, found);
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
      if (!m.success) throw new ImageReadError(`${label}: manifest ${mname}: ${firstIssue(m.error)}`);
      const spec: ImageSpec = {
        format: 'oci',
        tags: tagOf(f.refName ?? m.data.annotations?.['org.opencontainers.image.ref.name']),
        config: ref(blobName(m.data.config.digest), m.data.config.digest),
        layers: m.data.layers.map((l) => ref(blobName(l.digest), l.digest)),
      };
      const p = platformOf(f.manifest);
      if (p) spec.platform = p;
      if (f.top.startsWith('sha256:')) spec.repoDigest = f.top;
      specs.push(spec);
    }
  }
  return specs;
}

function fromDockerManifest(label: string, index: ArchiveIndex): ImageSpec[] {
  const parsed = dockerManifestSchema.safeParse(jsonOf(label, index, 'manifest.json', 'manifest'));
  if (!parsed.success) throw new ImageReadError(`${label}: manifest.json: ${firstIssue(parsed.error)}`);
  return parsed.data.map((m) => ({
    format: 'docker-archive' as const,
    tags: (m.RepoTags ?? []).map(displayTag),
    config: ref(normalizeMember(m.Config)),
    layers: m.Layers.map((l) => ref(normalizeMember(l))),
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
