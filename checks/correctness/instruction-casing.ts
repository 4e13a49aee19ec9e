import { defineCheck } from '../../src/engine/types.js';
import { replace, safeFix } from '../../src/fix/edits.js';
import { shownKeyword } from '../../src/knowledge/secrets.js';
import { KNOWN_INSTRUCTIONS } from '../../src/dockerfile/model.js';

export default defineCheck({
  id: 'correctness/instruction-casing',
  title: 'Instructions are written in one case',
  category: 'correctness',
  severity: 'info',
  fixable: 'safe',
  aliases: ['ConsistentInstructionCasing'],
  messages: {
    casing: '{written} should be written {majority}case like most instructions in this file',
  },
  docs: {
    why: `Instruction keywords are case-insensitive, but a file that mixes \`RUN\`, \`run\` and \`Run\` is
harder to scan, and \`grep\`, reviews and other tools assume one spelling. BuildKit reports
keywords that differ from the case most instructions of the file use (upper case on a tie).`,
    bad: `FROM alpine:3.20
Run echo hello > /greeting.txt
ENTRYPOINT ["cat", "/greeting.txt"]
`,
    good: `FROM alpine:3.20
RUN echo hello > /greeting.txt
ENTRYPOINT ["cat", "/greeting.txt"]
`,
  },
  dockerfile: (ctx) => ({
    end() {
      const all = ctx.facts.instructions;
      const lower = all.filter((i) => i.written === i.written.toLowerCase()).length;
      const upper = all.filter((i) => i.written === i.written.toUpperCase()).length;
      const majority = lower > upper ? 'lower' : 'upper';
      for (const i of all) {
        const want = majority === 'lower' ? i.written.toLowerCase() : i.written.toUpperCase();
        if (i.written !== want) ctx.report({ messageId: 'casing', data: { written: shownKeyword(i.written), majority }, at: i.keywordRange, ...(KNOWN_INSTRUCTIONS.has(i.keyword) ? { fix: safeFix(`Write ${want}`, [replace(i.keywordRange, want)]) } : {}) });
      }
    },
  }),
});
