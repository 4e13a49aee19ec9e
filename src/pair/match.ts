/**
 * Which image a container's `image:` names, among what shipshape was given: an image archive by its
 * repository tags, or a Dockerfile the config's `images:` map names for that image. References are
 * compared as a registry would resolve them: `nginx`, `docker.io/nginx` and
 * `docker.io/library/nginx:latest` are one image; a local `localhost/app:1` (what buildah and Podman
 * call an unqualified `app:1`) is `app:1`.
 */
import type { ImageFacts } from '../image/facts.js';
import { parseImageRef, type ImageRef } from '../knowledge/image-ref.js';

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** `registry/repository` as a registry resolves it: `docker.io/library/nginx` for `nginx`. */
export function canonicalName(ref: ImageRef): string {
  const registry = ref.registry === null || DOCKER_HUB.has(ref.registry) ? 'docker.io' : ref.registry;
  const repo = registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${registry}/${repo}`;
}

/** The names an image tag answers to (a `localhost/` tag also as the unqualified name). */
function namesOf(ref: ImageRef): string[] {
  const names = [canonicalName(ref)];
  if (ref.registry === 'localhost') names.push(canonicalName({ ...ref, registry: null }));
  return names;
}

export function parseRef(text: string): ImageRef | null {
  const t = text.trim();
  if (t === '' || /\s/.test(t)) return null;
  return parseImageRef(t, t, t.includes('$'));
}

/** The tag a reference means: its own, `latest` when it has neither tag nor digest, null for a digest alone. */
export function effectiveTag(ref: ImageRef): string | null {
  return ref.tag ?? (ref.digest ? null : 'latest');
}

export interface ImageCandidate {
  image: ImageFacts;
  /** How findings name it. */
  file: string;
}

/**
 * The image a reference names among the candidates: the same name and tag, or for a reference by
 * digest alone the same name (the digest is then compared by `tags/digest-mismatch`); by digest
 * first when an archive records its manifest digest.
 */
export function matchImage(ref: ImageRef, candidates: readonly ImageCandidate[]): ImageCandidate | null {
  const name = canonicalName(ref);
  const tag = effectiveTag(ref);
  const sameName = candidates.filter((c) => c.image.tags.some((t) => {
    const r = parseRef(t);
    return r !== null && r.repository !== '' && namesOf(r).includes(name);
  }));
  if (ref.digest) {
    const byDigest = sameName.find((c) => c.image.manifestDigest === ref.digest || c.image.repoDigest === ref.digest);
    if (byDigest) return byDigest;
  }
  if (tag !== null) {
    const byTag = sameName.find((c) => c.image.tags.some((t) => {
      const r = parseRef(t);
      return r !== null && namesOf(r).includes(name) && effectiveTag(r) === tag;
    }));
    if (byTag) return byTag;
    return null;
  }
  return sameName[0] ?? null;
}

/** One entry of the config's `images:` map, with paths resolved. */
export interface ImageMapping {
  /** The image name as written (`ghcr.io/acme/api` for any tag, `ghcr.io/acme/api:1.2` for that tag). */
  name: string;
  dockerfile: string;
  context: string;
}

/** The mapping whose name is the reference's: a name with a tag wants that tag, a bare name any tag. */
export function matchMapping(ref: ImageRef, mappings: readonly ImageMapping[]): ImageMapping | null {
  const name = canonicalName(ref);
  const tag = effectiveTag(ref);
  let any: ImageMapping | null = null;
  for (const m of mappings) {
    const r = parseRef(m.name);
    if (!r || !namesOf(r).includes(name)) continue;
    if (r.tag !== null) {
      if (r.tag === tag) return m;
    } else any ??= m;
  }
  return any;
}
