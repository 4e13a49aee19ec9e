/** The runner: facts in, findings out. Each check gets fresh visitors for each input. */
import type { DockerfileFacts, Instruction } from '../dockerfile/model.js';
import type { ImageFacts } from '../image/facts.js';
import type { BuildSource } from '../image/origin.js';
import type { ManifestFacts } from '../manifests/model.js';
import type { EffectiveContainer } from '../pair/effective.js';
import type { Check, CheckSettings, DockerfileVisitor, Finding, Location, ReportDescriptor, Severity } from './types.js';
import { redactSecrets } from '../knowledge/secrets.js';
import { findingRule } from './names.js';

/**
 * Fills `{name}` placeholders. What fills them comes from the input, so a credential in it (a token
 * written as a label key or a COPY destination) is cut to its first four characters (`ghp_…`): a
 * finding must not spread a secret into CI logs, whatever check reports it.
 */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in data ? redactSecrets(String(data[k])) : m));
}

function locate(d: ReportDescriptor<string>, target: 'dockerfile' | 'manifest' = 'dockerfile'): Location {
  if (d.image) return { kind: 'image', ...d.image };
  const r = d.at ? ('range' in d.at ? d.at.range : d.at) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
  if (d.file) return { kind: 'file', file: d.file, range: r };
  return { kind: target, range: r };
}

/** A step of the input's side applied to every finding after its check reported it (see `ImageRunOptions.amend`). */
export type Amend = (finding: Finding, said: ReportDescriptor<string>) => void;

/**
 * The most findings one check reports on one input. No file a person wrote comes near (the most
 * frequent rule on a real Dockerfile has a few dozen); a generated file of 16,000 RUNs has 16,000
 * of several, and keeping, fingerprinting and printing them cost more time and memory than the
 * analysis (80,000 findings: 5 s and 500 MB). Past it findings are counted (`RunOptions.overflow`),
 * and the caller says so in a note.
 */
export const MAX_FINDINGS_PER_CHECK = 1000;

function reporter<M extends string>(check: Check<M>, out: Finding[], severityOf: (c: Check) => Severity, amend?: Amend, target: 'dockerfile' | 'manifest' = 'dockerfile', findingSeverity?: FindingSeverity, overflow?: Map<string, number>) {
  let reported = 0;
  return (d: ReportDescriptor<M>): void => {
    if (overflow && ++reported > MAX_FINDINGS_PER_CHECK) {
      overflow.set(check.id, (overflow.get(check.id) ?? 0) + 1);
      return;
    }
    const template = check.messages[d.messageId];
    const messageId = d.findingId ?? d.messageId;
    // A finding with a peer tool's own id (ShellCheck's SC2086) is reported as that tool's rule: shellcheck/SC2086.
    const ids = d.findingId !== undefined ? check.findingRules : undefined;
    const finding: Finding = {
      rule: ids ? findingRule(ids, messageId) : check.id,
      category: check.category,
      severity: (d.findingId !== undefined ? findingSeverity?.(check as Check, messageId) : undefined) ?? d.severity ?? severityOf(check as Check),
      message: formatMessage(template, d.data),
      messageId,
      location: locate(d, target),
    };
    if (ids) {
      finding.check = check.id;
      finding.helpUri = ids.helpUri.replace('{id}', encodeURIComponent(messageId.toUpperCase()));
    }
    if (d.detail) finding.detail = d.detail;
    if (d.dockerfile) finding.dockerfile = d.dockerfile;
    if (d.fix && d.fix.edits.length > 0) finding.fix = d.fix;
    if (d.pairedWith) finding.pairedWith = d.pairedWith;
    amend?.(finding, d as ReportDescriptor<string>);
    out.push(finding);
  };
}

/**
 * The configured severity of a finding that carries its own id (`ReportDescriptor.findingId`, ShellCheck's
 * `SC2086`): the setting for that id, else the one for its check; undefined when neither is configured.
 */
export type FindingSeverity = (check: Check, messageId: string) => Severity | undefined;

