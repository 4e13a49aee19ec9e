/**
 * Commands in an image's merged file system, found by name, for the image side of the tools,
 * multi-stage and security checks: "is there an nc, a gcc, a sudo", with the in-image path and the
 * layer that put the name there.
 *
 * Choices the checks rely on:
 * - A command is an entry in a `bin` or `sbin` directory (`/usr/bin`, `/usr/local/go/bin`,
 *   `/root/.cargo/bin`) that resolves, through symlinks in any path component and hard links, to an
 *   executable regular file. A dangling link is no command.
 * - The path and layer are those of the entry that carries the name, not of the file it runs: a
 *   busybox applet link `/usr/bin/nc -> /bin/busybox` made by layer 2 is netcat from layer 2. A
 *   busybox binary with no link naming an applet counts as no tool: which applets were compiled in
 *   cannot be told from the file list, and nothing on the PATH runs them by that name.
 * - Several names of one tool in one layer (`nc`, `netcat`, `nc.openbsd`) are one finding, and so
 *   are several tools of one check that a layer links to one multi-call binary (busybox's `nc`,
 *   `telnet` and `tftp`): `netcat, telnet, tftp (links to /bin/busybox)`.
 */
import { posix } from 'node:path';
import type { Severity } from '../knowledge/practices.js';
import type { FileEntry, ImageFacts } from './facts.js';
import { baseSeverity, layerOrigin, type OriginContext } from './origin.js';
import { redactSecrets } from '../knowledge/secrets.js';
import { compareText } from '../util/order.js';

const MAX_HOPS = 40;

/**
 * The entry `path` leads to: symlinks are followed in every component (`/bin -> usr/bin` included),
 * a hard link stands for the file it links. Null when the path is dangling or loops.
 */
export function resolveEntry(files: ReadonlyMap<string, FileEntry>, path: string, hops = 0): FileEntry | null {
  const parts = path.split('/').filter(Boolean);
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    const next = `${cur}/${parts[i]}`;
    const e = files.get(next);
    if (e?.type === 'symlink' && e.linkTarget !== undefined) {
      if (hops >= MAX_HOPS) return null;
      const target = e.linkTarget.startsWith('/') ? e.linkTarget : posix.join(cur || '/', e.linkTarget);
      const rest = parts.slice(i + 1).join('/');
      return resolveEntry(files, posix.normalize(rest ? `${target}/${rest}` : target), hops + 1);
    }
    cur = next;
  }
  const e = files.get(cur || '/');
  if (e?.type === 'hardlink' && e.linkTarget) return files.get(e.linkTarget) ?? { ...e, type: 'file' };
  return e ?? null;
}

/** A command found in the image. */
export interface Command {
  /** Where the name is: `/usr/bin/nc`. */
  path: string;
  /** Its base name: `nc`. */
  name: string;
  /** The layer that wrote the entry carrying the name. */
  layer: number;
  /** The regular file a symlink leads to (`/bin/busybox`, `/usr/bin/nc.openbsd`). */
  runs?: string;
  /** The regular file it is: its own path, the symlink's end, or the file a hard link shares. */
  file: string;
}

/** A tool found under one or more names in one layer. */
export interface ToolFound {
  tool: string;
  layer: number;
  /** The names found, the preferred one first (the order of the lookup table). */
  commands: Command[];
}

const BIN_DIR = /\/s?bin$/;
const byName = new WeakMap<ImageFacts, Map<string, FileEntry[]>>();

/** The entries of `bin`/`sbin` directories, by base name (built once per image). */
function binIndex(image: ImageFacts): Map<string, FileEntry[]> {
  let index = byName.get(image);
  if (index) return index;
  index = new Map();
  for (const e of image.files.values()) {
    if (e.type === 'dir') continue;
    const slash = e.path.lastIndexOf('/');
    if (!BIN_DIR.test(e.path.slice(0, slash))) continue;
    const name = e.path.slice(slash + 1);
    const list = index.get(name);
    if (list) list.push(e);
    else index.set(name, [e]);
  }
  byName.set(image, index);
  return index;
}

/** The entry as a command, or null when it does not lead to an executable regular file. */
export function asCommand(image: ImageFacts, e: FileEntry): Command | null {
  const target = resolveEntry(image.files, e.path);
  if (!target || target.type !== 'file' || (target.mode & 0o111) === 0) return null;
  const c: Command = { path: e.path, name: e.path.slice(e.path.lastIndexOf('/') + 1), layer: e.layer, file: target.path };
  // A hard link is the same file under another name: nothing else runs.
  if (target.path !== e.path && e.type === 'symlink') c.runs = target.path;
  return c;
}

