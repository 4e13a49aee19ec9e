/**
 * SARIF 2.1.0 for GitHub code scanning: one run, every registered check as a rule (and each ShellCheck
 * code found, `shellcheck/SC2086`, as a rule of its own), one result per finding. Dockerfile and entrypoint-script findings carry a physical location with a region; image
 * findings point at the tarball and name the layer and in-image path as logical locations.
 */
import { isAbsolute, posix, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Check, Finding, Severity } from '../engine/types.js';
import { renderRuleDoc } from '../engine/docs.js';
import { fixHoldsCredential, type TargetResult } from './model.js';
import { VERSION } from '../version.js';

/** Where the rule pages live; `helpUri` of each rule is `<base><id>.md`. */
export const RULE_DOCS_BASE = `https://github.com/shipshape-lint/shipshape/blob/v${VERSION}/docs/rules/`;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A target path as a SARIF URI: relative to the working directory (the repository root in CI), with `/`. */
export function toUri(path: string, cwd: string = process.cwd()): string {
  let p = path;
  if (isAbsolute(p)) {
    const rel = relative(cwd, p);
    if (rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(p).href;
    p = rel;
  }
  return encodeURI(p.split(sep).join('/').replace(/^\.\//, ''));
}

/** Where a finding is explained: its peer's page (ShellCheck's wiki for a `shellcheck/SC2086` finding), else its rule's page. */
export function helpUriOf(f: Pick<Finding, 'rule' | 'helpUri'>): string {
  return f.helpUri ?? `${RULE_DOCS_BASE}${f.rule}.md`;
}

/**
 * The rule of findings with a peer tool's own id (`shellcheck/SC2086`), which no registered check
 * describes alone: its name is the peer's id, its description the first such finding's message (ShellCheck
 * says what the code means there), its help the peer's page, its level that finding's (the check gives
 * each code its own: a ShellCheck syntax error is a warning, most codes are info).
 */
function peerRuleOf(f: Finding, owner: Check | undefined): Record<string, unknown> {
  const text = f.message;
  const via = owner ? ` It is reported by ${owner.id} (${owner.title}); \`--ignore ${f.rule}\` skips this code, \`--ignore ${owner.id}\` every code.` : '';
  return {
    id: f.rule,
    name: f.messageId,
    shortDescription: { text },
    helpUri: helpUriOf(f),
    help: { text: `${f.messageId}: ${text}. See ${helpUriOf(f)}.${via}`, markdown: `**${f.messageId}**: ${text}. See [${f.messageId}](${helpUriOf(f)}).${via}` },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: { tags: [f.category, f.rule.split('/')[0]!], category: f.category, ...(f.check ? { check: f.check } : {}) },
  };
}

function ruleOf(c: Check): Record<string, unknown> {
  return {
    id: c.id,
    name: c.id.split('/')[1]!.replace(/-(\w)/g, (_, x: string) => x.toUpperCase()).replace(/^\w/, (x) => x.toUpperCase()),
    shortDescription: { text: c.title },
    fullDescription: { text: c.docs.why.replace(/\s+/g, ' ').trim() },
    helpUri: `${RULE_DOCS_BASE}${c.id}.md`,
    help: { text: c.docs.why.trim(), markdown: renderRuleDoc(c) },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: { tags: [c.category, ...(c.aliases ?? [])], category: c.category },
  };
}

function locationsOf(f: Finding, target: TargetResult): Record<string, unknown>[] {
  const l = f.location;
  if (l.kind === 'image') {
    const logical: Record<string, unknown>[] = [];
    if (l.layer !== undefined) logical.push({ name: `layer ${l.layer}`, kind: 'module' });
    if (l.path !== undefined) logical.push({ name: l.path, fullyQualifiedName: l.layer !== undefined ? `layer ${l.layer}:${l.path}` : l.path, kind: 'resource' });
    if (l.field !== undefined) logical.push({ name: l.field, fullyQualifiedName: `config.${l.field}`, kind: 'property' });
    const out: Record<string, unknown> = { physicalLocation: { artifactLocation: { uri: toUri(target.path) } } };
    if (logical.length) out.logicalLocations = logical;
    return [out];
  }
  const file = l.kind === 'file' ? posix.join(posix.dirname(target.path.split(sep).join('/')), l.file.split(sep).join('/')) : target.path;
  const r = l.range;
  const region: Record<string, number> = { startLine: r.line, startColumn: r.column };
  if (r.endLine >= r.line) region.endLine = r.endLine;
  if (r.endColumn >= 1 && (r.endLine > r.line || r.endColumn > r.column)) region.endColumn = r.endColumn;
  return [{ physicalLocation: { artifactLocation: { uri: toUri(file) }, region } }];
}

/** A finding's fix as SARIF `fixes[]`: one artifact change per file, its edits as replacements. */
function sarifFix(f: Finding, target: TargetResult): Record<string, unknown> {
  const fix = f.fix!;
  const byFile = new Map<string, Record<string, unknown>[]>();
  for (const e of fix.edits) {
    const file = e.file === undefined ? target.path : posix.join(posix.dirname(target.path.split(sep).join('/')), e.file.split(sep).join('/'));
    const r = e.range;
    const list = byFile.get(file) ?? [];
    list.push({ deletedRegion: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn }, insertedContent: { text: e.text } });
    byFile.set(file, list);
  }
  return {
    description: { text: `${fix.title} (${fix.kind})` },
    artifactChanges: [...byFile].map(([file, replacements]) => ({ artifactLocation: { uri: toUri(file) }, replacements })),
  };
}

/** The SARIF log for these results, with `rules` as the tool's rule list. */
export function sarifLog(results: readonly TargetResult[], rules: readonly Check[]): Record<string, unknown> {
  const index = new Map<string, number>(rules.map((c, i) => [c.id, i] as const));
  // Each peer rule that occurs (shellcheck/SC2086) gets a descriptor after the registered checks, in id order.
  const peer = new Map<string, Finding>();
  for (const t of results) for (const f of t.findings) if (f.check && f.rule !== f.check && !index.has(f.rule) && !peer.has(f.rule)) peer.set(f.rule, f);
  const peerRules = [...peer.values()].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)).map((f) => peerRuleOf(f, rules.find((c) => c.id === f.check)));
  peerRules.forEach((r, i) => index.set(r.id as string, rules.length + i));
  const sarifResults: Record<string, unknown>[] = [];
  for (const t of results) {
    for (const f of t.findings) {
      const res: Record<string, unknown> = { ruleId: f.rule, level: LEVEL[f.severity], message: { text: f.message }, locations: locationsOf(f, t) };
      const i = index.get(f.rule);
      if (i !== undefined) res.ruleIndex = i;
      const props: Record<string, unknown> = { category: f.category, messageId: f.messageId, target: t.path };
      if (f.check) props.check = f.check;
      if (f.detail) props.detail = f.detail;
      res.properties = props;
      // A fix whose edits would print a credential from the file is left out (model.ts, fixHoldsCredential).
      if (f.fix && !fixHoldsCredential(f)) res.fixes = [sarifFix(f, t)];
      // An image finding traced to its Dockerfile (--dockerfile): the instruction that made the layer.
      if (f.dockerfile) res.relatedLocations = [{ id: 1, message: { text: 'the Dockerfile instruction that made this layer or setting' }, physicalLocation: { artifactLocation: { uri: toUri(f.dockerfile.file) }, region: { startLine: f.dockerfile.line } } }];
      // A Kubernetes container finding: the place in the image or Dockerfile the manifest meets.
      else if (f.pairedWith) {
        const p = f.pairedWith;
        const physical: Record<string, unknown> = { artifactLocation: { uri: toUri(p.file) } };
        if (p.line !== undefined && p.path === undefined) physical.region = { startLine: p.line };
        const related: Record<string, unknown> = { id: 1, message: { text: `the image or Dockerfile this container runs${p.field !== undefined ? ` (config ${p.field})` : ''}${p.path !== undefined ? ` (${p.path})` : ''}` }, physicalLocation: physical };
        res.relatedLocations = [related];
      }
      sarifResults.push(res);
    }
  }
  const notifications = results
    .filter((t) => t.error !== null)
    .map((t) => ({ level: 'error', message: { text: t.error ?? '' }, locations: [{ physicalLocation: { artifactLocation: { uri: toUri(t.path) } } }] }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'shipshape',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: RULE_DOCS_BASE.replace(/blob\/.*$/, ''),
            rules: [...rules.map(ruleOf), ...peerRules],
          },
        },
        invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
        results: sarifResults,
      },
    ],
  };
}

export function renderSarif(results: readonly TargetResult[], rules: readonly Check[]): string {
  return JSON.stringify(sarifLog(results, rules), null, 2) + '\n';
}
