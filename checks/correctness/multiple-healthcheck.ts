import { defineCheck } from '../../src/engine/types.js';
import { replacedInStage } from '../../src/engine/visitors.js';
import { safeFix } from '../../src/fix/edits.js';
import { removeInstruction } from '../../src/fix/dockerfile-edits.js';

export default defineCheck({
  id: 'correctness/multiple-healthcheck',
  title: 'One HEALTHCHECK per stage',
  category: 'correctness',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3012', 'DS023', 'MultipleInstructionsDisallowed'],
  messages: {
    overridden: 'this HEALTHCHECK is replaced by the HEALTHCHECK on line {line}, so it never probes the container',
  },
  docs: {
    why: `A stage has one health check: each \`HEALTHCHECK\` replaces the one before it, so only the last
one ever runs. Two of them usually mean two probes were wanted; combine them into one command.`,
    bad: `FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK CMD curl -f http://localhost/api/health || exit 1
`,
    good: `FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ && curl -f http://localhost/api/health || exit 1
`,
    related: ['correctness/multiple-cmd'],
  },
  // Only the last HEALTHCHECK of a stage takes effect: removing an earlier one builds the same image.
  dockerfile: (ctx) =>
    replacedInStage('HEALTHCHECK', (ins, last) => ctx.report({ messageId: 'overridden', data: { line: last.range.line }, at: ins, fix: safeFix('Remove the overridden HEALTHCHECK', [removeInstruction(ctx.facts, ins)]) })),
});
