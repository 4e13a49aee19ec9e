/**
 * A directory searched as a repository: every Dockerfile under it (`Dockerfile`, `Containerfile`,
 * `*.Dockerfile`, `Dockerfile.*`) and every compose or bake file that may say how they are built.
 * What `.gitignore` files ignore is skipped (each applies to its own directory and below, the last
 * matching line winning, as in git), and so are `.git`, `node_modules` and `vendor` (dependencies
 * bring their own Dockerfiles), symbolic links to directories, and what the caller excludes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gitignoreVerdict, parseGitignore } from '../util/glob.js';

/** Directories never searched. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', 'vendor']);

const DOCKERFILE_NAME = /^(Dockerfile|Containerfile)$|\.(Dockerfile|Containerfile)$|^(Dockerfile|Containerfile)\./i;
/**
 * `Dockerfile.*` names that are not Dockerfiles: per-Dockerfile ignore files, notes, templates, editor
 * and merge leftovers, and source files of programs about Dockerfiles (`dockerfile.ts`, `dockerfile.go`).
 */
export const NOT_A_DOCKERFILE = /\.(dockerignore|md|txt|rst|orig|rej|swp|bak|j2|jinja|jinja2|tpl|tmpl|template|in|erb|mustache|hbs|ts|tsx|js|jsx|mjs|cjs|go|py|rb|rs|java|kt|cs|php|c|h|hs|json|ya?ml|toml|lock|snap|html|sh)$|~$/i;
const COMPOSE_NAME = /^(docker-)?compose(\.[\w-]+)*\.ya?ml$/;
const BAKE_NAME = /^docker-bake(\.[\w-]+)*\.(hcl|json)$/;

/** True for a file name a directory run takes for a Dockerfile. */
export function isDockerfileName(name: string): boolean {
  return DOCKERFILE_NAME.test(name) && !NOT_A_DOCKERFILE.test(name);
}

/** True for a compose file name (`compose.yaml`, `docker-compose.prod.yml`…). */
export const isComposeName = (name: string): boolean => COMPOSE_NAME.test(name);
/** True for a bake file name (`docker-bake.hcl`, `docker-bake.override.json`…). */
export const isBakeName = (name: string): boolean => BAKE_NAME.test(name);

export interface Found {
  /** Dockerfiles, as `root` joined with their relative path, sorted. */
  dockerfiles: string[];
  /** Compose and bake files, likewise. */
  buildFiles: string[];
  /** YAML and JSON files, likewise: the candidates for Kubernetes manifests (their text decides). */
  manifests: string[];
  /** Every file path relative to `root` (`/`-separated) the walk saw and kept, for glob matching. */
  files: string[];
}

export interface WalkOptions {
  /** True for a path (absolute) the caller excludes; a directory excluded is not entered. */
  excluded?: (abs: string, isDir: boolean) => boolean;
  /** Keep every file's relative path in `files` (for glob expansion). */
  allFiles?: boolean;
}

/** Walks `root`, skipping what .gitignore files, `SKIP_DIRS` and `excluded` rule out. */
export function walkRepository(root: string, options: WalkOptions = {}): Found {
  const found: Found = { dockerfiles: [], buildFiles: [], manifests: [], files: [] };
  const absRoot = resolve(root);
  // The .gitignore files above the root that apply to it (up to the repository's top).
  const rules: { dir: string; rules: ReturnType<typeof parseGitignore> }[] = [];
  for (const dir of ancestorsInRepository(absRoot).reverse()) {
    if (dir === absRoot) continue;
    const r = readGitignore(dir);
    if (r) rules.push({ dir, rules: r });
  }
  const ignored = (abs: string, isDir: boolean): boolean => {
    let verdict: boolean | null = null;
    for (const { dir, rules: r } of rules) {
      const rel = relative(dir, abs).split(sep).join('/');
      const v = gitignoreVerdict(r, rel, isDir);
      if (v !== null) verdict = v;
    }
    return verdict === true;
  };
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const own = readGitignore(dir);
    if (own) rules.push({ dir, rules: own });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        // A link to a file is followed; a link to a directory is not (it may loop or leave the repository).
        try {
          isFile = statSync(abs).isFile();
        } catch {
          isFile = false;
        }
        isDir = false;
      }
      if (isDir && SKIP_DIRS.has(e.name)) continue;
      if (!isDir && !isFile) continue;
      if (ignored(abs, isDir) || options.excluded?.(abs, isDir)) continue;
      if (isDir) walk(abs);
      else {
        const shown = join(root, relative(absRoot, abs));
        if (isDockerfileName(e.name)) found.dockerfiles.push(shown);
        else if (isComposeName(e.name) || isBakeName(e.name)) found.buildFiles.push(shown);
        else if (/\.(ya?ml|json)$/i.test(e.name)) found.manifests.push(shown);
        if (options.allFiles) found.files.push(relative(absRoot, abs).split(sep).join('/'));
      }
    }
    if (own) rules.pop();
  };
  walk(absRoot);
  return found;
}

function readGitignore(dir: string): ReturnType<typeof parseGitignore> | null {
  try {
    const r = parseGitignore(readFileSync(join(dir, '.gitignore'), 'utf8'));
    return r.length ? r : null;
  } catch {
    return null;
  }
}

/**
 * `dir` and the directories above it up to the top of its git repository (the one holding `.git`),
 * nearest first; only `dir` itself when it is in no repository.
 */
export function ancestorsInRepository(dir: string): string[] {
  const out: string[] = [];
  let d = resolve(dir);
  for (;;) {
    out.push(d);
    if (existsSync(join(d, '.git'))) return out;
    const up = dirname(d);
    if (up === d) return [resolve(dir)];
    d = up;
  }
}

/** Compose and bake files directly in the directories above `dir` within its repository (not `dir` itself). */
export function buildFilesAbove(dir: string): string[] {
  const out: string[] = [];
  for (const d of ancestorsInRepository(dir).slice(1)) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names.sort()) if (isComposeName(n) || isBakeName(n)) out.push(join(d, n));
  }
  return out;
}
