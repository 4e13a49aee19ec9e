/** The manifest reader: YAML documents -> workloads and containers with positions; bad input -> one clear error. */
import { describe, expect, it } from 'vitest';
import { readManifests, ManifestError, helmAction } from '../../src/manifests/read.js';
import { manifestKind } from '../../src/manifests/sniff.js';
import { effectiveSecurity } from '../../src/manifests/security.js';
import { manifestPragmas } from '../../src/manifests/pragmas.js';

const ALL_KINDS = `apiVersion: v1
kind: Pod
metadata: { name: pod }
spec:
  containers: [{ name: a, image: "a:1" }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: deploy, namespace: shop }
spec:
  template:
    spec:
      containers: [{ name: a, image: "a:1" }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: sts }
spec: { template: { spec: { containers: [{ name: a, image: "a:1" }] } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ds }
spec: { template: { spec: { containers: [{ name: a, image: "a:1" }] } } }
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: rs }
spec: { template: { spec: { containers: [{ name: a, image: "a:1" }] } } }
---
apiVersion: v1
kind: ReplicationController
metadata: { name: rc }
spec: { template: { spec: { containers: [{ name: a, image: "a:1" }] } } }
---
apiVersion: batch/v1
kind: Job
metadata: { name: job }
spec: { template: { spec: { containers: [{ name: a, image: "a:1" }] } } }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: cron }
spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: a, image: "a:1" }] } } } } }
---
apiVersion: v1
kind: Service
metadata: { name: svc }
spec: { ports: [{ port: 80 }] }
`;

