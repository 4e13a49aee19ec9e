/** Turns command-line targets into inputs: Dockerfile text with its context, an image archive, or Kubernetes manifests. */
import { statSync, openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import type { StdinSource } from './stdin.js';
import { findConfig, matchesGlob } from './engine/config-resolve.js';
import { globToRegExp, isGlob } from './util/glob.js';
import { buildFilesAbove, walkRepository } from './repo/discover.js';
import type { BuildDecl } from './repo/builds.js';
import { bareReference, isOciLayout, transportOf, type ImageSourceSpec } from './image/sources/reference.js';
import { manifestInput, manifestsIn, MAX_MANIFEST_BYTES, type ManifestInput } from './targets-manifests.js';

/**
 * Largest Dockerfile analyzed: twenty times the largest real one seen (25 KB, moby's). Hostile text
 * (thousands of instructions, each with findings, and a report several times the input's size) costs
 * a process about 0.6 s of CPU plus up to 2.8 ms a KiB, linear in the size; this keeps every
 * analysis within the 2 seconds issue 13 allows (a 1 MiB one took 2.2 to 2.9 s).
 */
export const MAX_DOCKERFILE_BYTES = 512 * 1024;

/** A build that a compose file or a bake file declares for a Dockerfile: the Dockerfile is analysed as built there. */
export interface BuildVariant {
  /** The compose or bake file, as a path from where shipshape runs. */
  file: string;
  /** The service or bake target. */
  name: string;
  /** The stage it builds (`target:`); null for the last one. */
  target: string | null;
  /** The build arguments it passes. */
  args: Record<string, string>;
}

export type Input =
  | { kind: 'dockerfile'; path: string; text: string; contextDir: string | null; build?: BuildVariant }
  | { kind: 'image'; path: string; stream?: { head: Buffer; rest: AsyncIterable<Buffer> }; source?: ImageSourceSpec }
  | ManifestInput
  | { kind: 'error'; path: string; targetKind: 'dockerfile' | 'image' | 'manifest'; message: string };

/** The kind of a file from its first bytes: tar (ustar magic), gzip, zstd, or text. */
export function sniff(head: Buffer): 'tar' | 'gzip' | 'zstd' | 'binary' | 'text' {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  if (head.includes(0)) return 'binary';
  return 'text';
}

/** Names of image archives (`docker save -o app.tar`, `app.tar.gz`, `app.oci.tar`, `app.tar.zst`). */
const ARCHIVE_NAME = /\.(tar|tgz|tar\.gz|tar\.zst|tzst)$/i;

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many symbolic links';
  return (err as Error).message.split('\n', 1)[0] ?? 'cannot be read';
}

function headOf(path: string, bytes = 65536): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Why a file that starts with a UTF-16 byte-order mark (PowerShell 5's `>` writes one) is not read. */
const UTF16 = 'is UTF-16 text; Docker reads a Dockerfile as UTF-8, so save it as UTF-8';
const isUtf16 = (head: Buffer): boolean => head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));

