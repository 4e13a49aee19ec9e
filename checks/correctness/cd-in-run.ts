import { defineCheck } from '../../src/engine/types.js';
import type { DockerfileFacts, Instruction } from '../../src/dockerfile/model.js';
import type { ShellCommand } from '../../src/shell/shell.js';
import { remove, span, suggestedFix } from '../../src/fix/edits.js';
import { insertLineBefore, written } from '../../src/fix/dockerfile-edits.js';
import { cdScope } from '../../src/dockerfile/cd.js';
import { runMounts } from '../../src/dockerfile/run.js';

export default defineCheck({
  id: 'correctness/cd-in-run',
  title: 'WORKDIR instead of cd',
  category: 'correctness',
  severity: 'info',
  fixable: 'suggested',
  aliases: ['DL3003', 'DS013'],
  messages: {
    cd: 'cd {dir} only lasts until the end of this RUN, so later instructions still run in the old directory; use WORKDIR {dir}',
    trailing: 'cd {dir} is the last command of this RUN and the directory is forgotten when the RUN ends, so it does nothing; delete it (or use WORKDIR if later instructions need that directory)',
  },
  docs: {
    why: `Each \`RUN\` starts a new shell in the stage's \`WORKDIR\`: a \`cd\` is forgotten when the \`RUN\` ends.
A later \`RUN\`, \`COPY\` or \`CMD\` that expects to be in that directory is not. \`WORKDIR\` changes the
directory for every following instruction and creates it if needed. A \`cd\` that ends a \`RUN\` does
nothing at all.

Reported is the \`cd\` that opens a \`RUN\` (after \`echo\`, \`set\` or a \`mkdir\` of the same directory),
where \`WORKDIR\` says the same thing better, and a \`cd\` that ends one. Not reported, because
\`WORKDIR\` cannot replace them: a \`cd\` in the middle of a \`RUN\` (the single-layer
download-build-clean-up pattern: the directory often does not exist before the \`RUN\`, and splitting
the \`RUN\` would keep sources and tools in earlier layers); a \`cd\` into a directory the same \`RUN\`
removes, or one it leaves again with another \`cd\`; a scratch directory (\`cd /tmp\` for downloads:
\`WORKDIR /tmp\` would leave the image there); \`cd -\`, \`cd "$OLDPWD"\`, \`cd\` or \`cd ~\` (home);
a target with a glob, a command substitution or a shell operator (\`\${DIR%/php}\`: \`WORKDIR\` expands
none of them); a directory mounted for the \`RUN\` only (\`--mount=type=cache,target=…\`); a \`cd\` inside a
subshell, condition, loop or heredoc script.`,
    bad: `FROM golang:1.22
COPY . /src
RUN cd /src && go build -o /app .
`,
    good: `FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /app .
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      if (ins.heredocs.length) return;
      const all = ins.shell?.commands ?? [];
      const top = all.filter((c: ShellCommand) => !c.nested && !c.wrappedBy);
      const mounts = runMounts(ins).map((m) => m.target).filter(Boolean);
      for (const cmd of top) {
        if (cmd.base !== 'cd') continue;
        const scope = cdScope(cmd, top, all, mounts);
        if (scope.kind === 'trailing') ctx.report({ messageId: 'trailing', data: { dir: scope.dir }, at: cmd });
        else if (scope.kind === 'opening') ctx.report({ messageId: 'cd', data: { dir: scope.dir }, at: cmd, fix: workdirFix(ctx.facts, ins, cmd) });
      }
    },
  }),
});

/**
 * `RUN cd /app && make` -> `WORKDIR /app` + `RUN make`, for a `cd` to a literal directory that starts
 * the RUN's `&&` chain. Suggested: the instructions after it then run in that directory too.
 */
function workdirFix(facts: DockerfileFacts, ins: Instruction, cd: ShellCommand) {
  const cmds = ins.shell?.commands ?? [];
  const next = cmds[cmds.indexOf(cd) + 1];
  const dir = cd.args[0];
  if (cmds[0] !== cd || cd.after !== '&&' || !next || next.statement !== cd.statement || cd.args.length !== 1 || !dir?.literal) return null;
  if (!/^[\w@%+=:,./-]+$/.test(dir.value) || dir.value.startsWith('-') || ins.heredocs.length || ins.onbuild) return null;
  // The text from `cd` to the next command is only the `cd`, `&&` and blanks or a continuation.
  const between = written(facts, span(cd, { ...next.range, endLine: next.range.line, endColumn: next.range.column }));
  const tail = between.replace(/^cd\s+/, '');
  // Line continuations read as blanks.
  const glue = (tail.startsWith(dir.text) ? tail.slice(dir.text.length) : '').split(`${facts.escape}\n`).join(' ').split(`${facts.escape}\r\n`).join(' ');
  if (!/^\s*&&\s*$/.test(glue)) return null;
  const keyword = ins.written === ins.written.toLowerCase() ? 'workdir' : 'WORKDIR';
  return suggestedFix(`Use WORKDIR ${dir.value}`, [insertLineBefore(facts, ins, `${keyword} ${dir.value}`), remove(span(cd, { ...next.range, endLine: next.range.line, endColumn: next.range.column }))]);
}
