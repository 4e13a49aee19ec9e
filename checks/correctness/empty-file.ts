import { defineCheck } from '../../src/engine/types.js';

export default defineCheck({
  id: 'correctness/empty-file',
  title: 'The Dockerfile has instructions',
  category: 'correctness',
  severity: 'error',
  messages: {
    empty: 'the Dockerfile has no instructions, so there is nothing to build',
  },
  docs: {
    why: `A Dockerfile with no instruction (empty, or comments only) fails every build. It is usually a
file truncated by a bad merge or a generator that wrote nothing.`,
    bad: `# TODO: write the Dockerfile
`,
    good: `FROM alpine:3.20
`,
  },
  dockerfile: (ctx) => ({
    end() {
      if (ctx.facts.instructions.length === 0) ctx.report({ messageId: 'empty', at: { line: 1, column: 1, endLine: 1, endColumn: 1 } });
    },
  }),
});