describe('readManifests', () => {
  it('reads every pod-bearing kind of a multi-document file, and the other objects as objects', () => {
    const m = readManifests(ALL_KINDS, 'all.yaml');
    expect(m.documents).toBe(9);
    expect(m.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(['Pod/pod', 'Deployment/deploy', 'StatefulSet/sts', 'DaemonSet/ds', 'ReplicaSet/rs', 'ReplicationController/rc', 'Job/job', 'CronJob/cron']);
    expect(m.objects.map((o) => o.kind).at(-1)).toBe('Service');
    expect(m.workloads[1]!.namespace).toBe('shop');
    expect(m.workloads.every((w) => w.pod.containers.length === 1 && w.pod.containers[0]!.image?.value === 'a:1')).toBe(true);
    expect(m.workloads.map((w) => w.document)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reads the items of a List (kubectl get -o yaml)', () => {
    const m = readManifests(`apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: { name: one }
    spec: { containers: [{ name: a, image: "a:1" }] }
  - apiVersion: apps/v1
    kind: Deployment
    metadata: { name: two }
    spec: { template: { spec: { containers: [{ name: b, image: "b:1" }] } } }
`, 'list.yaml');
    expect(m.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(['Pod/one', 'Deployment/two']);
  });

  it('reads init containers, native sidecars and ephemeral containers, in that order, with positions', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  initContainers:
    - name: setup
      image: busybox:1.36
    - name: logs
      image: fluent-bit:3
      restartPolicy: Always
  containers:
    - name: web
      image: ghcr.io/acme/web:1.2.3
      command: ["sh", "-c", "exec web"]
      args:
        - --port
        - "8080"
      env:
        - { name: MODE, value: prod }
        - name: TOKEN
          valueFrom: { secretKeyRef: { name: s, key: t } }
      envFrom: [{ configMapRef: { name: c } }]
      ports: [{ name: http, containerPort: 8080 }]
      readinessProbe:
        httpGet: { path: /ready, port: http }
      livenessProbe:
        exec: { command: [cat, /tmp/ok] }
      volumeMounts:
        - { name: cache, mountPath: /var/cache, readOnly: true }
      lifecycle:
        preStop: { exec: { command: [sleep, "5"] } }
        stopSignal: SIGQUIT
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
  volumes:
    - { name: cache, emptyDir: {} }
`;
    const m = readManifests(text, 'p.yaml');
    const cs = m.workloads[0]!.pod.containers;
    expect(cs.map((c) => `${c.role}:${c.name}`)).toEqual(['init:setup', 'sidecar:logs', 'container:web', 'ephemeral:debug']);
    const web = cs[2]!;
    expect(web.image).toMatchObject({ value: 'ghcr.io/acme/web:1.2.3', range: { line: 14, column: 14 } });
    expect(web.imageRef).toMatchObject({ registry: 'ghcr.io', repository: 'acme/web', tag: '1.2.3' });
    expect(web.command!.items.map((w) => w.value)).toEqual(['sh', '-c', 'exec web']);
    expect(web.command!.items[2]!.range).toEqual({ line: 15, column: 29, endLine: 15, endColumn: 39 });
    expect(web.args!.items.map((w) => w.value)).toEqual(['--port', '8080']);
    expect(web.env).toMatchObject([{ name: 'MODE', value: 'prod' }, { name: 'TOKEN', value: null }]);
    expect(web.envFrom).toBe(true);
    expect(web.ports).toMatchObject([{ name: 'http', containerPort: 8080 }]);
    expect(web.probes.map((p) => [p.kind, p.handler, p.port?.value ?? null])).toEqual([['livenessProbe', 'exec', null], ['readinessProbe', 'httpGet', 'http']]);
    expect(web.volumeMounts).toMatchObject([{ name: 'cache', mountPath: '/var/cache', readOnly: true }]);
    expect(web.preStop?.line).toBe(32);
    expect(web.stopSignal?.value).toBe('SIGQUIT');
    expect(m.workloads[0]!.pod.volumes).toMatchObject([{ name: 'cache', type: 'emptyDir' }]);
  });

  it('maps a block scalar of command: back to its lines, for findings inside the script', () => {
    const m = readManifests(`apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - name: a
      image: a:1
      command:
        - /bin/sh
        - -c
        - |
          set -e
          exec node server.js
`, 'p.yaml');
    const word = m.workloads[0]!.pod.containers[0]!.command!.items[2]!;
    expect(word.value).toBe('set -e\nexec node server.js\n');
    const at = word.text.text.indexOf('exec');
    const offset = word.text.map ? word.text.map[at]! : word.text.start + at;
    expect(m.index.position(offset)).toEqual({ line: 13, column: 11 });
  });

  it('merges the pod and container security contexts as the kubelet does', () => {
    const m = readManifests(`apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  securityContext: { runAsNonRoot: yes, runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] }
  containers:
    - name: a
      image: a:1
      securityContext:
        runAsUser: 2000
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        capabilities: { add: [NET_ADMIN, CAP_SYS_TIME] }
`, 'p.yaml');
    const w = m.workloads[0]!;
    const s = effectiveSecurity(w.pod, w.pod.containers[0]!);
    // `yes` is true in YAML 1.1, as sigs.k8s.io/yaml reads it.
    expect(s.runAsNonRoot).toMatchObject({ value: true, level: 'pod' });
    expect(s.runAsUser).toMatchObject({ value: 2000, level: 'container' });
    expect(s.runAsGroup).toMatchObject({ value: 3000, level: 'pod' });
    expect(s.fsGroup?.value).toBe(2000);
    expect(s.supplementalGroups).toEqual([4000]);
    expect(s.readOnlyRootFilesystem?.value).toBe(true);
    expect(s.allowPrivilegeEscalation?.value).toBe(false);
    expect(s.capabilitiesAdd).toEqual(['NET_ADMIN', 'SYS_TIME']);
  });

  it('follows anchors, aliases and merge keys', () => {
    const m = readManifests(`apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - &base
      name: a
      image: a:1
      securityContext: &sc { runAsUser: 1000 }
    - <<: *base
      name: b
      securityContext: *sc
`, 'p.yaml');
    const cs = m.workloads[0]!.pod.containers;
    expect(cs.map((c) => [c.name, c.image?.value, c.security.runAsUser?.value])).toEqual([['a', 'a:1', 1000], ['b', 'a:1', 1000]]);
  });

  it('reads JSON and flow-style YAML', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { containers: [{ name: 'a', image: 'a:1', command: ['run'] }] } }, null, 2);
    expect(readManifests(json, 'p.json').workloads[0]!.pod.containers[0]!.command!.items[0]!.value).toBe('run');
  });

  it('takes a {{PLACEHOLDER}} that is not a Helm action as a value', () => {
    const m = readManifests(`apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - name: a
      image: gcr.io/{{PROJECT_ID}}/app:1
`, 'p.yaml');
    expect(m.workloads[0]!.pod.containers[0]!.image?.value).toBe('gcr.io/{{PROJECT_ID}}/app:1');
  });
});

describe('bad input: one line naming the file and the place', () => {
  const bad = (text: string): string => {
    try {
      readManifests(text, 'k8s.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(ManifestError);
      const msg = (e as Error).message;
      expect(msg).not.toContain('\n');
      return msg;
    }
    throw new Error('no error');
  };

  it('an unrendered Helm template', () => {
    expect(bad('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\n')).toBe('k8s.yaml:4:9: {{ include "app.fullname" . }} is an unrendered Helm template; render the chart first (`helm template RELEASE CHART | shipshape -`)');
    expect(helmAction('replicas: {{- .Values.replicas }}')).not.toBeNull();
    expect(helmAction('image: {{PROJECT_ID}}')).toBeNull();
  });

  it('YAML that is not Kubernetes', () => {
    expect(bad('name: app\nversion: 1.2\n')).toBe('k8s.yaml:1:1: document 1 is not a Kubernetes object: it has no apiVersion and kind');
    expect(bad('- a\n- b\n')).toMatch(/^k8s\.yaml:1:1: document 1 is not a Kubernetes object \(a list at the top/);
    expect(bad('# only a comment\n')).toBe('k8s.yaml: not a Kubernetes manifest: no YAML document in it has apiVersion and kind');
  });

  it('text that is not YAML', () => {
    expect(bad('apiVersion: v1\nkind: Pod\nspec: [a, b\n')).toMatch(/^k8s\.yaml:\d+:\d+: not valid YAML: /);
  });

  it('a key given twice', () => {
    expect(bad('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n    - name: a\n      image: a:1\n      image: a:2\n')).toBe(
      'k8s.yaml:8:7: key "image" appears twice in one mapping; kubectl refuses the file ("mapping key already defined"), and which value wins is undefined',
    );
  });

  it('a kustomization', () => {
    expect(bad('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deploy.yaml]\n')).toMatch(/is a Kustomization, not manifests: build it first/);
  });

  it('an alias bomb (billion laughs): refused before it expands', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const t0 = process.hrtime.bigint();
    expect(bad(text)).toMatch(/^k8s\.yaml:\d+:\d+: YAML aliases in document 1 expand past 1000 references \(an alias bomb\?\); not analyzed$/);
    // About 400 million strings if it expanded; refusing it takes no time at all (a generous bound, not a benchmark).
    expect(Number(process.hrtime.bigint() - t0) / 1e9).toBeLessThan(20);
  });

  it('nesting past what the parser can recurse', () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: deep }\ndata: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    expect(bad(deep)).toBe('k8s.yaml: YAML nested too deeply to read (more than 100 levels); not analyzed');
  });

  it('a file past the size limit', () => {
    expect(bad(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: big }\ndata:\n  blob: "${'x'.repeat(17 * 1024 * 1024)}"\n`)).toMatch(/^k8s\.yaml: is 17\.0 MB; manifests larger than 16 MB are not analyzed$/);
  });
});

