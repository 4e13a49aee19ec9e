/**
 * What an image says about where it came from, outside its file system: BuildKit's attestations in
 * the index, the `org.opencontainers.image.base.*` annotations and labels, and the platform the
 * index states against the one its config records.
 */
import type { ImageFacts } from './facts.js';
import { entryInstruction } from './history.js';
import { entryIsBase, type OriginContext } from './origin.js';

export interface SupplyChain {
  /** The image came with its whole index (an OCI image layout): attestations would be there. */
  indexed: boolean;
  /** A SLSA provenance attestation (`https://slsa.dev/provenance/…`). */
  provenance: boolean;
  /** An SBOM attestation (SPDX or CycloneDX). */
  sbom: boolean;
  /** An attestation whose predicate type cannot be read (its blobs were not copied with the index). */
  unknownAttestation: boolean;
}

/** The attestations the index holds for the image. */
export function supplyChain(image: ImageFacts): SupplyChain {
  const types = image.manifest.attestations;
  return {
    indexed: image.manifest.attestationsKnown,
    provenance: types.some((t) => t.startsWith('https://slsa.dev/provenance/')),
    sbom: types.some((t) => t.startsWith('https://spdx.dev/') || t.startsWith('https://cyclonedx.org/')),
    unknownAttestation: types.includes('unknown'),
  };
}

export const BASE_NAME = 'org.opencontainers.image.base.name';
export const BASE_DIGEST = 'org.opencontainers.image.base.digest';

/** Where the image names its base: the manifest's annotations (set by this build), or a label, and whether the base image set that label. */
export function baseReference(ctx: OriginContext, key: string): { value: string; where: 'annotation' | 'label'; inherited: boolean } | null {
  const image = ctx.image;
  const a = image.manifest.annotations[key];
  if (a) return { value: a, where: 'annotation', inherited: false };
  const l = image.config.labels[key];
  if (!l) return null;
  // The last LABEL entry naming the key set it; one the base image made names the base's own base.
  for (let i = image.history.length - 1; i >= 0; i--) {
    const ins = entryInstruction(image.history[i]!);
    if (ins?.keyword === 'LABEL' && ins.body.includes(key)) return { value: l, where: 'label', inherited: entryIsBase(ctx, i) };
  }
  return { value: l, where: 'label', inherited: false };
}

/** `linux/arm64/v8` and `linux/arm64` are the same platform; a variant counts only when both state one. */
export function samePlatform(a: string, b: string): boolean {
  const [os1, arch1, v1] = a.toLowerCase().split('/');
  const [os2, arch2, v2] = b.toLowerCase().split('/');
  const norm = (arch = ''): string => (arch === 'aarch64' ? 'arm64' : arch === 'x86_64' ? 'amd64' : arch);
  return os1 === os2 && norm(arch1) === norm(arch2) && (!v1 || !v2 || v1 === v2 || (norm(arch1) === 'arm64' && [v1, v2].every((v) => v === 'v8')));
}
