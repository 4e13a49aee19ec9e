/** Facts about a saved image, produced by the streaming reader in one pass. */
import type { Launch } from '../knowledge/launch.js';

export interface ImageConfig {
  user: string;
  entrypoint: string[] | null;
  cmd: string[] | null;
  env: string[];
  workingDir: string;
  exposedPorts: string[];
  stopSignal: string | null;
  /** Paths the config declares as volumes (`VOLUME`). */
  volumes: string[];
  healthcheck: string[] | null;
  labels: Record<string, string>;
}

export interface HistoryEntry {
  createdBy: string;
  emptyLayer: boolean;
  comment?: string;
  /** `kaniko`, `Jib`, `Bazel`: some builders sign their entries. */
  author?: string;
  created?: string;
  /** Index of the layer this entry made; absent for empty-layer entries. */
  layer?: number;
  /** True for entries that came with the base image (see `LayerFacts.fromBase`). */
  fromBase: boolean;
}

export interface FileEntry {
  /** Absolute in-image path: `/usr/bin/nc`. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkTarget?: string;
  /** Index of the layer that last wrote it. */
  layer: number;
}

/** A file that a layer added but a later layer deleted or replaced: its bytes still ship. */
export interface ShadowedFile extends FileEntry {
  /** The layer whose whiteout or new version hid it. */
  hiddenBy: number;
  how: 'deleted' | 'overwritten';
}

export interface LayerFacts {
  index: number;
  /** Digest of the blob as stored (compressed when the layer is), `sha256:…`. */
  digest: string;
  /**
   * Digest of the uncompressed tar (the config's `rootfs.diff_ids` entry): computed and checked for
   * uncompressed layers and for compressed blobs whose name holds no digest; for a compressed blob
   * verified by its digest it is the config's entry as stated.
   */
  diffId: string;
  compression: 'none' | 'gzip' | 'zstd';
  /** Uncompressed bytes of the regular files it adds. */
  size: number;
  /** Bytes of this layer's files that later layers deleted or overwrote: they ship but nobody sees them. */
  wastedBytes: number;
  /** Number of tar entries. */
  entries: number;
  /** The history entry that made it. */
  createdBy: string;
  /** True when the layer came with the base image rather than this build, as the history tells (`ImageFacts.base`). */
  fromBase: boolean;
}

/** One path seen in several layers, the way dive counts it. */
export interface Inefficiency {
  path: string;
  /** Bytes of every copy (and of what whiteouts removed) added up. */
  cumulativeSize: number;
  layers: number[];
}

/** dive's efficiency figures, computed with dive's definitions. */
export interface Efficiency {
  /** Sum over paths of their smallest copy divided by the sum of every copy: 1 means nothing duplicated. */
  score: number;
  /** dive's wastedBytes: cumulative bytes of every path present in two or more layers (the surviving copy included). */
  wastedBytes: number;
  /** Sum of all layers' sizes. */
  sizeBytes: number;
  /** Sum of the sizes of all layers but the first (dive's "user" size). */
  userSizeBytes: number;
  /** wastedBytes / userSizeBytes (0 when there are no user bytes). */
  wastedUserPercent: number;
  /** Largest first. */
  inefficiencies: Inefficiency[];
}

/** A small file body (or a head of one) captured during the pass. */
export interface CapturedFile {
  path: string;
  layer: number;
  size: number;
  text: string;
  /** True when only the head was kept. */
  truncated: boolean;
  /** False when a later layer deleted or replaced it: it still ships in its layer. */
  visible: boolean;
}

export type BaseRule = 'jib' | 'buildah' | 'builder-change' | 'cmd' | 'time-gap' | 'none';

/** Where the base image ends in the history, and how that was found (`src/image/base.ts`). */
export interface BaseBoundary {
  /** Index of the last history entry of the base image; -1 when nothing is marked as base. */
  end: number;
  rule: BaseRule;
  confidence: 'exact' | 'likely' | 'guess';
  /** How it was found, for notes and details: `buildah's history comment names the base localhost/busybox-base:1`. */
  how: string;
  /** The base image's name, when the rule read it (buildah's comment). */
  name?: string;
}

/** What the archive's index and the image manifest say about the image, beyond its config. */
export interface ManifestFacts {
  /**
   * The image was reached through an OCI index and its manifest (an OCI layout, `buildx --output
   * type=oci`, a registry), so the manifest's annotations are known. False for `docker save` archives,
   * which keep no annotations.
   */
  fromIndex: boolean;
  /**
   * The index is a whole OCI image layout's (its `oci-layout` file is there), so attestations BuildKit
   * attached to the image would be in it. False for `docker save` archives, and for an index made up
   * of the chosen manifests only.
   */
  attestationsKnown: boolean;
  /**
   * The in-toto predicate types of the attestation manifests the index holds for this image
   * (`https://slsa.dev/provenance/v0.2`, `https://spdx.dev/Document`; `unknown` when the attestation's
   * blobs are absent); [] when none.
   */
  attestations: string[];
  /** Annotations of the index descriptor and of the image manifest (the manifest's win). */
  annotations: Record<string, string>;
  /** The platform the index states for this image (`linux/arm64`). */
  indexPlatform?: string;
}

export interface ImageFacts {
  /** The archive, with `#tag` or `#n` when it holds several images. */
  path: string;
  format: 'docker-archive' | 'oci';
  /** Config digest (`sha256:…`): the image id. */
  id: string;
  /** Repository tags or OCI ref names. */
  tags: string[];
  /** The digest a registry serves the image by (OCI archives record it in index.json); null when unknown. */
  repoDigest: string | null;
  /**
   * The digest of this platform's image manifest, when the archive records it (OCI layouts). Equal to
   * `repoDigest` for a single-platform image; for a multi-platform one `repoDigest` is the index's, and
   * `image@sha256:…` may name either.
   */
  manifestDigest?: string;
  /** `os/arch[/variant]` from the config. */
  platform: string;
  config: ImageConfig;
  history: HistoryEntry[];
  layers: LayerFacts[];
  /** The merged file system, whiteouts applied. Keys are absolute paths; holds the members layers wrote (a parent directory no layer wrote is absent). */
  files: ReadonlyMap<string, FileEntry>;
  /** Files added by some layer and hidden by a later one (deleted or overwritten), in layer order. */
  shadowed: ShadowedFile[];
  /** Small files captured during the pass, as the final file system shows them (absolute path -> text). */
  captured: Map<string, string>;
  /** Every captured body from every layer, including secrets in files a later layer deleted. */
  captures: CapturedFile[];
  /** What runs as PID 1 (Entrypoint/Cmd through inits, shells and captured scripts), set after the pass; absent when the config runs nothing. */
  launch?: Launch;
  efficiency: Efficiency;
  /** What the index and the manifest say: attestations, annotations, the index's platform. */
  manifest: ManifestFacts;
  /** The platform asked for with `--platform`, when it was. */
  platformAsked?: string;
  /** Where this build's layers begin, and how that was found (see `src/image/base.ts`). */
  base: BaseBoundary;
  /** Notes for the user (which platform was chosen…). */
  notes: string[];
}
