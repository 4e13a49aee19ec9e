import { defineCheck } from '../../src/engine/types.js';

export default defineCheck({
  id: 'correctness/instruction-before-from',
  title: 'Only ARG comes before the first FROM',
  category: 'correctness',
  severity: 'error',
  aliases: ['DL3061'],
  messages: {
    beforeFrom: '{keyword} comes before the first FROM, so there is no stage for it to act on and the build fails',
  },
  docs: {
    why: `A build starts at \`FROM\`: everything before it belongs to no stage. The only instruction the
builder accepts there is \`ARG\` (global build arguments usable in \`FROM\` lines); parser directives
and comments are fine too. Anything else, such as a \`LABEL\` or \`ENV\` moved to the top of the file,
makes the build fail.`,
    bad: `LABEL org.opencontainers.image.source=https://example.com/app
FROM alpine:3.20
`,
    good: `ARG ALPINE_VERSION=3.20
FROM alpine:\${ALPINE_VERSION}
LABEL org.opencontainers.image.source=https://example.com/app
`,
    related: ['correctness/missing-from'],
  },
  dockerfile: (ctx) => {
    // With no FROM at all, correctness/missing-from says it once.
    const hasFrom = ctx.facts.stages.length > 0;
    return {
      instruction(ins) {
        if (!hasFrom || ins.stage !== null || ins.keyword === 'ARG') return;
        ctx.report({ messageId: 'beforeFrom', data: { keyword: ins.keyword }, at: ins.keywordRange });
      },
    };
  },
});