describe('manifestKind', () => {
  it('recognises manifests by their text, not their name', () => {
    expect(manifestKind('apiVersion: v1\nkind: Pod\n')).toBe('manifest');
    expect(manifestKind('---\n# Source: chart/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\n')).toBe('manifest');
    expect(manifestKind('{"apiVersion": "v1", "kind": "Pod"}')).toBe('manifest');
    expect(manifestKind('{ apiVersion: v1, kind: Pod, metadata: { name: x } }')).toBe('manifest');
    expect(manifestKind('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n')).toBe('kustomization');
    expect(manifestKind('FROM alpine\nRUN cat > /k.yaml <<EOF\napiVersion: v1\nkind: Pod\nEOF\n')).toBeNull();
    expect(manifestKind('name: app\non: push\n')).toBeNull();
    expect(manifestKind('services:\n  web:\n    image: nginx\n')).toBeNull();
  });
});

describe('manifestPragmas', () => {
  it('covers the line below and what is indented under it; global covers the file', () => {
    const text = `apiVersion: v1
kind: Pod
# shipshape global ignore=tags
spec:
  containers:
    # shipshape ignore=user/run-as-non-root -- the platform sets runAsUser
    - name: a
      image: a:1
      securityContext:
        runAsNonRoot: true
    - name: b
      image: b:1
`;
    expect(manifestPragmas(text)).toEqual([
      { names: ['tags'], span: null },
      { names: ['user/run-as-non-root'], span: { line: 7, endLine: 10 } },
    ]);
  });
});
