/**
 * The build context: `.dockerignore`, and the scripts the Dockerfile copies in and then runs as
 * ENTRYPOINT or CMD, so the pid1 checks can read them. All context I/O goes through a reader.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, resolve, sep } from 'node:path';
import type { BuildContext, CopiedSecret, DockerfileFacts, Instruction, ScriptFile, Stage } from './model.js';
import type { Range } from '../util/text.js';
import { expand } from './vars.js';
import { secretFileKind, secretInFile } from '../knowledge/secrets.js';

/** Reads files of a build context; returns null for a file that is missing, unreadable, binary or too large. */
export interface ContextReader {
  root: string;
  read(relative: string): string | null;
  /** True when the context holds a file at that path, whatever its size. */
  exists(relative: string): boolean;
  /** The names in a directory of the context; null when it is not a directory. */
  list(relative: string): string[] | null;
}

export function emptyContext(): BuildContext {
  return { root: null, dockerignore: null, scripts: [], devcontainer: false, files: new Map(), packageJson: null, copiedSecrets: new Map(), copiedFiles: [] };
}

/**
 * Files at the context root that checks ask about by name: Go's module file (`go install pkg` in a
 * module takes its version from it) and vendor list (a vendored module builds without downloading).
 */
export const CONTEXT_FILES = ['go.mod', 'vendor/modules.txt'] as const;

/** The text of one of `CONTEXT_FILES` in the build context ('' when present but not readable as text), or null when absent or when there is no context. */
export function contextFile(facts: DockerfileFacts, path: (typeof CONTEXT_FILES)[number]): string | null {
  return facts.context.files.get(path) ?? null;
}

const MAX_SCRIPT = 256 * 1024;

/** A reader over a directory on disk; it never leaves the directory. */
export function directoryReader(root: string): ContextReader {
  const base = resolve(root);
  const inside = (relative: string): string | null => {
    const full = resolve(join(base, relative));
    return full !== base && !full.startsWith(base + sep) ? null : full;
  };
  return {
    root: base,
    exists(relative) {
      const full = inside(relative);
      try {
        // Most names asked about are absent: no exception (and its stack trace) for those.
        return full !== null && (statSync(full, { throwIfNoEntry: false })?.isFile() ?? false);
      } catch {
        return false;
      }
    },
    read(relative) {
      const full = inside(relative);
      if (full === null) return null;
      try {
        const st = statSync(full, { throwIfNoEntry: false });
        if (!st?.isFile() || st.size > MAX_SCRIPT) return null;
        const buf = readFileSync(full);
        if (buf.includes(0)) return null;
        return buf.toString('utf8');
      } catch {
        return null;
      }
    },
    list(relative) {
      const full = resolve(join(base, relative));
      if (full !== base && !full.startsWith(base + sep)) return null;
      try {
        return readdirSync(full);
      } catch {
        return null;
      }
    },
  };
}

/**
 * A reader that asks `reader` once per path: for a run over many Dockerfiles sharing a build context
 * (each reads `.dockerignore`, the devcontainer files, `go.mod`…). It takes the context as it was
 * when first read; make one per run.
 */
export function cachingReader(reader: ContextReader): ContextReader {
  const texts = new Map<string, string | null>();
  const found = new Map<string, boolean>();
  const lists = new Map<string, string[] | null>();
  return {
    root: reader.root,
    list(relative) {
      let l = lists.get(relative);
      if (l === undefined) lists.set(relative, (l = reader.list(relative)));
      return l && [...l];
    },
    read(relative) {
      let t = texts.get(relative);
      if (t === undefined) texts.set(relative, (t = reader.read(relative)));
      return t;
    },
    exists(relative) {
      let e = found.get(relative);
      if (e === undefined) found.set(relative, (e = reader.exists(relative)));
      return e;
    },
  };
}