const tooLarge = (bytes: number): string => `is ${bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`}; a Dockerfile larger than ${MAX_DOCKERFILE_BYTES / 1024} KiB is not analyzed`;

/** Text of a Dockerfile-sized buffer, or why it is not one. */
export function dockerfileText(buf: Buffer): { text: string } | { error: string } {
  const kind = sniff(buf.subarray(0, 65536));
  if (isUtf16(buf)) return { error: UTF16 };
  if (kind === 'binary') return { error: 'is a binary file, not a Dockerfile' };
  if (buf.length > MAX_DOCKERFILE_BYTES) return { error: tooLarge(buf.length) };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf).replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD') && (text.match(/\uFFFD/g)?.length ?? 0) > 16) return { error: 'is not UTF-8 text, not a Dockerfile' };
  return { text };
}

/** Resolves one command-line target (a file, a directory or `-`) into inputs. */
export function resolveTarget(target: string, contextDir: string | null, stdin: () => StdinSource): Input[] {
  if (target === '-') {
    let data: Buffer;
    try {
      const src = stdin();
      const k = sniff(src.head.subarray(0, 512));
      if (k === 'tar' || k === 'gzip' || k === 'zstd') return [{ kind: 'image', path: '<stdin>', stream: { head: src.head, rest: src.rest() } }];
      data = src.readAll(MAX_MANIFEST_BYTES);
    } catch (e) {
      return [{ kind: 'error', path: '<stdin>', targetKind: 'dockerfile', message: `<stdin>: ${describe(e)}` }];
    }
    const manifest = manifestInput('<stdin>', data);
    if (manifest) return [manifest];
    const t = dockerfileText(data);
    if ('error' in t) return [{ kind: 'error', path: '<stdin>', targetKind: 'dockerfile', message: `<stdin>: ${t.error}` }];
    return [{ kind: 'dockerfile', path: '<stdin>', text: t.text, contextDir }];
  }
  const image = imageSource(target);
  if (image) return [image];
  let st;
  try {
    st = statSync(target);
  } catch (e) {
    const ref = (e as NodeJS.ErrnoException).code === 'ENOENT' ? bareReference(target, isDirectory) : null;
    if (ref) return [{ kind: 'image', path: target, source: { kind: 'name', ref, name: target } }];
    return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${describe(e)}` }];
  }
  if (st.isDirectory() && isOciLayout(target)) return [{ kind: 'image', path: target, source: { kind: 'oci-dir', dir: target } }];
  if (st.isDirectory()) {
    // The directory's Dockerfiles, searched as `resolveTargets` searches a directory (without compose and bake builds).
    const found = walkRepository(target);
    const skipped: string[] = [];
    const manifests = manifestsIn(found.manifests, skipped);
    if (found.dockerfiles.length === 0 && manifests.length === 0) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${nothingFound(skipped)}` }];
    return [...found.dockerfiles.flatMap((f) => resolveTarget(f, contextDir, stdin)), ...manifests];
  }
  if (!st.isFile()) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: not a regular file` }];
  // A file of a Dockerfile's size is read once, whole; a larger one (an image archive) only its head.
  let head: Buffer;
  let whole: Buffer | null = null;
  try {
    if (st.size <= MAX_DOCKERFILE_BYTES) head = (whole = readFileSync(target)).subarray(0, 65536);
    else head = headOf(target);
  } catch (e) {
    return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${describe(e)}` }];
  }
  const k = sniff(head);
  if (k === 'tar' || k === 'gzip' || k === 'zstd') return [{ kind: 'image', path: target }];
  // A name that says archive with nothing in it (a `docker save` that failed): an empty archive, not an empty Dockerfile.
  if (ARCHIVE_NAME.test(target) && head.every((b) => b === 0)) {
    return head.length === 0 ? [{ kind: 'error', path: target, targetKind: 'image', message: `${target}: empty archive (0 bytes)` }] : [{ kind: 'image', path: target }];
  }
  if (isUtf16(head)) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${UTF16}` }];
  if (k === 'binary') return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: is a binary file, not a Dockerfile or an image archive` }];
  const manifest = manifestInput(target, head, st.size);
  if (manifest) return [manifest];
  if (st.size > MAX_DOCKERFILE_BYTES) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${tooLarge(st.size)}` }];
  let buf: Buffer;
  try {
    buf = whole ?? readFileSync(target);
  } catch (e) {
    return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${describe(e)}` }];
  }
  const t = dockerfileText(buf);
  if ('error' in t) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${t.error}` }];
  return [{ kind: 'dockerfile', path: target, text: t.text, contextDir: contextDir ?? dirname(target) }];
}

/**
 * An image named to run with the manifest targets (`--image`): what an image target may be (an
 * archive, an OCI layout directory, `docker://`, `docker-daemon:`, `oci:`, or a name that is no file,
 * read from the engine or a registry), or why it is none of these.
 */
