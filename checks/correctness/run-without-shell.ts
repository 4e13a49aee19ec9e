import { defineCheck } from '../../src/engine/types.js';
import { expand } from '../../src/dockerfile/vars.js';
import { PATH_MAX } from '../../src/dockerfile/context.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';

/** The PATH BuildKit gives a RUN when no ENV sets one. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** `/a/./b//c/` -> `/a/b/c`; null for a path that climbs out (`..`), which is not judged. */
function normal(path: string): string | null {
  const out: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') return null;
    out.push(p);
  }
  return '/' + out.join('/');
}

/** True when something placed at `dir` (a file there, or a tree under it) may be `path`. */
function covers(dir: string, path: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir + '/');
}

/** Where an instruction's text puts files, as an absolute path; null when that is not known. */
function place(text: string, ins: Instruction, workdir: string | null): string | null {
  const v = expand(text, ins.vars);
  if (v.unresolved || v.value.includes('$')) return null;
  const dir = v.value.startsWith('/') ? normal(v.value) : workdir === null ? null : normal(`${workdir}/${v.value}`);
  // Past PATH_MAX no directory exists, and thousands of relative WORKDIRs would grow the path
  // without end (15,000 made this check quadratic: 12 s; fuzz campaign seed 14, dockerfile:66359).
  return dir !== null && dir.length <= PATH_MAX ? dir : null;
}

/** The paths a RUN needs to start: its shell (SHELL, else /bin/sh), or an exec form's program (looked up in PATH). */
function needed(ins: Instruction, shell: string): string[] | null {
  const program = ins.json ? ins.json[0] : shell;
  if (program === undefined || program === '' || program.includes('$')) return null;
  if (program.includes('/')) return program.startsWith('/') ? [normal(program)].filter((p): p is string => p !== null) : null;
  const path = ins.vars.has('PATH') ? ins.vars.get('PATH') : DEFAULT_PATH;
  if (path === null || path === undefined || path.includes('$')) return null;
  return path.split(':').filter((d) => d.startsWith('/')).map((d) => normal(`${d}/${program}`)).filter((p): p is string => p !== null);
}

/** What a stage chain rooted in scratch holds so far: the shell, the working directory, where files were put (a shared list). */
interface State {
  shell: string;
  workdir: string | null;
  placed: { dir: string; next: State['placed'] } | null;
}

/**
 * Walks one stage from its parent's state: reports the first RUN that cannot start and returns null
 * (the build stops there, or a RUN that starts may have made anything), as it does when something
 * may have been put where the RUN's program is looked for without saying where.
 */
function walk(stage: Stage, from: State, report: (ins: Instruction, path: string, lookup: boolean) => void): State | null {
  let { shell, workdir, placed } = from;
  const put = (text: string | undefined, ins: Instruction): boolean => {
    const dir = text === undefined ? null : place(text, ins, workdir);
    if (dir === null) return false;
    placed = { dir, next: placed };
    return true;
  };
  for (const ins of stage.instructions) {
    if (ins.keyword === 'WORKDIR') workdir = ins.args[0] ? place(ins.args[0].value, ins, workdir) : null;
    else if (ins.keyword === 'SHELL') {
      if (!ins.json?.[0]) return null;
      shell = ins.json[0];
    } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      if (!put(ins.json ? ins.json[ins.json.length - 1] : ins.args[ins.args.length - 1]?.value, ins)) return null;
    } else if (ins.keyword === 'RUN') {
      for (const f of ins.flags) {
        if (f.name === 'mount' && !put(/(?:^|,)(?:target|dst|destination)=([^,]*)/.exec(f.value ?? '')?.[1], ins)) return null;
      }
      const paths = needed(ins, shell);
      if (!paths?.length) return null;
      for (let n = placed; n; n = n.next) if (paths.some((p) => covers(n.dir, p))) return null;
      report(ins, paths.length === 1 ? paths[0]! : paths[0]!.split('/').pop()!, paths.length > 1);
      return null;
    }
  }
  return { shell, workdir, placed };
}

export default defineCheck({
  id: 'correctness/run-without-shell',
  title: 'A RUN in a stage built FROM scratch has a program to run',
  category: 'correctness',
  severity: 'error',
  messages: {
    noProgram: 'this RUN runs {path}, which is looked up in PATH, but the stage is built FROM scratch and nothing before it puts a {path} in any PATH directory, so the build fails ("executable file not found in $PATH"); copy the program into one of them first',
    noShell: 'this RUN needs {path}, but the stage is built FROM scratch and nothing before it puts that file there, so the build fails ("{path}: no such file or directory"); copy the program in first, or run this step in a stage built on an image that has it',
  },
  docs: {
    why: `\`scratch\` is an empty image: no \`/bin/sh\`, no programs at all. A shell-form RUN starts
\`/bin/sh -c\` (or the program SHELL names), and an exec-form RUN starts its first element, so in a
stage built FROM scratch (or on a stage that is) the build stops at the first RUN with "no such file
or directory" unless the stage put that program there first.

Reported only when it is certain: the first RUN of such a stage chain, when no COPY or ADD before it
writes to a directory that could hold the program (a COPY to \`/\`, to \`/bin\` or to the program's own
path may bring it, so does one whose destination is a variable), no \`RUN --mount\` places anything
there, and no earlier RUN started. Not reported: a \`FROM $BASE\` whose default is \`scratch\` (a
build argument may name another image), a program looked up in a PATH that an unresolved variable
sets, and later RUNs (the build has stopped at the first one). A stage the default build does not
need is reported too: building it (\`--target\`) fails the same way.`,
    bad: `FROM golang:1.23 AS build
RUN CGO_ENABLED=0 go build -o /app ./cmd/app

FROM scratch
COPY --from=build /app /app
RUN mkdir -p /data
ENTRYPOINT ["/app"]
`,
    good: `FROM golang:1.23 AS build
RUN CGO_ENABLED=0 go build -o /app ./cmd/app && mkdir -p /out/data

FROM scratch
COPY --from=build /app /app
COPY --from=build /out/data /data
ENTRYPOINT ["/app"]
`,
  },
  dockerfile: (ctx) => ({
    end() {
      // Each stage starts from the state its parent ended with (stages come after their parents), so a long chain is walked once.
      const ended = new Map<Stage, State | null>();
      for (const stage of ctx.facts.stages) {
        const start = stage.parent ? ended.get(stage.parent) ?? null
          : stage.image?.raw === 'scratch' ? { shell: '/bin/sh', workdir: '/', placed: null } : null;
        ended.set(stage, start && walk(stage, start, (ins, path, lookup) => ctx.report({ messageId: lookup ? 'noProgram' : 'noShell', data: { path }, at: ins })));
      }
    },
  }),
});
