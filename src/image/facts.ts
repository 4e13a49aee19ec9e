/** Facts about a saved image, produced by the streaming reader in one pass. */

export interface ImageConfig {
  user: string;
  entrypoint: string[] | null;
  cmd: string[] | null;
  env: string[];
  workingDir: string;
  exposedPorts: string[];
  stopSignal: string | null;
  healthcheck: string[] | null;
  labels: Record<string, string>;
}

export interface HistoryEntry {
  createdBy: string;
  emptyLayer: boolean;
  comment?: string;
  created?: string;
}

export interface FileEntry {
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

export interface LayerFacts {
  index: number;
  digest: string;
  /** Uncompressed bytes of files it adds. */
  size: number;
  /** The history entry that made it. */
  createdBy: string;
  /** True when the layer came with the base image rather than this build. */
  fromBase: boolean;
}

export interface ImageFacts {
  path: string;
  /** Repository tags or OCI ref names. */
  tags: string[];
  platform: string;
  config: ImageConfig;
  history: HistoryEntry[];
  layers: LayerFacts[];
  /** The merged file system, whiteouts applied. */
  files: Map<string, FileEntry>;
  /** Small files captured during the pass (passwd, group, os-release, scripts, package databases). */
  captured: Map<string, string>;
}
