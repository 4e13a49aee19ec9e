import { defineCheck } from '../../src/engine/types.js';
import { KNOWN_INSTRUCTIONS } from '../../src/dockerfile/model.js';
import { shownKeyword } from '../../src/knowledge/secrets.js';

export default defineCheck({
  id: 'correctness/unknown-instruction',
  title: 'Every instruction is one the builder knows',
  category: 'correctness',
  severity: 'error',
  messages: {
    unknown: '{keyword} is not a Dockerfile instruction, so the build fails here',
  },
  docs: {
    why: `The builder stops at an instruction it does not know. A typo (\`RUNN\`), a stray line left
from a merge, or a continuation that ended early all show up here.`,
    bad: `FROM alpine:3.20
RUNN apk add --no-cache curl
`,
    good: `FROM alpine:3.20
RUN apk add --no-cache curl
`,
  },
  dockerfile: (ctx) => ({
    instruction(ins) {
      if (!KNOWN_INSTRUCTIONS.has(ins.keyword)) ctx.report({ messageId: 'unknown', data: { keyword: shownKeyword(ins.written) }, at: ins.keywordRange });
    },
  }),
});
