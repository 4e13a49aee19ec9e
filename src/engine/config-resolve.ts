/**
 * The zod- and YAML-free half of the config file support: finding the file, resolving it for one
 * target, severities. The CLI loads `config.ts` (zod, yaml) only when a config file exists, so a
 * run without one never pays for them at start-up. `config.ts` re-exports everything here.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Check, CheckSettings, Severity } from './types.js';
import { checkAliases, findingRule, nameKey, namesFindings } from './names.js';
import { compileGlob, globToRegExp } from '../util/glob.js';

/** A threshold for the exit status: a severity, or `none` (never fail). */
export type FailOn = Severity | 'none';

/** The settings a config file (or one of its `overrides`) may hold; `config.ts` validates a file against it. */
export interface ConfigSettings {
  /** Rule ids, categories or peer ids to skip. */
  ignore?: string[] | undefined;
  /** Severity per rule id, category or peer id. */
  severity?: Record<string, Severity> | undefined;
  /** Exit 1 (fail the step) at or above this severity. */
  failOn?: FailOn | undefined;
  /** Registries base images may come from (`ghcr.io/acme`, `docker.io/library`). */
  trustedRegistries?: string[] | undefined;
  /** Tools this image may keep (`curl`, `sudo`). */
  allowedTools?: string[] | undefined;
  /** Report what the base image owns (tools, waste) at full severity instead of info. */
  baseFindings?: boolean | undefined;
  /** The stage analyzed as the image (`docker build --target`), for the files this applies to. */
  target?: string | undefined;
  /** Labels every final stage must carry, with the type of their value (hadolint's `label-schema`). */
  labelSchema?: Record<string, LabelType> | undefined;
  /** Labels outside `labelSchema` are reported (hadolint's `strict-labels`). */
  strictLabels?: boolean | undefined;
  /** Run ShellCheck: when `shellcheck` is on the PATH (`auto`, the default), always (`on`), never (`off`). */
  shellcheck?: ShellcheckMode | undefined;
}

/** When ShellCheck runs over RUN bodies and entrypoint scripts. */
export const SHELLCHECK_MODES = ['auto', 'on', 'off'] as const;
export type ShellcheckMode = (typeof SHELLCHECK_MODES)[number];

/** The value types hadolint's label schema knows. */
export const LABEL_TYPES = ['text', 'url', 'email', 'rfc3339', 'semver', 'hash', 'spdx'] as const;
export type LabelType = (typeof LABEL_TYPES)[number];

/** An image the config maps to the Dockerfile that builds it: a path, or the Dockerfile and its build context. */
export type ImageSourceEntry = string | { dockerfile: string; context?: string | undefined };

/** A whole config file: settings, settings per path glob, and what applies to a whole run. */
export interface ConfigFile extends ConfigSettings {
  overrides?: Record<string, ConfigSettings> | undefined;
  /** Globs (relative to the file) that directory runs skip, on top of .gitignore, node_modules and vendor. */
  exclude?: string[] | undefined;
  /** A baseline file (relative to the config file): findings recorded there are not reported. */
  baseline?: string | undefined;
  /** Image name (`ghcr.io/acme/api`, or with a tag) -> the Dockerfile that builds it, for Kubernetes manifests. */
  images?: Record<string, ImageSourceEntry> | undefined;
}

export const CONFIG_NAMES = ['.shipshape.yaml', '.shipshape.yml'] as const;

/** hadolint's config file names, read when no `.shipshape.yaml` applies. */
export const HADOLINT_CONFIG_NAMES = ['.hadolint.yaml', '.hadolint.yml'] as const;

/** A config file that cannot be used; the message is one line naming the file and the key. */
export class ConfigError extends Error {}

/** A loaded config and where it came from (globs in `overrides` are relative to its directory). */
export interface LoadedConfig {
  path: string;
  dir: string;
  config: ConfigFile;
  /** Which tool's file it is: a hadolint config is converted on reading. */
  kind?: 'shipshape' | 'hadolint';
  /** What of a converted file was not taken over, one line each. */
  dropped?: string[];
}

/** The settings that apply to one target. */
export interface Effective {
  ignore: string[];
  severity: Record<string, Severity>;
  failOn?: FailOn;
  settings: CheckSettings;
  /** The config file they came from, if any. */
  source: string | null;
  /** The stage analyzed as the image (`target`). */
  target?: string;
  /** The `images:` map with its paths resolved against the config file's directory. */
  images: { name: string; dockerfile: string; context: string }[];
  /** `shellcheck`: when ShellCheck runs. */
  shellcheck?: ShellcheckMode;
}

/** The nearest `.shipshape.yaml` in `start` (a file's directory or a directory) or above it. */
export function findConfig(start: string, names: readonly string[] = CONFIG_NAMES): string | null {
  return findUp(start, names, null);
}

/**
 * `findConfig` for a run over many files: each directory's answer is kept (per list of names), so
 * files side by side, and their parent directories, are looked up once. It takes the file system as
 * it was when first asked; make one per run.
 */