export interface RunOptions {
  /** Severity per rule id, overriding the check's default. */
  severity?: (check: Check) => Severity;
  /** Severity set in the config for findings with their own id, over the severity the check gives them. */
  findingSeverity?: FindingSeverity;
  /** Config-file settings checks read as `ctx.settings`. */
  settings?: CheckSettings;
  /** Given, findings past MAX_FINDINGS_PER_CHECK of a check are not kept but counted here, by rule id. */
  overflow?: Map<string, number>;
}

const defaultSeverity = (c: Check): Severity => c.severity;

/**
 * Which visitor hooks to call, and in which order, for each instruction keyword: the visitors' hook
 * names read once and kept while the same checks give visitors of the same shape (every Dockerfile
 * of a run, as a rule), so a file pays neither for reading ~95 visitors' keys nor for merging them.
 * Order: visitor by visitor, and within a visitor `instruction`, then the keyword's own hook, then
 * `RUN` for an ONBUILD RUN trigger.
 */
interface Plan {
  checks: readonly Check[];
  /** Per visitor: its enumerable keys, which of them are functions, and the function ones (hooks); null for a visitor that is not a plain object. */
  shapes: ({ keys: string[]; isHook: boolean[]; hooks: Set<string> } | null)[];
  calls: Map<string, Calls>;
}

/** Calls in order: visitor index, hook name, and whether the hook gets the ONBUILD trigger. */
interface Calls {
  at: number[];
  names: string[];
  trigger: boolean[];
}

/**
 * The plans of the last check sets run, newest last: a run with ShellCheck runs its checks in two
 * sets per file (the others while ShellCheck runs, then the ShellCheck check), so one is not enough.
 */
const lastPlans: Plan[] = [];
const KEPT_PLANS = 4;

function shapeOf(v: DockerfileVisitor): Plan['shapes'][number] {
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return null;
  const keys = Object.keys(v);
  const isHook = keys.map((k) => typeof (v as Record<string, unknown>)[k] === 'function');
  return { keys, isHook, hooks: new Set(keys.filter((_, i) => isHook[i])) };
}

function sameShape(v: DockerfileVisitor, shape: Plan['shapes'][number]): boolean {
  if (!shape) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  let n = 0;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) n++;
  if (n !== shape.keys.length) return false;
  for (let i = 0; i < n; i++) {
    const k = shape.keys[i]!;
    if (!Object.prototype.hasOwnProperty.call(v, k) || (typeof (v as Record<string, unknown>)[k] === 'function') !== shape.isHook[i]) return false;
  }
  return true;
}

/** The hook names a visitor answers: its own function-valued keys, or for a class instance every function name on its prototype chain. */
function hookNames(v: DockerfileVisitor, shape: Plan['shapes'][number]): (name: string) => boolean {
  if (shape) return (name) => shape.hooks.has(name);
  return (name) => typeof (v as Record<string, unknown>)[name] === 'function';
}

function planFor(checks: readonly Check[], visitors: readonly DockerfileVisitor[]): Plan {
  for (const p of lastPlans) {
    if (p.checks.length === checks.length && p.checks.every((c, i) => c === checks[i]) && visitors.every((v, i) => sameShape(v, p.shapes[i] ?? null))) return p;
  }
  const plan: Plan = { checks: [...checks], shapes: visitors.map(shapeOf), calls: new Map() };
  // A visitor that is not a plain object may answer differently per file: such a plan is not kept.
  if (plan.shapes.every((s) => s !== null)) {
    lastPlans.push(plan);
    if (lastPlans.length > KEPT_PLANS) lastPlans.shift();
  }
  return plan;
}

/** The calls for one instruction keyword (or `stage`, `stageEnd`, `end`), built on first use. */
function callsFor(plan: Plan, visitors: readonly DockerfileVisitor[], keyword: string, runTrigger: boolean): Calls {
  const key = runTrigger ? `${keyword} RUN` : keyword;
  let calls = plan.calls.get(key);
  if (calls) return calls;
  calls = { at: [], names: [], trigger: [] };
  const lifecycle = keyword === 'stage' || keyword === 'stageEnd' || keyword === 'end';
  for (let i = 0; i < visitors.length; i++) {
    const has = hookNames(visitors[i]!, plan.shapes[i] ?? null);
    const add = (name: string, trigger: boolean): void => {
      if (!has(name)) return;
      calls!.at.push(i);
      calls!.names.push(name);
      calls!.trigger.push(trigger);
    };
    if (lifecycle) {
      add(keyword, false);
      continue;
    }
    add('instruction', false);
    if (keyword !== 'instruction') add(keyword, false);
    if (runTrigger) add('RUN', true);
  }
  // A plan of class-instance visitors is rebuilt per file; its calls are then not shared either.
  plan.calls.set(key, calls);
  return calls;
}

