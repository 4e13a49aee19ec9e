/** Stages as the build sees them: the chain a stage is built on, and the packages its RUNs install. */
import type { DockerfileFacts, Instruction, Stage } from './model.js';
import { memoized } from '../util/memo.js';
import { globMatches, type GlobToken } from '../util/glob.js';
import { packageInstall, type InstallCommand } from '../knowledge/packages.js';

/** A package install in a RUN of the Dockerfile. */
export interface PackageInstall extends InstallCommand {
  instruction: Instruction;
}

/** Every package install in the RUNs of a stage, ONBUILD RUNs included, in order (computed once per stage, a fresh array each call). */
export function stageInstalls(stage: Stage): PackageInstall[] {
  return [...memoized(stage, 'installs', () => findStageInstalls(stage))];
}

function findStageInstalls(stage: Stage): PackageInstall[] {
  const out: PackageInstall[] = [];
  for (const ins of stage.instructions) {
    for (const i of ins.trigger ? [ins.trigger] : [ins]) {
      if (i.keyword !== 'RUN' || !i.shell) continue;
      for (const c of i.shell.commands) {
        const p = packageInstall(c);
        if (p) out.push({ ...p, instruction: i });
      }
    }
  }
  return out;
}

/** The stage and the stages it is built on, base first. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s; s = s.parent) chain.push(s);
  return chain.reverse();
}

/**
 * A FROM through variables (`base-${TARGETARCH}`, `${BASE}-base`) as a pattern of the stage names it
 * may name: each variable stands for one word (a build arg picks a variant: `amd64`, `apache`). A
 * reference that is only a variable (`FROM ${BASE_IMAGE}`) names an image, not a stage: null.
 */
function refPattern(ref: string): { test(name: string): boolean } | null {
  if (!ref.includes('$')) return null;
  const parts = ref.toLowerCase().split(/\$\{[^}]*\}|\$\w+/);
  if (parts.every((p) => p === '')) return null;
  // Matched as a glob (src/util/glob.ts), never as a regular expression built from the file's text.
  const tokens = parts.flatMap((p, i): GlobToken[] => [...(i ? [{ t: 'word' } as const] : []), ...(p ? [{ t: 'lit', s: p } as const] : [])]);
  return { test: (name) => globMatches(tokens, name.toLowerCase()) };
}

/** Name tests of FROM patterns against earlier stages, in all; past it a pattern is taken to name no stage. */
const MAX_REF_TESTS = 1_000_000;

/**
 * The stages whose layers end up in the image: the final stage and the stages it is built on (by
 * FROM, and by a FROM through variables, `FROM base-${TARGETARCH}`, any earlier stage the pattern
 * fits), and the stages a shipped one copies whole (`COPY --from=build / /`, a squash). A stage that
 * is only copied from is not among them: `COPY --from` takes files, not layers, and a stage that is
 * only the base of such builders does not ship either. Computed once per Dockerfile, with a loop over
 * a stack (chains of thousands of stages).
 */
export function shippedStages(facts: DockerfileFacts): ReadonlySet<Stage> {
  return memoized(facts, 'shippedStages', () => {
    const out = new Set<Stage>();
    const byName = new Map(facts.stages.filter((s) => s.name).map((s) => [s.name!, s]));
    let tests = 0;
    const stack: Stage[] = facts.finalStage ? [facts.finalStage] : [];
    while (stack.length) {
      const stage = stack.pop()!;
      if (out.has(stage)) continue;
      out.add(stage);
      if (stage.parent) stack.push(stage.parent);
      const from = stage.from.args[0]?.value;
      const re = from ? refPattern(from) : null;
      if (re && (tests += stage.index) <= MAX_REF_TESTS) for (let i = 0; i < stage.index; i++) {
        const t = facts.stages[i]!;
        if (t.name && re.test(t.name)) stack.push(t);
      }
      for (const ins of stage.instructions) {
        if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
        const ref = ins.flags.find((f) => f.name === 'from')?.value;
        const sources = ins.json ? ins.json.slice(0, -1) : ins.args.slice(0, -1).map((a) => a.value);
        if (!ref || !sources.some((x) => x === '/' || x === '/.' || x === '/*')) continue;
        const src = /^\d+$/.test(ref) ? facts.stages[Number(ref)] : byName.get(ref.toLowerCase());
        if (src && src.index < stage.index) stack.push(src);
      }
    }
    return out;
  });
}

