/**
 * From a tag or an index to the image manifests to read: nested indexes are followed (a cycle, or
 * nesting past 8 levels, is an error), attestation manifests skipped, and one platform chosen from a
 * multi-platform index, said in a note. Only what is chosen is downloaded afterwards.
 */
import { ImageReadError } from '../read.js';
import { platformMatches, platformOf } from '../layout.js';
import { firstIssue, ociIndexSchema, ociManifestSchema, type Descriptor } from '../schema.js';
import { checkDigest, INDEX_TYPES, MANIFEST_TYPES, shortDigest, type BlobStore, type FetchedManifest } from './store.js';

export interface ChosenImage {
  manifest: FetchedManifest;
  /** The platform the index states for it. */
  platform?: string;
  /** The name recorded as its ref name (its tag in the report). */
  refName?: string;
  /**
   * From a whole OCI layout: the attestation manifests (BuildKit provenance, SBOM) the index holds for
   * this image, with their bytes (null when the layout lacks the blob), so the reader judges them as
   * it does in an archive of the layout.
   */
  attestations?: Array<{ descriptor: Descriptor; bytes: Buffer | null }>;
}

export interface ChooseOptions {
  label: string;
  /** `--platform`. */
  platform?: string;
  /** The platform taken from a multi-platform index when `--platform` is not given, and why (for the note). */
  defaultPlatform: string;
  defaultWhy: string;
  /** The index is a whole OCI layout's: its attestation manifests are kept for the chosen images. */
  wholeLayout?: boolean;
}

const MAX_DEPTH = 8;

