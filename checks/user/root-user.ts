import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/packages.js';
import { isRootUser, baseRunsAsNonRoot } from '../../src/dockerfile/users.js';

export default defineCheck({
  id: 'user/root-user',
  title: 'The final stage runs as a non-root user',
  category: 'user',
  severity: 'warning',
  aliases: ['DL3002', 'DS002'],
  messages: {
    noUser: 'the final stage never sets USER, so the container runs as root',
    lastIsRoot: 'the last USER of the final stage is {user}, so the container runs as root',
  },
  docs: {
    why: `A process that runs as root inside a container is root on the host's kernel: one escape or
misconfigured mount away from the host. Set a non-root \`USER\` in the final stage, after the steps
that need root (package installs).`,
    bad: `FROM debian:bookworm-slim
RUN useradd -u 10001 app
CMD ["/usr/local/bin/app"]
`,
    good: `FROM debian:bookworm-slim
RUN useradd -u 10001 app
USER 10001
CMD ["/usr/local/bin/app"]
`,
    related: ['user/named-user'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final: Stage | null = ctx.facts.finalStage;
      if (!final) return;
      let last: Instruction | undefined;
      for (const s of stageChain(final)) for (const i of s.instructions) if (i.keyword === 'USER') last = i;
      if (!last) {
        const root = stageChain(final)[0]!;
        if (root.image && baseRunsAsNonRoot(root.image)) return;
        ctx.report({ messageId: 'noUser', at: final.from });
        return;
      }
      const user = last.args[0]?.value ?? '';
      if (isRootUser(user)) ctx.report({ messageId: 'lastIsRoot', data: { user }, at: last });
    },
  }),
});
