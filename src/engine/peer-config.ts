/**
 * Other tools' settings read as shipshape's: Trivy's `.trivyignore`, and hadolint's config file
 * (`.hadolint.yaml`) read as a shipshape config: used when no `.shipshape.yaml`
 * applies, and written out as one by `shipshape config --from-hadolint`. Each hadolint setting maps
 * to the shipshape setting that does the same; what has no counterpart is named in `dropped`.
 *
 * | hadolint | shipshape |
 * |---|---|
 * | `ignored: [DL3008]` | `ignore` (through the checks' hadolint ids) |
 * | `override: {error: [DL3001], style: [..]}` | `severity` (`style` is `info`) |
 * | `failure-threshold: warning` | `failOn` (`style` is `info`, `ignore`/`none` never fail) |
 * | `no-fail: true` | `failOn: none` |
 * | `trustedRegistries: [..]` | `trustedRegistries` |
 * | `label-schema: {author: text}`, `strict-labels` | `labelSchema`, `strictLabels` |
 */
import type { Check, Severity } from './types.js';
import { isKnownName, peerTool } from './names.js';
import { LABEL_TYPES, type ConfigFile, type FailOn, type LabelType } from './config-resolve.js';

const SEVERITY: Record<string, Severity> = { error: 'error', warning: 'warning', info: 'info', style: 'info' };
const THRESHOLD: Record<string, FailOn> = { error: 'error', warning: 'warning', info: 'info', style: 'info', ignore: 'none', none: 'none' };
/** Settings of how hadolint prints, which shipshape takes from its own flags. */
const PRESENTATION = new Set(['format', 'no-color', 'verbose']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** A hadolint config (parsed YAML) as a shipshape config, and what of it was not taken over. */
export function fromHadolint(raw: unknown, known: readonly Check[]): { config: ConfigFile; dropped: string[] } {
  const config: ConfigFile = {};
  const dropped: string[] = [];
  if (!isRecord(raw)) return { config, dropped: raw === null || raw === undefined ? [] : ['the file is not a mapping of settings'] };
  const noCheck = (where: string, ids: string[]): void => {
    if (ids.length) dropped.push(`${where}: ${ids.join(', ')} (no shipshape check covers ${ids.length === 1 ? 'it' : 'them'})`);
  };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'ignored') {
      const ids = strings(value);
      const keep = ids.filter((id) => isKnownName(known, id));
      if (keep.length) config.ignore = keep;
      noCheck('ignored', ids.filter((id) => !keep.includes(id)));
    } else if (key === 'override' && isRecord(value)) {
      const severity: Record<string, Severity> = {};
      for (const [level, ids] of Object.entries(value)) {
        const sev = SEVERITY[level];
        if (!sev) {
          dropped.push(`override.${level}: not a hadolint severity`);
          continue;
        }
        const list = strings(ids);
        for (const id of list.filter((i) => isKnownName(known, i))) severity[id] = sev;
        noCheck(`override.${level}`, list.filter((i) => !isKnownName(known, i)));
      }
      if (Object.keys(severity).length) config.severity = severity;
    } else if (key === 'failure-threshold' && typeof value === 'string' && THRESHOLD[value]) {
      config.failOn ??= THRESHOLD[value];
    } else if (key === 'no-fail' && typeof value === 'boolean') {
      if (value) config.failOn = 'none';
    } else if (key === 'trustedRegistries') {
      const list = strings(value);
      if (list.length) config.trustedRegistries = list;
    } else if (key === 'label-schema' && isRecord(value)) {
      const schema: Record<string, LabelType> = {};
      for (const [label, type] of Object.entries(value)) {
        if (typeof type === 'string' && (LABEL_TYPES as readonly string[]).includes(type)) schema[label] = type as LabelType;
        else dropped.push(`label-schema.${label}: "${String(type)}" is not one of ${LABEL_TYPES.join(', ')}`);
      }
      if (Object.keys(schema).length) config.labelSchema = schema;
    } else if (key === 'strict-labels' && typeof value === 'boolean') {
      config.strictLabels = value;
    } else if (key === 'disable-ignore-pragma') {
      if (value === true) dropped.push('disable-ignore-pragma: shipshape always honours inline ignores (and reports stale ones)');
    } else if (PRESENTATION.has(key)) {
      // How hadolint prints: shipshape's --format and --no-color say it on the command line.
    } else {
      dropped.push(`${key}: not a hadolint setting shipshape knows`);
    }
  }
  // `no-fail` wins over a threshold, as in hadolint.
  if (raw['no-fail'] === true) config.failOn = 'none';
  return { config, dropped };
}

/**
 * The Trivy Dockerfile rule ids a `.trivyignore` lists (one id a line, `#` comments, an optional
 * `exp:YYYY-MM-DD` after which the line no longer applies). Vulnerability, secret and licence ids
 * (CVE-…, GHSA-…) are not shipshape's business and are skipped.
 */
export function trivyIgnoreIds(text: string, today: string = new Date().toISOString().slice(0, 10)): string[] {
  const ids: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const words = line.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    const id = words[0];
    if (!id || peerTool(id) !== 'Trivy') continue;
    const exp = words.find((w) => w.startsWith('exp:'))?.slice(4);
    if (exp !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(exp) || exp <= today)) continue;
    ids.push(id);
  }
  return ids;
}