function isAttestation(d: Descriptor): boolean {
  return Boolean(d.annotations?.['vnd.docker.reference.type']) || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

function parseIndex(label: string, doc: FetchedManifest, where: string): Descriptor[] {
  let json: unknown;
  try {
    json = JSON.parse(doc.bytes.toString('utf8'));
  } catch (e) {
    throw new ImageReadError(`${label}: ${where} is not valid JSON (${(e as Error).message.split('\n', 1)[0]})`);
  }
  const parsed = ociIndexSchema.safeParse(json);
  if (!parsed.success) throw new ImageReadError(`${label}: ${where}: ${firstIssue(parsed.error, json)}`);
  return parsed.data.manifests ?? [];
}

function looksLikeIndex(doc: FetchedManifest): boolean {
  if (INDEX_TYPES.has(doc.mediaType)) return true;
  if (MANIFEST_TYPES.has(doc.mediaType)) return false;
  try {
    const json = JSON.parse(doc.bytes.toString('utf8')) as object;
    return Boolean(json) && typeof json === 'object' && 'manifests' in json && !('layers' in json);
  } catch {
    return false;
  }
}

interface Candidate {
  descriptor: Descriptor;
  platform?: string;
}

/**
 * The image manifests an index leads to, nested indexes expanded (a nested index's platform, when
 * it states one, stands for its images that state none). `path`: the digests of the indexes above,
 * to stop a cycle.
 */
async function candidates(store: BlobStore, label: string, descriptors: Descriptor[], path: string[], inherited: string | undefined, attestations: Descriptor[] = []): Promise<Candidate[]> {
  if (path.length > MAX_DEPTH) throw new ImageReadError(`${label}: indexes nested more than ${MAX_DEPTH} deep`);
  const out: Candidate[] = [];
  for (const d of descriptors) {
    if (isAttestation(d)) {
      attestations.push(d);
      continue;
    }
    const platform = platformOf(d) ?? inherited;
    if (path.includes(d.digest)) throw new ImageReadError(`${label}: index cycle: ${shortDigest(path.at(-1)!)} lists ${shortDigest(d.digest)}, which contains it`);
    if (d.mediaType && INDEX_TYPES.has(d.mediaType)) {
      const doc = await fetchChecked(store, label, d, path);
      out.push(...(await candidates(store, label, parseIndex(label, doc, `index ${shortDigest(d.digest)}`), [...path, d.digest], platform, attestations)));
      continue;
    }
    out.push(platform === undefined ? { descriptor: d } : { descriptor: d, platform });
  }
  return out;
}

/** A manifest or index by its descriptor; one that turns out to be an index already being walked is a cycle. */
async function fetchChecked(store: BlobStore, label: string, d: Descriptor, path: string[]): Promise<FetchedManifest> {
  const doc = await store.manifest(d.digest);
  if (path.includes(doc.digest)) throw new ImageReadError(`${label}: index cycle: ${shortDigest(d.digest)} leads back to ${shortDigest(doc.digest)}`);
  checkDigest(label, store.where, doc, d.digest);
  if (typeof d.size === 'number' && d.size !== doc.bytes.length) {
    throw new ImageReadError(`${label}: manifest ${shortDigest(d.digest)}: the index gives it ${d.size} bytes but it has ${doc.bytes.length}`);
  }
  return doc;
}

/**
 * One image from an index's descriptors: the platform asked for, else the default (with a note
 * naming what the index has). `rootDigest`: the index's own digest, when it has one.
 */
async function pickFrom(store: BlobStore, descriptors: Descriptor[], rootDigest: string | undefined, options: ChooseOptions, notes: string[], refName?: string, showRef = true): Promise<ChosenImage> {
  const { label } = options;
  const path = rootDigest ? [rootDigest] : [];
  const attestations: Descriptor[] = [];
  const found = await candidates(store, label, descriptors, path, undefined, attestations);
  if (found.length === 0) throw new ImageReadError(`${label}: the index lists no image manifest${descriptors.length ? ' (only attestations)' : ''}`);
  let chosen = found[0]!;
  const platforms = [...new Set(found.map((c) => c.platform).filter((p): p is string => p !== undefined))];
  const subject = `${label}${refName && showRef ? ` (${refName})` : ''}`;
  if (found.length > 1) {
    const want = options.platform ?? options.defaultPlatform;
    const match = found.find((c) => platformMatches(c.platform, want));
    if (!match && options.platform) throw new ImageReadError(`${label}: no image for platform ${options.platform} (the index has ${platforms.join(', ') || 'images without a platform'})`);
    chosen = match ?? found[0]!;
    const how = match ? (options.platform ? 'as asked with --platform' : options.defaultWhy) : `${want} is not in it`;
    notes.push(`${subject}: multi-platform index with ${platforms.join(', ')}; analyzing ${chosen.platform ?? 'the first image'} (${how}); choose another with --platform`);
  } else if (options.platform && chosen.platform && !platformMatches(chosen.platform, options.platform)) {
    throw new ImageReadError(`${label}: no image for platform ${options.platform} (the index has only ${chosen.platform})`);
  }
  const doc = await fetchChecked(store, label, chosen.descriptor, path);
  if (looksLikeIndex(doc)) {
    // A descriptor without a media type may name an index: walk it too.
    if (path.length >= MAX_DEPTH) throw new ImageReadError(`${label}: indexes nested more than ${MAX_DEPTH} deep`);
    return pickFrom(store, parseIndex(label, doc, `index ${shortDigest(doc.digest)}`), doc.digest, options, notes, refName, showRef);
  }
  const out: ChosenImage = { manifest: doc };
  if (chosen.platform) out.platform = chosen.platform;
  if (refName) out.refName = refName;
  if (options.wholeLayout) {
    out.attestations = [];
    for (const a of attestations) {
      if (a.annotations?.['vnd.docker.reference.digest'] !== doc.digest) continue;
      let bytes: Buffer | null = null;
      try {
        const m = await store.manifest(a.digest);
        if (m.digest === a.digest) bytes = m.bytes;
      } catch {
        // A layout copied without its attestation blobs still says, in the index, that there was one.
      }
      out.attestations.push({ descriptor: a, bytes });
    }
  }
  return out;
}

/** The image a registry reference leads to: the manifest itself, or one platform's from its index. */
export async function chooseFromRoot(store: BlobStore, root: FetchedManifest, refName: string, options: ChooseOptions, notes: string[]): Promise<ChosenImage> {
  if (!looksLikeIndex(root)) return { manifest: root, refName };
  return pickFrom(store, parseIndex(options.label, root, 'the index'), root.digest, options, notes, refName, false);
}

const REF_NAME = ['io.containerd.image.name', 'org.opencontainers.image.ref.name'] as const;

/**
 * The images of an OCI layout's `index.json`: grouped by ref name (`org.opencontainers.image.ref.name`);
 * `ref` keeps one group. Each group is one image (one platform of it).
 */
export async function chooseFromLayout(store: BlobStore, indexJson: FetchedManifest, ref: string | undefined, options: ChooseOptions, notes: string[]): Promise<ChosenImage[]> {
  const all = parseIndex(options.label, indexJson, 'index.json');
  const nameOf = (d: Descriptor): string => REF_NAME.map((k) => d.annotations?.[k]).find((v) => v !== undefined) ?? '';
  // Attestation manifests carry no ref name of their own: each group sees them all (each keeps those of its image).
  const attestations = all.filter(isAttestation);
  const groups = new Map<string, Descriptor[]>();
  for (const d of all) if (!isAttestation(d)) groups.set(nameOf(d), [...(groups.get(nameOf(d)) ?? []), d]);
  for (const list of groups.values()) list.push(...attestations);
  if (ref !== undefined) {
    const names = [...groups.keys()].filter(Boolean);
    const hit = [...groups.keys()].find((n) => n === ref) ?? [...groups.keys()].find((n) => n.endsWith(`:${ref}`));
    if (hit === undefined) throw new ImageReadError(`${options.label}: no image named ${ref} in the layout${names.length ? ` (it has ${names.join(', ')})` : ''}`);
    return [await pickFrom(store, groups.get(hit)!, undefined, options, notes, hit)];
  }
  if (groups.size === 0) throw new ImageReadError(`${options.label}: index.json lists no image manifest${all.length ? " (only attestations)" : ""}`);
  const out: ChosenImage[] = [];
  for (const [name, list] of groups) out.push(await pickFrom(store, list, undefined, options, notes, name || undefined));
  return out;
}

/** Config and layers of a chosen manifest, checked for what the reader needs (digests and sizes). */
export function blobsOf(label: string, image: ChosenImage): { config: Descriptor & { size: number }; layers: Array<Descriptor & { size: number }> } {
  let json: unknown;
  try {
    json = JSON.parse(image.manifest.bytes.toString('utf8'));
  } catch {
    throw new ImageReadError(`${label}: manifest ${shortDigest(image.manifest.digest)} is not valid JSON`);
  }
  const parsed = ociManifestSchema.safeParse(json);
  if (!parsed.success) throw new ImageReadError(`${label}: manifest ${shortDigest(image.manifest.digest)}: ${firstIssue(parsed.error, json)}`);
  const sized = (d: Descriptor, what: string): Descriptor & { size: number } => {
    if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
      throw new ImageReadError(`${label}: manifest ${shortDigest(image.manifest.digest)}: ${what} ${shortDigest(d.digest)} has no valid size`);
    }
    if (!d.digest.startsWith('sha256:')) throw new ImageReadError(`${label}: ${what} ${shortDigest(d.digest)}: only sha256 digests are read`);
    return d as Descriptor & { size: number };
  };
  return { config: sized(parsed.data.config, 'config'), layers: parsed.data.layers.map((l, i) => sized(l, `layer ${i}`)) };
}
