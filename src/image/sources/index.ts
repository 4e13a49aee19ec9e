/**
 * Image sources other than an archive file: a registry (`docker://`), the local engine
 * (`docker-daemon:`), an OCI layout directory (`oci:DIR[:REF]`), and a bare `name[:tag]` that is no
 * file (the engine if it has the image, else the registry, as `--pull` says). Each is opened into
 * what the archive reader takes (`ImageTarget`): an engine's `docker save` stream as it comes, or
 * for a registry or a layout the chosen blobs presented as an OCI layout archive.
 */
import { ImageReadError } from '../read.js';
import { hostPlatform } from '../layout.js';
import type { ImageTarget } from '../read-images.js';
import { engineExport, engineHas, findEngine, type Engine } from './engine.js';
import { layoutArchive, planOf } from './layout-stream.js';
import { OciDir } from './oci-dir.js';
import { formatReference, RESOLUTION, type ImageReference, type ImageSourceSpec } from './reference.js';
import { Registry } from './registry.js';
import { blobsOf, chooseFromLayout, chooseFromRoot, type ChosenImage } from './select.js';
import { checkDigest, sha256Digest, type BlobStore } from './store.js';

export { transportOf, bareReference, parseReference, formatReference, isOciLayout, type ImageSourceSpec, type ImageReference } from './reference.js';

export type PullPolicy = 'never' | 'missing' | 'always';

export interface SourceOptions {
  /** For a bare name: `missing` (default) the engine if it has it, else the registry; `never` the engine only; `always` the registry only. */
  pull?: PullPolicy;
  /** `os/arch[/variant]` from a multi-platform index; default linux/amd64 for registries. */
  platform?: string;
  /** `--registry-user`; the password from SHIPSHAPE_REGISTRY_PASSWORD. */
  registryUser?: string;
  registryPassword?: string;
  /** `--insecure-registry`: registries spoken to over plain HTTP. */
  insecureRegistries?: readonly string[];
  /** Seconds without a byte before a registry or engine request fails (default 30). */
  timeoutSeconds?: number;
  /** Environment (DOCKER_HOST, DOCKER_CONFIG, HOME…); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** First retry delay in ms (tests). */
  backoffMs?: number;
}

export interface OpenedSource {
  target: ImageTarget;
  /** One line each: where the image was read from, which platform was chosen. */
  notes: string[];
  /** Stops what is still open (connections); safe to call twice. */
  close(): void;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const REGISTRY_PLATFORM = 'linux/amd64';


/** The chosen images' config and layers, as a synthetic OCI layout archive for the reader. */
function archiveOf(store: BlobStore, label: string, images: ChosenImage[]): ImageTarget {
  const plan = planOf(images.map((image) => ({ image, ...blobsOf(label, image) })));
  return { path: label, stream: layoutArchive(plan, store, label) };
}

async function fromRegistry(label: string, ref: ImageReference, options: SourceOptions, notes: string[]): Promise<OpenedSource> {
  const registry = new Registry(ref, {
    label,
    timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    ...(options.registryUser !== undefined ? { user: options.registryUser } : {}),
    ...(options.registryPassword !== undefined ? { password: options.registryPassword } : {}),
    ...(options.insecureRegistries ? { insecure: options.insecureRegistries } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
  });
  try {
    const root = await registry.manifest(ref.digest ?? ref.tag ?? 'latest');
    if (ref.digest) checkDigest(label, ref.registry, root, ref.digest);
    const image = await chooseFromRoot(registry, root, formatReference(ref), {
      label,
      ...(options.platform ? { platform: options.platform } : {}),
      defaultPlatform: REGISTRY_PLATFORM,
      defaultWhy: `the default for registries is ${REGISTRY_PLATFORM}`,
    }, notes);
    return { target: archiveOf(registry, label, [image]), notes, close: () => registry.close() };
  } catch (e) {
    registry.close();
    throw e;
  }
}

async function fromLayout(label: string, dir: string, ref: string | undefined, options: SourceOptions, notes: string[]): Promise<OpenedSource> {
  const store = new OciDir(dir, label);
  const bytes = store.index();
  const images = await chooseFromLayout(store, { bytes, digest: sha256Digest(bytes), mediaType: 'application/vnd.oci.image.index.v1+json' }, ref, {
    label,
    ...(options.platform ? { platform: options.platform } : {}),
    defaultPlatform: hostPlatform(),
    defaultWhy: "the host's platform",
    wholeLayout: true,
  }, notes);
  return { target: archiveOf(store, label, images), notes, close: () => store.close() };
}

async function fromEngine(label: string, engine: Engine, name: string, options: SourceOptions, notes: string[]): Promise<OpenedSource> {
  const stream = await engineExport(engine, name, label, (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000);
  return { target: { path: label, stream: { head: stream.head, rest: stream.rest } }, notes, close: stream.close };
}

function engineOrFail(label: string, env: NodeJS.ProcessEnv): Engine {
  const engine = findEngine(env);
  if (engine === null) throw new ImageReadError(`${label}: no Docker or Podman engine found (DOCKER_HOST is unset, no docker context, no /var/run/docker.sock, no Podman socket)`);
  if ('error' in engine) throw new ImageReadError(`${label}: ${engine.error}`);
  return engine;
}

/** Opens what a target names for the archive reader. `label`: the target as the user wrote it. */
export async function openImageSource(label: string, spec: ImageSourceSpec, options: SourceOptions = {}): Promise<OpenedSource> {
  const env = options.env ?? process.env;
  const notes: string[] = [];
  switch (spec.kind) {
    case 'registry':
      return fromRegistry(label, spec.ref, options, notes);
    case 'oci-dir':
      return fromLayout(label, spec.dir, spec.ref, options, notes);
    case 'engine':
      return fromEngine(label, engineOrFail(label, env), spec.name, options, notes);
    case 'name':
      return fromName(label, spec, options, notes, env);
  }
}

async function fromName(label: string, spec: Extract<ImageSourceSpec, { kind: 'name' }>, options: SourceOptions, notes: string[], env: NodeJS.ProcessEnv): Promise<OpenedSource> {
  const pull = options.pull ?? 'missing';
  const full = formatReference(spec.ref);
  const timeoutMs = (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  let why = 'not in the engine';
  if (pull !== 'always') {
    const found = findEngine(env);
    if (found === null) why = 'no Docker or Podman engine found';
    else if ('error' in found) why = found.error;
    else {
      const has = await engineHas(found, spec.name, timeoutMs);
      if (has === true) {
        notes.push(`${label}: no such file; read from the engine at ${found.display} (${found.via}), which has it (${RESOLUTION})`);
        return fromEngine(label, found, spec.name, options, notes);
      }
      why = has === false ? `the engine at ${found.display} does not have it` : `the engine at ${found.display} did not answer (${has.unreachable})`;
    }
    if (pull === 'never') throw new ImageReadError(`${label}: no such file, and ${why}; --pull never reads only from the engine (pull it there, or drop --pull never to read it from ${spec.ref.registry})`);
  }
  notes.push(`${label}: no such file; ${pull === 'always' ? 'read' : `${why}, so read`} from the registry as ${full} (${RESOLUTION})`);
  try {
    return await fromRegistry(label, spec.ref, options, notes);
  } catch (e) {
    // A mistyped path reads as a name too: say so before what the registry said.
    if (e instanceof ImageReadError && e.message.startsWith(`${label}: `)) {
      throw new ImageReadError(`${label}: no such file or directory; as an image ${full}: ${e.message.slice(label.length + 2)}`);
    }
    throw e;
  }
}
