/**
 * Kubernetes manifests as targets: a YAML or JSON file (or standard input) is a manifest when its
 * text says so (a top-level apiVersion and kind), the way an archive is an image by its first bytes;
 * a directory contributes the manifests among its *.yaml, *.yml and *.json files.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { HELM_ACTION, MANIFEST_NAME, MAX_MANIFEST_BYTES, manifestKind } from './manifests/sniff.js';
export { MAX_MANIFEST_BYTES };

/** A manifest target, or why it cannot be one. */
export type ManifestInput = { kind: 'manifest'; path: string; text: string } | { kind: 'error'; path: string; targetKind: 'manifest'; message: string };

const decode = (buf: Buffer): string => new TextDecoder('utf-8', { fatal: false }).decode(buf).replace(/^\uFEFF/, '');

function headOf(path: string, bytes = 65536): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * The manifest input for a target whose first bytes are `head` (the whole of standard input, or the
 * head of a file of `size` bytes), or null when it is no manifest. A file named *.yaml, *.yml or
 * *.json that holds no Kubernetes object is an error input rather than a Dockerfile.
 */
export function manifestInput(path: string, head: Buffer, size?: number): ManifestInput | null {
  const named = path !== '<stdin>' && MANIFEST_NAME.test(path);
  const kind = manifestKind(decode(head));
  if (kind === null) {
    if (!named) return null;
    return { kind: 'error', path, targetKind: 'manifest', message: `${path}: not a Kubernetes manifest: no apiVersion and kind at the top level` };
  }
  if (kind === 'kustomization') return { kind: 'error', path, targetKind: 'manifest', message: `${path}: is a kustomization, not manifests: build it first (\`kustomize build DIR | shipshape -\`)` };
  const bytes = size ?? head.length;
  if (bytes > MAX_MANIFEST_BYTES) return { kind: 'error', path, targetKind: 'manifest', message: `${path}: is ${(bytes / 1048576).toFixed(1)} MB; manifests larger than ${MAX_MANIFEST_BYTES / 1048576} MB are not analyzed` };
  if (size === undefined) return { kind: 'manifest', path, text: decode(head) };
  try {
    return { kind: 'manifest', path, text: decode(readFileSync(path)) };
  } catch (e) {
    return { kind: 'error', path, targetKind: 'manifest', message: `${path}: ${(e as Error).message.split('\n', 1)[0]}` };
  }
}

/**
 * The manifests among files a directory walk found (YAML and JSON): those whose text is Kubernetes
 * objects. Kustomizations and other YAML are passed over; so are Helm chart templates (a `{{ }}`
 * action in them), whose paths go to `skipped` for a note.
 */
export function manifestsIn(paths: readonly string[], skipped: string[]): ManifestInput[] {
  const out: ManifestInput[] = [];
  for (const p of paths) {
    try {
      const st = statSync(p);
      if (!st.isFile()) continue;
      const head = headOf(p);
      const text = decode(head);
      if (manifestKind(text) !== 'manifest') continue;
      if (HELM_ACTION.test(text)) {
        skipped.push(p);
        continue;
      }
      const input = manifestInput(p, head, st.size);
      if (input) out.push(input);
    } catch {
      continue;
    }
  }
  return out;
}
