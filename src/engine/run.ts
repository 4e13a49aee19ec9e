/** The runner: facts in, findings out. Each check gets fresh visitors for each input. */
import type { DockerfileFacts, Instruction } from '../dockerfile/model.js';
import type { ImageFacts } from '../image/facts.js';
import type { Check, CheckSettings, DockerfileVisitor, Finding, Location, ReportDescriptor, Severity } from './types.js';
import { baseSeverity, layerOrigin, originDetail, type OriginContext } from '../image/origin.js';

/** Categories whose image findings about a base-image layer are `info` by default (see `baseSeverity`). */
const BASE_OWNED: ReadonlySet<string> = new Set(['tools', 'size']);

/** Fills `{name}` placeholders. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

function locate(d: ReportDescriptor<string>): Location {
  if (d.image) return { kind: 'image', ...d.image };
  const r = d.at ? ('range' in d.at ? d.at.range : d.at) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
  if (d.file) return { kind: 'file', file: d.file, range: r };
  return { kind: 'dockerfile', range: r };
}

function reporter<M extends string>(check: Check<M>, out: Finding[], severityOf: (c: Check) => Severity, image?: OriginContext) {
  return (d: ReportDescriptor<M>): void => {
    const template = check.messages[d.messageId];
    const finding: Finding = {
      rule: check.id,
      category: check.category,
      severity: d.severity ?? severityOf(check as Check),
      message: formatMessage(template, d.data),
      messageId: d.messageId,
      location: locate(d),
    };
    if (d.detail) finding.detail = d.detail;
    if (d.dockerfile) finding.dockerfile = d.dockerfile;
    if (image && d.image?.layer !== undefined && image.image.layers[d.image.layer]) {
      // Every image finding about a layer says where it came from and, with the Dockerfile, which line made it.
      const origin = layerOrigin(image, d.image.layer);
      finding.detail = { ...originDetail(origin), ...finding.detail };
      // What the base image owns (its tools, its waste) is info unless --base-findings; a check may still say otherwise.
      if (d.severity === undefined && origin.fromBase && BASE_OWNED.has(check.category)) finding.severity = baseSeverity(image, origin) ?? finding.severity;
      if (!finding.dockerfile && origin.dockerfile) finding.dockerfile = origin.dockerfile;
    }
    out.push(finding);
  };
}

export interface RunOptions {
  /** Severity per rule id, overriding the check's default. */
  severity?: (check: Check) => Severity;
  /** Config-file settings checks read as `ctx.settings`. */
  settings?: CheckSettings;
}

const defaultSeverity = (c: Check): Severity => c.severity;

type Hook = (ins: Instruction) => void;

/**
 * The hooks to call for one keyword, in visitor order and, within a visitor, `instruction`, then the
 * keyword's own hook, then `RUN` for an ONBUILD RUN trigger: a flat list spares looking up every
 * keyword on every visitor for every instruction (about 95 visitors).
 */
interface Hooks {
  fns: Hook[];
  owners: DockerfileVisitor[];
  onTrigger: boolean[];
}

/** One visitor's hook under one name, with the visitor's place in the list. */
interface Bucket {
  at: number[];
  fns: Function[];
  owners: DockerfileVisitor[];
}

/**
 * Every visitor's hooks by name, read once per Dockerfile: a visitor is an object literal with a few
 * hooks, so reading its own keys asks each of ~95 differently shaped objects for what it has, not for
 * every keyword it lacks. A visitor that is not a plain object (hooks on a prototype) is asked by name.
 */
function bucketsOf(visitors: readonly DockerfileVisitor[]): Map<string, Bucket> {
  const out = new Map<string, Bucket>();
  const put = (name: string, fn: unknown, v: DockerfileVisitor, at: number): void => {
    if (typeof fn !== 'function') return;
    let b = out.get(name);
    if (!b) out.set(name, (b = { at: [], fns: [], owners: [] }));
    b.at.push(at);
    b.fns.push(fn as Function);
    b.owners.push(v);
  };
  const plain = new Set<string>();
  for (let at = 0; at < visitors.length; at++) {
    const v = visitors[at]!;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === Object.prototype || proto === null) {
      for (const name of Object.keys(v)) put(name, (v as Record<string, unknown>)[name], v, at);
    } else {
      // Names are unknown here: keep the visitor under every name it answers, as a by-name lookup would.
      for (let o: object | null = v; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) for (const name of Object.getOwnPropertyNames(o)) plain.add(name);
      for (const name of plain) put(name, (v as Record<string, unknown>)[name], v, at);
      plain.clear();
    }
  }
  return out;
}

