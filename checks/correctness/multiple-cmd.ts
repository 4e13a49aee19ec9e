import { defineCheck } from '../../src/engine/types.js';
import { replacedInStage } from '../../src/engine/visitors.js';
import { safeFix } from '../../src/fix/edits.js';
import { removeInstruction } from '../../src/fix/dockerfile-edits.js';

export default defineCheck({
  id: 'correctness/multiple-cmd',
  title: 'One CMD per stage',
  category: 'correctness',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL4003', 'DS016', 'MultipleInstructionsDisallowed'],
  messages: {
    overridden: 'this CMD is replaced by the CMD on line {line}, so it never runs',
  },
  docs: {
    why: `Only the last \`CMD\` of a stage counts; every earlier one is silently discarded. Two \`CMD\`s
usually mean someone wanted to start two programs: only the last one runs. Start one process per
container, or use an entrypoint script that \`exec\`s the main program.`,
    bad: `FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/migrate.py"]
CMD ["python", "/app/server.py"]
`,
    good: `FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/server.py"]
`,
    related: ['correctness/multiple-entrypoint'],
  },
  // Only the last CMD of a stage takes effect: removing an earlier one builds the same image.
  dockerfile: (ctx) =>
    replacedInStage('CMD', (ins, last) => ctx.report({ messageId: 'overridden', data: { line: last.range.line }, at: ins, fix: safeFix('Remove the overridden CMD', [removeInstruction(ctx.facts, ins)]) })),
});
