/**
 * The names a user may give a check: its rule id, its category, or the id of a peer rule it covers
 * (hadolint `DL3025`, Trivy `DS002`, Checkov `CKV_DOCKER_2`, dockle `CIS-DI-0001`, BuildKit
 * `JSONArgsRecommended`). Every place that takes a name (`--ignore`, the config file, inline
 * ignores, `explain`) compares through `nameKey`, so case does not matter and each of Trivy's three
 * spellings of a rule (`DS002`, `DS-0002`, `AVD-DS-0002`) names the same check: a check lists one.
 */
import type { Check, Finding, FindingRules, PeerRuleId, RuleId } from './types.js';
import { editDistance } from '../util/distance.js';
import { compareText } from '../util/order.js';

type Named = Pick<Check, 'id' | 'category' | 'aliases'> & { findingIds?: RegExp | undefined; findingRules?: FindingRules | undefined };

const TRIVY = /^(?:avd-)?ds-?0*(\d{1,4})$/i;

/** The spelling names are compared in: lower case, and a Trivy id as `ds` and three digits. */
export function nameKey(name: string): string {
  const s = name.trim();
  const trivy = TRIVY.exec(s);
  if (trivy) return `ds${trivy[1]!.padStart(3, '0')}`;
  return s.toLowerCase();
}

const keysOf = new WeakMap<object, Set<string>>();

/**
 * The aliases that name the whole check. A peer id that is also one of the check's finding ids
 * (`DL3052` for `correctness/label-schema`, which reports hadolint's DL3049–DL3058 each under its own
 * id) names only those findings: ignoring it, or giving it a severity, leaves the check's other findings alone.
 */
export function checkAliases(check: Named): readonly string[] {
  const all = check.aliases ?? [];
  return check.findingIds ? all.filter((a) => !check.findingIds!.test(a)) : all;
}

/**
 * Every key that designates a check: its id, its category, each alias, and the prefix of its findings'
 * own rule ids (`shellcheck`, as `correctness` names every `correctness/…` rule, names every `shellcheck/SC…` one).
 */
function checkKeys(check: Named): Set<string> {
  let keys = keysOf.get(check);
  if (!keys) {
    keys = new Set([nameKey(check.id), nameKey(check.category), ...checkAliases(check).map(nameKey), ...(check.findingRules ? [nameKey(check.findingRules.prefix)] : [])]);
    keysOf.set(check, keys);
  }
  return keys;
}

/** True when `name` (a rule id, a category or a peer id, in any case and any of Trivy's spellings) designates `check`. */
export function designates(check: Named, name: string): boolean {
  return checkKeys(check).has(nameKey(name));
}

/** True when `name` designates one of `checks`, or one kind of finding of one of them (`SC2086`, `shellcheck/SC2086`, see `Check.findingIds`). */
export function isKnownName(checks: readonly Named[], name: string): boolean {
  const key = nameKey(name);
  return checks.some((c) => checkKeys(c).has(key) || namesFindings(c, name));
}

/**
 * The peer's own id that `name` gives for one kind of `check`'s findings, as the peer writes it
 * (`SC2086` for `SC2086`, `sc2086` or `shellcheck/SC2086`); null when it names none.
 */
export function findingIdOf(check: Named, name: string): string | null {
  const ids = check.findingIds;
  if (!ids) return null;
  let s = name.trim();
  const prefix = check.findingRules?.prefix;
  if (prefix && s.toLowerCase().startsWith(`${prefix}/`)) s = s.slice(prefix.length + 1);
  return ids.test(s) ? s.toUpperCase() : null;
}

/** True when `name` is one of the finding ids of `check`, bare or under its prefix (`SC2086`, `shellcheck/SC2086` for `correctness/shellcheck`). */
export function namesFindings(check: Named, name: string): boolean {
  return findingIdOf(check, name) !== null;
}

/** The rule id a finding of `check` with the peer's id `id` is reported under: `shellcheck/SC2086`. */
export function findingRule(ids: FindingRules, id: string): PeerRuleId {
  return `${ids.prefix}/${id.toUpperCase()}` as PeerRuleId;
}

