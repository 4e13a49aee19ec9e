/** What a FROM's variables resolve to before any build argument is passed, for the `tags` checks. */
import type { DockerfileFacts } from './model.js';
import { PLATFORM_ARGS, expand } from './vars.js';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?';
const REFERENCE = new RegExp(
  `^${DOMAIN}${COMPONENT}(?:/${COMPONENT})*(?::\\w[\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

/** True when `ref` is a well-formed image reference (`registry:5000/a/b:tag@sha256:…`). */
export function isValidReference(ref: string): boolean {
  return REFERENCE.test(ref);
}

/** Values the platform ARGs take on a typical build, so a FROM using them can be judged. */
const PLATFORM_SAMPLE: Record<string, string> = {
  TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '',
  BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
};

/**
 * The global ARGs as declared in the file (before the first FROM), with their defaults (null: no
 * default), plus the platform ARGs every build defines. Build arguments given to the analyzer are
 * ignored: these are what a plain `docker build` uses.
 */
export function declaredGlobalArgs(facts: DockerfileFacts): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const a of PLATFORM_ARGS) out.set(a, PLATFORM_SAMPLE[a] ?? '');
  for (const ins of facts.instructions) {
    if (ins.keyword === 'FROM') break;
    if (ins.keyword !== 'ARG') continue;
    for (const p of ins.properties) out.set(p.name, p.value === null ? null : expand(p.value, out).value);
  }
  return out;
}

/** The declared name closest to `name` (edit distance 2 or less), for a "did you mean" hint. */
export function nearestName(name: string, names: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const n of names) {
    const d = distance(name.toLowerCase(), n.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
