import { defineCheck } from '../../src/engine/types.js';
import { shippedRunCommands } from '../../src/dockerfile/tools.js';
import { userCreation } from '../../src/knowledge/user-commands.js';

export default defineCheck({
  id: 'user/unfixed-uid',
  title: 'Users are created with a fixed UID',
  category: 'user',
  severity: 'info',
  messages: {
    noUid:
      '{command} creates {user} without a UID, so it gets whatever UID is free in this base: files in volumes, USER by number and securityContext.runAsUser stop matching when the base changes; pass {option}',
  },
  docs: {
    why: `\`useradd app\` or \`adduser -D app\` takes the next free UID, which depends on how many users the base
image already has. Change the base (or let it add a user) and the UID changes with it: files in
persistent volumes written by the old UID become unreadable, \`USER\` by number no longer names your
user, and \`securityContext.runAsUser\` or \`--user\` in a deployment points at another account.

Give the user a fixed UID (and its group a fixed GID) well above the ranges distributions use,
for example 10001, and run with \`USER 10001\`. A \`usermod -u\` of the same user later in the same RUN
fixes the UID after all, and is not reported.`,
    bad: `FROM alpine:3.20
RUN addgroup -S app && adduser -S -G app app
USER app
CMD ["/app"]
`,
    good: `FROM alpine:3.20
RUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app
USER 10001
CMD ["/app"]
`,
    related: ['user/named-user', 'user/large-uid-lastlog'],
  },
  dockerfile: (ctx) => ({
    end() {
      const runs = shippedRunCommands(ctx.facts);
      for (const [k, { command, instruction }] of runs.entries()) {
        const u = userCreation(command);
        if (!u || u.uid || !u.user) continue;
        // `useradd app && usermod -u 10001 app` later in the same RUN fixes it after all.
        const name = u.user.value;
        if (runs.slice(k + 1).some((r) => r.instruction === instruction && r.command.base === 'usermod' && r.command.argv.includes(name) && r.command.argv.some((a) => a === '-u' || a === '--uid' || a.startsWith('--uid=')))) continue;
        ctx.report({ messageId: 'noUid', data: { command: command.base, user: u.user.value, option: command.base === 'adduser' && !u.debian ? '-u 10001' : '--uid 10001' }, at: u.user });
      }
    },
  }),
});
