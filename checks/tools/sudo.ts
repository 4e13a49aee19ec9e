import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { memoized } from '../../src/util/memo.js';
import { findTools, toolReport } from '../../src/image/binaries.js';
import { SUDO_TOOLS } from '../../src/knowledge/tools.js';
import { toolsLeft } from '../../src/dockerfile/tools.js';
import { isToolchainImage, lastUser } from '../../src/dockerfile/runtime.js';
import { imageUser } from '../../src/image/users.js';

/** True when the user a RUN runs as is known: a USER before it in its stage chain, or a base that runs as root (an official Docker Hub image, scratch, none). */
function userKnownAt(ins: Instruction): boolean {
  if (!ins.stage) return true;
  const chain = stageChain(ins.stage);
  for (const s of chain) {
    // The first USER of each stage, found once per stage (asked per RUN, a scan was quadratic).
    const first = memoized(s, 'firstUser', () => s.instructions.find((i) => i.keyword === 'USER') ?? null);
    if (first && (s !== ins.stage || first.range.line < ins.range.line)) return true;
  }
  const base = chain[0]!.image;
  return !base || base.resolved.toLowerCase() === 'scratch' || ((base.registry === null || base.registry === 'docker.io') && !base.repository.includes('/'));
}

export default defineCheck({
  id: 'tools/sudo',
  title: 'No sudo in RUN, and none left in the image',
  category: 'tools',
  severity: 'warning',
  aliases: ['DL3004', 'DS010', 'CKV2_DOCKER_1', 'DKL-DI-0001'],
  messages: {
    used: '{command} in a RUN: the build runs as root unless a USER says otherwise, where it adds nothing; for a step that needs root, switch USER around it instead of keeping sudo in the image',
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
way. In an image, \`sudo\` or \`doas\` in a \`bin\` directory is reported with the layer that added it.

A \`sudo\` inside a RUN is reported as \`info\`, and only where the user running it is known: a USER
earlier in the stage, or an official Docker Hub image (which run as root). On another base the user
may not be root (CI images such as \`cimg/*\` set their own), and sudo is then how the build gets root. A kept sudo is not reported when the container runs as root anyway (no USER, or USER root:
sudo opens no way up, and \`user/root-user\` is the finding), nor in toolchain and base images.`,
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
      // An unknown base image's user may not be root (CI images such as cimg/* set their own): there
      // sudo is how the build gets root, and nothing is known to be wrong.
      // (Asked only of a RUN that runs sudo: the question reads the stage chain up to the RUN.)
      const sudo = (ins.shell?.commands ?? []).filter((c) => SUDO_TOOLS.byCommand(c.base) !== null);
      if (sudo.length === 0 || !userKnownAt(ins)) return;
      for (const c of sudo) ctx.report({ messageId: 'used', data: { command: c.base }, at: c.nameRange, severity: 'info' });
    },
    end() {
      // Running as root already, the container gains nothing from sudo (root-user reports that).
      const user = lastUser(ctx.facts);
      if (!user || user.root) return;
      if (isToolchainImage(ctx.facts)) return;
      for (const t of toolsLeft(ctx.facts, SUDO_TOOLS.byPackage, ctx.settings.allowedTools)) {
        ctx.report({ messageId: 'installed', data: { package: t.name }, at: t.word });
      }
    },
  }),
  image: (ctx) => {
    if (imageUser(ctx.image).root) return;
    for (const t of findTools(ctx.image, SUDO_TOOLS.byCommand, ctx.settings.allowedTools)) {
      ctx.report({ messageId: 'inImage', ...toolReport(ctx, t).report });
    }
  },
});
