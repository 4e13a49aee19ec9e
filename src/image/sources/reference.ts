/**
 * Image references as Docker and the OCI distribution spec write them, and the transports a target
 * may name (`docker://`, `docker-daemon:`, `oci:`): what a command-line target means when it is not
 * a file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A parsed `[registry/]repository[:tag][@digest]`, with Docker's defaults applied. */
export interface ImageReference {
  /** `docker.io`, `ghcr.io`, `localhost:5000`, `127.0.0.1:5000`, `[::1]:5000`. */
  registry: string;
  /** `library/alpine`, `team/app`. */
  repository: string;
  tag?: string;
  /** `sha256:<hex>`. */
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::\d{1,5})?$/;

export const DOCKER_HUB = 'docker.io';

/** How `--help` and the report's note say a bare `name[:tag]` is resolved. */
export const RESOLUTION = "a name:tag is a file, else the engine's image, else the registry's; see --pull";

/**
 * Parses a reference the way Docker does: the first component is a registry when it has a `.` or a
 * `:` or is `localhost` (`alpine` is `docker.io/library/alpine`); no tag and no digest means
 * `latest`. Null when it is not a valid reference.
 */
export function parseReference(text: string): ImageReference | null {
  if (text.length === 0 || text.length > 4096) return null;
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return null;
  }
  let registry = DOCKER_HUB;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      if (!HOST.test(first)) return null;
      registry = first === 'index.docker.io' || first === 'registry-1.docker.io' ? DOCKER_HUB : first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return null;
  }
  if (rest.length === 0 || !rest.split('/').every((c) => COMPONENT.test(c))) return null;
  const repository = registry === DOCKER_HUB && !rest.includes('/') ? `library/${rest}` : rest;
  const ref: ImageReference = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = 'latest';
  return ref;
}

/** The full reference: `docker.io/library/alpine:3.20`, `127.0.0.1:5000/team/app@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** What a target names when it is not a plain file or directory. */
export type ImageSourceSpec =
  /** `docker://REF`: a registry. */
  | { kind: 'registry'; ref: ImageReference }
  /** `docker-daemon:NAME`: the local Docker or Podman engine. */
  | { kind: 'engine'; name: string }
  /** `oci:DIR[:REF]`, or a directory holding an OCI image layout. */
  | { kind: 'oci-dir'; dir: string; ref?: string }
  /** A bare `name:tag` (or `registry/name`) that is no file: the engine, then the registry, as `--pull` says. */
  | { kind: 'name'; ref: ImageReference; name: string };

/**
 * A target with a transport prefix: `docker://…`, `docker-daemon:…`, `oci:DIR[:REF]`. Null when it
 * has none; `{ error }` when the prefix is there but what follows is not valid.
 */
export function transportOf(target: string): ImageSourceSpec | { error: string } | null {
  if (target.startsWith('docker://')) {
    const ref = parseReference(target.slice('docker://'.length));
    return ref ? { kind: 'registry', ref } : { error: `${target}: not an image reference ([registry/]repository[:tag][@sha256:digest])` };
  }
  if (target.startsWith('docker-daemon:')) {
    const name = target.slice('docker-daemon:'.length);
    if (/^(sha256:)?[a-f0-9]{12,64}$/.test(name) || parseReference(name)) return { kind: 'engine', name };
    return { error: `${target}: not an image name or id (docker-daemon:NAME[:TAG] or docker-daemon:sha256:ID)` };
  }
  if (target.startsWith('oci:')) {
    // As in skopeo: the directory ends at the first colon; what follows names one image in it.
    const rest = target.slice('oci:'.length);
    const colon = rest.indexOf(':');
    const dir = colon >= 0 ? rest.slice(0, colon) : rest;
    const ref = colon >= 0 ? rest.slice(colon + 1) : '';
    if (dir === '') return { error: `${target}: no directory (oci:DIR[:REF])` };
    return ref ? { kind: 'oci-dir', dir, ref } : { kind: 'oci-dir', dir };
  }
  return null;
}

/** Names that are files, not images, even when they parse as references (`app.tar`, `compose.yaml`). */
const FILE_NAME = /\.(tar|tgz|gz|zst|zstd|xz|bz2|json|ya?ml|txt|md|sh|toml|dockerfile|containerfile)$|^(dockerfile|containerfile)(\..*)?$/i;

/**
 * A target that is no file but reads as an image reference with a tag, a digest or a registry:
 * `alpine:3.20`, `team/app@sha256:…`, `ghcr.io/org/app`. A bare word (`alpine`, `missing`) or
 * `team/app` is more likely a mistyped path and stays "no such file", as do names with a path's
 * shape (`./x`, `../x`, `/x`, `app.tar`, `Dockerfile.dev`, and `dir/x` when `dir` exists here).
 */
export function bareReference(target: string, parentExists: (dir: string) => boolean): ImageReference | null {
  if (/^[./~]/.test(target) || target.includes('\\') || target.endsWith('/')) return null;
  const ref = parseReference(target);
  if (!ref) return null;
  const hasVersion = target.includes('@') || /:[\w][\w.-]*$/.test(target.split('/').pop() ?? '');
  const hasRegistry = ref.registry !== DOCKER_HUB || /^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//.test(target);
  if (!hasVersion && !hasRegistry) return null;
  const last = (target.split('@', 1)[0] ?? '').split('/').pop() ?? '';
  if (!hasVersion && FILE_NAME.test(last)) return null;
  const slash = target.indexOf('/');
  if (slash > 0 && parentExists(target.slice(0, slash))) return null;
  return ref;
}

/** True for a directory that holds an OCI image layout (`oci-layout` and `index.json`). */
export function isOciLayout(dir: string): boolean {
  return existsSync(join(dir, 'oci-layout')) && existsSync(join(dir, 'index.json'));
}
