import { defineCheck } from '../../src/engine/types.js';
import { stageChain } from '../../src/dockerfile/packages.js';

export default defineCheck({
  id: 'correctness/no-healthcheck',
  title: 'The final image declares a HEALTHCHECK (or HEALTHCHECK NONE)',
  category: 'correctness',
  severity: 'info',
  aliases: ['DL3057', 'DS026', 'CKV_DOCKER_2'],
  messages: {
    missing: 'the final stage has no HEALTHCHECK, so Docker and Compose report the container as running even when the application inside has stopped answering',
  },
  docs: {
    why: `Docker, Compose and Swarm run an image's \`HEALTHCHECK\` to tell a container that is up from one
that is merely running: \`depends_on: condition: service_healthy\`, rolling updates and restarts
use it. Without one, a hung server looks healthy. Kubernetes ignores \`HEALTHCHECK\` (it uses its
own probes), so this is advice, reported as \`info\`; write \`HEALTHCHECK NONE\` to say the image
has none on purpose. A HEALTHCHECK in a stage the final stage is built on counts.`,
    bad: `FROM nginx:1.27-alpine
COPY site/ /usr/share/nginx/html/
`,
    good: `FROM nginx:1.27-alpine
COPY site/ /usr/share/nginx/html/
HEALTHCHECK --interval=30s --timeout=3s CMD wget -q --spider http://localhost/ || exit 1
`,
    related: ['correctness/multiple-healthcheck'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final = ctx.facts.finalStage;
      if (!final) return;
      if (stageChain(final).some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK'))) return;
      ctx.report({ messageId: 'missing', at: final.from.keywordRange });
    },
  }),
});
