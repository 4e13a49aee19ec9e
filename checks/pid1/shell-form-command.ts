import { defineCheck } from '../../src/engine/types.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { memoized } from '../../src/util/memo.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { imageTarget, shellOf } from '../../src/image/launch.js';
import { baseSeverity } from '../../src/image/origin.js';
import { execFormFix } from '../../src/fix/launch-edits.js';

/**
 * True when an exec-form ENTRYPOINT in force for this CMD starts an init that signals the whole
 * process group of its child: dumb-init (by default), `tini -g`. PID 1 is then the init, and the
 * shell's children get SIGTERM too, so the shell form costs nothing but the shell in between.
 */
function behindGroupInit(cmd: Instruction): boolean {
  if (!cmd.stage) return false;
  let entrypoint: Instruction | null = null;
  // Each stage's ENTRYPOINTs, listed once per stage (asked per CMD, a scan of the chain was quadratic).
  for (const s of stageChain(cmd.stage)) {
    for (const i of memoized(s, 'entrypoints', () => s.instructions.filter((x) => x.keyword === 'ENTRYPOINT'))) {
      if (s === cmd.stage && i.range.line > cmd.range.line) break;
      entrypoint = i;
    }
  }
  const argv = entrypoint?.json;
  if (!argv?.[0]) return false;
  const init = argv[0].slice(argv[0].lastIndexOf('/') + 1);
  if (init === 'dumb-init') return !argv.some((a) => a === '-c' || a === '--single-child');
  return (init === 'tini' || init === 'tini-static') && argv.some((a) => a === '-g');
}

export default defineCheck({
  id: 'pid1/shell-form-command',
  title: 'CMD and ENTRYPOINT use the exec (JSON) form',
  category: 'pid1',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3025', 'JSONArgsRecommended'],
  messages: {
    shellForm: '{keyword} uses shell form, so /bin/sh is PID 1 and SIGTERM never reaches {program}',
    image: '{field} is `/bin/sh -c {body}` (shell form), so /bin/sh is PID 1 and SIGTERM never reaches {program}; {field} {origin}',
    imageBusybox: '{field} is `/bin/sh -c {body}` (shell form); /bin/sh here is busybox ash, which execs {program} itself, but the exec form does not depend on the shell; {field} {origin}',
  },
  docs: {
    why: `In shell form, \`CMD node server.js\` runs as \`/bin/sh -c "node server.js"\`. The shell becomes
PID 1: it does not forward SIGTERM to its child, so \`docker stop\` waits its grace period and then
kills the application with SIGKILL, with no chance to close connections or flush data. The exec form
(a JSON array) runs the program itself as PID 1.`,
    bad: `FROM node:20-slim
COPY . /app
USER 1000
CMD node /app/server.js
`,
    good: `FROM node:20-slim
COPY . /app
USER 1000
CMD ["node", "/app/server.js"]
`,
    related: ['pid1/sh-c-without-exec', 'pid1/no-init'],
  },
  dockerfile: (ctx) => {
    const visit = (ins: Instruction): void => {
      if (ins.json !== null || ins.body === '' || ins.nonPosixShell) return;
      if (ins.keyword === 'CMD' && behindGroupInit(ins)) return;
      const program = ins.shell?.commands.find((c) => !c.wrappedBy)?.name || 'the program';
      ctx.report({ messageId: 'shellForm', data: { keyword: ins.keyword, program }, at: ins, fix: execFormFix(ctx.facts, ins) });
    };
    return { CMD: visit, ENTRYPOINT: visit };
  },
  image: (ctx) => {
    // Docker stores a shell-form instruction as `["/bin/sh", "-c", body]`; only the one PID 1 runs counts.
    for (const hop of ctx.image.launch?.hops ?? []) {
      if (hop.kind !== 'shell-form' || hop.at.kind !== 'config') continue;
      const field = hop.at.field;
      const argv = field === 'Cmd' ? ctx.image.config.cmd : ctx.image.config.entrypoint;
      const body = (argv?.[2] ?? '').replace(/\s+/g, ' ');
      const t = imageTarget(ctx, hop.at);
      // busybox ash execs the last simple command of `-c` (measured: also after `;` and `&&`).
      const execed = shellOf(ctx.image) === 'busybox' && hop.last !== null && !hop.mustStay && !hop.handlesSignals;
      const severity = execed ? 'info' : baseSeverity(ctx, t);
      ctx.report({
        messageId: execed ? 'imageBusybox' : 'image',
        data: { field, body: body.length > 60 ? `${body.slice(0, 59)}…` : body, program: hop.last?.name || 'the program', origin: t.origin.replace(/^\w+ /, '') },
        image: t.image,
        ...(severity ? { severity } : {}),
        ...(t.dockerfile ? { dockerfile: t.dockerfile } : {}),
        detail: { fromBase: t.fromBase },
      });
    }
  },
});
