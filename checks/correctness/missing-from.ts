import { defineCheck } from '../../src/engine/types.js';

export default defineCheck({
  id: 'correctness/missing-from',
  title: 'The Dockerfile has a FROM',
  category: 'correctness',
  severity: 'error',
  messages: {
    noFrom: 'the Dockerfile has no FROM, so no stage starts and the build fails',
  },
  docs: {
    why: `Every build stage starts with \`FROM\` (\`FROM scratch\` for an empty base). A file with
instructions but no \`FROM\` is usually a fragment meant to be included somewhere else, or a
Dockerfile whose first lines were lost.`,
    bad: `COPY app /app
CMD ["/app"]
`,
    good: `FROM scratch
COPY app /app
CMD ["/app"]
`,
    related: ['correctness/instruction-before-from', 'correctness/empty-file'],
  },
  dockerfile: (ctx) => ({
    end() {
      const first = ctx.facts.instructions[0];
      if (first && ctx.facts.stages.length === 0) ctx.report({ messageId: 'noFrom', at: first.keywordRange });
    },
  }),
});
