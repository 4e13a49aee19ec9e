/** What a place that holds images by digest offers the reader: a registry, an OCI layout directory. */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ImageReadError } from '../read.js';

/** A manifest or index as fetched: its bytes, digest (computed here, never taken on trust) and media type. */
export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  mediaType: string;
}

/** A blob's bytes from `offset` on. `skip`: bytes at the start to drop (a server that ignored a Range). */
export interface OpenedBlob {
  body: Readable;
  skip: number;
  /**
   * Called when the reader pauses the body (it is behind) and resumes it: a connection waiting on
   * the reader is not a silent server, so its idle timeout stops while paused.
   */
  paused?: (paused: boolean) => void;
}

export interface BlobStore {
  /** How messages name the place: `127.0.0.1:5000/team/app`, `./app-oci`. */
  readonly where: string;
  /** A manifest or index by tag or digest, its digest computed from the bytes (the caller compares). */
  manifest(reference: string): Promise<FetchedManifest>;
  /** A blob's bytes from `offset` on; the size the manifest states is checked against what the store says. */
  blob(digest: string, size: number, offset: number, what: string): Promise<OpenedBlob>;
  close(): void;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** `sha256:54db1931e749…`: enough of a digest to find it, short enough for one line. */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

/** Manifests and indexes are small; anything larger is not one. */
export const MAX_MANIFEST = 4 * 1024 * 1024;

export const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
export const MANIFEST_TYPES = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);
export const SCHEMA1_TYPES = new Set(['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws']);

/** A manifest fetched by digest must have that digest. */
export function checkDigest(label: string, where: string, doc: FetchedManifest, want: string): void {
  if (doc.digest !== want) throw new ImageReadError(`${label}: manifest ${shortDigest(want)} from ${where} does not match its digest (got ${shortDigest(doc.digest)})`);
}
