/** Reading an image's repository tags and version labels. */
import type { ImageFacts } from './facts.js';

/**
 * The tag part of a repository tag: `app:1.2` -> `1.2`, `localhost:5000/app` -> `latest` (no tag means
 * latest), `app@sha256:…` -> `sha256:…` (a digest pins the image). An OCI ref name may be a bare tag (`1.2.0`): a name that starts with a digit or `v<digit>`
 * counts as a tag.
 */
export function imageTagOf(ref: string): string {
  const noDigest = ref.split('@', 1)[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon > slash) return noDigest.slice(colon + 1);
  // Read by digest (`repo@sha256:…`, as from a registry): pinned, not `latest`.
  if (noDigest.length < ref.length) return ref.slice(noDigest.length + 1);
  if (slash < 0 && /^v?\d/.test(noDigest)) return noDigest;
  return 'latest';
}

/** A tag that names a version: `1`, `1.2.3`, `v2.0-rc1`, `2024.05.01`, `3.12-slim` (not `latest`, `main`, `prod`). */
export function isVersionTag(tag: string): boolean {
  return /^v?\d+([._-]\w+)*$/i.test(tag) || /\d+\.\d+/.test(tag);
}

/** Labels that record the image's version, in order of preference. */
export const VERSION_LABELS = ['org.opencontainers.image.version', 'org.label-schema.version', 'version'] as const;

/** The version the image's labels record, with the label's name; null when none does. */
export function versionLabel(image: ImageFacts): { label: string; value: string } | null {
  for (const label of VERSION_LABELS) {
    const value = image.config.labels[label]?.trim();
    if (value) return { label, value };
  }
  return null;
}
