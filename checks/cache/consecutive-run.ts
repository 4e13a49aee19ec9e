import { defineCheck } from '../../src/engine/types.js';
import type { DockerfileFacts, Instruction, Stage } from '../../src/dockerfile/model.js';
import { layersShip, stageChain } from '../../src/dockerfile/stages.js';
import { replace, suggestedFix } from '../../src/fix/edits.js';
import { eol, written } from '../../src/fix/dockerfile-edits.js';

/** Commands a RUN runs (wrappers like `sudo x` count once); an exec-form RUN runs one. */
function commandCount(ins: Instruction): number {
  if (ins.json) return 1;
  if (!ins.shell) return Infinity;
  return ins.shell.commands.filter((c) => !c.wrappedBy).length;
}

const flagsOf = (ins: Instruction): string => ins.flags.map((f) => `${f.name}=${f.value ?? ''}`).sort().join(' ');

/** The stage (or one it is built on) runs a shell-form RUN, so its image has a shell. */
const hasShell = (stage: Stage | null): boolean => stage === null || stageChain(stage).some((s) => s.instructions.some((i) => i.keyword === 'RUN' && !i.json));

/**
 * Two RUNs that `&&` can join: neither holds a here-document (joining means rewriting the script, not
 * chaining), and not two exec-form RUNs in an image that may have no shell to chain them with (no
 * shell-form RUN in the stage or the stages it is built on).
 */
function joinable(a: Instruction, b: Instruction): boolean {
  if (a.heredocs.length > 0 || b.heredocs.length > 0) return false;
  return !(a.json && b.json) || hasShell(b.stage);
}

export default defineCheck({
  id: 'cache/consecutive-run',
  title: 'Consecutive single-command RUNs are merged',
  category: 'cache',
  severity: 'info',
  fixable: 'suggested',
  aliases: ['DL3059'],
  messages: {
    mergeable: 'this RUN follows the RUN on line {line} with the same flags, so the image gets one more layer where one RUN would do',
  },
  docs: {
    why: `Each RUN makes a layer and a cache entry. Two RUNs in a row that each run one command add a
layer for nothing, and files the first creates and the second deletes stay in the image. Chain
related commands with \`&&\` in one RUN. Keep them apart only when the first is slow and rarely
changes while the second changes often, so the cache keeps the slow one.

Not reported:
- RUNs in a stage whose layers never reach the image (a builder that is only copied from, or only
  the base of such builders): \`COPY --from\` takes the stage's files, not its layers, and a split
  there often keeps a slow step cached on its own.
- RUNs with a here-document (\`RUN <<EOF\`, \`RUN cat <<EOF > file\`): they cannot be chained with
  \`&&\`; joining them means rewriting the script.
- Two exec-form RUNs (\`RUN ["/busybox/mkdir", …]\`) in a stage with no shell-form RUN: the image
  may have no shell to chain them with.`,
    bad: `FROM alpine:3.20
RUN adduser -D -u 10001 app
RUN mkdir -p /srv/data
`,
    good: `FROM alpine:3.20
RUN adduser -D -u 10001 app \\
 && mkdir -p /srv/data
`,
    related: ['cache/update-alone'],
  },
  dockerfile: (ctx) => {
    let previous: Instruction | null = null;
    return {
      instruction(ins) {
        if (ins.keyword !== 'RUN') {
          previous = null;
          return;
        }
        const single = commandCount(ins) === 1;
        if (single && previous && flagsOf(previous) === flagsOf(ins) && joinable(previous, ins) && layersShip(ctx.facts, ins)) {
          ctx.report({ messageId: 'mergeable', data: { line: previous.range.line }, at: ins, fix: mergeFix(ctx.facts, previous, ins) });
        }
        previous = single ? ins : null;
      },
    };
  },
});

/** Commands whose effect the next command of the same shell would see, and the next RUN does not. */
const STATEFUL = new Set(['cd', 'export', 'set', 'source', '.', 'umask', 'alias', 'unset', 'shopt', 'ulimit', 'trap', 'exec']);

/**
 * `RUN a` + `RUN b` -> `RUN a && \` + `    b`: the second RUN's keyword and flags become `&&` and a
 * continuation. For shell-form RUNs of one command on adjacent lines, whose first changes no shell
 * state. Suggested: the two steps then share one layer and one cache entry.
 */
function mergeFix(facts: DockerfileFacts, a: Instruction, b: Instruction) {
  if (a.json || b.json || a.heredocs.length || b.heredocs.length || b.range.line !== a.range.endLine + 1 || b.onbuild || a.onbuild) return null;
  const first = a.shell?.commands[0];
  if (!first || STATEFUL.has(first.base) || a.shell!.hasError || b.shell?.hasError || b.body === '') return null;
  const end = facts.lines.lineText(a.range.endLine).length + 1;
  if (a.range.endColumn !== end || /[;&|]\s*$/.test(a.body)) return null;
  const body = b.bodyText.map === null ? b.bodyText.start : b.bodyText.map[0]!;
  const bodyAt = facts.lines.position(body);
  if (bodyAt.line !== b.range.line) return null;
  const range = { line: a.range.endLine, column: end, endLine: bodyAt.line, endColumn: bodyAt.column };
  if (!/^\r?\n[ \t]*\S+[ \t]+(--\S+[ \t]+)*$/.test(written(facts, range))) return null;
  return suggestedFix('Merge into the RUN above', [replace(range, ` && ${facts.escape}${eol(facts)}    `)]);
}
