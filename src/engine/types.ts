/** The check contract: what a check declares and what it receives. */
import type { Range } from '../util/text.js';
import type { DockerfileFacts, Instruction, Stage } from '../dockerfile/model.js';
import type { ImageFacts } from '../image/facts.js';

import { CATEGORIES, SEVERITIES, SEVERITY_RANK, type Category, type Severity } from '../knowledge/practices.js';
import type { BuildSource } from '../image/origin.js';
import type { ManifestFacts } from '../manifests/model.js';
import type { Counterpart, EffectiveContainer } from '../pair/effective.js';
import type { RuleId } from './rule-ids.js';

export { CATEGORIES, SEVERITIES, SEVERITY_RANK, type Category, type Severity, type RuleId, type Counterpart };

/** Where a finding points. */
export type Location =
  | { kind: 'dockerfile'; range: Range }
  | { kind: 'file'; file: string; range: Range }
  | { kind: 'image'; path?: string; layer?: number; field?: string }
  /** A range in the Kubernetes manifest the finding belongs to. */
  | { kind: 'manifest'; range: Range };


/**
 * One text edit of a fix: `range` of the original text (1-based, end-exclusive column; an empty range
 * inserts) is replaced by `text`. Without `file` it edits the Dockerfile; with one, that file of the
 * build context (an entrypoint script), by its path relative to the context.
 */
export interface TextEdit {
  range: Range;
  text: string;
  file?: string;
}

/** `safe`: the result builds the same program, `--fix` applies it. `suggested`: it changes behaviour the author must accept (`--fix-unsafe`). */
export type FixKind = 'safe' | 'suggested';

/** The fix of one finding: edits applied together or not at all. */
export interface Fix {
  kind: FixKind;
  /** What the fix does, in a few words (an editor's code action title). */
  title: string;
  edits: TextEdit[];
}

/**
 * The rule id of a finding that carries a peer tool's own id under a rule of its own (`Check.findingRules`): `shellcheck/SC2086`.
 * When another check reports another tool's ids this way, its shape joins this type.
 */
export type PeerRuleId = `shellcheck/SC${number}`;

/** One finding, as reporters receive it. */
export interface Finding {
  /** Its check's id, or for a finding with a peer tool's own id under a rule of its own (`findingRules`) that id under the tool's name: `shellcheck/SC2086`. */
  rule: RuleId | PeerRuleId;
  /** The check that reported it, when `rule` is not that check's id (a `shellcheck/SC2086` finding: `correctness/shellcheck`). */
  check?: RuleId;
  /** Where a finding with a peer tool's own id is explained (ShellCheck's wiki page of the code); otherwise the rule's page in docs/rules/. */
  helpUri?: string;
  category: Category;
  severity: Severity;
  message: string;
  messageId: string;
  location: Location;
  /** Extra facts for reporters (layer digest, created_by, base-image origin…). */
  detail?: Record<string, string | number | boolean>;
  /** For an image finding, when the Dockerfile is given too: the instruction that made its layer or setting. */
  dockerfile?: { file: string; line: number };
  /** A hash of the rule and the text the finding is about (not its line number): baselines match on it. */
  fingerprint?: string;
  /** Text edits that fix it (`src/fix/` applies them). */
  fix?: Fix;
  /** For a manifest finding: the image or Dockerfile it concerns too. */
  pairedWith?: Counterpart;
}

export interface CheckDocs {
  /** Why the practice matters, in a paragraph or two of Markdown. */
  why: string;
  /** A Dockerfile that breaks the practice; the check must fire on it ('' for a check of manifests alone). */
  bad: string;
  /** The same Dockerfile done right; the check must be silent on it ('' for a check of manifests alone). */
  good: string;
  /** Files of the build context the examples need (path -> content). */
  context?: Record<string, string>;
  /** For a check with fixes: what the fix does and when, where the bad example alone does not show it (it needs an image given beside it). */
  fix?: string;
  /**
   * For a check with a `container` hook: a manifest that breaks the practice and one that keeps it.
   * Each runs with the Dockerfile `dockerfile` (default: `bad` with the bad manifest, `good` with the
   * good one), or with the committed sample image `image` (`sample-images/built/<image>.tar`, e.g.
   * `setuid.docker`) when the check needs an image's files.
   */
  manifest?: { bad: string; good: string; dockerfile?: string; image?: string };
  related?: RuleId[];
}

