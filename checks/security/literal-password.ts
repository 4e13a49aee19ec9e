import { defineCheck } from '../../src/engine/types.js';
import type { ShellCommand, Word } from '../../src/shell/shell.js';

/** Text written out in the Dockerfile: no variable, and command substitutions only of literal text. */
const literal = (text: string): boolean => !text.replace(/\$\(/g, '').includes('$') && !text.includes('`');

/** The echo/printf that feeds `cmd` through a pipe, when every word it prints is written out. */
function literalFeed(cmds: readonly ShellCommand[], cmd: ShellCommand): ShellCommand | null {
  if (!cmd.pipeline || cmd.pipeline.index === 0) return null;
  for (let k = cmds.indexOf(cmd) - 1; k >= 0; k--) {
    const c = cmds[k]!;
    if (c.wrappedBy) continue;
    if (c.statement !== cmd.statement || !c.pipeline) return null;
    if (c.pipeline.index === 0) return (c.base === 'echo' || c.base === 'printf') && c.args.length > 0 && c.args.every((a) => literal(a.text)) ? c : null;
  }
  return null;
}

/** The value of `-p`/`--password` of useradd/usermod, when written out. */
function passwordOption(cmd: ShellCommand): Word | null {
  const i = cmd.args.findIndex((a) => a.value === '-p' || a.value === '--password' || a.value.startsWith('--password='));
  if (i < 0) return null;
  const a = cmd.args[i]!;
  const w = a.value.startsWith('--password=') ? a : cmd.args[i + 1];
  if (!w || !literal(w.text)) return null;
  const v = w.value.replace(/^--password=/, '');
  // `-p '*'`, `-p '!'`: a locked account, not a password.
  return v === '' || /^[*!]+$/.test(v) ? null : w;
}

export default defineCheck({
  id: 'security/literal-password',
  title: 'No account passwords written in the Dockerfile',
  category: 'security',
  severity: 'warning',
  messages: {
    chpasswd: '{command} sets an account password written in this RUN: the command line, with the password, is kept in the image history, and every container of the image shares it; lock the account (passwd -l) or set the password at run time from a secret',
    option: '{command} {option} sets a password hash written in this RUN: it is kept in the image history and /etc/shadow, and every container shares a password anyone can try offline; lock the account or set it at run time from a secret',
  },
  docs: {
    why: `\`echo 'root:secret' | chpasswd\`, \`echo secret | passwd --stdin app\` and \`useradd -p <hash>\` put a
password into the image: the \`RUN\` line (with the password in clear) is recorded in the image
history that \`docker history\` shows to anyone who can pull it, and every container of the image
shares the same password, which anyone can try against SSH or \`su\`. Containers rarely need account
passwords at all: lock them (\`passwd -l\`), use \`docker exec\` for access, and where a service does need
one, set it at start-up from a secret (\`docker run --env-file\`, a mounted secret, \`chpasswd\` in the
entrypoint).

Only passwords written out are reported: a value from a variable (\`echo "app:$APP_PASSWORD" | chpasswd\`)
is the business of security/secret-in-arg-env, and a locked account (\`-p '*'\`) holds none.`,
    bad: `FROM debian:bookworm-slim
RUN useradd -m app && echo 'app:app' | chpasswd
USER app
`,
    good: `FROM debian:bookworm-slim
RUN useradd -m app && passwd -l app
USER app
`,
    related: ['security/secret-in-arg-env', 'security/expose-ssh'],
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      const cmds = ins.shell?.commands ?? [];
      for (const cmd of cmds) {
        if (cmd.base === 'chpasswd' || (cmd.base === 'passwd' && cmd.argv.includes('--stdin')) || (cmd.base === 'passwd' && cmd.pipeline)) {
          const feed = literalFeed(cmds, cmd);
          if (!feed) continue;
          // chpasswd reads `user:password` lines.
          if (cmd.base === 'chpasswd' && !feed.argv.some((a) => a.includes(':'))) continue;
          ctx.report({ messageId: 'chpasswd', data: { command: cmd.base }, at: { ...feed.range, endLine: cmd.range.endLine, endColumn: cmd.range.endColumn } });
        } else if (['useradd', 'usermod', 'adduser'].includes(cmd.base)) {
          const w = passwordOption(cmd);
          if (w) ctx.report({ messageId: 'option', data: { command: cmd.base, option: w.value.startsWith('--password=') ? '--password' : '-p' }, at: w });
        }
      }
    },
  }),
});
