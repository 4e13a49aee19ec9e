import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';
import type { DockerfileFacts } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { suggestedFix } from '../../src/fix/edits.js';
import { insertLineBefore } from '../../src/fix/dockerfile-edits.js';
import type { ShellCommand } from '../../src/shell/shell.js';
import { failsOnEmptyInput, harmlessLocalPipe } from '../../src/knowledge/pipes.js';

/** Commands that cannot fail in a way pipefail would catch when they feed a pipe (\`echo "$SUM  file" | sha256sum -c\`). */
const HARMLESS = new Set(['echo', 'printf', 'yes', 'true']);

/** Shells whose `-o pipefail` the build can rely on. */
const PIPEFAIL_SHELLS = new Set(['bash', 'zsh', 'ash', 'ksh', 'mksh']);

/** True when a SHELL array runs a shell that has pipefail set. */
function setsPipefail(argv: readonly string[]): boolean {
  const exe = (argv[0] ?? '').replace(/\\/g, '/').split('/').pop()!;
  if (!PIPEFAIL_SHELLS.has(exe)) return false;
  return argv.some((a, i) => a === 'pipefail' && /^-[a-z]*o$/.test(argv[i - 1] ?? ''));
}

export default defineCheck({
  id: 'correctness/pipefail',
  title: 'RUN with a pipe runs under a shell with pipefail',
  category: 'correctness',
  severity: 'warning',
  fixable: 'suggested',
  aliases: ['DL4006'],
  messages: {
    noPipefail: 'a pipe in RUN without pipefail: when {first} fails, the step still succeeds as long as {last} does, and the build goes on with a broken result',
  },
  docs: {
    why: `A shell pipeline returns the exit status of its last command. In \`RUN curl -fsSL $URL | jq -r .v > /etc/v\`
a failed download gives \`jq\` empty input, which it accepts: the step succeeds and the image is built
with an empty file. With \`SHELL ["/bin/bash", "-o", "pipefail", "-c"]\` before the RUN (or
\`set -o pipefail\` at the start of the RUN, in a shell that has it) any failing command in the pipe
fails the step. \`/bin/sh\` is not accepted: on Debian it is dash, which has no pipefail before
version 0.5.11.

Not reported, because pipefail would change nothing: a pipe fed only by \`echo\` or \`printf\`; a pipe
of two commands whose last one already fails on empty or cut-off input and whose status is the
step's: \`tar -x\`, \`gunzip\`, \`xz -d\`, \`gpg --import\` or \`--dearmor\`, \`sha256sum -c\`, \`grep\`
without \`-v\` (\`curl -fsSL $URL | tar -xz\` fails when the download does); a pipe followed by
\`|| true\`, whose status is thrown away. A pipe of local producers into a clean-up or a patch
(\`find … | xargs rm\`, \`cat *.patch | patch -p1\`) is info: a failure leaves files behind, not a
broken build. A pipe into a shell or an interpreter (\`curl … | sh\`) is always reported: it succeeds
on empty input.`,
    bad: `FROM debian:bookworm-slim
RUN curl -fsSL https://example.com/releases.json | jq -r .latest > /etc/tool-version
`,
    good: `FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/releases.json | jq -r .latest > /etc/tool-version
`,
  },
  dockerfile: (ctx) => {
    const shells = new Map<Stage, boolean>();
    const hasPipefail = (s: Stage | null): boolean => {
      for (let x = s; x; x = x.parent) if (shells.has(x)) return shells.get(x)!;
      return false;
    };
    const check = (ins: Instruction): void => {
      const commands = ins.shell?.commands ?? [];
      let setInRun = false;
      let minor: ShellCommand[] | null = null;
      for (const c of commands) {
        if (c.base === 'set' && c.argv.some((a, i) => a === 'pipefail' && /^-[a-z]*o$/.test(c.argv[i - 1] ?? ''))) setInRun = true;
        if (setInRun || !c.pipeline || c.pipeline.index !== 0) continue;
        const members = [c];
        for (let k = commands.indexOf(c) + 1; k < commands.length && members.length < c.pipeline.size; k++) {
          const d = commands[k]!;
          if (d.pipeline?.index === members.length && d.pipeline.size === c.pipeline.size) members.push(d);
        }
        // tree-sitter-bash reads `a | b | c || d` as `a | (b | c || d)`: follow the pipe on through `|`.
        for (let k = commands.indexOf(members.at(-1)!) + 1; k < commands.length; k++) {
          const d = commands[k]!;
          if (d.wrappedBy) continue;
          if (d.before !== '|') break;
          members.push(d);
        }
        const last = members.at(-1)!;
        const feeders = members.slice(0, -1);
        if (feeders.every((d) => HARMLESS.has(d.base))) continue;
        // A producer piped straight into a tail that fails by itself on empty input: pipefail adds nothing.
        if (members.length === 2 && failsOnEmptyInput(last)) continue;
        // `… | xargs rm || true`: the pipe's status is thrown away anyway.
        const next = commands.slice(commands.indexOf(last) + 1).find((d) => !d.wrappedBy);
        if (last.after === '||' && next && (next.base === 'true' || next.base === ':')) continue;
        if (harmlessLocalPipe(members)) {
          minor ??= members;
          continue;
        }
        report(ins, members);
        return;
      }
      if (minor) report(ins, minor, 'info');
    };
    const report = (ins: Instruction, members: ShellCommand[], severity?: 'info'): void => {
      const c = members[0]!;
      const last = members.at(-1)!;
      ctx.report({ messageId: 'noPipefail', data: { first: c.base || 'the first command', last: last.base || 'the last command' }, at: { ...c.range, endLine: last.range.endLine, endColumn: last.range.endColumn }, ...(severity ? { severity } : {}), fix: bashFix(ctx.facts, ins) });
    };
    return {
      SHELL(ins) {
        if (ins.stage && ins.json) shells.set(ins.stage, setsPipefail(ins.json));
      },
      RUN(ins) {
        if (ins.onbuild || hasPipefail(ins.stage)) return;
        check(ins);
      },
    };
  },
});

/** Bases without bash (musl, busybox and distroless images). */
const NO_BASH = /(^|\/)(alpine|busybox|distroless|scratch|static|wolfi-base|chainguard)|nanoserver|servercore|windows/;

/**
 * `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` above the stage's first RUN, on a Debian, Ubuntu or
 * Red Hat family base where /bin/bash exists. Suggested: every later RUN of the stage runs under bash.
 */
function bashFix(facts: DockerfileFacts, ins: Instruction) {
  const stage = ins.stage;
  if (!stage || ins.onbuild) return null;
  const root = stageChain(stage)[0]?.image;
  if (!root || root.unresolved || NO_BASH.test(root.repository) || /alpine|musl|static/.test(root.tag ?? '')) return null;
  if (stageChain(stage).some((s) => s.instructions.some((i) => i.keyword === 'SHELL'))) return null;
  const first = stage.instructions.find((i) => i.keyword === 'RUN');
  if (!first) return null;
  const keyword = first.written === first.written.toLowerCase() ? 'shell' : 'SHELL';
  return suggestedFix('Run RUN under bash with pipefail', [insertLineBefore(facts, first, `${keyword} ["/bin/bash", "-o", "pipefail", "-c"]`)]);
}