/** Something a finding can point at: a Dockerfile range, or an object that has one. */
export type Target = Range | { range: Range };

export interface ReportDescriptor<M extends string> {
  messageId: M;
  data?: Record<string, string | number>;
  /** A Dockerfile position; an instruction, a shell command or a word carry their own. */
  at?: Target;
  /** A file of the build context (an entrypoint script) and a range in it. */
  file?: string;
  /** A place in an image. */
  image?: { path?: string; layer?: number; field?: string };
  /**
   * The finding's own id, for a check whose findings are of many kinds named by a peer tool (ShellCheck's
   * `SC2086`, see `Check.findingIds`): the finding's `messageId` instead of the template's, and with
   * `Check.findingRules` its rule is `shellcheck/SC2086`.
   */
  findingId?: string;
  /** Overrides the check's severity for this finding; `undefined` keeps it (so `severity: baseSeverity(ctx, o)` works). */
  severity?: Severity | undefined;
  detail?: Record<string, string | number | boolean>;
  /** For an image finding: the Dockerfile instruction it traces back to (the runner fills it in from `image.layer`). */
  dockerfile?: { file: string; line: number } | undefined;
  /** The fix, made with the helpers of `src/fix/edits.ts`; null or undefined when there is none for this case. */
  fix?: Fix | null | undefined;
  /** For a container finding: the place in the image or Dockerfile the manifest meets. */
  pairedWith?: Counterpart | undefined;
}

/**
 * Repository settings from the config file (`.shipshape.yaml`, after `overrides` for the target),
 * for the checks that need them. Every field is optional: a check does its default without it.
 */
export interface CheckSettings {
  /** Registries (or registry/namespace prefixes) base images may come from, e.g. `ghcr.io/acme`. */
  readonly trustedRegistries?: readonly string[];
  /** Tool names (`curl`, `sudo`…) this image may keep. */
  readonly allowedTools?: readonly string[];
  /** Report what the base image owns (tools, waste) at the check's severity instead of `info` (`--base-findings`). */
  readonly baseFindings?: boolean;
  /** Labels the final stage must carry, by name, with the type of their value (hadolint's `label-schema`). */
  readonly labelSchema?: Readonly<Record<string, 'text' | 'url' | 'email' | 'rfc3339' | 'semver' | 'hash' | 'spdx'>>;
  /** Labels outside `labelSchema` are reported too (hadolint's `strict-labels`). */
  readonly strictLabels?: boolean;
  /**
   * Images known to this run (archives given beside the Dockerfile, the image a `--dockerfile` built):
   * their tags, manifest digest and users, for fixes that pin a digest or write a numeric USER.
   */
  readonly knownImages?: readonly KnownImage[];
}

/** What a fix may take from an image given in the same run. */
export interface KnownImage {
  /** Its tags (`node:20`, `docker.io/library/node:20`). */
  tags: readonly string[];
  /** The manifest digest a registry serves it by (`sha256:…`), when the archive records it. */
  digest: string | null;
  /** Users of its /etc/passwd by name, with their primary group. */
  users: ReadonlyMap<string, { uid: number; gid: number }>;
  /** Its config's working directory ('' when unset: `/`). */
  workdir: string;
  /** The image was built from the Dockerfile being analyzed (`--dockerfile`), so its users are the final stage's. */
  built: boolean;
}

export interface DockerfileContext<M extends string> {
  readonly facts: DockerfileFacts;
  /** Settings from the config file; `{}` when there is none. */
  readonly settings: CheckSettings;
  report(d: ReportDescriptor<M>): void;
}

export interface ImageContext<M extends string> {
  readonly image: ImageFacts;
  /** Settings from the config file; `{}` when there is none. */
  readonly settings: CheckSettings;
  /** The Dockerfile the image was built from, when both are given. */
  readonly dockerfile: DockerfileFacts | null;
  /** That Dockerfile matched to the image's history (the base boundary, the line of each layer); null without a Dockerfile. */
  readonly build: BuildSource | null;
  report(d: ReportDescriptor<M>): void;
}

/**
 * The containers of one manifest file, each as Kubernetes will run it: the manifest's command,
 * args, user and environment over the image's (or the Dockerfile's) when one was matched to it.
 * `at` in a report is a range in the manifest; `pairedWith` names the place in the other input.
 */
