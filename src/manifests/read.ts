/**
 * Kubernetes YAML -> workloads and their containers. One file (or standard input) may hold many
 * documents (`kustomize build`, `helm template`), `List` objects with `items`, and objects of any
 * kind; the pod-bearing ones become `Workload`s.
 *
 * Bad input ends in a `ManifestError` with one line naming the file and the place: a Helm template
 * that was not rendered (`{{ .Values… }}`), text that is not YAML, a key given twice in a mapping
 * (kubectl refuses the file), aliases that expand past a limit (a "billion laughs" document), a file
 * past `MAX_MANIFEST_BYTES`, YAML that is no Kubernetes object. Documents are composed one at a time,
 * so memory stays at about one document's tree however many the file holds.
 */
import { Composer, Parser, isMap, isScalar, isSeq, visit, type Document, type YAMLMap } from 'yaml';
import { MAX_YAML_DEPTH, yamlNestingDepth } from '../util/nesting.js';
import { LineIndex, type Range } from '../util/text.js';
import { parseImageRef } from '../knowledge/image-ref.js';
import { DocReader, ManifestError } from './yaml.js';
import { HELM_ACTION, MAX_MANIFEST_BYTES } from './sniff.js';
import {
  POD_SPEC_PATHS,
  type Container,
  type ContainerRole,
  type EnvVar,
  type Field,
  type ManifestFacts,
  type ManifestWord,
  type ObjectRef,
  type PodSpec,
  type Probe,
  type ProbeKind,
  type SecurityFields,
  type WordList,
  type Workload,
} from './model.js';

export { ManifestError };

/** What `doc.toJS` may resolve before it calls the document an alias bomb (the `yaml` package's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 1000;

/** The first Helm (Go template) action in the text (see `HELM_ACTION`), or null. */
export function helmAction(text: string): { offset: number; text: string } | null {
  const m = HELM_ACTION.exec(text);
  return m ? { offset: m.index, text: m[0].length > 50 ? `${m[0].slice(0, 49)}…` : m[0] } : null;
}

/** Reads a manifest file's text; throws `ManifestError` for input that cannot be analyzed. */
export function readManifests(text: string, path: string): ManifestFacts {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_MANIFEST_BYTES) throw new ManifestError(`${path}: is ${(bytes / 1048576).toFixed(1)} MB; manifests larger than ${MAX_MANIFEST_BYTES / 1048576} MB are not analyzed`);
  const index = new LineIndex(text);
  const helm = helmAction(text);
  if (helm) {
    const at = index.position(helm.offset);
    throw new ManifestError(`${path}:${at.line}:${at.column}: ${helm.text} is an unrendered Helm template; render the chart first (\`helm template RELEASE CHART | shipshape -\`)`);
  }
  // Refused before the recursive YAML reader sees it (src/util/nesting.ts says why).
  if (yamlNestingDepth(text) > MAX_YAML_DEPTH) throw new ManifestError(`${path}: YAML nested too deeply to read (more than ${MAX_YAML_DEPTH} levels); not analyzed`);
  const facts: ManifestFacts = { path, text, index, documents: 0, objects: [], workloads: [] };
  // Duplicate keys are found by `duplicateKey` below: the `yaml` package's own check compares each
  // key with every earlier one of its mapping, minutes for a ConfigMap of 80,000 keys.
  const composer = new Composer({ version: '1.1', uniqueKeys: false, strict: true, prettyErrors: false, merge: true });
  let n = 0;
  try {
    for (const doc of composer.compose(new Parser().parse(text), true)) {
      n++;
      readDocument(doc, n, index, facts);
    }
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    // The parser recurses per nesting level: thousands of `[[[[` end its stack.
    if (e instanceof RangeError) throw new ManifestError(`${path}: YAML nested too deeply to read; not analyzed`);
    throw e;
  }
  if (facts.objects.length === 0) throw new ManifestError(`${path}: not a Kubernetes manifest: no YAML document in it has apiVersion and kind`);
  return facts;
}

function fail(r: DocReader, offset: number, what: string): never {
  const at = r.index.position(offset);
  throw new ManifestError(`${r.path}:${at.line}:${at.column}: ${what}`);
}

function readDocument(doc: Document.Parsed, n: number, index: LineIndex, facts: ManifestFacts): void {
  const r = new DocReader(doc, index, facts.path);
  const err = doc.errors[0];
  if (err) {
    const first = err.message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '');
    fail(r, err.pos[0], `not valid YAML: ${first}`);
  }
  const dup = duplicateKey(doc);
  if (dup) fail(r, dup.offset, `key "${dup.key}" appears twice in one mapping; kubectl refuses the file ("mapping key already defined"), and which value wins is undefined`);
  const contents = doc.contents;
  if (contents === null || (!isMap(contents) && !isSeq(contents) && (contents as { value?: unknown }).value === null)) return;
  facts.documents++;
  // Aliases: the `yaml` package's own limit first (it counts what plain objects would hold).
  let aliases = false;
  visit(doc, { Alias: () => ((aliases = true), visit.BREAK) });
  if (aliases) {
    try {
      doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      if (e instanceof ReferenceError || e instanceof RangeError) fail(r, contents.range?.[0] ?? 0, `YAML aliases in document ${n} expand past ${MAX_ALIAS_COUNT} references (an alias bomb?); not analyzed`);
      throw e;
    }
  }
  const top = r.map(contents);
  if (!top) fail(r, contents.range?.[0] ?? 0, `document ${n} is not a Kubernetes object (a ${isSeq(contents) ? 'list' : 'scalar'} at the top, where apiVersion and kind belong)`);
  readObject(r, top, n, facts, 0);
}

