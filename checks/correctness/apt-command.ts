import { defineCheck } from '../../src/engine/types.js';
import { replace, safeFix } from '../../src/fix/edits.js';
import { written } from '../../src/fix/dockerfile-edits.js';

export default defineCheck({
  id: 'correctness/apt-command',
  title: 'apt-get, not apt, in scripts',
  category: 'correctness',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3027', 'CKV_DOCKER_9'],
  messages: {
    apt: 'apt is meant for people at a terminal and its command line is not stable across releases; use {replacement}',
  },
  docs: {
    why: `\`apt\` is the interactive front end: it prints "WARNING: apt does not have a stable CLI interface.
Use with caution in scripts", its output and behaviour change between releases, and it shows progress
bars meant for a terminal. \`apt-get\` and \`apt-cache\` are the stable interfaces for scripts and builds.`,
    bad: `FROM debian:12-slim
RUN apt update && apt install -y --no-install-recommends curl
`,
    good: `FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const cmd of ins.shell?.commands ?? []) {
        if (cmd.base !== 'apt') continue;
        const sub = cmd.argv.find((a) => !a.startsWith('-')) ?? '';
        const replacement = ['search', 'show', 'policy', 'depends', 'rdepends', 'madison'].includes(sub) ? `apt-cache ${sub}` : `apt-get${sub ? ' ' + sub : ''}`;
        const tool = replacement.split(' ')[0]!;
        const fix = written(ctx.facts, cmd.nameRange) === cmd.name ? safeFix(`Use ${tool}`, [replace(cmd.nameRange, cmd.name.replace(/apt$/, tool))]) : null;
        ctx.report({ messageId: 'apt', data: { replacement }, at: cmd.nameRange, fix });
      }
    },
  }),
});