export interface ContainerContext<M extends string> {
  readonly manifest: ManifestFacts;
  readonly containers: readonly EffectiveContainer[];
  /** Settings from the config file; `{}` when there is none. */
  readonly settings: CheckSettings;
  report(d: ReportDescriptor<M>): void;
}

type InstructionHook = (ins: Instruction) => void;

/** Visitors for one Dockerfile; state lives in the closure that made them. */
export interface DockerfileVisitor {
  /** Every instruction, in order (ONBUILD triggers excluded). */
  instruction?: InstructionHook;
  /** Called for each keyword; RUN is called for ONBUILD RUN triggers too (`ins.onbuild`). */
  FROM?: InstructionHook; RUN?: InstructionHook; CMD?: InstructionHook; ENTRYPOINT?: InstructionHook;
  COPY?: InstructionHook; ADD?: InstructionHook; ENV?: InstructionHook; ARG?: InstructionHook;
  USER?: InstructionHook; WORKDIR?: InstructionHook; EXPOSE?: InstructionHook; LABEL?: InstructionHook;
  HEALTHCHECK?: InstructionHook; SHELL?: InstructionHook; ONBUILD?: InstructionHook; MAINTAINER?: InstructionHook;
  VOLUME?: InstructionHook; STOPSIGNAL?: InstructionHook;
  /** A stage begins (after its FROM was visited) and ends. */
  stage?: (stage: Stage) => void;
  stageEnd?: (stage: Stage) => void;
  /** After the last instruction. */
  end?: () => void;
}

export type Input = 'dockerfile' | 'image' | 'manifest';

/** How a check's findings with a peer tool's own ids are reported under rule ids of their own (`Check.findingRules`). */
export interface FindingRules {
  /** The findings' rule ids are `<prefix>/<id>`: `shellcheck` gives `shellcheck/SC2086`. */
  prefix: PeerRuleId extends `${infer P}/${string}` ? P : never;
  /** The peer's page about one id, with `{id}` in it: `https://www.shellcheck.net/wiki/{id}`. */
  helpUri: string;
  /** The peer tool's name, for the docs: `ShellCheck`. */
  tool: string;
  /** The ids' shape for listings (`rules`, the docs): `SCnnnn`. */
  shape: string;
  /** One id, for the docs' examples: `SC2086`. */
  example: string;
}

export interface Check<M extends string = string> {
  /** `category/name`, equal to the file path under checks/ (the build generates the `RuleId` type from those paths). */
  id: RuleId;
  title: string;
  category: Category;
  severity: Severity;
  messages: Record<M, string>;
  docs: CheckDocs;
  /** Peer rule ids this check covers (hadolint `DL3025`, Trivy `DS002`, BuildKit `JSONArgsRecommended`). */
  aliases?: readonly string[];
  /**
   * Peer ids that each name one kind of this check's findings (ShellCheck's `SC2086`, hadolint's
   * `DL3052` for the label schema): such a finding carries its id as its `messageId`
   * (`ReportDescriptor.findingId`), and `--ignore`, the config's `ignore` and `severity`, and inline
   * ignores may name that id alone.
   */
  findingIds?: RegExp;
  /**
   * With `findingIds`: such findings are reported under rule ids of their own, `<prefix>/<id>`
   * (`shellcheck/SC2086`), and every place that takes a name takes that spelling too; the check's own
   * id (and the prefix alone) still names all of them.
   */
  findingRules?: FindingRules;
  /** Facts the analysis computes only when a check that asks for them runs: `shellcheck` runs ShellCheck (`facts.shellcheck`). */
  needs?: readonly 'shellcheck'[];
  /** The fixes it gives: `safe` when at least some are safe (`--fix`), `suggested` when all need `--fix-unsafe`; unset: none. */
  fixable?: FixKind;
  dockerfile?: (ctx: DockerfileContext<M>) => DockerfileVisitor;
  image?: (ctx: ImageContext<M>) => void;
  /** Kubernetes containers, with the image or Dockerfile matched to each (see `ContainerContext`). */
  container?: (ctx: ContainerContext<M>) => void;
}

/** Declares a check; the type ties message ids to the messages it declares. */
export function defineCheck<M extends string>(check: Check<M>): Check<M> {
  return check;
}

/** The inputs a check reads. */
export function inputsOf(check: Check): Input[] {
  const out: Input[] = [];
  if (check.dockerfile) out.push('dockerfile');
  if (check.image) out.push('image');
  if (check.container) out.push('manifest');
  return out;
}
