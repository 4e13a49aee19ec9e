/**
 * Kubernetes manifests as the checks read them: the workloads of a YAML file (Pod, Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, and those in
 * a `List`), each with its pod spec and every container (init, native sidecar, regular, ephemeral),
 * with 1-based ranges into the file for every field a finding may point at.
 */
import type { LineIndex, MappedText, Range } from '../util/text.js';
import type { ImageRef } from '../knowledge/image-ref.js';

/** A value as written in the file, with the range of the value and of its key. */
export interface Field<T> {
  value: T;
  /** The value's range. */
  range: Range;
  /** The key's range (`runAsUser`), the place a finding about the setting points at. */
  key: Range;
}

/** One word of `command:` or `args:`, with its text mapped back into the file (for `sh -c` scripts). */
export interface ManifestWord {
  value: string;
  range: Range;
  /** The value, each character mapped to its offset in the file. */
  text: MappedText;
}

export interface WordList {
  key: Range;
  range: Range;
  items: ManifestWord[];
}

/** Where a container is declared in the pod spec. A native sidecar is an init container with `restartPolicy: Always`. */
export type ContainerRole = 'init' | 'sidecar' | 'container' | 'ephemeral';

/** The `securityContext` fields the checks read, at one level (pod or container) as written. */
export interface SecurityFields {
  runAsUser: Field<number> | null;
  runAsGroup: Field<number> | null;
  runAsNonRoot: Field<boolean> | null;
  /** Container level only. */
  readOnlyRootFilesystem: Field<boolean> | null;
  allowPrivilegeEscalation: Field<boolean> | null;
  privileged: Field<boolean> | null;
  /** `capabilities.add`, upper case without `CAP_`. */
  capabilitiesAdd: Field<string>[];
  /** Pod level only. */
  supplementalGroups: Field<number>[];
  fsGroup: Field<number> | null;
  /** The `securityContext:` key, when the level has one. */
  key: Range | null;
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

export interface Probe {
  kind: ProbeKind;
  handler: 'httpGet' | 'tcpSocket' | 'grpc' | 'exec' | null;
  /** The port of an httpGet, tcpSocket or grpc probe: a number or a port name. */
  port: Field<number | string> | null;
  key: Range;
}

export interface ContainerPort {
  containerPort: number | null;
  name: string | null;
  range: Range;
}

export interface EnvVar {
  name: string;
  /** Null when the value comes from `valueFrom`. */
  value: string | null;
  range: Range;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
  range: Range;
}

export interface Volume {
  name: string;
  /** The volume source's key: `emptyDir`, `configMap`, `secret`, `persistentVolumeClaim`, `hostPath`… ('' when none). */
  type: string;
  range: Range;
}

export interface Container {
  name: string;
  role: ContainerRole;
  /** The whole container mapping. */
  range: Range;
  /** The `name:` value, or the start of the mapping when it has no name. */
  nameRange: Range;
  image: Field<string> | null;
  /** The parsed reference; null without an image or when it is not a plain string. */
  imageRef: ImageRef | null;
  imagePullPolicy: Field<string> | null;
  command: WordList | null;
  args: WordList | null;
  workingDir: Field<string> | null;
  env: EnvVar[];
  /** `envFrom` is set: more variables come from ConfigMaps or Secrets than the file shows. */
  envFrom: boolean;
  ports: ContainerPort[];
  probes: Probe[];
  volumeMounts: VolumeMount[];
  security: SecurityFields;
  /** `lifecycle.preStop` is set. */
  preStop: Range | null;
  /** `lifecycle.stopSignal` (Kubernetes 1.33+, ContainerStopSignals gate). */
  stopSignal: Field<string> | null;
}

export interface PodSpec {
  /** The pod spec mapping. */
  range: Range;
  /** Init containers (native sidecars among them) in order, then containers, then ephemeral containers. */
  containers: Container[];
  security: SecurityFields;
  shareProcessNamespace: Field<boolean> | null;
  terminationGracePeriodSeconds: Field<number> | null;
  hostPID: Field<boolean> | null;
  volumes: Volume[];
}

/** An object that runs pods. */
export interface Workload {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string | null;
  /** 1-based index of the YAML document holding it. */
  document: number;
  /** The `kind:` line's value, where findings about the whole workload point. */
  kindRange: Range;
  pod: PodSpec;
}

/** A Kubernetes object of any kind (Service, ConfigMap… included). */
export interface ObjectRef {
  kind: string;
  apiVersion: string;
  name: string;
  document: number;
  range: Range;
}

export interface ManifestFacts {
  /** The file as findings name it (`<stdin>` for standard input). */
  path: string;
  text: string;
  index: LineIndex;
  /** Non-empty YAML documents. */
  documents: number;
  objects: ObjectRef[];
  workloads: Workload[];
}

/** The kinds whose pod template shipshape reads, and the path from the object to the pod spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
