import { defineCheck } from '../../src/engine/types.js';
import { findTools, toolReport } from '../../src/image/binaries.js';
import { SUDO_TOOLS } from '../../src/knowledge/tools.js';
import { toolsLeft } from '../../src/dockerfile/tools.js';

export default defineCheck({
  id: 'tools/sudo',
  title: 'No sudo in RUN, and none left in the image',
  category: 'tools',
  severity: 'error',
  aliases: ['DL3004', 'DS010', 'CKV2_DOCKER_1', 'DKL-DI-0001'],
  messages: {
    used: '{command} in a RUN does nothing useful: the build runs as root or as the USER you chose; switch USER around the step instead',
    installed:
      'the final stage installs {package} and keeps it, so a process in the container has a path back to root; drop privileges with USER, or gosu/su-exec in the entrypoint',
    inImage:
      'the image has {tool} at {path}, {origin}, so a process in the container has a path back to root; drop privileges with USER, or gosu/su-exec in the entrypoint',
  },
  docs: {
    why: `A RUN executes as root unless a \`USER\` says otherwise, so \`sudo\` in a build adds nothing: where
the build needs root, put \`USER root\` before the step and the non-root \`USER\` after it. Worse,
making \`sudo\` work means installing it and writing a sudoers rule, and both stay in the image.

Left in the shipped image, \`sudo\` (or \`doas\`) turns the non-root user back into root for
anyone who gets its shell, and every sudo CVE becomes a container escalation. An entrypoint that
must start as root and then drop privileges uses \`gosu\` or \`su-exec\`, which cannot go the other
way. In an image, \`sudo\` or \`doas\` in a \`bin\` directory is reported with the layer that added it.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends sudo \\
 && useradd -u 10001 -m app && echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app
USER 10001
RUN sudo mkdir -p /srv/data
CMD ["/usr/local/bin/app"]
`,
    good: `FROM debian:bookworm-slim
RUN useradd -u 10001 -m app \\
 && mkdir -p /srv/data && chown 10001 /srv/data
USER 10001
CMD ["/usr/local/bin/app"]
`,
    related: ['user/root-user'],
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const c of ins.shell?.commands ?? []) {
        if (SUDO_TOOLS.byCommand(c.base) !== null) ctx.report({ messageId: 'used', data: { command: c.base }, at: c.nameRange });
      }
    },
    end() {
      for (const t of toolsLeft(ctx.facts, SUDO_TOOLS.byPackage, ctx.settings.allowedTools)) {
        ctx.report({ messageId: 'installed', data: { package: t.name }, at: t.word });
      }
    },
  }),
  image: (ctx) => {
    for (const t of findTools(ctx.image, SUDO_TOOLS.byCommand, ctx.settings.allowedTools)) {
      ctx.report({ messageId: 'inImage', ...toolReport(ctx, t).report });
    }
  },
});
