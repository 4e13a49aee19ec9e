import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';

export default defineCheck({
  id: 'pid1/shell-form-command',
  title: 'CMD and ENTRYPOINT use the exec (JSON) form',
  category: 'pid1',
  severity: 'warning',
  aliases: ['DL3025', 'JSONArgsRecommended'],
  messages: {
    shellForm: '{keyword} uses shell form, so /bin/sh is PID 1 and SIGTERM never reaches {program}',
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
      const program = ins.shell?.commands.find((c) => !c.wrappedBy)?.name || 'the program';
      ctx.report({ messageId: 'shellForm', data: { keyword: ins.keyword, program }, at: ins });
    };
    return { CMD: visit, ENTRYPOINT: visit };
  },
});
