/**
 * Where the base image ends and this build's layers begin, read from the history alone, with the rule
 * that found it and how sure it is. (With the Dockerfile given too, `src/pair/trace.ts` matches the
 * instructions and `origin.ts` prefers that exact boundary.)
 *
 * The rules, first match wins:
 *
 * 1. **Jib** (`exact`): Jib writes its own entries as `jib-maven-plugin:3.4.0` / `jib-gradle-plugin…`
 *    (author `Jib`) after the base's; the base ends before the first of them.
 * 2. **buildah** (`exact`): `buildah bud` and `buildah commit` record `FROM <image>` in the comment of
 *    the entry that starts from the named base (`FROM <id>` on the steps after it, with `--layers`).
 *    The base ends before the last entry naming an image, when the entries after it are buildah's
 *    too. Without `--layers` the steps before that entry are empty-layer entries with no comment:
 *    they are this build's as well. A base made by `buildah commit` from scratch has no such comment,
 *    nor often a CMD; the build on top of it still names it.
 * 3. **builder change** (`likely`): the last run of entries written by one builder (BuildKit's
 *    `# buildkit` / `buildkit.dockerfile.v0`, kaniko's author `kaniko`, the classic builder's
 *    `/bin/sh -c …`) that follows entries written otherwise (Bazel's or apko's base, a `docker
 *    import`) is this build. When a CMD boundary (rule 4) lies inside that run, the base built by the
 *    same builder ends there instead.
 * 4. **CMD** (`likely`): base images end with their `CMD` or `ENTRYPOINT`, recorded as an empty
 *    layer; the base ends at the last such entry that is followed by an entry making a layer.
 * 5. **time gap** (`guess`): with real timestamps, a gap of a day or more before entries made within
 *    a tenth of that gap: the base was built before.
 *
 * None of these: nothing is marked as base (FROM scratch, a squashed image, or a builder that leaves
 * no trace).
 */
import type { BaseBoundary, HistoryEntry } from './facts.js';

export type { BaseBoundary, BaseRule } from './facts.js';

const BASE_END = /^(?:\/bin\/sh -c #\(nop\)\s*)?(?:CMD|ENTRYPOINT)\b/;
const HEX_ID = /^[0-9a-f]{12,64}$/;

/** The last empty-layer CMD/ENTRYPOINT entry followed by an entry making a layer; -1 when none. */
function cmdEnd(history: readonly HistoryEntry[]): number {
  let end = -1;
  let layerAfter = false;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.emptyLayer && layerAfter && BASE_END.test(h.createdBy.trim())) return i;
    if (!h.emptyLayer) layerAfter = true;
  }
  return end;
}

type Builder = 'buildkit' | 'kaniko' | 'buildah' | 'jib' | 'bazel' | 'classic' | 'other';

/** Which builder wrote an entry, from the marks each leaves. */
export function builderOf(h: HistoryEntry): Builder {
  const by = h.createdBy.trim();
  if (h.comment === 'buildkit.dockerfile.v0' || by.endsWith('# buildkit')) return 'buildkit';
  if (h.author === 'kaniko') return 'kaniko';
  if (h.author === 'Jib' || /^jib-(maven|gradle|cli|core)/.test(by)) return 'jib';
  if (h.comment && /^FROM \S+$/.test(h.comment)) return 'buildah';
  if (h.author === 'Bazel' || by.startsWith('bazel build')) return 'bazel';
  if (/^(\/bin\/sh -c |\|\d+ |cmd \/S \/C )/.test(by)) return 'classic';
  return 'other';
}

const EPOCHS = /^(1970-01-01|0001-01-01)/;

function timeGap(history: readonly HistoryEntry[]): number {
  const times = history.map((h) => (h.created && !EPOCHS.test(h.created) ? Date.parse(h.created) : NaN));
  if (times.some((t) => Number.isNaN(t))) return -1;
  const DAY = 86_400_000;
  let best = -1;
  let bestGap = 0;
  for (let i = 0; i < history.length - 1; i++) {
    const gap = times[i + 1]! - times[i]!;
    if (gap < DAY || gap <= bestGap) continue;
    const span = times[times.length - 1]! - times[i + 1]!;
    if (span * 10 > gap) continue;
    if (!history.slice(i + 1).some((h) => !h.emptyLayer) || !history.slice(0, i + 1).some((h) => !h.emptyLayer)) continue;
    best = i;
    bestGap = gap;
  }
  return best;
}

/** Where the base ends (see the module comment). Does not change `history`. */
export function findBase(history: readonly HistoryEntry[]): BaseBoundary {
  const n = history.length;
  const layerIn = (from: number, to: number): boolean => history.slice(from, to).some((h) => !h.emptyLayer);

  // 1. Jib.
  const jib = history.findIndex((h) => builderOf(h) === 'jib');
  if (jib > 0 && history.slice(jib).every((h) => builderOf(h) === 'jib')) {
    return { end: jib - 1, rule: 'jib', confidence: 'exact', how: `Jib's entries (${history[jib]!.createdBy.trim()}) follow the base's` };
  }

  // 2. buildah: the last entry naming an image, buildah's entries after it.
  for (let k = n - 1; k >= 0; k--) {
    const name = history[k]!.comment && /^FROM (\S+)$/.exec(history[k]!.comment!)?.[1];
    if (!name || HEX_ID.test(name)) continue;
    const ownTail = history.slice(k + 1).every((h) => h.comment !== undefined && /^FROM [0-9a-f]{12,64}$/.test(h.comment));
    if (!ownTail) break;
    let start = k;
    // A build without --layers: its steps are empty-layer entries with no comment just before.
    while (start > 0) {
      const p = history[start - 1]!;
      if (!p.emptyLayer || p.comment || BASE_END.test(p.createdBy.trim())) break;
      start--;
    }
    if (start === 0) break;
    const shown = name.replace(/^docker\.io\/(library\/)?/, '');
    return { end: start - 1, rule: 'buildah', confidence: 'exact', how: `buildah's history comment names the base ${shown}`, name: shown };
  }

  // 3. The last run of one builder, after entries another wrote.
  const cmd = cmdEnd(history);
  if (n > 0) {
    const last = builderOf(history[n - 1]!);
    let s = n - 1;
    while (s > 0 && builderOf(history[s - 1]!) === last) s--;
    if (s > 0 && layerIn(0, s) && layerIn(s, n)) {
      const names: Record<Builder, string> = { buildkit: 'BuildKit', kaniko: 'kaniko', buildah: 'buildah', jib: 'Jib', bazel: 'Bazel', classic: 'the classic builder', other: 'another tool' };
      if (cmd >= s) return { end: cmd, rule: 'cmd', confidence: 'likely', how: `the base, built by ${names[last]} too, ends with its CMD or ENTRYPOINT` };
      return { end: s - 1, rule: 'builder-change', confidence: 'likely', how: `the last entries were written by ${names[last]}, the ones before by ${names[builderOf(history[s - 1]!)]}` };
    }
  }

  // 4. CMD.
  if (cmd >= 0) return { end: cmd, rule: 'cmd', confidence: 'likely', how: 'base images end with their CMD or ENTRYPOINT' };

  // 5. Time gap.
  const gap = timeGap(history);
  if (gap >= 0) return { end: gap, rule: 'time-gap', confidence: 'guess', how: `the entries after ${history[gap + 1]!.created!.slice(0, 10)} were made long after the ones before` };

  return { end: -1, rule: 'none', confidence: 'likely', how: 'no base image found in the history (FROM scratch, a squashed image, or a builder that leaves no trace)' };
}