/**
 * True when the layers of this instruction's stage ship (see `shippedStages`), or for an ONBUILD
 * trigger (it runs in every image built from this one) and an instruction before any FROM.
 */
export function layersShip(facts: DockerfileFacts, ins: Instruction): boolean {
  const stage = ins.stage;
  if (ins.onbuild || !stage) return true;
  return shippedStages(facts).has(stage);
}

/** Commands of a stage that only fetches files: download, verify, unpack, move into place. */
const FETCH_COMMANDS = new Set([
  'curl', 'wget', 'tar', 'unzip', 'gunzip', 'gzip', 'xz', 'unxz', 'bunzip2', 'zstd', 'sha1sum', 'sha256sum', 'sha512sum', 'md5sum', 'gpg', 'gpgv',
  'mkdir', 'mv', 'cp', 'chmod', 'ln', 'rm', 'echo', 'printf', 'set', 'true', 'test', '[', 'cd', 'export', 'ls', 'install', 'cat', 'grep', 'sed',
  'awk', 'cut', 'basename', 'dirname', 'tr', 'head', 'tail', 'sort', 'find', 'file', 'uname', 'exit', 'touch',
]);

/** Directories every base image has: a copy of one takes the base's files too. */
const SYSTEM_DIRS = /^(|\/(bin|sbin|lib|lib32|lib64|libx32|usr|etc|var|opt|home|root|srv|tmp|run|mnt|media|boot|dev|proc|sys)|\/usr\/[^/]+|\/var\/[^/]+|\/etc\/[^/]+)$/;

/**
 * What a stage that does not ship is for, when its base hardly matters: `copies` when it runs
 * nothing and every file other stages take from it is one it copied in itself (`FROM alpine AS
 * tools` gathering binaries of other images); `fetches` when its RUNs only download, verify and
 * unpack (`wget … && tar -x`); null for any other stage.
 */
export function fetchOnlyStage(facts: DockerfileFacts, stage: Stage): 'copies' | 'fetches' | null {
  // Asked by several FROM visitors: answered once per stage.
  const answers = memoized(facts, 'fetchOnlyStage', () => new Map<Stage, 'copies' | 'fetches' | null>());
  let answer = answers.get(stage);
  if (answer === undefined) answers.set(stage, (answer = fetchOnly(facts, stage)));
  return answer;
}

/** Every `COPY --from`/`ADD --from` of the file, by the stage reference it names (lower case): built once. */
function copiesFrom(facts: DockerfileFacts): Map<string, Instruction[]> {
  return memoized(facts, 'copiesFrom', () => {
    const out = new Map<string, Instruction[]>();
    for (const s of facts.stages) {
      for (const i of s.instructions) {
        if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
        const from = i.flags.find((f) => f.name === 'from')?.value?.toLowerCase();
        if (!from) continue;
        const list = out.get(from);
        if (list) list.push(i);
        else out.set(from, [i]);
      }
    }
    return out;
  });
}