/**
 * The tools `lookup` names among the image's commands, minus the allowed ones (`allowedTools` from
 * the config, by tool or command name). One result per tool and layer; the command names are sorted
 * so that `order` (the preferred names, e.g. `nc` before `nc.openbsd`) comes first.
 */
export function findTools(
  image: ImageFacts,
  lookup: (name: string) => string | null,
  allowed: readonly string[] = [],
  order: readonly string[] = [],
): ToolFound[] {
  const found = new Map<string, ToolFound>();
  for (const [name, entries] of binIndex(image)) {
    const tool = lookup(name);
    if (!tool || allowed.includes(tool) || allowed.includes(name)) continue;
    for (const e of entries) {
      const c = asCommand(image, e);
      if (!c) continue;
      const key = `${tool}\0${c.layer}`;
      const t = found.get(key);
      if (t) t.commands.push(c);
      else found.set(key, { tool, layer: c.layer, commands: [c] });
    }
  }
  const rank = (c: Command): number => {
    const i = order.indexOf(c.name);
    return i < 0 ? order.length : i;
  };
  const out = mergeMultiCall([...found.values()]);
  for (const t of out) t.commands.sort((a, b) => rank(a) - rank(b) || compareText(a.path, b.path));
  return out.sort((a, b) => a.layer - b.layer || compareText(a.commands[0]!.path, b.commands[0]!.path));
}

/** Tools of one layer whose names all lead to one file (busybox applets) become one result. */
function mergeMultiCall(tools: ToolFound[]): ToolFound[] {
  const byFile = new Map<string, ToolFound[]>();
  for (const t of tools) {
    const files = new Set(t.commands.map((c) => c.file));
    if (files.size !== 1) continue;
    const key = `${t.layer}\0${[...files][0]}`;
    byFile.set(key, [...(byFile.get(key) ?? []), t]);
  }
  const merged = new Set<ToolFound>();
  const out: ToolFound[] = [];
  for (const group of byFile.values()) {
    if (group.length < 2) continue;
    group.forEach((t) => merged.add(t));
    const names = group.map((t) => t.tool).sort();
    out.push({ tool: `${names.join(', ')} (links to ${group[0]!.commands[0]!.file})`, layer: group[0]!.layer, commands: group.flatMap((t) => t.commands) });
  }
  return [...tools.filter((t) => !merged.has(t)), ...out];
}

/** `/usr/bin/nc (runs /bin/busybox), also /usr/bin/netcat`: the names of one finding, for messages. */
export function describeCommands(t: ToolFound): string {
  const [first, ...rest] = t.commands;
  const head = `${first!.path}${first!.runs ? ` (-> ${first!.runs})` : ''}`;
  return rest.length ? `${head}, also ${rest.map((c) => c.path).join(', ')}` : head;
}

/** Regular files whose path matches `pattern` (compiler internals like `cc1`), as one tool per layer. */
export function findFiles(image: ImageFacts, pattern: RegExp, tool: string): ToolFound[] {
  const found = new Map<number, ToolFound>();
  for (const e of image.files.values()) {
    if (e.type !== 'file' || !pattern.test(e.path)) continue;
    const c: Command = { path: e.path, name: e.path.slice(e.path.lastIndexOf('/') + 1), layer: e.layer, file: e.path };
    const t = found.get(e.layer);
    if (t) t.commands.push(c);
    else found.set(e.layer, { tool, layer: e.layer, commands: [c] });
  }
  return [...found.values()].sort((a, b) => a.layer - b.layer);
}

/**
 * What a check reports for a tool found in the image: the message data (`tool`, `path` with the
 * other names, `origin`: "from the base image … (layer 0)" or "added by this build in layer 2 (RUN …)"),
 * the image place, and `info` for what the base image owns unless full base findings were asked for.
 */
export function toolReport(ctx: OriginContext, t: ToolFound): { fromBase: boolean; report: ToolReport } {
  const o = layerOrigin(ctx, t.layer);
  const severity = baseSeverity(ctx, o);
  const report: ToolReport = { data: { tool: t.tool, path: describeCommands(t), origin: redactSecrets(o.says) }, image: { path: t.commands[0]!.path, layer: t.layer } };
  if (severity) report.severity = severity;
  return { fromBase: o.fromBase, report };
}

/** The parts of a report a tool finding fills in (spread into `ctx.report({ messageId, ...report })`). */
export interface ToolReport {
  data: { tool: string; path: string; origin: string };
  image: { path: string; layer: number };
  severity?: Severity;
}