/** A reader over files held in memory (tests, stdin). */
export function memoryReader(files: Record<string, string>, root = '.'): ContextReader {
  const key = (p: string): string => posix.normalize(p).replace(/^\.\//, '').replace(/\/+$/, '');
  return {
    root,
    read: (p) => files[key(p)] ?? null,
    exists: (p) => key(p) in files,
    list(p) {
      const dir = key(p);
      const prefix = dir === '.' || dir === '' ? '' : `${dir}/`;
      const names = new Set(Object.keys(files).filter((f) => f.startsWith(prefix) && f !== dir).map((f) => f.slice(prefix.length).split('/')[0]!));
      return names.size ? [...names] : null;
    },
  };
}

/** At most this many context paths are listed for `copiedFiles`. */
const MAX_COPIED = 2000;

/**
 * The context paths (files and directories, relative to its root) that COPY/ADD in the final stage
 * and the stages it is built on take from the context, directories walked: what the image carries
 * from the project (an `sshd_config`, an s6 service directory). Globs and variables are skipped.
 */
function listCopied(facts: DockerfileFacts, reader: ContextReader): string[] {
  const out: string[] = [];
  for (let s: Stage | null = facts.finalStage; s && out.length < MAX_COPIED; s = s.parent) {
    for (const i of s.instructions) {
      if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.heredocs.length || i.flags.some((f) => f.name === 'from')) continue;
      const parts = i.json ?? i.args.map((a) => a.value.replace(/^(["'])(.*)\1$/, '$2'));
      for (const src of parts.slice(0, -1)) {
        if (/^[a-z]+:\/\//i.test(src) || src.includes('$') || /[*?[]/.test(src)) continue;
        const queue = [posix.normalize(src).replace(/^\/+/, '').replace(/\/+$/, '') || '.'];
        while (queue.length && out.length < MAX_COPIED) {
          const p = queue.shift()!;
          if (p !== '.') out.push(p);
          const names = reader.list(p);
          if (names) queue.push(...names.filter((n) => n !== '.git' && n !== 'node_modules').map((n) => (p === '.' ? n : `${p}/${n}`)));
        }
      }
    }
  }
  return out;
}

/** At most this many files under a copied credentials directory are read. */
const MAX_DIR_FILES = 64;

/**
 * What each COPY/ADD from the build context (not from a stage or an image) copies that is named like
 * a credential (`.npmrc`, `id_rsa`, `.env`, `*.pem`, a `.docker` directory): the file is read, and
 * a directory's files, so the content decides (an `.npmrc` with only registry settings, a `.pem` of
 * DH parameters, a `.docker` folder of vhost files hold no secret).
 */
function readCopiedSecrets(facts: DockerfileFacts, reader: ContextReader): Map<Instruction, CopiedSecret[]> {
  const out = new Map<Instruction, CopiedSecret[]>();
  for (const ins of facts.instructions) {
    const i = ins.trigger ?? ins;
    if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.heredocs.length || i.flags.some((f) => f.name === 'from')) continue;
    const parts = i.json ?? i.args.map((a) => a.value.replace(/^(["'])(.*)\1$/, '$2'));
    const found: CopiedSecret[] = [];
    parts.slice(0, -1).forEach((src, index) => {
      if (/^[a-z]+:\/\//i.test(src) || src.includes('$') || /[*?[]/.test(src)) return;
      const kind = secretFileKind(src);
      if (!kind) return;
      const rel = posix.normalize(src).replace(/^\/+/, '').replace(/\/+$/, '') || '.';
      const text = reader.read(rel);
      if (text !== null) {
        // Credential rules are written for image paths, which are absolute.
        const what = secretInFile(`/${rel}`, text);
        found.push({ index, source: src, kind, state: what ? 'secret' : 'clean', what, file: rel });
        return;
      }
      const names = reader.list(rel);
      if (names === null) {
        found.push({ index, source: src, kind, state: 'absent', what: null, file: null });
        return;
      }
      // A directory: the credential files in it decide (`.docker/config.json` with auths, `.ssh/id_rsa`).
      const queue = names.map((n) => `${rel}/${n}`);
      let hit: { what: string; file: string } | null = null;
      for (let k = 0; k < queue.length && k < MAX_DIR_FILES && !hit; k++) {
        const f = queue[k]!;
        const body = reader.read(f);
        if (body === null) {
          const more = reader.list(f);
          if (more) queue.push(...more.map((n) => `${f}/${n}`));
          continue;
        }
        const what = secretInFile(`/${f}`, body);
        if (what) hit = { what, file: f };
      }
      found.push({ index, source: src, kind, state: hit ? 'secret' : 'clean', what: hit?.what ?? null, file: hit?.file ?? null });
    });
    if (found.length) out.set(i, found);
  }
  return out;
}

const SHELL_NAMES = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
/** Docker's default PATH, where a bare ENTRYPOINT name is found. */
const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The program an ENTRYPOINT/CMD/HEALTHCHECK runs first, and a script it hands to a shell (`["sh", "x.sh"]`). */
function executableOf(argv: readonly string[]): string | null {
  const first = argv[0];
  if (!first) return null;
  const base = first.split('/').pop()!;
  if (SHELL_NAMES.has(base)) {
    const script = argv.slice(1).find((a) => !a.startsWith('-'));
    if (script && argv.indexOf('-c') < 0) return script;
    return null;
  }
  if (['tini', 'dumb-init', 'tini-static', 'gosu', 'su-exec'].includes(base)) {
    const rest = argv.slice(1).filter((a) => a !== '--' && !a.startsWith('-'));
    return rest[base === 'gosu' || base === 'su-exec' ? 1 : 0] ?? null;
  }
  return first;
}

/** Linux's PATH_MAX: a longer working directory cannot exist; past it WORKDIRs are not followed. */
export const PATH_MAX = 4096;

/** The working directory before each instruction of the stage chain that ends in `stage`, in one pass. */
function workdirsOf(stage: Stage): Map<Instruction, string> {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s; s = s.parent) chain.push(s);
  chain.reverse();
  const out = new Map<Instruction, string>();
  let wd = '/';
  for (const s of chain) {
    for (const i of s.instructions) {
      out.set(i, wd);
      if (i.keyword === 'WORKDIR' && i.args[0]) {
        const next = posix.resolve(wd, expand(i.args[0].value.replace(/^"(.*)"$/, '$1'), i.vars).value);
        if (next.length <= PATH_MAX) wd = next;
      }
    }
  }
  return out;
}

/** Finds a context file that a COPY/ADD (not from another stage or image) put at `imagePath`. */
function sourceFor(stage: Stage, imagePath: string, workdirAt: (ins: Instruction) => string): { source: string } | null {
  for (let s: Stage | null = stage; s; s = s.parent) {
    for (const i of [...s.instructions].reverse()) {
      if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.flags.some((f) => f.name === 'from')) continue;
      const parts = i.json ?? i.args.map((a) => a.value);
      if (parts.length < 2) continue;
      const srcs = parts.slice(0, -1);
      const destRaw = expand(parts[parts.length - 1]!.replace(/^"(.*)"$/, '$1'), i.vars).value;
      const dest = posix.resolve(workdirAt(i), destRaw);
      const intoDir = destRaw.endsWith('/') || srcs.length > 1 || destRaw === '.';
      for (const src of srcs) {
        if (/[*?[]/.test(src) || /^https?:/.test(src)) {
          if (posix.dirname(imagePath) === dest || dest === imagePath) {
            const name = posix.basename(imagePath);
            const dir = posix.dirname(src);
            return { source: posix.join(dir, name) };
          }
          continue;
        }
        if (!intoDir && dest === imagePath) return { source: src };
        if (posix.join(dest, posix.basename(src)) === imagePath) return { source: src };
        if (src === '.' || src === './') {
          if (imagePath.startsWith(dest + '/')) return { source: imagePath.slice(dest.length + 1) };
        } else if (imagePath.startsWith(dest + '/')) {
          const tail = imagePath.slice(dest.length + 1);
          // COPY dir/ /app/ copies the contents of dir
          return { source: posix.join(src, tail) };
        }
      }
    }
  }
  return null;
}

/** At most this many scripts are read from a build context (a script that runs others that run others…). */
const MAX_SCRIPTS = 24;

/** Where a program word of the final stage's chain is in the image: a path, or a bare name on the PATH. */
function candidatesOf(word: string, workdir: string): string[] {
  return word.includes('/') ? [posix.resolve(workdir, word)] : PATH_DIRS.map((d) => posix.join(d, word));
}

/** A context file that holds a POSIX shell script (by its `#!` line; none means sh), or null. */
function shellText(reader: ContextReader, rel: string): string | null {
  const text = reader.read(rel);
  if (text === null) return null;
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  const interp = shebang ? (shebang[1]!.endsWith('/env') ? shebang[2] ?? '' : shebang[1]!).split('/').pop()! : 'sh';
  return SHELL_NAMES.has(interp) ? text : null;
}

/** The words of an ENTRYPOINT, CMD or HEALTHCHECK that may name a script: the program, and arguments that look like paths. */
function scriptWords(ins: Instruction): string[] {
  if (ins.keyword === 'HEALTHCHECK' && /^NONE\b/i.test(ins.body)) return [];
  const body = ins.keyword === 'HEALTHCHECK' ? ins.body.replace(/^CMD\s+/i, '') : ins.body;
  const argv = ins.json ?? body.split(/\s+/).filter(Boolean);
  const exe = executableOf(argv);
  const args = argv.slice(1).filter((a) => !a.startsWith('-') && (a.includes('/') || /\.(sh|bash)$/.test(a)));
  return [...new Set([...(exe ? [exe] : []), ...args])].filter((w) => !w.includes('$'));
}

/** Reads what the checks need from the build context of a parsed Dockerfile. */
export function readContext(facts: DockerfileFacts, reader: ContextReader): BuildContext {
  const ignore = reader.read('.dockerignore');
  const ctx: BuildContext = {
    root: reader.root,
    dockerignore: ignore === null ? null : ignore.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')),
    scripts: [],
    devcontainer: reader.read('devcontainer.json') !== null || reader.read('.devcontainer.json') !== null,
    files: new Map(CONTEXT_FILES.filter((f) => reader.exists(f)).map((f) => [f, reader.read(f) ?? ''])),
    packageJson: null,
    copiedSecrets: readCopiedSecrets(facts, reader),
    copiedFiles: listCopied(facts, reader),
  };
  const stage = facts.finalStage;
  if (!stage) return ctx;
  const finder = scriptFinder(stage, reader);
  for (let s: Stage | null = stage; s; s = s.parent) {
    for (const kw of ['ENTRYPOINT', 'CMD', 'HEALTHCHECK']) {
      const ins = [...s.instructions].reverse().find((i) => i.keyword === kw);
      if (!ins) continue;
      // The program of ENTRYPOINT/CMD starts the container; a script named as its argument is run by it.
      for (const w of scriptWords(ins)) {
        const found = finder.find(w, ins);
        if (found && ctx.scripts.length < MAX_SCRIPTS) ctx.scripts.push({ ...found, runBy: ins, role: kw === 'HEALTHCHECK' ? 'healthcheck' : 'start' });
      }
    }
    if (s !== stage) break;
  }
  // What `npm start` runs (a fix replaces it with the start script's command): read only when a command or script launches a package manager.
  const launches = (text: string): boolean => /\b(npm|yarn|pnpm)\b/.test(text);
  if (facts.instructions.some((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && launches(i.body)) || ctx.scripts.some((x) => launches(x.text))) ctx.packageJson = reader.read('package.json');
  return ctx;
}

/** Looks up the context files that the final stage's chain copies to a path, each once. */
function scriptFinder(stage: Stage, reader: ContextReader): { find(word: string, at: Instruction): { path: string; imagePath: string; text: string; shell: null } | null } {
  const seen = new Set<string>();
  let workdirs: Map<Instruction, string> | undefined;
  const workdirAt = (ins: Instruction): string => (workdirs ??= workdirsOf(stage)).get(ins) ?? '/';
  return {
    find(word, at) {
      const base = posix.basename(word);
      // A path a RUN links to the copied file (`ln -s usr/local/bin/x.sh /x.sh`) is not followed: the
      // same name on the PATH, where COPY usually puts it, stands in for it.
      const candidates = [...candidatesOf(word, workdirAt(at)), ...(word.includes('/') ? PATH_DIRS.map((d) => posix.join(d, base)) : [])];
      for (const c of candidates) {
        if (seen.has(c)) return null;
        const src = sourceFor(stage, c, workdirAt);
        if (!src) continue;
        seen.add(c);
        const rel = posix.normalize(src.source).replace(/^\/+/, '');
        // A source the context does not hold as named (copied from a generated folder, `local-package/*`):
        // a file of that name at the context's root is taken for it.
        let path = rel;
        let text = shellText(reader, rel);
        if (text === null && rel !== base) text = shellText(reader, (path = base));
        return text === null ? null : { path, imagePath: c, text, shell: null };
      }
      return null;
    },
  };
}

/**
 * The scripts the start and health-check scripts run or source (`/usr/local/bin/wait-for-db.sh`,
 * `. /opt/env.sh`), and the ones those run, as `helper` scripts; called once the scripts are parsed
 * (`parseDockerfile`), and again for each round of new ones, up to `MAX_SCRIPTS` in all.
 */
export function helperScripts(facts: DockerfileFacts, reader: ContextReader, among: readonly ScriptFile[]): ScriptFile[] {
  const stage = facts.finalStage;
  if (!stage) return [];
  const finder = scriptFinder(stage, reader);
  for (const s of facts.context.scripts) finder.find(s.imagePath, s.runBy);
  const out: ScriptFile[] = [];
  for (const script of among) {
    for (const c of script.shell?.commands ?? []) {
      const word = c.base === 'source' || c.base === '.' ? c.argv[0] : c.name;
      if (!word || word.includes('$') || (!word.includes('/') && !/\.(sh|bash)$/.test(word))) continue;
      const from = word.startsWith('./') || !word.includes('/') ? posix.join(posix.dirname(script.imagePath), word) : word;
      const found = finder.find(from, script.runBy);
      if (found && facts.context.scripts.length + out.length < MAX_SCRIPTS) out.push({ ...found, runBy: script.runBy, role: 'helper' });
    }
  }
  return out;
}

const WHOLE_CONTEXT = new Set(['.', './', '*', './*', './.', '/']);

/** The source of a COPY/ADD that takes the whole build context (`COPY . .`), or null. Copies from stages or images do not count. */
export function wholeContextSource(ins: Instruction): { range: Range } | null {
  if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || ins.heredocs.length > 0) return null;
  if (ins.flags.some((f) => f.name === 'from')) return null;
  if (ins.json) return ins.json.length >= 2 && ins.json.slice(0, -1).some((s) => WHOLE_CONTEXT.has(s)) ? ins : null;
  const args = ins.args;
  if (args.length < 2) return null;
  const src = args.slice(0, -1).find((a) => WHOLE_CONTEXT.has(a.value.replace(/^"(.*)"$/, '$1')));
  return src ?? null;
}