export function configFinder(): (start: string, names?: readonly string[]) => string | null {
  const memo = new Map<string, string | null>();
  return (start, names = CONFIG_NAMES) => findUp(start, names, memo);
}

function findUp(start: string, names: readonly string[], memo: Map<string, string | null> | null): string | null {
  let dir = resolve(start);
  try {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  const key = memo ? `${names.join('\0')}\0\0` : '';
  const asked: string[] = [];
  let found: string | null = null;
  for (;;) {
    const known = memo?.get(key + dir);
    if (known !== undefined) {
      found = known;
      break;
    }
    asked.push(dir);
    const hit = names.find((n) => existsSync(join(dir, n)));
    if (hit !== undefined) {
      found = join(dir, hit);
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (memo) for (const d of asked) memo.set(key + d, found);
  return found;
}

export { compileGlob, globToRegExp };

/** True when `target` (a path) matches `glob`, relative to `dir`; a glob without `/` matches the base name too. */
export function matchesGlob(glob: string, dir: string, target: string): boolean {
  const rel = relative(dir, resolve(target)).split(sep).join('/');
  if (rel.startsWith('../') || isAbsolute(rel)) return false;
  const re = compileGlob(glob.replace(/^\.\//, ''));
  if (re.test(rel)) return true;
  // `services/api` matches everything under that directory, like .gitignore.
  if (!/[*?{]/.test(glob) && (rel.startsWith(`${glob.replace(/^\.\/|\/$/g, '')}/`))) return true;
  return !glob.includes('/') && re.test(rel.slice(rel.lastIndexOf('/') + 1));
}

/** The settings for one target: the file's top level, then every matching override in order. */
export function resolveFor(loaded: LoadedConfig | null, target: string | null): Effective {
  const eff: Effective = { ignore: [], severity: {}, settings: {}, source: loaded?.path ?? null, images: [] };
  if (!loaded) return eff;
  for (const [name, entry] of Object.entries(loaded.config.images ?? {})) {
    const dockerfile = resolve(loaded.dir, typeof entry === 'string' ? entry : entry.dockerfile);
    const context = typeof entry === 'string' || entry.context === undefined ? dirname(dockerfile) : resolve(loaded.dir, entry.context);
    eff.images.push({ name, dockerfile, context });
  }
  const layers: ConfigSettings[] = [loaded.config];
  if (target !== null) for (const [glob, o] of Object.entries(loaded.config.overrides ?? {})) if (matchesGlob(glob, loaded.dir, target)) layers.push(o);
  const settings: { -readonly [K in keyof CheckSettings]: CheckSettings[K] } = {};
  for (const l of layers) {
    if (l.ignore) for (const i of l.ignore) eff.ignore.push(i);
    if (l.severity) Object.assign(eff.severity, l.severity);
    if (l.failOn) eff.failOn = l.failOn;
    if (l.trustedRegistries) settings.trustedRegistries = l.trustedRegistries;
    if (l.allowedTools) settings.allowedTools = l.allowedTools;
    if (l.baseFindings !== undefined) settings.baseFindings = l.baseFindings;
    if (l.target !== undefined) eff.target = l.target;
    if (l.labelSchema) settings.labelSchema = l.labelSchema;
    if (l.strictLabels !== undefined) settings.strictLabels = l.strictLabels;
    if (l.shellcheck !== undefined) eff.shellcheck = l.shellcheck;
  }
  eff.settings = settings;
  return eff;
}

/** A severity function for the runner: a rule id wins over a peer id, which wins over a category. */
export function severityFrom(overrides: Record<string, Severity>): ((check: Check) => Severity) | undefined {
  if (Object.keys(overrides).length === 0) return undefined;
  const byKey = new Map(Object.entries(overrides).map(([k, v]) => [nameKey(k), v] as const));
  const of = (name: string): Severity | undefined => byKey.get(nameKey(name));
  return (c) => of(c.id) ?? checkAliases(c).map(of).find((s) => s !== undefined) ?? of(c.category) ?? c.severity;
}

/**
 * For findings with their own id (ShellCheck's `SC2086`): the severity the config gives that id
 * (`shellcheck/SC2086`, or `SC2086` as hadolint writes it), else
 * the one it gives their check (by id, peer id or category), over the severity the check derived for
 * the finding (ShellCheck's level); undefined when the config says nothing about either.
 */
export function findingSeverityFrom(overrides: Record<string, Severity>): ((check: Check, messageId: string) => Severity | undefined) | undefined {
  if (Object.keys(overrides).length === 0) return undefined;
  const byKey = new Map(Object.entries(overrides).map(([k, v]) => [nameKey(k), v] as const));
  const of = (name: string): Severity | undefined => byKey.get(nameKey(name));
  // The id under its prefix (shellcheck/SC2086) or bare (SC2086), then the check.
  const own = (c: Check, messageId: string): Severity | undefined => (namesFindings(c, messageId) ? (c.findingRules ? of(findingRule(c.findingRules, messageId)) : undefined) ?? of(messageId) : undefined);
  return (c, messageId) => own(c, messageId) ?? of(c.id) ?? checkAliases(c).map(of).find((s) => s !== undefined) ?? of(c.category);
}