const NO_BUCKET: Bucket = { at: [], fns: [], owners: [] };

function hooksFor(buckets: Map<string, Bucket>, keyword: string, runTrigger: boolean): Hooks {
  const h: Hooks = { fns: [], owners: [], onTrigger: [] };
  // Merged by visitor place; within a visitor: instruction, the keyword's hook, RUN for a trigger.
  const lists: [Bucket, boolean][] = [[buckets.get('instruction') ?? NO_BUCKET, false], [keyword === 'instruction' ? NO_BUCKET : buckets.get(keyword) ?? NO_BUCKET, false]];
  if (runTrigger) lists.push([buckets.get('RUN') ?? NO_BUCKET, true]);
  const pos = lists.map(() => 0);
  for (;;) {
    let best = -1;
    let bestAt = Infinity;
    for (let l = 0; l < lists.length; l++) {
      const at = lists[l]![0].at[pos[l]!];
      if (at !== undefined && at < bestAt) {
        bestAt = at;
        best = l;
      }
    }
    if (best < 0) return h;
    const [b, onTrigger] = lists[best]!;
    const k = pos[best]!++;
    h.fns.push(b.fns[k] as Hook);
    h.owners.push(b.owners[k]!);
    h.onTrigger.push(onTrigger);
  }
}

function callAll(b: Bucket | undefined, arg?: unknown): void {
  if (!b) return;
  for (let i = 0; i < b.fns.length; i++) b.fns[i]!.call(b.owners[i], arg);
}

/** Runs the Dockerfile side of the checks over one Dockerfile's facts. */
export function runDockerfileChecks(facts: DockerfileFacts, checks: readonly Check[], options: RunOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const severityOf = options.severity ?? defaultSeverity;
  const visitors: DockerfileVisitor[] = [];
  for (const check of checks) {
    if (!check.dockerfile) continue;
    visitors.push(check.dockerfile({ facts, settings: options.settings ?? {}, report: reporter(check, findings, severityOf) }));
  }
  const buckets = bucketsOf(visitors);
  const stageHooks = buckets.get('stage');
  const stageEndHooks = buckets.get('stageEnd');
  const byKeyword = new Map<string, Hooks>();
  let stage = null as DockerfileFacts['stages'][number] | null;
  for (const ins of facts.instructions) {
    if (ins.keyword === 'FROM' && stage) callAll(stageEndHooks, stage);
    const runTrigger = ins.trigger?.keyword === 'RUN';
    const key = runTrigger ? `${ins.keyword} RUN` : ins.keyword;
    let hooks = byKeyword.get(key);
    if (!hooks) byKeyword.set(key, (hooks = hooksFor(buckets, ins.keyword, runTrigger)));
    const { fns, owners, onTrigger } = hooks;
    for (let i = 0; i < fns.length; i++) fns[i]!.call(owners[i], onTrigger[i] ? ins.trigger! : ins);
    if (ins.keyword === 'FROM' && ins.stage) {
      stage = ins.stage;
      callAll(stageHooks, stage);
    }
  }
  if (stage) callAll(stageEndHooks, stage);
  callAll(buckets.get('end'));
  return findings;
}

/** Runs the image side of the checks over one image's facts. */
export function runImageChecks(image: ImageFacts, dockerfile: DockerfileFacts | null, checks: readonly Check[], options: RunOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const severityOf = options.severity ?? defaultSeverity;
  for (const check of checks) {
    if (!check.image) continue;
    const settings = options.settings ?? {};
    check.image({ image, dockerfile, settings, report: reporter(check, findings, severityOf, { image, dockerfile, settings }) });
  }
  return findings;
}

/** Sorts findings by position, then rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  const key = (f: Finding): [number, number] => (f.location.kind === 'image' ? [f.location.layer ?? -1, 0] : [f.location.range.line, f.location.range.column]);
  return findings.sort((a, b) => {
    const fa = a.location.kind === 'file' ? a.location.file : '';
    const fb = b.location.kind === 'file' ? b.location.file : '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const [la, ca] = key(a);
    const [lb, cb] = key(b);
    return la - lb || ca - cb || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
  });
}
