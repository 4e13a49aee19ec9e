/** What the images given in the same run tell a fix about a FROM: its digest, its users, its working directory. */
import type { KnownImage } from '../engine/types.js';
import { parseImageRef, type ImageRef } from '../knowledge/image-ref.js';

/** `registry/repository:tag` with Docker Hub's defaults spelled out, for comparing references. */
function canonical(ref: Pick<ImageRef, 'registry' | 'repository' | 'tag'>): string {
  const registry = ref.registry === null || ref.registry === 'index.docker.io' ? 'docker.io' : ref.registry;
  const repo = registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${registry}/${repo}:${ref.tag ?? 'latest'}`;
}

/** The known image a FROM names (by tag), or null. */
export function knownImageFor(ref: ImageRef, known: readonly KnownImage[] | undefined): KnownImage | null {
  if (!known?.length || ref.unresolved) return null;
  const want = canonical(ref);
  for (const k of known) {
    if (k.built) continue;
    if (k.tags.some((t) => canonical(parseImageRef(t, t, false)) === want)) return k;
  }
  return null;
}

/** The image built from the Dockerfile being analyzed (`--dockerfile`), when one is known. */
export function builtImage(known: readonly KnownImage[] | undefined): KnownImage | null {
  return known?.find((k) => k.built) ?? null;
}
