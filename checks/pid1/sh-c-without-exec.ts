import { defineCheck } from '../../src/engine/types.js';
import { commandPlace, type Launch, type ShellHop, type Where } from '../../src/knowledge/launch.js';
import { dockerfileLaunch, dockerfileTarget } from '../../src/dockerfile/launch.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { imageTarget, shellOf } from '../../src/image/launch.js';
import { baseSeverity } from '../../src/image/origin.js';
import { safeFix } from '../../src/fix/edits.js';
import { execPrefix } from '../../src/fix/launch-edits.js';
import { busyboxSh, launchPlace, longRunning, manifestHop } from '../../src/pair/place.js';

/** Commands that end at once: a script ending with one has nothing left running for SIGTERM to reach. */
const SHORT_LIVED = new Set(['echo', 'printf', 'true', 'false', ':', 'exit', 'return', 'date', 'cat', 'ls', 'touch', 'mkdir', 'cp', 'mv', 'rm', 'chmod', 'chown', 'sed', 'test', '[']);

/** Shells that exec a lone simple command of `-c` by themselves; dash (Debian's and Ubuntu's /bin/sh) does not. */
const EXECS_LONE = new Set(['bash', 'ash', 'zsh', 'ksh', 'mksh']);

/** The exec-form `sh -c` shells that keep their last command as a child although `exec` would replace them. */
function offending(launch: Launch | null | undefined): { hop: ShellHop; where: Where; lone: boolean }[] {
  const out: { hop: ShellHop; where: Where; lone: boolean }[] = [];
  for (const hop of launch?.hops ?? []) {
    if (hop.kind !== 'sh-c' || hop.execs || hop.mustStay || hop.handlesSignals || !hop.last || !hop.lastWritten) continue;
    if (hop.lone && EXECS_LONE.has(hop.shellName)) continue;
    out.push({ hop, where: commandPlace(hop, hop.lastWritten), lone: hop.lone });
  }
  return out;
}

export default defineCheck({
  id: 'pid1/sh-c-without-exec',
  title: 'An exec-form `sh -c` execs its last command',
  category: 'pid1',
  severity: 'warning',
  fixable: 'safe',
  messages: {
    several: '`{shell} -c` runs {program} as its child, so {shell} stays PID 1 and SIGTERM never reaches {program}; write `exec {program}`{origin}',
    lone: '`{shell} -c` runs {program} as its child where /bin/sh is dash (Debian, Ubuntu), so SIGTERM never reaches it; write `exec {program}` (busybox ash and bash exec a lone command themselves){origin}',
  },
  docs: {
    why: `\`CMD ["sh", "-c", "migrate && node server.js"]\` makes the shell PID 1. The shell starts
\`node\` as a child and waits; \`docker stop\` sends SIGTERM to the shell, which does not pass it on, and
after the grace period everything is killed with SIGKILL. \`exec\` replaces the shell with the program,
which then receives the signal itself: \`migrate && exec node server.js\`.

Whether a shell execs its last command by itself depends on the shell: busybox ash (Alpine) and bash 5.1+
do it for the last command of \`-c\` (measured with busybox 1.35 and bash 5.2), dash (\`/bin/sh\` on Debian and Ubuntu) never does, not even for a
single command. shipshape reports every \`-c\` script with several commands whose last one is not
\`exec\`ed (what happens then depends on the shell and its version), and (as info) a single command
under \`sh\` or \`dash\`, except on Alpine and busybox bases; a single command under bash or ash is
fine. On an image, where the shell is known, \`sh -c\` is not reported when \`/bin/sh\` is busybox. Scripts that must keep the shell (a \`trap\`, jobs in the background, \`wait\`) are
\`pid1/no-init\`'s case: they need an init, not \`exec\`. Shell-form instructions are
\`pid1/shell-form-command\`'s.`,
    bad: `FROM node:20-slim
WORKDIR /app
COPY . .
USER 1000
CMD ["sh", "-c", "node migrate.js && node server.js"]
`,
    good: `FROM node:20-slim
WORKDIR /app
COPY . .
USER 1000
CMD ["sh", "-c", "node migrate.js && exec node server.js"]
`,
    related: ['pid1/shell-form-command', 'pid1/no-init', 'pid1/script-without-exec'],
  },
  dockerfile: (ctx) => ({
    end() {
      const root = ctx.facts.finalStage ? stageChain(ctx.facts.finalStage)[0]?.image : null;
      const busybox = root ? /(^|\/)(alpine|busybox)$/.test(root.repository) : false;
      for (const f of offending(dockerfileLaunch(ctx.facts))) {
        if (f.lone && busybox) continue;
        const data = { shell: f.hop.shellName, program: f.hop.last!.name || 'the program', origin: '' };
        const fix = f.where.kind === 'dockerfile' ? safeFix(`Write exec ${data.program}`, [execPrefix(ctx.facts, f.hop.lastWritten!)]) : null;
        ctx.report({ messageId: f.lone ? 'lone' : 'several', data, ...dockerfileTarget(f.where), ...(f.lone ? { severity: 'info' as const } : {}), fix });
      }
    },
  }),
  image: (ctx) => {
    for (const f of offending(ctx.image.launch)) {
      // busybox ash execs the last simple command of `-c` itself: the program is PID 1 already.
      if ((f.hop.shellName === 'sh' || f.hop.shellName === 'ash') && shellOf(ctx.image, f.hop.shellName) === 'busybox') continue;
      const t = imageTarget(ctx, f.where);
      const data = { shell: f.hop.shellName, program: f.hop.last!.name || 'the program', origin: ` (${t.origin})` };
      const severity = f.lone ? 'info' : baseSeverity(ctx, t);
      ctx.report({ messageId: f.lone ? 'lone' : 'several', data, image: t.image, ...(severity ? { severity } : {}), ...(t.dockerfile ? { dockerfile: t.dockerfile } : {}), detail: { fromBase: t.fromBase } });
    }
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      if (!longRunning(c)) continue;
      for (const f of offending(c.launch)) {
        // A last command that ends at once (`echo done`) leaves nothing for SIGTERM to stop.
        if (!manifestHop(c, f.hop) || SHORT_LIVED.has(f.hop.last!.base)) continue;
        const image = c.source?.image;
        const busybox = image ? shellOf(image, f.hop.shellName) === 'busybox' : busyboxSh(c) === true;
        if ((f.hop.shellName === 'sh' || f.hop.shellName === 'ash') && busybox) continue;
        const data = { shell: f.hop.shellName, program: f.hop.last!.name || 'the program', origin: ` (${c.label}; the kubelet sends SIGKILL ${c.grace} s after SIGTERM)` };
        ctx.report({ messageId: f.lone ? 'lone' : 'several', data, ...launchPlace(c, f.where), ...(f.lone ? { severity: 'info' as const } : {}) });
      }
    }
  },
});
