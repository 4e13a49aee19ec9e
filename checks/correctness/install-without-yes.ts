import { defineCheck } from '../../src/engine/types.js';
import { packageCommand } from '../../src/knowledge/packages.js';
import { execCommand, hasOption, type ShellCommand } from '../../src/shell/shell.js';
import type { DockerfileFacts } from '../../src/dockerfile/model.js';
import { packageArgs } from '../../src/knowledge/packages.js';
import { insertAfter, safeFix } from '../../src/fix/edits.js';
import { written } from '../../src/fix/dockerfile-edits.js';

/** apt-get answers its own prompts with -y, or with -qq / -q -q / -q=2 (which imply it). */
function aptAssumesYes(cmd: ShellCommand): boolean {
  if (hasOption(cmd, 'y', '--yes', '--assume-yes')) return true;
  const quiet = cmd.argv.reduce((n, a) => n + (a === '--quiet' ? 1 : /^-q+$/.test(a) ? a.length - 1 : /^-q=\d$/.test(a) ? Number(a.slice(3)) : 0), 0);
  return quiet >= 2 || cmd.argv.some((a, i) => /APT::Get::Assume-Yes=(true|1|yes)/i.test(a) && cmd.argv[i - 1] === '-o');
}

const ACTIONS: Record<string, { actions: string[]; ok: (c: ShellCommand) => boolean; flag: string }> = {
  apt: { actions: ['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'remove', 'purge', 'autoremove'], ok: aptAssumesYes, flag: '-y' },
  yum: { actions: ['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'remove', 'erase'], ok: (c) => hasOption(c, 'y', '--assumeyes'), flag: '-y' },
  dnf: { actions: ['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'remove', 'erase'], ok: (c) => hasOption(c, 'y', '--assumeyes'), flag: '-y' },
  zypper: { actions: ['install', 'in', 'remove', 'rm', 'patch', 'source-install', 'si', 'update', 'up', 'dist-upgrade', 'dup'], ok: (c) => hasOption(c, 'ny', '--non-interactive', '--no-confirm'), flag: '-n' },
};

export default defineCheck({
  id: 'correctness/install-without-yes',
  title: 'Package installs do not wait for a confirmation',
  category: 'correctness',
  severity: 'error',
  fixable: 'safe',
  aliases: ['DL3014', 'DS021', 'DL3030', 'DL3034', 'DL3038'],
  messages: {
    prompt: '{command} {action} asks for confirmation and the build has no terminal to answer it, so it aborts; add {flag}',
    removePrompt: '{command} {action} asks for confirmation whenever something is installed to remove, and the build has no terminal to answer it, so it aborts then; add {flag}',
  },
  docs: {
    why: `\`apt-get install\`, \`yum install\`, \`dnf install\` and \`zypper install\` ask "Do you want to continue?"
before changing anything. A build has no terminal: the question reads end-of-file and the command
aborts, so the build fails (or, with a package already present, passes by luck until it is not).
Answer up front with \`-y\` (\`zypper -n\`). microdnf never asks and is not reported.

Removing (\`remove\`, \`purge\`, \`autoremove\`, \`erase\`) only asks when there is something to remove: with
none of the packages installed it exits 0 without a question. That is a warning, not a certain
failure.`,
    bad: `FROM debian:12-slim
RUN apt-get update && apt-get install --no-install-recommends curl
`,
    good: `FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      const exec = ins.json ? execCommand(ins.json, ins.range) : null;
      for (const cmd of ins.shell?.commands ?? (exec ? [exec] : [])) {
        const pc = packageCommand(cmd);
        const rule = pc && ACTIONS[pc.manager];
        if (!pc || !rule || !rule.actions.includes(pc.action) || cmd.base === 'microdnf' || rule.ok(cmd)) continue;
        const removes = ['remove', 'purge', 'autoremove', 'erase', 'rm'].includes(pc.action);
        const data = { command: cmd.base, action: pc.action, flag: rule.flag };
        if (removes) ctx.report({ messageId: 'removePrompt', data, at: cmd, severity: 'warning', fix: ins.shell ? yesFix(ctx.facts, cmd, rule.flag) : null });
        else ctx.report({ messageId: 'prompt', data, at: cmd, fix: ins.shell ? yesFix(ctx.facts, cmd, rule.flag) : null });
      }
    },
  }),
});

/** `-y` after the subcommand (`apt-get install -y`); zypper's `-n` is a global option, after its name. */
function yesFix(facts: DockerfileFacts, cmd: ShellCommand, flag: string) {
  const at = flag === '-n' ? cmd.nameRange : packageArgs(cmd)?.sub.range;
  if (!at || written(facts, at) !== (flag === '-n' ? cmd.name : packageArgs(cmd)?.sub.text)) return null;
  return safeFix(`Add ${flag}`, [insertAfter(at, ` ${flag}`)]);
}