function call(visitors: readonly DockerfileVisitor[], calls: Calls, arg: unknown, trigger?: unknown): void {
  const { at, names } = calls;
  for (let i = 0; i < at.length; i++) {
    const v = visitors[at[i]!] as unknown as Record<string, (a: unknown) => void>;
    v[names[i]!]!(calls.trigger[i] ? trigger : arg);
  }
}

/** Runs the Dockerfile side of the checks over one Dockerfile's facts. */
export function runDockerfileChecks(facts: DockerfileFacts, checks: readonly Check[], options: RunOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const severityOf = options.severity ?? defaultSeverity;
  const visitors: DockerfileVisitor[] = [];
  const withVisitors: Check[] = [];
  for (const check of checks) {
    if (!check.dockerfile) continue;
    withVisitors.push(check);
    visitors.push(check.dockerfile({ facts, settings: options.settings ?? {}, report: reporter(check, findings, severityOf, undefined, 'dockerfile', options.findingSeverity, options.overflow) }));
  }
  const plan = planFor(withVisitors, visitors);
  let stage = null as DockerfileFacts['stages'][number] | null;
  for (const ins of facts.instructions) {
    if (ins.keyword === 'FROM' && stage) call(visitors, callsFor(plan, visitors, 'stageEnd', false), stage);
    call(visitors, callsFor(plan, visitors, ins.keyword, ins.trigger?.keyword === 'RUN'), ins, ins.trigger);
    if (ins.keyword === 'FROM' && ins.stage) {
      stage = ins.stage;
      call(visitors, callsFor(plan, visitors, 'stage', false), stage);
    }
  }
  if (stage) call(visitors, callsFor(plan, visitors, 'stageEnd', false), stage);
  call(visitors, callsFor(plan, visitors, 'end', false), undefined);
  return findings;
}

export interface ImageRunOptions extends RunOptions {
  /** The Dockerfile the image was built from, and its match to the history; null without one. */
  dockerfile?: { facts: DockerfileFacts; build: BuildSource } | null;
  /**
   * The image side's step on every finding (its layer's origin, base-owned severity): the engine
   * knows no image, so the caller passes it (`labelImageFinding` in `src/image/origin.ts`).
   */
  amend?: Amend;
}

/** Runs the image side of the checks over one image's facts. */
export function runImageChecks(image: ImageFacts, checks: readonly Check[], options: ImageRunOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const severityOf = options.severity ?? defaultSeverity;
  const settings = options.settings ?? {};
  const dockerfile = options.dockerfile?.facts ?? null;
  const build = options.dockerfile?.build ?? null;
  for (const check of checks) {
    if (!check.image) continue;
    check.image({ image, dockerfile, build, settings, report: reporter(check, findings, severityOf, options.amend) });
  }
  return findings;
}

/** Runs the container side of the checks over the containers of one manifest file. */
export function runContainerChecks(manifest: ManifestFacts, containers: readonly EffectiveContainer[], checks: readonly Check[], options: RunOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const severityOf = options.severity ?? defaultSeverity;
  const settings = options.settings ?? {};
  for (const check of checks) {
    if (!check.container) continue;
    check.container({ manifest, containers, settings, report: reporter(check, findings, severityOf, undefined, 'manifest') });
  }
  return findings;
}

/** Sorts findings by position, then rule. */
export function sortFindings(findings: Finding[]): Finding[] {
  const line = (f: Finding): number => (f.location.kind === 'image' ? (f.location.layer ?? -1) : f.location.range.line);
  const column = (f: Finding): number => (f.location.kind === 'image' ? 0 : f.location.range.column);
  return findings.sort((a, b) => {
    const fa = a.location.kind === 'file' ? a.location.file : '';
    const fb = b.location.kind === 'file' ? b.location.file : '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return line(a) - line(b) || column(a) - column(b) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
  });
}
