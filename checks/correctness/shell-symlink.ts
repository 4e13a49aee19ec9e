import { defineCheck } from '../../src/engine/types.js';
import { positionals } from '../../src/shell/shell.js';

export default defineCheck({
  id: 'correctness/shell-symlink',
  title: 'SHELL, not a symlink over /bin/sh, changes the build shell',
  category: 'correctness',
  severity: 'warning',
  aliases: ['DL4005'],
  messages: {
    symlink: 'ln over /bin/sh changes the shell of every program in the image, not only the build; use SHELL ["/bin/bash", "-c"] for the RUNs that need bash',
  },
  docs: {
    why: `Pointing \`/bin/sh\` at bash makes later RUNs use bash, but it also changes the system shell for
every script and program in the image that relies on \`/bin/sh\` being the distribution's shell
(and package upgrades may put the original back). The \`SHELL\` instruction changes the shell for
the build steps only, and says so where a reader looks.`,
    bad: `FROM debian:bookworm-slim
RUN ln -sf /bin/bash /bin/sh
RUN source /etc/profile && echo "$PATH"
`,
    good: `FROM debian:bookworm-slim
SHELL ["/bin/bash", "-c"]
RUN source /etc/profile && echo "$PATH"
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const c of ins.shell?.commands ?? []) {
        if (c.base !== 'ln') continue;
        const target = positionals(c, ['-S', '--suffix', '-t', '--target-directory']).at(-1);
        if (target && target.value === '/bin/sh') ctx.report({ messageId: 'symlink', at: c.range });
      }
    },
  }),
});
