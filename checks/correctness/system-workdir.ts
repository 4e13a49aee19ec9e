import { defineCheck } from '../../src/engine/types.js';
import { unquote } from '../../src/dockerfile/words.js';

const SYSTEM = ['/proc', '/boot', '/dev', '/initrd', '/lost+found', '/sys'];

export default defineCheck({
  id: 'correctness/system-workdir',
  title: 'WORKDIR is not inside a system directory',
  category: 'correctness',
  severity: 'warning',
  aliases: ['DS030'],
  messages: {
    system: 'WORKDIR {path} is inside {dir}, which the runtime mounts or the kernel owns: files written there are lost or land in the wrong place',
  },
  docs: {
    why: `\`/proc\`, \`/sys\` and \`/dev\` are mounted by the container runtime over whatever the image holds, and
\`/boot\`, \`/initrd\` and \`/lost+found\` belong to the host's boot and file-system tools. A
\`WORKDIR\` there means the build writes into the runtime's mounts (or the image's hidden copy of
them) and the application starts in a directory that is not what the image contains.

A warning, not an error: the build may well succeed; what breaks is the container at run time.`,
    bad: `FROM alpine:3.20
WORKDIR /proc/self/fd/1
`,
    good: `FROM alpine:3.20
WORKDIR /srv/app
`,
  },
  dockerfile: (ctx) => ({
    WORKDIR(ins) {
      const path = unquote(ins.body.split('\n', 1)[0]!.trim(), ctx.facts.escape);
      const dir = SYSTEM.find((d) => path === d || path.startsWith(d + '/'));
      if (dir) ctx.report({ messageId: 'system', data: { path, dir }, at: ins.args[0] ?? ins });
    },
  }),
});
