/** What a FROM's variables resolve to before any build argument is passed, for the `tags` checks. */
import type { DockerfileFacts, Stage } from './model.js';
import { PLATFORM_ARGS, expand } from './vars.js';
import { OFFICIAL_IMAGES, hubRepository } from '../knowledge/image-ref.js';
import { editDistance } from '../util/distance.js';

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
    for (const p of ins.properties) {
      // `ARG TARGETARCH` only brings the platform arg into scope: BuildKit still fills it.
      if (p.value === null && PLATFORM_ARGS.includes(p.name)) continue;
      out.set(p.name, p.value === null ? null : expand(p.value, out).value);
    }
  }
  return out;
}

/** Names a "did you mean" hint compares with, at most. */
const MAX_HINT_CANDIDATES = 1000;

/** The declared name closest to `name` (edit distance 2 or less), for a "did you mean" hint. */
export function nearestName(name: string, names: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  let looked = 0;
  const lower = name.toLowerCase();
  for (const n of names) {
    // A hint, not a search: past MAX_HINT_CANDIDATES names (a file declaring thousands of ARGs) it stops looking.
    if (++looked > MAX_HINT_CANDIDATES) break;
    // The edit distance is at least the difference in length.
    if (Math.abs(n.length - name.length) >= bestDistance) continue;
    const d = editDistance(lower, n.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

const SENTINEL = /^(placeholder|non-?existing|must[-_]?be[-_]?(set|given|passed)|unset|undefined|none|null|required|replace[-_]?me|change[-_]?me|override[-_]?me|dummy|todo|invalid|missing|set[-_]?me)$/i;

/**
 * Why a stage's base image cannot be named by a tag or pinned by a digest in the Dockerfile, or
 * null: `placeholder` when the FROM is a build argument whose default is a stand-in that makes a
 * build without `--build-arg` fail (`ARG BASE=placeholder`, `non-existing`); `local` when it is an
 * image the same pipeline builds just before (`localhost/app`, `app:local`, or an ARG default with no
 * registry, not an official image, whose tag is made of other ARGs: `builder:rhel-${VERSION}`).
 */
export function unpinnableBase(facts: DockerfileFacts, stage: Stage): 'placeholder' | 'local' | null {
  const image = stage.image;
  if (!image) return null;
  const registry = image.registry ?? '';
  if (registry === 'localhost' || registry.startsWith('localhost:') || image.tag === 'local' || image.repository.startsWith('local/')) return 'local';
  const raw = stage.from.args[0]?.value ?? '';
  const lone = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(raw);
  if (!lone) return null;
  if (!image.registry && !image.tag && !image.digest && !image.repository.includes('/') && SENTINEL.test(image.repository)) return 'placeholder';
  let written: string | null = null;
  for (const ins of facts.instructions) {
    if (ins.keyword === 'FROM') break;
    for (const p of ins.keyword === 'ARG' ? ins.properties : []) if (p.name === lone[1]) written = p.value;
  }
  const official = OFFICIAL_IMAGES.has(hubRepository(image) ?? '');
  if (written?.includes('$') && !image.registry && !image.repository.includes('/') && !official) return 'local';
  return null;
}
