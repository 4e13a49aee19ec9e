/**
 * The repository config file, `.shipshape.yaml`: found by walking up from a target (or given with
 * `--config`), validated with zod, and resolved for one target (its `overrides` applied).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Check, CheckSettings, Severity } from './types.js';

export const CONFIG_NAMES = ['.shipshape.yaml', '.shipshape.yml'] as const;

/** A config file that cannot be used; the message is one line naming the file and the key. */
export class ConfigError extends Error {}

const severity = z.enum(['error', 'warning', 'info']);
const failOn = z.enum(['error', 'warning', 'info', 'none']);
const names = z.array(z.string().min(1));

const settingsShape = {
  /** Rule ids, categories or peer ids to skip. */
  ignore: names.optional(),
  /** Severity per rule id, category or peer id. */
  severity: z.record(z.string(), severity).optional(),
  /** Exit 1 (fail the step) at or above this severity. */
  failOn: failOn.optional(),
  /** Registries base images may come from (`ghcr.io/acme`, `docker.io/library`). */
  trustedRegistries: names.optional(),
  /** Tools this image may keep (`curl`, `sudo`). */
  allowedTools: names.optional(),
  /** Report what the base image owns (tools, waste) at full severity instead of info. */
  baseFindings: z.boolean().optional(),
};

const overrideSchema = z.strictObject(settingsShape);
const configSchema = z.strictObject({ ...settingsShape, overrides: z.record(z.string(), overrideSchema).optional() });

export type FailOn = z.infer<typeof failOn>;
export type ConfigSettings = z.infer<typeof overrideSchema>;
export type ConfigFile = z.infer<typeof configSchema>;

/** A loaded config and where it came from (globs in `overrides` are relative to its directory). */
export interface LoadedConfig {
  path: string;
  dir: string;
  config: ConfigFile;
}

/** The settings that apply to one target. */
export interface Effective {
  ignore: string[];
  severity: Record<string, Severity>;
  failOn?: FailOn;
  settings: CheckSettings;
  /** The config file they came from, if any. */
  source: string | null;
}

/** The nearest `.shipshape.yaml` in `start` (a file's directory or a directory) or above it. */
export function findConfig(start: string): string | null {
  let dir = resolve(start);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    for (const n of CONFIG_NAMES) {
      const p = join(dir, n);
      if (existsSync(p)) return p;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(top level)';
}

function isName(checks: readonly Check[], name: string): boolean {
  return checks.some((c) => c.id === name || c.category === name || (c.aliases ?? []).includes(name));
}

/** Reads and validates a config file; every problem is a `ConfigError` naming the file and key. */
export function loadConfig(path: string, known: readonly Check[]): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (e) {
    throw new ConfigError(`${path}: not valid YAML: ${(e as Error).message.split('\n', 1)[0]}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${keyPath(issue.path)}.` : '';
      throw new ConfigError(`${path}: ${where}${issue.keys[0]}: unknown key (known: ${Object.keys(issue.path.length ? overrideSchema.shape : configSchema.shape).join(', ')})`);
    }
    throw new ConfigError(`${path}: ${keyPath(issue.path)}: ${issue.message}`);
  }
  const config = parsed.data;
  const checkNames = (s: ConfigSettings, prefix: string): void => {
    for (const [i, n] of (s.ignore ?? []).entries()) if (!isName(known, n)) throw new ConfigError(`${path}: ${prefix}ignore[${i}]: no such rule or category "${n}" (see \`shipshape rules\`)`);
    for (const n of Object.keys(s.severity ?? {})) if (!isName(known, n)) throw new ConfigError(`${path}: ${prefix}severity.${n}: no such rule or category (see \`shipshape rules\`)`);
  };
  checkNames(config, '');
  for (const [glob, o] of Object.entries(config.overrides ?? {})) checkNames(o, `overrides.${glob}.`);
  return { path, dir: dirname(resolve(path)), config };
}

/** A glob (`**`, `*`, `?`, `{a,b}`) as a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map((p) => p.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** True when `target` (a path) matches `glob`, relative to `dir`; a glob without `/` matches the base name too. */
export function matchesGlob(glob: string, dir: string, target: string): boolean {
  const rel = relative(dir, resolve(target)).split(sep).join('/');
  if (rel.startsWith('../') || isAbsolute(rel)) return false;
  const re = globToRegExp(glob.replace(/^\.\//, ''));
  if (re.test(rel)) return true;
  // `services/api` matches everything under that directory, like .gitignore.
  if (!/[*?{]/.test(glob) && (rel.startsWith(`${glob.replace(/^\.\/|\/$/g, '')}/`))) return true;
  return !glob.includes('/') && re.test(rel.slice(rel.lastIndexOf('/') + 1));
}

/** The settings for one target: the file's top level, then every matching override in order. */
export function resolveFor(loaded: LoadedConfig | null, target: string | null): Effective {
  const eff: Effective = { ignore: [], severity: {}, settings: {}, source: loaded?.path ?? null };
  if (!loaded) return eff;
  const layers: ConfigSettings[] = [loaded.config];
  if (target !== null) for (const [glob, o] of Object.entries(loaded.config.overrides ?? {})) if (matchesGlob(glob, loaded.dir, target)) layers.push(o);
  const settings: { trustedRegistries?: readonly string[]; allowedTools?: readonly string[]; baseFindings?: boolean } = {};
  for (const l of layers) {
    if (l.ignore) eff.ignore.push(...l.ignore);
    if (l.severity) Object.assign(eff.severity, l.severity);
    if (l.failOn) eff.failOn = l.failOn;
    if (l.trustedRegistries) settings.trustedRegistries = l.trustedRegistries;
    if (l.allowedTools) settings.allowedTools = l.allowedTools;
    if (l.baseFindings !== undefined) settings.baseFindings = l.baseFindings;
  }
  eff.settings = settings;
  return eff;
}

/** A severity function for the runner: a rule id wins over a peer id, which wins over a category. */
export function severityFrom(overrides: Record<string, Severity>): ((check: Check) => Severity) | undefined {
  if (Object.keys(overrides).length === 0) return undefined;
  return (c) => overrides[c.id] ?? (c.aliases ?? []).map((a) => overrides[a]).find((s) => s !== undefined) ?? overrides[c.category] ?? c.severity;
}