export function imageOption(value: string): { path: string; source?: ImageSourceSpec } | { error: string } {
  const t = transportOf(value);
  if (t) return 'error' in t ? { error: t.error } : { path: value, source: t };
  let st;
  try {
    st = statSync(value);
  } catch (e) {
    const ref = (e as NodeJS.ErrnoException).code === 'ENOENT' ? bareReference(value, isDirectory) : null;
    if (ref) return { path: value, source: { kind: 'name', ref, name: value } };
    return { error: `${value}: ${describe(e)}` };
  }
  if (st.isDirectory()) return isOciLayout(value) ? { path: value, source: { kind: 'oci-dir', dir: value } } : { error: `${value}: is a directory, not an image (an OCI layout directory holds oci-layout and index.json)` };
  return { path: value };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * An image named by a transport (`docker://`, `docker-daemon:`, `oci:`); the rest of the image
 * sources (a bare name that is no file, an OCI layout directory) are found as resolveTarget goes.
 */
function imageSource(target: string): Input | null {
  const t = transportOf(target);
  if (!t) return null;
  if ('error' in t) return { kind: 'error', path: target, targetKind: 'image', message: t.error };
  return { kind: 'image', path: target, source: t };
}

// ---------------------------------------------------------------------------------------------
// Several targets at once: globs, and directories searched as repositories (used by the CLI and
// the Action alike).

/** How `resolveTargets` reads what the user named. */
export interface ResolveOptions {
  /** `--context`: one build context for every Dockerfile (then compose and bake files are not consulted). */
  context?: string | null;
  stdin: () => StdinSource;
  /** `--exclude` globs, relative to the working directory. */
  exclude?: readonly string[];
  /** `--config`: the config file whose `exclude` applies (default: the nearest one above each directory). */
  config?: string;
}

export interface Resolved {
  inputs: Input[];
  /** Globs that matched no file. */
  unmatched: string[];
  /** What the user should know (a compose service that could not be followed…), one line each. */
  notes: string[];
}

/** The `exclude` globs of the config that applies to `dir` (a `.shipshape.yaml`), as a test on absolute paths. */
async function configExcludes(dir: string, config: string | undefined): Promise<((abs: string) => boolean) | null> {
  const file = config ?? findConfig(dir);
  if (!file || /hadolint/.test(basename(file))) return null;
  try {
    const { loadConfig } = await import('./engine/config.js');
    const { checks } = await import('../checks/index.js');
    const loaded = loadConfig(file, checks);
    const globs = loaded.config.exclude ?? [];
    return globs.length ? (abs) => globs.some((g) => matchesGlob(g, loaded.dir, abs)) : null;
  } catch {
    // A broken config file is reported by the analysis, which loads it again.
    return null;
  }
}

/** Resolves every target: `-`, files, directories (searched recursively) and globs. */
export async function resolveTargets(targets: readonly string[], options: ResolveOptions): Promise<Resolved> {
  const out: Resolved = { inputs: [], unmatched: [], notes: [] };
  const cwd = process.cwd();
  const cliExcluded = (abs: string): boolean => (options.exclude ?? []).some((g) => matchesGlob(g, cwd, abs));
  for (const t of targets) {
    let st;
    try {
      st = t === '-' ? null : statSync(t);
    } catch {
      st = null;
    }
    // An image (a transport, an OCI layout directory) is one target, never searched or globbed.
    if (transportOf(t) || (st?.isDirectory() && isOciLayout(t))) out.inputs.push(...resolveTarget(t, options.context ?? null, options.stdin));
    else if (st?.isDirectory()) {
      await resolveDirectory(t, options, cliExcluded, out);
    } else if (!st && t !== '-' && isGlob(t)) {
      const files = await expandGlob(t, options, cliExcluded);
      if (files.length === 0) out.unmatched.push(t);
      for (const f of files) out.inputs.push(...resolveTarget(f, options.context ?? null, options.stdin));
    } else out.inputs.push(...resolveTarget(t, options.context ?? null, options.stdin));
  }
  return out;
}

/** Files matching a glob, relative to the working directory (`/`-separated), searched like a directory run. */
async function expandGlob(pattern: string, options: ResolveOptions, cliExcluded: (abs: string) => boolean): Promise<string[]> {
  const glob = pattern.replace(/^\.\//, '');
  // Search from the glob's fixed leading directories, not the whole working directory.
  const fixed = glob.split('/');
  const base: string[] = [];
  while (fixed.length > 1 && !isGlob(fixed[0]!)) base.push(fixed.shift()!);
  const root = base.length ? base.join('/') : '.';
  const re = globToRegExp(fixed.join('/'));
  const fromConfig = await configExcludes(root, options.config);
  let found;
  try {
    found = walkRepository(root, { allFiles: true, excluded: (abs) => cliExcluded(abs) || (fromConfig?.(abs) ?? false) });
  } catch {
    return [];
  }
  return found.files.filter((f) => re.test(f)).map((f) => (base.length ? `${base.join('/')}/${f}` : f));
}

/** A directory: its Dockerfiles, each as the compose and bake files of the repository build it, or with its own directory as the context. */
async function resolveDirectory(dir: string, options: ResolveOptions, cliExcluded: (abs: string) => boolean, out: Resolved): Promise<void> {
  const before = out.inputs.length;
  const fromConfig = await configExcludes(dir, options.config);
  const excluded = (abs: string): boolean => cliExcluded(abs) || (fromConfig?.(abs) ?? false);
  const found = walkRepository(dir, { excluded });
  const shown = (abs: string): string => {
    const rel = relative(process.cwd(), abs);
    return rel.startsWith('..') ? abs : rel.split(sep).join('/') || '.';
  };
  const decls: BuildDecl[] = [];
  if (!options.context) {
    const files = [...buildFilesAbove(dir).map(shown), ...found.buildFiles];
    if (files.length) {
      const { readBuildFile } = await import('./repo/builds.js');
      for (const f of files) {
        const r = readBuildFile(f);
        decls.push(...r.decls);
        out.notes.push(...r.problems);
      }
    }
  }
  // The builds of each Dockerfile, identical ones (same context, stage and arguments) once.
  const byFile = new Map<string, BuildDecl[]>();
  for (const d of decls) {
    const list = byFile.get(d.dockerfile) ?? [];
    const same = list.find((x) => x.context === d.context && x.target === d.target && JSON.stringify(x.args) === JSON.stringify(d.args));
    if (same) same.name += `, ${d.name}`;
    else list.push({ ...d });
    byFile.set(d.dockerfile, list);
  }
  const seen = new Set<string>();
  const add = (path: string, abs: string): void => {
    seen.add(abs);
    const builds = byFile.get(abs);
    if (!builds) {
      for (const i of resolveTarget(path, options.context ?? null, options.stdin)) if (i.kind !== 'image') out.inputs.push(i);
      return;
    }
    for (const b of builds) {
      for (const i of resolveTarget(path, b.context, options.stdin)) {
        if (i.kind === 'dockerfile') out.inputs.push({ ...i, build: { file: b.file, name: b.name, target: b.target, args: b.args } });
        else if (i.kind === 'error') out.inputs.push(i);
      }
    }
  };
  for (const f of found.dockerfiles) add(f, resolve(f));
  // Dockerfiles a build file names that the search did not find (another name, an ignored directory): built, so analysed, unless excluded.
  for (const [abs, builds] of byFile) {
    if (seen.has(abs) || excluded(abs)) continue;
    if (!isWithin(resolve(dir), abs) && !builds.some((b) => isWithin(resolve(dir), b.context))) continue;
    try {
      if (!statSync(abs).isFile()) throw new Error('not a file');
    } catch {
      out.notes.push(`${builds[0]!.file}: ${builds.map((b) => b.name).join(', ')}: ${shown(abs)} does not exist; not analysed`);
      continue;
    }
    add(shown(abs), abs);
  }
  const skipped: string[] = [];
  out.inputs.push(...manifestsIn(found.manifests, skipped));
  if (skipped.length) out.notes.push(helmNote(skipped));
  if (out.inputs.length === before) {
    out.inputs.push({ kind: 'error', path: dir, targetKind: 'dockerfile', message: `${dir}: ${nothingFound(skipped)}` });
  }
}

const isWithin = (dir: string, p: string): boolean => p === dir || p.startsWith(dir + sep);

/** Why a directory gave no target. */
function nothingFound(skipped: readonly string[]): string {
  return `no Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* or Kubernetes manifest in this directory or below${skipped.length ? `; ${skipped.length} unrendered Helm template${skipped.length === 1 ? '' : 's'} skipped (${skipped[0]}${skipped.length > 1 ? ', …' : ''}): render the chart and pipe it in (\`helm template RELEASE CHART | shipshape -\`)` : ''}`;
}

/** The note for Helm chart templates a directory run passed over. */
function helmNote(skipped: readonly string[]): string {
  return `${skipped.length} unrendered Helm template${skipped.length === 1 ? '' : 's'} skipped (${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''}); render the chart and pipe it in: \`helm template RELEASE CHART | shipshape -\``;
}