/** The first key given twice in one mapping (scalar keys, compared by value; `<<` merge keys aside), found in one pass. */
function duplicateKey(doc: Document.Parsed): { key: string; offset: number } | null {
  let found: { key: string; offset: number } | null = null;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const p of map.items) {
        if (!isScalar(p.key)) continue;
        const v = p.key.value;
        if (typeof v === 'symbol' || v === '<<') continue;
        const k = `${typeof v}:${String(v)}`;
        if (seen.has(k)) {
          found = { key: String(v), offset: p.key.range?.[0] ?? 0 };
          return visit.BREAK;
        }
        seen.add(k);
      }
      return undefined;
    },
  });
  return found;
}

function readObject(r: DocReader, obj: YAMLMap, n: number, facts: ManifestFacts, depth: number): void {
  const kindPair = r.pair(obj, 'kind');
  const kind = kindPair ? r.string(kindPair.value) : null;
  const apiVersion = r.string(r.get(obj, 'apiVersion'));
  if (!kind || !apiVersion || !kindPair) fail(r, obj.range?.[0] ?? 0, `document ${n} is not a Kubernetes object: it has no ${!apiVersion && !kind ? 'apiVersion and kind' : !kind ? 'kind' : 'apiVersion'}`);
  if (/^kustomize\.config\.k8s\.io\//.test(apiVersion)) fail(r, obj.range?.[0] ?? 0, `is a ${kind}, not manifests: build it first (\`kustomize build DIR | shipshape -\`)`);
  const metadata = r.map(r.get(obj, 'metadata'));
  const name = r.string(r.get(metadata, 'name')) ?? r.string(r.get(metadata, 'generateName')) ?? '';
  const ref: ObjectRef = { kind, apiVersion, name, document: n, range: r.range(r.deref(kindPair.value)) };
  facts.objects.push(ref);
  const items = r.seq(r.get(obj, 'items'));
  if (/List$/.test(kind) && items && depth < 4) {
    for (const item of items.items) {
      const m = r.map(item);
      if (m) readObject(r, m, n, facts, depth + 1);
    }
    return;
  }
  const path = POD_SPEC_PATHS[kind];
  if (!path) return;
  const spec = r.map(r.dig(obj, path));
  if (!spec) return;
  const workload: Workload = { kind, apiVersion, name, namespace: r.string(r.get(metadata, 'namespace')), document: n, kindRange: ref.range, pod: readPod(r, spec) };
  facts.workloads.push(workload);
}

function field<T>(r: DocReader, map: YAMLMap | null, key: string, read: (node: unknown) => T | null): Field<T> | null {
  const p = r.pair(map, key);
  if (!p) return null;
  const value = read(p.value);
  if (value === null) return null;
  return { value, range: r.range(r.deref(p.value)), key: r.keyRange(p) };
}

function readSecurity(r: DocReader, map: YAMLMap | null, key: Range | null): SecurityFields {
  const capsAdd = r.seq(r.dig(map, ['capabilities', 'add']));
  const groups = r.seq(r.get(map, 'supplementalGroups'));
  const int = (v: unknown): number | null => r.int(v);
  const bool = (v: unknown): boolean | null => r.bool(v);
  return {
    runAsUser: field(r, map, 'runAsUser', int),
    runAsGroup: field(r, map, 'runAsGroup', int),
    runAsNonRoot: field(r, map, 'runAsNonRoot', bool),
    readOnlyRootFilesystem: field(r, map, 'readOnlyRootFilesystem', bool),
    allowPrivilegeEscalation: field(r, map, 'allowPrivilegeEscalation', bool),
    privileged: field(r, map, 'privileged', bool),
    capabilitiesAdd: (capsAdd?.items ?? []).flatMap((c) => {
      const v = r.string(c);
      return v === null ? [] : [{ value: v.toUpperCase().replace(/^CAP_/, ''), range: r.range(r.deref(c)), key: r.range(r.deref(c)) }];
    }),
    supplementalGroups: (groups?.items ?? []).flatMap((g) => {
      const v = r.int(g);
      return v === null ? [] : [{ value: v, range: r.range(r.deref(g)), key: r.range(r.deref(g)) }];
    }),
    fsGroup: field(r, map, 'fsGroup', int),
    key,
  };
}

function securityOf(r: DocReader, owner: YAMLMap): SecurityFields {
  const p = r.pair(owner, 'securityContext');
  return readSecurity(r, p ? r.map(p.value) : null, p ? r.keyRange(p) : null);
}

function readPod(r: DocReader, spec: YAMLMap): PodSpec {
  const containers: Container[] = [];
  const list = (key: string, role: ContainerRole): void => {
    for (const item of r.seq(r.get(spec, key))?.items ?? []) {
      const m = r.map(item);
      if (!m) continue;
      const native = role === 'init' && r.string(r.get(m, 'restartPolicy')) === 'Always';
      containers.push(readContainer(r, m, native ? 'sidecar' : role));
    }
  };
  list('initContainers', 'init');
  list('containers', 'container');
  list('ephemeralContainers', 'ephemeral');
  const volumes = (r.seq(r.get(spec, 'volumes'))?.items ?? []).flatMap((item) => {
    const m = r.map(item);
    const name = r.string(r.get(m, 'name'));
    if (!m || name === null) return [];
    const type = m.items.map((p) => r.string(p.key)).find((k) => k !== null && k !== 'name') ?? '';
    return [{ name, type, range: r.range(m) }];
  });
  return {
    range: r.range(spec),
    containers,
    security: securityOf(r, spec),
    shareProcessNamespace: field(r, spec, 'shareProcessNamespace', (v) => r.bool(v)),
    terminationGracePeriodSeconds: field(r, spec, 'terminationGracePeriodSeconds', (v) => r.int(v)),
    hostPID: field(r, spec, 'hostPID', (v) => r.bool(v)),
    volumes,
  };
}

function words(r: DocReader, map: YAMLMap, key: string): WordList | null {
  const p = r.pair(map, key);
  if (!p) return null;
  const seq = r.seq(p.value);
  if (!seq) return null;
  const items: ManifestWord[] = [];
  for (const it of seq.items) {
    const text = r.mapped(it);
    const value = r.string(it);
    if (value === null) return null;
    items.push({ value, range: r.range(r.deref(it)), text: text ?? { text: value, map: new Int32Array(value.length + 1).fill(seq.range?.[0] ?? 0), start: seq.range?.[0] ?? 0 } });
  }
  return { key: r.keyRange(p), range: r.range(seq), items };
}

const PROBES: readonly ProbeKind[] = ['livenessProbe', 'readinessProbe', 'startupProbe'];

function readContainer(r: DocReader, m: YAMLMap, role: ContainerRole): Container {
  const namePair = r.pair(m, 'name');
  const image = field(r, m, 'image', (v) => r.string(v));
  const env: EnvVar[] = (r.seq(r.get(m, 'env'))?.items ?? []).flatMap((item) => {
    const e = r.map(item);
    const name = r.string(r.get(e, 'name'));
    if (!e || name === null) return [];
    return [{ name, value: r.pair(e, 'valueFrom') ? null : (r.string(r.get(e, 'value')) ?? ''), range: r.range(e) }];
  });
  const probes: Probe[] = [];
  for (const kind of PROBES) {
    const p = r.pair(m, kind);
    const probe = p ? r.map(p.value) : null;
    if (!p || !probe) continue;
    const handler = (['httpGet', 'tcpSocket', 'grpc', 'exec'] as const).find((h) => r.pair(probe, h)) ?? null;
    const portOwner = handler && handler !== 'exec' ? r.map(r.get(probe, handler)) : null;
    probes.push({ kind, handler, port: field(r, portOwner, 'port', (v) => r.int(v) ?? r.string(v)), key: r.keyRange(p) });
  }
  const lifecycle = r.map(r.get(m, 'lifecycle'));
  const preStop = r.pair(lifecycle, 'preStop');
  return {
    name: namePair ? (r.string(namePair.value) ?? '') : '',
    role,
    range: r.range(m),
    nameRange: namePair ? r.range(r.deref(namePair.value)) : r.range(m),
    image,
    imageRef: image ? parseImageRef(image.value, image.value, false) : null,
    imagePullPolicy: field(r, m, 'imagePullPolicy', (v) => r.string(v)),
    command: words(r, m, 'command'),
    args: words(r, m, 'args'),
    workingDir: field(r, m, 'workingDir', (v) => r.string(v)),
    env,
    envFrom: r.pair(m, 'envFrom') !== null,
    ports: (r.seq(r.get(m, 'ports'))?.items ?? []).flatMap((item) => {
      const p = r.map(item);
      return p ? [{ containerPort: r.int(r.get(p, 'containerPort')), name: r.string(r.get(p, 'name')), range: r.range(p) }] : [];
    }),
    probes,
    volumeMounts: (r.seq(r.get(m, 'volumeMounts'))?.items ?? []).flatMap((item) => {
      const v = r.map(item);
      const name = r.string(r.get(v, 'name'));
      const mountPath = r.string(r.get(v, 'mountPath'));
      return v && name !== null && mountPath !== null ? [{ name, mountPath, readOnly: r.bool(r.get(v, 'readOnly')) === true, range: r.range(v) }] : [];
    }),
    security: securityOf(r, m),
    preStop: preStop ? r.keyRange(preStop) : null,
    stopSignal: field(r, lifecycle, 'stopSignal', (v) => r.string(v)),
  };
}