/** True when `name` names the check or the finding's own kind (`SC2086` or `shellcheck/SC2086` for a finding whose messageId is SC2086). */
export function designatesFinding(check: Named, messageId: string, name: string): boolean {
  if (designates(check, name)) return true;
  const id = findingIdOf(check, name);
  return id !== null && id === findingIdOf(check, messageId);
}

/** The names of a list that name kinds of findings (`SC2086`, `shellcheck/SC2086`) rather than whole checks. */
export function findingNames(checks: readonly Named[], names: readonly string[]): string[] {
  return names.filter((n) => !checks.some((c) => designates(c, n)) && checks.some((c) => namesFindings(c, n)));
}

/** The id of the check that reported a finding: its rule, or for a finding with a peer's own id (`shellcheck/SC2086`) its `check`. */
export function checkIdOf(f: Pick<Finding, 'rule' | 'check'>): RuleId {
  return f.check ?? (f.rule as RuleId);
}

/** True when `alias` of some check is written as `name` (any case, any Trivy spelling). */
export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/** The tool a peer id belongs to, from its shape; null for a name that is no peer id. */
export function peerTool(name: string): string | null {
  const s = name.trim();
  if (/^DL\d{4}$/i.test(s)) return 'hadolint';
  if (/^SC\d{4}$/i.test(s)) return 'ShellCheck';
  if (TRIVY.test(s)) return 'Trivy';
  if (/^CKV2?_DOCKER_\d+$/i.test(s)) return 'Checkov';
  if (/^(CIS-DI|DKL-(DI|LI))-\d{4}$/i.test(s)) return 'dockle';
  return null;
}

const distance = editDistance;

/** A name close to what the user wrote, and the check it designates (null for a category). */
export interface Suggestion {
  name: string;
  check: string | null;
}

/**
 * The names closest to `name`: ids whose last part or whole id contains it, then peer ids of the same
 * tool and rule ids by edit distance. At most `limit`, best first.
 */
export function closestNames(name: string, checks: readonly Named[], limit = 3): Suggestion[] {
  const key = nameKey(name);
  const tool = peerTool(name);
  const scored: { s: Suggestion; score: number }[] = [];
  const seen = new Set<string>();
  const add = (s: Suggestion, score: number): void => {
    const k = `${s.name}\0${s.check ?? ''}`;
    if (seen.has(k)) return;
    seen.add(k);
    scored.push({ s, score });
  };
  for (const c of checks) {
    const short = c.id.slice(c.id.indexOf('/') + 1);
    if (key.length >= 3 && (short.includes(key) || key.includes(short))) add({ name: c.id, check: c.id }, 0);
    else if (!tool) add({ name: c.id, check: c.id }, Math.min(distance(key, c.id), distance(key, short)));
    for (const a of c.aliases ?? []) {
      // A peer id is compared with the ids of the same tool (CKV2_DOCKER_17 with CKV2_DOCKER_16, not DL3017).
      if (tool && peerTool(a) === tool) add({ name: a, check: c.id }, distance(key, nameKey(a)));
    }
  }
  if (!tool) for (const cat of new Set(checks.map((c) => c.category))) add({ name: cat, check: null }, distance(key, cat));
  const best = scored.sort((x, y) => x.score - y.score || compareText(x.s.name, y.s.name));
  // Nothing within half the name's length is a guess, not a suggestion.
  const bound = Math.max(2, Math.ceil(key.length / 2));
  return best.filter((x) => x.score <= bound).slice(0, limit).map((x) => x.s);
}

/** `closest: a (rule), b` for a message, or '' when nothing is close. */
export function suggestionText(suggestions: readonly Suggestion[]): string {
  if (suggestions.length === 0) return '';
  return `closest: ${suggestions.map((s) => (s.check && s.check !== s.name ? `${s.name} (${s.check})` : s.name)).join(', ')}`;
}

/** Why a name designates no check, in one clause: a peer rule no check covers, or an unknown name; with the closest names. */
export function unknownName(name: string, checks: readonly Named[]): string {
  const tool = peerTool(name);
  const what = tool ? `no shipshape check covers ${tool}'s ${name}` : 'no such rule, category or peer id';
  const near = suggestionText(closestNames(name, checks));
  return `${what}${near ? `; ${near}` : ''} (see \`shipshape rules\`)`;
}
