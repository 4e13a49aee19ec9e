/**
 * The repository config file, `.shipshape.yaml`: found by walking up from a target (or given with
 * `--config`), validated with zod, and resolved for one target (its `overrides` applied).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { MAX_YAML_DEPTH, yamlNestingDepth } from '../util/nesting.js';
import { z } from 'zod';
import type { Check } from './types.js';
import { isKnownName, unknownName } from './names.js';
import { fromHadolint } from './peer-config.js';
import { ConfigError, LABEL_TYPES, SHELLCHECK_MODES, type ConfigFile, type ConfigSettings, type LoadedConfig } from './config-resolve.js';

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
  /** The stage analyzed as the image (`docker build --target`). */
  target: z.string().min(1).optional(),
  /** Labels the final stage must carry, with the type of their value (hadolint's label-schema). */
  labelSchema: z.record(z.string(), z.enum(LABEL_TYPES)).optional(),
  /** Labels outside labelSchema are reported (hadolint's strict-labels). */
  strictLabels: z.boolean().optional(),
  /** Run ShellCheck over RUN bodies and entrypoint scripts: when it is on the PATH (auto), always (on), never (off). */
  shellcheck: z.enum(SHELLCHECK_MODES).optional(),
};

const overrideSchema = z.strictObject(settingsShape);
/** An image's Dockerfile: a path, or the Dockerfile and its build context (relative to the config file). */
const imageSource = z.union([z.string().min(1), z.strictObject({ dockerfile: z.string().min(1), context: z.string().min(1).optional() })]);
const configSchema = z.strictObject({
  ...settingsShape,
  overrides: z.record(z.string(), overrideSchema).optional(),
  /** Globs directory runs skip (relative to this file). */
  exclude: names.optional(),
  /** A baseline file (relative to this file). */
  baseline: z.string().min(1).optional(),
  /** Image name -> the Dockerfile that builds it (for Kubernetes manifests). */
  images: z.record(z.string().min(1), imageSource).optional(),
});

// The schema and the plain types the resolver reads say the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: Same<z.infer<typeof configSchema>, ConfigFile> = true;
void schemaMatchesTypes;

function keyPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(top level)';
}


/** Larger than any config file: its keys are a few rule ids and globs. Past it the file is refused, not parsed. */
export const MAX_CONFIG_BYTES = 256 * 1024;

/** Reads and validates a config file; every problem is a `ConfigError` naming the file and key. */
export function loadConfig(path: string, known: readonly Check[], options: { as?: 'hadolint' } = {}): LoadedConfig {
  let text: string;
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) throw new ConfigError(`${path}: is larger than ${MAX_CONFIG_BYTES / 1024} KB; a config file is a few lines`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
  let raw: unknown;
  // Refused before the recursive YAML reader sees it (src/util/nesting.ts says why).
  if (yamlNestingDepth(text) > MAX_YAML_DEPTH) throw new ConfigError(`${path}: too deeply nested (a config file needs a few levels)`);
  try {
    raw = parseYaml(text) ?? {};
  } catch (e) {
    // The YAML reader recurses once per level of nesting: thousands of `[` exhaust the stack. That is the file's shape, said as such.
    if (e instanceof RangeError || /Maximum call stack size exceeded/.test((e as Error).message)) throw new ConfigError(`${path}: too deeply nested (a config file needs a few levels)`);
    throw new ConfigError(`${path}: not valid YAML: ${(e as Error).message.split('\n', 1)[0]}`);
  }
  if (options.as === 'hadolint' || isHadolintConfig(path)) {
    const { config, dropped } = fromHadolint(raw, known);
    return { path, dir: dirname(resolve(path)), config, kind: 'hadolint', dropped };
  }
  let parsed: ReturnType<typeof configSchema.safeParse>;
  try {
    parsed = configSchema.safeParse(raw);
  } catch (e) {
    if (e instanceof RangeError) throw new ConfigError(`${path}: too deeply nested (a config file needs a few levels)`);
    throw e;
  }
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
    for (const [i, n] of (s.ignore ?? []).entries()) if (!isKnownName(known, n)) throw new ConfigError(`${path}: ${prefix}ignore[${i}]: "${n}": ${unknownName(n, known)}`);
    for (const n of Object.keys(s.severity ?? {})) if (!isKnownName(known, n)) throw new ConfigError(`${path}: ${prefix}severity.${n}: ${unknownName(n, known)}`);
  };
  checkNames(config, '');
  for (const [glob, o] of Object.entries(config.overrides ?? {})) checkNames(o, `overrides.${glob}.`);
  return { path, dir: dirname(resolve(path)), config, kind: 'shipshape' };
}


/** True for hadolint's config file names (`.hadolint.yaml`, `hadolint.yml`…): read as hadolint settings. */
export function isHadolintConfig(path: string): boolean {
  return /^\.?hadolint\.ya?ml$/.test(basename(path));
}

/** A config as `.shipshape.yaml` text, with a comment on top (each line of `header`). */
export function configText(config: ConfigFile, header: readonly string[] = []): string {
  const body = Object.keys(config).length ? stringifyYaml(config, { lineWidth: 0 }) : '{}\n';
  return [...header.map((h) => `# ${h}`), body].join('\n');
}
