import { defineCheck } from '../../src/engine/types.js';
import { positionals, type Word } from '../../src/shell/shell.js';
import { stageChain } from '../../src/dockerfile/stages.js';

/**
 * The mode lets others write without the sticky bit that makes /tmp-style directories safe. Octal
 * (\`777\`, \`1777\`) and symbolic (\`a+rwx\`, \`o+w\`, \`ugo+rwx,o+t\` = 1777, \`go=u\` when the owner can
 * write, as root-created files can); symbolic clauses apply in order.
 */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    return (Number(digits[3]) & 2) !== 0 && (Number(digits[0]) & 1) === 0;
  }
  let writable = false;
  let sticky = false;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*|[ugo])$/.exec(clause);
    if (!m) return false;
    const [, who, op, perms] = m as unknown as [string, string, string, string];
    const others = who === '' || /[ao]/.test(who);
    // `go=u`, `o=g`: others get the owner's (or group's) bits; the owner of a file made in a build can write it.
    const grants = /^[ug]$/.test(perms) ? 'w' : perms;
    if (grants.includes('t') && (who === '' || /[ao]/.test(who) || who.includes('o'))) sticky = op !== '-';
    if (!others) continue;
    if (op === '-') writable &&= !grants.includes('w');
    else if (op === '=') writable = grants.includes('w');
    else if (grants.includes('w')) writable = true;
  }
  return writable && !sticky;
}

/** Runtime state a container writes wherever it runs: caches, temp, logs, data, homes, run dirs. */
const STATE_PATH = /(^|\/)(\.?cache|caches|tmp|temp|run|logs?|data|state|var|home|sessions|uploads|spool|storage|\.gradle|\.npm|\.m2|texmf-var)(\/|$)|^\$\{?HOME\}?(\/|$)/i;

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
that runs the application (\`COPY --chown\`, \`chown\`) and keep the mode at 755/644.

Modes with the sticky bit (\`1777\`, \`ugo+rwx,o+t\`, as \`/tmp\` has) are not reported; symbolic modes are
read as chmod applies them (\`go=u\` gives others the owner's write bit). Info, not a warning: opening
runtime state directories (caches, temp, logs, data, homes, \`/run\`) so the image works under any
\`--user\` UID (OpenShift's random UIDs, \`docker run -u $(id -u)\`): a single directory, or a whole tree
when the image sets no fixed non-root USER. Group 0 with \`g+rwX\` or the sticky \`1777\` is tighter, but
this is a trade-off, not a shortcut. Code, binaries and configuration, and state trees of an image
that runs as a fixed user, stay warnings.`,
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
  dockerfile: (ctx) => {
    let fixed: boolean | undefined;
    return {
    RUN(ins) {
      // Whether the image runs as a fixed non-root USER: asked only for a world-writable mode, once.
      const fixedUser = (): boolean => {
        if (fixed === undefined) {
          const chain = ctx.facts.finalStage ? stageChain(ctx.facts.finalStage) : [];
          const last = chain.flatMap((st) => st.instructions).filter((i) => i.keyword === 'USER').at(-1)?.args[0]?.value ?? '';
          fixed = last !== '' && !/^(0|root)(:|$)/.test(last) && !last.includes('$');
        }
        return fixed;
      };
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
        const recursive = cmd.base === 'chmod' && cmd.argv.some((a) => a === '-R' || a === '--recursive' || /^-[a-zA-Z]*R/.test(a));
        const state = rest.length > 0 && rest.every((w) => STATE_PATH.test(w.value));
        const severity = state && (!recursive || !fixedUser()) ? ('info' as const) : undefined;
        ctx.report({ messageId: 'chmod', data: { command, mode: mode.value, path }, at: cmd, ...(severity ? { severity } : {}) });
      }
    },
    };
  },
});
