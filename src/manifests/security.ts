/**
 * The security context Kubernetes applies to a container: the container's own `securityContext`
 * over the pod's for the fields both levels have (runAsUser, runAsGroup, runAsNonRoot), the
 * container's alone for the rest, the pod's alone for supplementalGroups and fsGroup.
 */
import type { Container, Field, PodSpec } from './model.js';

export type Level = 'pod' | 'container';

/** A setting and the level it came from. */
export type Sourced<T> = Field<T> & { level: Level };

export interface EffectiveSecurity {
  runAsUser: Sourced<number> | null;
  runAsGroup: Sourced<number> | null;
  runAsNonRoot: Sourced<boolean> | null;
  readOnlyRootFilesystem: Sourced<boolean> | null;
  allowPrivilegeEscalation: Sourced<boolean> | null;
  privileged: Sourced<boolean> | null;
  supplementalGroups: number[];
  fsGroup: Sourced<number> | null;
  capabilitiesAdd: string[];
}

function pick<T>(container: Field<T> | null, pod: Field<T> | null): Sourced<T> | null {
  if (container) return { ...container, level: 'container' };
  if (pod) return { ...pod, level: 'pod' };
  return null;
}

export function effectiveSecurity(pod: PodSpec, container: Container): EffectiveSecurity {
  const c = container.security;
  const p = pod.security;
  return {
    runAsUser: pick(c.runAsUser, p.runAsUser),
    runAsGroup: pick(c.runAsGroup, p.runAsGroup),
    runAsNonRoot: pick(c.runAsNonRoot, p.runAsNonRoot),
    readOnlyRootFilesystem: pick(c.readOnlyRootFilesystem, null),
    allowPrivilegeEscalation: pick(c.allowPrivilegeEscalation, null),
    privileged: pick(c.privileged, null),
    supplementalGroups: p.supplementalGroups.map((g) => g.value),
    fsGroup: pick(null, p.fsGroup),
    capabilitiesAdd: c.capabilitiesAdd.map((x) => x.value),
  };
}