function fetchOnly(facts: DockerfileFacts, stage: Stage): 'copies' | 'fetches' | null {
  const runs = stage.instructions.filter((i) => i.keyword === 'RUN');
  if (runs.length > 0) {
    return runs.every((r) => r.shell !== null && r.shell.commands.length > 0 && r.shell.commands.every((c) => FETCH_COMMANDS.has(c.base))) ? 'fetches' : null;
  }
  const dests: string[] = [];
  for (const i of stage.instructions) {
    if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
    const dest = (i.json ?? i.args.map((a) => a.value)).at(-1) ?? '';
    if (!dest.startsWith('/')) return null;
    dests.push(dest.replace(/\/+$/, ''));
  }
  if (dests.length === 0) return null;
  const names = new Set([String(stage.index), ...(stage.name ? [stage.name] : [])]);
  const index = copiesFrom(facts);
  for (const name of names) {
    for (const i of index.get(name) ?? []) {
      const srcs = (i.json ?? i.args.map((a) => a.value)).slice(0, -1);
      // A file it copied in, or a directory of its own that holds only such files (`/usr/local/pgsql` over `/usr/local/pgsql/pgsql-16/`).
      const own = (src: string): boolean => {
        const x = src.replace(/\/+$/, '');
        return dests.some((d) => x === d || x.startsWith(`${d}/`) || (d.startsWith(`${x}/`) && !SYSTEM_DIRS.test(x)));
      };
      if (!srcs.every(own)) return null;
    }
  }
  return 'copies';
}

/**
 * Every instruction that names a path absolutely, by each segment of those paths (`/srv/app/run.sh`
 * under `srv`, `app`, `run.sh`); for a `COPY --from`, its sources. Built once per Dockerfile.
 */
function absoluteSegments(facts: DockerfileFacts): Map<string, Instruction[]> {
  return memoized(facts, 'absoluteSegments', () => {
    const out = new Map<string, Instruction[]>();
    for (const s of facts.stages) {
      for (const i of s.instructions) {
        const from = i.flags.some((f) => f.name === 'from');
        const text = from ? (i.json ?? i.args.map((a) => a.value)).slice(0, -1).join(' ') : i.body;
        for (const m of text.matchAll(/(?:^|[\s"'=:,[])(\/[^\s"',\]]*)/g)) {
          for (const seg of new Set(m[1]!.split('/').filter(Boolean))) {
            const list = out.get(seg);
            if (!list) out.set(seg, [i]);
            else if (list.at(-1) !== i) list.push(i);
          }
        }
      }
    }
    return out;
  });
}

/**
 * A relative path an instruction put somewhere (`COPY bin/app ./`, `WORKDIR serve`) is later named by
 * an absolute path: an instruction after it in its stage or a stage built on it (`ENTRYPOINT
 * ["/app"]`, `RUN /serve/build.sh`), or another stage's `COPY --from` of it. Then where the working
 * directory was matters; when every later use is relative too, the files move together with it.
 */
export function readAbsolutely(facts: DockerfileFacts, ins: Instruction, names: readonly string[]): boolean {
  const stage = ins.stage;
  if (!stage) return false;
  const wanted = names.map((n) => n.replace(/^\.\/+/, '').replace(/\/+$/, '').split('/')[0]!).filter((n) => n && n !== '.' && n !== '..' && !n.includes('*'));
  const index = absoluteSegments(facts);
  for (const name of wanted) {
    for (const i of index.get(name) ?? []) {
      const s = i.stage;
      if (!s) continue;
      const from = i.flags.find((f) => f.name === 'from')?.value?.toLowerCase();
      if (from !== undefined) {
        if (from === stage.name || from === String(stage.index)) return true;
        continue;
      }
      // Later in this stage, or in a stage built on it.
      let onIt = false;
      for (let x: Stage | null = s; x && !onIt; x = x.parent) onIt = x === stage;
      if (onIt && (s !== stage || i.range.line > ins.range.line)) return true;
    }
  }
  return false;
}

/** The first stage named `name` (lower case), from a map built once per file: checks ask per instruction. */
export function stageNamed(facts: DockerfileFacts, name: string): Stage | undefined {
  return memoized(facts, 'stagesByName', () => {
    const m = new Map<string, Stage>();
    for (const s of facts.stages) if (s.name !== null && !m.has(s.name)) m.set(s.name, s);
    return m;
  }).get(name);
}
