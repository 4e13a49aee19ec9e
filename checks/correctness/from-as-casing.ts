import { defineCheck } from '../../src/engine/types.js';
import { replace, safeFix } from '../../src/fix/edits.js';

export default defineCheck({
  id: 'correctness/from-as-casing',
  title: 'AS is written in the case of its FROM',
  category: 'correctness',
  severity: 'info',
  fixable: 'safe',
  aliases: ['FromAsCasing'],
  messages: {
    casing: '"{as}" and "{from}" are written in different cases; write {want}',
  },
  docs: {
    why: `\`FROM image AS name\` is read as one phrase. BuildKit warns when the \`AS\` keyword's case differs
from \`FROM\`'s (\`FROM node:20 as build\`), a small inconsistency that usually comes from copying
lines between files. Write both in upper case, or both in lower case.`,
    bad: `FROM node:20-slim as build
RUN npm --version
`,
    good: `FROM node:20-slim AS build
RUN npm --version
`,
    related: ['correctness/instruction-casing'],
  },
  dockerfile: (ctx) => ({
    FROM(ins) {
      const as = ins.args.find((a, i) => i >= 1 && a.value.toLowerCase() === 'as');
      if (!as) return;
      const from = ins.written;
      const upper = from === from.toUpperCase();
      const lower = from === from.toLowerCase();
      if ((upper && as.value !== 'AS') || (lower && as.value !== 'as')) {
        const want = upper ? 'AS' : 'as';
        ctx.report({ messageId: 'casing', data: { as: as.value, from, want }, at: as, fix: safeFix(`Write ${want}`, [replace(as, want)]) });
      }
    },
  }),
});
