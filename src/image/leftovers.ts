/**
 * Files from a source repository or a developer's machine left in an image's final file system:
 * `.git` directories, Dockerfiles and Compose files, editor folders. Found in one walk over the merged
 * file list, once per image.
 */
import type { FileEntry, ImageFacts } from './facts.js';

export interface Leftover {
  /** `.git`: a repository's history; `build`: Dockerfiles and Compose files; `editor`: `.vscode`, `.idea`. */
  kind: 'git' | 'build' | 'editor';
  /** The directory or file: `/app/.git`, `/app/Dockerfile`. */
  path: string;
  layer: number;
}

/** Where dependencies are unpacked: their own `.git` or Dockerfile is the dependency's, not this project's. */
const DEPENDENCY_DIR = /\/(node_modules|vendor|site-packages|dist-packages|bower_components|\.cargo|\.rustup|\.npm|\.cache|\.m2|\.gradle|\.pnpm-store|\.yarn|gems|bundle|pkg\/mod|go\/src|\.nvm|\.pyenv|\.rbenv|\.local\/share|flutter)\//;
const SYSTEM_DIR = /^\/(usr\/(lib|lib64|share|include|libexec|local\/(lib|share|include|bundle))|lib|lib64|proc|sys|etc|opt\/conda)\//;

const BUILD_FILE = /^(Dockerfile|Containerfile|docker-compose\.ya?ml|compose\.ya?ml)$|^Dockerfile\.[\w.-]+$|\.(Dockerfile|dockerfile)$/;

const memo = new WeakMap<ImageFacts, Leftover[]>();

/** The leftovers of an image's final file system, in path order. */
export function leftoverFiles(image: ImageFacts): readonly Leftover[] {
  const hit = memo.get(image);
  if (hit) return hit;
  const out: Leftover[] = [];
  const dirs = new Map<string, FileEntry>();
  for (const [path, f] of image.files) {
    const slash = path.lastIndexOf('/');
    const base = path.slice(slash + 1);
    if (SYSTEM_DIR.test(path) || DEPENDENCY_DIR.test(path)) continue;
    if (f.type === 'file' && BUILD_FILE.test(base)) {
      out.push({ kind: 'build', path, layer: f.layer });
      continue;
    }
    // A `.git` or editor folder: its directory entry, or (when no layer wrote the directory) a file in it.
    const m = /^(.*?\/(\.git|\.vscode|\.idea))(?:\/|$)/.exec(path);
    if (!m) continue;
    const dir = m[1]!;
    if (m[2] === '.git' && dir !== path && !/^\.git\/(HEAD|config|objects\/|refs\/)/.test(path.slice(dir.length - 4))) continue;
    const prev = dirs.get(dir);
    if (!prev || (path === dir && prev.path !== dir)) dirs.set(dir, path === dir ? f : { ...f, path: dir });
  }
  for (const [dir, f] of dirs) {
    // A submodule's or a nested clone's `.git` under another `.git` is part of it.
    if ([...dirs.keys()].some((d) => d !== dir && dir.startsWith(d + '/'))) continue;
    out.push({ kind: dir.endsWith('/.git') ? 'git' : 'editor', path: dir, layer: f.layer });
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  memo.set(image, out);
  return out;
}
