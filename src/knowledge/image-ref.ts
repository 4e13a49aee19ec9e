/** An image reference (`registry/repo:tag@digest`) as a FROM, an image's tags or a manifest name it. */
export interface ImageRef {
  /** As written, before substitution. */
  raw: string;
  /** After ARG substitution. */
  resolved: string;
  /** Some variable in it has no known value. */
  unresolved: boolean;
  registry: string | null;
  /** Repository path without registry (`library/node` is given as `node`). */
  repository: string;
  tag: string | null;
  digest: string | null;
}


/** Splits `registry/repo:tag@digest` into its parts, after ARG substitution. */
export function parseImageRef(raw: string, resolved: string, unresolved: boolean): ImageRef {
  let rest = resolved;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const repository = rest.replace(/^library\//, '');
  return { raw, resolved, unresolved, registry, repository: registry === null || registry === 'docker.io' ? repository : repository, tag: tag === '' ? null : tag, digest };
}
