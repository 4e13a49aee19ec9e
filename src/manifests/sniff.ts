/**
 * Is this text Kubernetes manifests? Decided from the text alone, before any YAML is parsed, the way
 * an image archive is recognised by its first bytes: a top-level `apiVersion:` and `kind:` (block
 * or flow style, or JSON), and a first line that is no Dockerfile instruction (a Dockerfile may
 * write YAML in a heredoc).
 */

const API_VERSION = /^(?:---[^\n]*\n)?[ \t]*["']?apiVersion["']?[ \t]*:|(?:^|[\n{,])[ \t]*["']?apiVersion["']?[ \t]*:/m;
const KIND = /(?:^|[\n{,])[ \t]*["']?kind["']?[ \t]*:/m;
const INSTRUCTION = /^(FROM|ARG|RUN|CMD|LABEL|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL|MAINTAINER)\s/i;
const KUSTOMIZE = /apiVersion["']?[ \t]*:[ \t]*["']?kustomize\.config\.k8s\.io\//;

/** What a text looks like: Kubernetes manifests, a kustomization (to be built first), or neither. */
export function manifestKind(text: string): 'manifest' | 'kustomization' | null {
  const head = text.length > 1 << 20 ? text.slice(0, 1 << 20) : text;
  const first = /^[ \t]*([^#\s][^\n]*)/m.exec(head)?.[1] ?? '';
  if (INSTRUCTION.test(first)) return null;
  if (!API_VERSION.test(head) || !KIND.test(head)) return null;
  return KUSTOMIZE.test(head) && !/\n---/.test(head) ? 'kustomization' : 'manifest';
}

/** File names a directory scan considers for manifests. */
export const MANIFEST_NAME = /\.(ya?ml|json)$/i;

/** The largest manifest file read (rendered charts with their CRDs stay well under it). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * A Helm (Go template) action: `{{ .Values.x }}`, `{{- include … }}`, `{{ if … }}`. `{{PROJECT_ID}}`-style
 * placeholders (a word in braces, no space or dot) are not Helm.
 */
export const HELM_ACTION = /\{\{-?\s*(?:[.$]|-|\/\*|(?:if|else|end|range|with|include|template|define|block|toYaml|tpl|printf|default|required|quote|squote|nindent|indent|trim|lookup|not|and|or|eq|ne)\b)[^\n]*?\}\}/;
