import { defineCheck } from '../../src/engine/types.js';
import { replacedInStage } from '../../src/engine/visitors.js';
import { safeFix } from '../../src/fix/edits.js';
import { removeInstruction } from '../../src/fix/dockerfile-edits.js';

export default defineCheck({
  id: 'correctness/multiple-entrypoint',
  title: 'One ENTRYPOINT per stage',
  category: 'correctness',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL4004', 'DS007', 'MultipleInstructionsDisallowed'],
  messages: {
    overridden: 'this ENTRYPOINT is replaced by the ENTRYPOINT on line {line}, so it never runs',
  },
  docs: {
    why: `Only the last \`ENTRYPOINT\` of a stage counts; every earlier one is silently discarded, so the
program it names never starts. Keep one \`ENTRYPOINT\`; to run set-up steps first, use an entrypoint
script that ends with \`exec "$@"\`.

A warning, not an error: the build succeeds, and the last ENTRYPOINT is the one that runs.`,
    bad: `FROM alpine:3.20
COPY setup.sh server /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/setup.sh"]
ENTRYPOINT ["/usr/local/bin/server"]
`,
    good: `FROM alpine:3.20
COPY setup.sh server /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/setup.sh"]
CMD ["/usr/local/bin/server"]
`,
    related: ['correctness/multiple-cmd'],
  },
  // Only the last ENTRYPOINT of a stage takes effect: removing an earlier one builds the same image.
  dockerfile: (ctx) =>
    replacedInStage('ENTRYPOINT', (ins, last) => ctx.report({ messageId: 'overridden', data: { line: last.range.line }, at: ins, fix: safeFix('Remove the overridden ENTRYPOINT', [removeInstruction(ctx.facts, ins)]) })),
});
