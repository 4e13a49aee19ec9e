/**
 * How a repository says its images are built: the `build:` sections of compose files and the targets
 * of bake files (`docker-bake.hcl`, `docker-bake.json`), each read into the Dockerfile it builds, its
 * context, its target stage and its build arguments.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MAX_YAML_DEPTH, yamlNestingDepth } from '../util/nesting.js';
import { parseHcl, type HclValue } from './hcl.js';

/** One image build a compose service or a bake target declares. */
export interface BuildDecl {
  /** The compose or bake file, as the caller named it. */
  file: string;
  /** The service or target name. */
  name: string;
  /** The build context (absolute). */
  context: string;
  /** The Dockerfile (absolute). */
  dockerfile: string;
  /** The stage built; null for the last. */
  target: string | null;
  args: Record<string, string>;
}

export interface BuildsRead {
  decls: BuildDecl[];
  /** What could not be read or followed, one line each, naming the file. */
  problems: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A remote context (git URL, HTTP tarball): nothing in the repository to analyse. */
const isRemote = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^git@/.test(s) || s.endsWith('.git');

/** Variables of a compose file's `.env`, for `${VAR}` in its build sections. */
function dotEnv(dir: string): Map<string, string> {
  const vars = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(join(dir, '.env'), 'utf8');
  } catch {
    return vars;
  }
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars.set(m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return vars;
}

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR` and `$$`; null when a variable has no value here. */
function interpolate(s: string, vars: ReadonlyMap<string, string>): string | null {
  let unknown = false;
  const out = s.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced?: string, op?: string, word?: string, bare?: string) => {
    if (m === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = vars.get(name);
    if (op === ':-' || op === '-') return value !== undefined && (op === '-' || value !== '') ? value : (word ?? '');
    if (op === ':+' || op === '+') return value !== undefined && (op === '+' || value !== '') ? (word ?? '') : '';
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? null : out;
}

/** The `build:` sections of a compose file. */
export function readCompose(file: string, text: string): BuildsRead {
  const out: BuildsRead = { decls: [], problems: [] };
  let doc: unknown;
  if (yamlNestingDepth(text) > MAX_YAML_DEPTH) {
    out.problems.push(`${file}: YAML nested too deeply to read (more than ${MAX_YAML_DEPTH} levels)`);
    return out;
  }
  try {
    doc = parseYaml(text);
  } catch (e) {
    out.problems.push(`${file}: not valid YAML: ${(e as Error).message.split('\n', 1)[0]}`);
    return out;
  }
  if (!isRecord(doc) || !isRecord(doc.services)) return out;
  const dir = dirname(resolve(file));
  const vars = dotEnv(dir);
  for (const [name, service] of Object.entries(doc.services)) {
    if (!isRecord(service) || service.build === undefined || service.build === null) continue;
    const build: Record<string, unknown> = typeof service.build === 'string' ? { context: service.build } : isRecord(service.build) ? service.build : {};
    if (typeof build.dockerfile_inline === 'string') continue;
    const str = (v: unknown, fallback: string): string | null => (v === undefined || v === null ? fallback : interpolate(String(v), vars));
    const context = str(build.context, '.');
    const dockerfile = str(build.dockerfile, 'Dockerfile');
    const target = build.target === undefined || build.target === null ? null : interpolate(String(build.target), vars);
    if (context === null || dockerfile === null || (build.target !== undefined && build.target !== null && target === null)) {
      out.problems.push(`${file}: service ${name}: its build section uses a variable that has no value here (not in ${join(dirname(file), '.env')}); not analysed as built`);
      continue;
    }
    if (isRemote(context)) continue;
    const args: Record<string, string> = {};
    const rawArgs = build.args;
    const entries: [string, unknown][] = Array.isArray(rawArgs)
      ? rawArgs.filter((a): a is string => typeof a === 'string').map((a) => (a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, null]))
      : isRecord(rawArgs) ? Object.entries(rawArgs) : [];
    for (const [k, v] of entries) {
      // An argument without a value takes it from the environment of whoever runs compose: unknown here, so the Dockerfile's default stands.
      if (v === null || v === undefined) continue;
      const value = interpolate(String(v), vars);
      if (value !== null) args[k] = value;
    }
    const ctx = resolve(dir, context);
    out.decls.push({ file, name, context: ctx, dockerfile: isAbsolute(dockerfile) ? dockerfile : resolve(ctx, dockerfile), target: target || null, args });
  }
  return out;
}

/** The targets of a bake file (HCL or JSON): every target that is built by itself, with what it inherits. */
export function readBake(file: string, text: string): BuildsRead {
  const out: BuildsRead = { decls: [], problems: [] };
  let targets: Map<string, Record<string, HclValue>>;
  const groups: string[][] = [];
  if (file.endsWith('.json')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      out.problems.push(`${file}: not valid JSON: ${(e as Error).message}`);
      return out;
    }
    targets = new Map();
    if (isRecord(doc) && isRecord(doc.target)) for (const [n, t] of Object.entries(doc.target)) if (isRecord(t)) targets.set(n, t as Record<string, HclValue>);
    if (isRecord(doc) && isRecord(doc.group)) for (const g of Object.values(doc.group)) if (isRecord(g) && Array.isArray(g.targets)) groups.push(g.targets.filter((x): x is string => typeof x === 'string'));
  } else {
    const parsed = parseHcl(text);
    if (parsed.error) {
      out.problems.push(`${file}: ${parsed.error}`);
      return out;
    }
    targets = new Map();
    for (const b of parsed.blocks) {
      if (b.type === 'target' && b.labels[0]) targets.set(b.labels[0], b.attributes);
      if (b.type === 'group' && Array.isArray(b.attributes.targets)) groups.push(b.attributes.targets.filter((x): x is string => typeof x === 'string'));
    }
  }
  const dir = dirname(resolve(file));
  const inherited = new Set<string>();
  for (const t of targets.values()) if (Array.isArray(t.inherits)) for (const p of t.inherits) if (typeof p === 'string') inherited.add(p);
  const grouped = new Set(groups.flat());
  /** A target with its parents' attributes under its own (args merged), parents first. */
  const flatten = (name: string, seen: Set<string>): Record<string, HclValue> => {
    const t = targets.get(name);
    if (!t || seen.has(name)) return {};
    seen.add(name);
    let merged: Record<string, HclValue> = {};
    for (const p of Array.isArray(t.inherits) ? t.inherits : []) {
      if (typeof p !== 'string') continue;
      const parent = flatten(p, seen);
      merged = { ...merged, ...parent, args: { ...(isRecord(merged.args) ? merged.args : {}), ...(isRecord(parent.args) ? parent.args : {}) } };
    }
    return { ...merged, ...t, args: { ...(isRecord(merged.args) ? merged.args : {}), ...(isRecord(t.args) ? t.args : {}) } };
  };
  for (const name of targets.keys()) {
    // A target only inherited from, and in no group, is a template (`docker-metadata-action`), not a build of its own.
    if (inherited.has(name) && !grouped.has(name)) continue;
    const t = flatten(name, new Set());
    if (t.matrix !== undefined) {
      out.problems.push(`${file}: target ${name}: a matrix target; not analysed as built`);
      continue;
    }
    const context = t.context === undefined ? '.' : t.context;
    const dockerfile = t.dockerfile === undefined ? 'Dockerfile' : t.dockerfile;
    if (typeof t['dockerfile-inline'] === 'string') continue;
    if (typeof context !== 'string' || typeof dockerfile !== 'string' || (t.target !== undefined && typeof t.target !== 'string')) {
      out.problems.push(`${file}: target ${name}: its context, dockerfile or target is an expression shipshape does not evaluate; not analysed as built`);
      continue;
    }
    if (isRemote(context)) continue;
    const args: Record<string, string> = {};
    if (isRecord(t.args)) for (const [k, v] of Object.entries(t.args)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') args[k] = String(v);
    const ctx = resolve(dir, context);
    out.decls.push({ file, name, context: ctx, dockerfile: isAbsolute(dockerfile) ? dockerfile : resolve(ctx, dockerfile), target: typeof t.target === 'string' && t.target ? t.target : null, args });
  }
  return out;
}

/** Reads a compose or bake file into its builds. */
export function readBuildFile(file: string): BuildsRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { decls: [], problems: [`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  return /docker-bake[^/\\]*\.(hcl|json)$/.test(file) ? readBake(file, text) : readCompose(file, text);
}
