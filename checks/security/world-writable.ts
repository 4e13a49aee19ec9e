import { defineCheck } from '../../src/engine/types.js';
import { positionals, type Word } from '../../src/shell/shell.js';

/** Octal modes that let others write, without the sticky bit that makes /tmp-style directories safe. */
function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    return (Number(digits[3]) & 2) !== 0 && (Number(digits[0]) & 1) === 0;
  }
  // Symbolic clauses apply in order: `a+rwx,o-w` ends up not world-writable.
  let writable = false;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return false;
    const [, who, op, perms] = m as unknown as [string, string, string, string];
    if (!/[ao]/.test(who)) continue;
    if (op === '-') writable &&= !perms.includes('w');
    else if (op === '=') writable = perms.includes('w') && !perms.includes('t');
    else if (perms.includes('w')) writable = !perms.includes('t');
  }
  return writable;
}

export default defineCheck({
  id: 'security/world-writable',
  title: 'No world-writable files (chmod 777)',
  category: 'security',
  severity: 'warning',
  messages: {
    chmod: '{command} {mode} lets every user in the container write {path}, so any process, including a compromised one, can replace it',
  },
  docs: {
    why: `\`chmod 777\` (or \`a+rwx\`, \`o+w\`) lets every user write the file or directory. In a container that
means any process, whatever user it runs as, can replace binaries, scripts or configuration the
application trusts. It is usually a shortcut around an ownership problem: give the files to the user
that runs the application (\`COPY --chown\`, \`chown\`) and keep the mode at 755/644. Modes with the
sticky bit (\`1777\`, as \`/tmp\` has) are not reported.`,
    bad: `FROM node:20-slim
COPY . /app
RUN chmod -R 777 /app
USER node
`,
    good: `FROM node:20-slim
COPY --chown=node:node . /app
USER node
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const cmd of ins.shell?.commands ?? []) {
        let mode: Word | undefined;
        let rest: Word[] = [];
        let command = cmd.base;
        if (cmd.base === 'chmod') {
          const args = positionals(cmd, ['--reference']);
          // `chmod -R a+w x`: a symbolic mode starting with `-` (`-w`) only removes, so it cannot matter here.
          [mode, ...rest] = args;
        } else if (cmd.base === 'mkdir' || cmd.base === 'install') {
          const i = cmd.args.findIndex((a) => a.value === '-m' || a.value === '--mode' || a.value.startsWith('--mode='));
          if (i < 0) continue;
          const a = cmd.args[i]!;
          mode = a.value.startsWith('--mode=') ? { ...a, value: a.value.slice(7) } : cmd.args[i + 1];
          command = `${cmd.base} -m`;
          rest = positionals(cmd, ['-m', '--mode', '-o', '-g', '--owner', '--group', '-t', '--target-directory']).filter((w) => w !== mode);
        }
        if (!mode || !mode.literal || !worldWritable(mode.value)) continue;
        const path = rest.map((w) => w.value).join(' ') || 'the files';
        ctx.report({ messageId: 'chmod', data: { command, mode: mode.value, path }, at: cmd });
      }
    },
  }),
});
