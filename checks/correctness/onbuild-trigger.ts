import { defineCheck } from '../../src/engine/types.js';

const FORBIDDEN = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);

export default defineCheck({
  id: 'correctness/onbuild-trigger',
  title: 'ONBUILD does not hold ONBUILD, FROM or MAINTAINER',
  category: 'correctness',
  severity: 'error',
  aliases: ['DL3043'],
  messages: {
    forbidden: 'ONBUILD {keyword} is not allowed: the builder rejects it when a child image is built FROM this one',
  },
  docs: {
    why: `An \`ONBUILD\` instruction is stored in the image and runs when another Dockerfile builds \`FROM\`
it. Docker forbids three triggers: \`ONBUILD ONBUILD\` (no chaining), \`ONBUILD FROM\` and
\`ONBUILD MAINTAINER\`. The image with such a trigger may build, but every child build fails.`,
    bad: `FROM python:3.12-slim
ONBUILD COPY requirements.txt /app/
ONBUILD ONBUILD RUN pip install -r /app/requirements.txt
`,
    good: `FROM python:3.12-slim
ONBUILD COPY requirements.txt /app/
ONBUILD RUN pip install --no-cache-dir -r /app/requirements.txt
`,
  },
  dockerfile: (ctx) => ({
    ONBUILD(ins) {
      const t = ins.trigger;
      if (t && FORBIDDEN.has(t.keyword)) ctx.report({ messageId: 'forbidden', data: { keyword: t.keyword }, at: t.keywordRange });
    },
  }),
});
