/**
 * What an image runs, for the `one-app` image checks: the command line of its config, the entrypoint
 * script it runs (captured during the pass, parsed here once per image), the programs that
 * process-manager configs inside it start, and the server binaries it holds.
 */
import { posix } from 'node:path';
import type { ShellScript } from '../shell/shell.js';
import type { Where } from '../knowledge/launch.js';
import { DAEMONS } from '../knowledge/processes.js';
import type { FileEntry, ImageFacts } from './facts.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The entry a path leads to, following symlinks (in the last component) a few times. */
function follow(image: ImageFacts, path: string): { path: string; entry: FileEntry } | null {
  let p = path;
  for (let hops = 0; hops < 8; hops++) {
    const e = image.files.get(p);
    if (!e) return null;
    if (e.type !== 'symlink' || e.linkTarget === undefined) return { path: p, entry: e };
    p = e.linkTarget.startsWith('/') ? posix.normalize(e.linkTarget) : posix.join(posix.dirname(p), e.linkTarget);
  }
  return null;
}

/** The in-image file a command name runs: an absolute path, or a name looked up on the config's PATH. */
export function resolveCommand(image: ImageFacts, name: string): { path: string; entry: FileEntry } | null {
  if (name.startsWith('/')) return follow(image, posix.normalize(name));
  if (name.includes('/')) return follow(image, posix.join(image.config.workingDir || '/', name));
  const path = image.config.env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  for (const dir of path.split(':')) {
    if (!dir.startsWith('/')) continue;
    const hit = follow(image, posix.join(dir, name));
    if (hit) return hit;
  }
  return null;
}

/** A shell script the image runs, parsed. */
export interface ImageScript {
  /** In-image path; null for the `sh -c` string of the config itself. */
  path: string | null;
  layer: number | null;
  /** The config field that starts it (or the script that hands over to it). */
  field: 'Entrypoint' | 'Cmd';
  shell: ShellScript;
}

/**
 * The shell scripts the config's command line runs, from the launch chain (`image.launch`): the
 * `sh -c` string of a command line, and the entrypoint scripts captured from the layers, including
 * the Cmd script an entrypoint hands over to with `exec "$@"`.
 */
export function imageScripts(image: ImageFacts): ImageScript[] {
  const fieldOf = (at: Where): 'Entrypoint' | 'Cmd' => (at.kind === 'config' ? at.field : at.kind === 'script' ? fieldOf(at.script.runBy) : 'Cmd');
  return (image.launch?.hops ?? []).map((hop) => ({
    path: hop.script?.imagePath ?? null,
    layer: hop.script?.layer ?? null,
    field: fieldOf(hop.at),
    shell: hop.body,
  }));
}

/** One program a process-manager config inside the image starts. */
export interface ManagedProgram {
  manager: 'supervisord' | 's6-overlay' | 'runit';
  name: string;
  /** The config file or service directory that declares it. */
  path: string;
  layer: number;
}

const SUPERVISOR_CONFIG = /^\/etc\/(supervisord\.conf|supervisor\/supervisord\.conf|supervisor\/conf\.d\/[^/]+|supervisord\.d\/[^/]+)$/;

/** The programs that supervisord, s6-overlay and runit configs in the merged file system start. */
export function managedPrograms(image: ImageFacts): ManagedProgram[] {
  const out: ManagedProgram[] = [];
  for (const [path, text] of image.captured) {
    if (!SUPERVISOR_CONFIG.test(path)) continue;
    const layer = image.files.get(path)?.layer ?? 0;
    for (const m of text.matchAll(/^[ \t]*\[program:([^\]\s]+)\]/gm)) out.push({ manager: 'supervisord', name: m[1]!, path, layer });
  }
  for (const [path, e] of image.files) {
    // s6-overlay v2 `/etc/services.d/<name>/run`, v3 `/etc/s6-overlay/s6-rc.d/<name>/type` = longrun
    let m = /^\/etc\/services\.d\/([^/]+)\/run$/.exec(path);
    if (m) out.push({ manager: 's6-overlay', name: m[1]!, path, layer: e.layer });
    m = /^\/etc\/s6-overlay\/s6-rc\.d\/([^/]+)\/type$/.exec(path);
    if (m && image.captured.get(path)?.trim() === 'longrun') out.push({ manager: 's6-overlay', name: m[1]!, path, layer: e.layer });
    // runit: every entry of /etc/service is an enabled service (often a link to /etc/sv/<name>)
    m = /^\/etc\/service\/([^/]+)$/.exec(path);
    if (m && (e.type === 'dir' || e.type === 'symlink') && !m[1]!.startsWith('.')) out.push({ manager: 'runit', name: m[1]!, path, layer: e.layer });
  }
  return out;
}

/** True when the image holds s6-overlay, so `/init` is its supervisor. */
export function hasS6Overlay(image: ImageFacts): boolean {
  for (const p of ['/etc/s6-overlay', '/package/admin/s6-overlay', '/etc/services.d', '/command/s6-svscan', '/bin/s6-svscan', '/usr/bin/s6-svscan']) if (image.files.has(p)) return true;
  for (const p of image.files.keys()) if (p.startsWith('/etc/s6-overlay/') || p.startsWith('/etc/services.d/')) return true;
  return false;
}

/** A server binary in the merged file system. */
export interface DaemonBinary {
  daemon: string;
  path: string;
  layer: number;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + '$');
}

const DAEMON_PATHS: { daemon: string; exact: Set<string>; globs: RegExp[] }[] = Object.entries(DAEMONS).map(([daemon, d]) => ({
  daemon,
  exact: new Set(d.binaries.filter((b) => !b.includes('*'))),
  globs: d.binaries.filter((b) => b.includes('*')).map(globToRegExp),
}));

/**
 * The server binaries present, one per daemon (the first path found). A link to busybox is no
 * server: its applets (`httpd`, `crond`) are on every busybox image whether anything runs them or not.
 */
export function daemonBinaries(image: ImageFacts): DaemonBinary[] {
  const out = new Map<string, DaemonBinary>();
  for (const [path, e] of image.files) {
    if (e.type === 'dir') continue;
    for (const d of DAEMON_PATHS) {
      if (out.has(d.daemon) || !(d.exact.has(path) || d.globs.some((g) => g.test(path)))) continue;
      const target = follow(image, path);
      const via = e.type === 'hardlink' ? e.linkTarget ?? '' : target?.path ?? '';
      if (!target || target.entry.type === 'dir' || /busybox/.test(posix.basename(via))) continue;
      out.set(d.daemon, { daemon: d.daemon, path, layer: e.layer });
    }
  }
  return [...out.values()].sort((a, b) => a.layer - b.layer || (a.path < b.path ? -1 : 1));
}

