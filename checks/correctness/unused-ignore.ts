import { defineCheck } from '../../src/engine/types.js';
import { collectPragmas } from '../../src/dockerfile/pragmas.js';

/**
 * Stale and unknown ignores can only be judged after every other check ran, so `unknownRule`,
 * `unused`, `unusedGlobal` and `orphan` are reported by the suppression step
 * (`src/engine/suppress.ts`) under this check's id; this visitor reports what one comment alone shows.
 */
export default defineCheck({
  id: 'correctness/unused-ignore',
  title: 'Every inline ignore names a known rule and silences something',
  category: 'correctness',
  severity: 'info',
  messages: {
    unknownRule: 'ignore={name} names no shipshape rule, category or peer id, so it silences nothing (see `shipshape rules`)',
    unused: 'ignore={name} silences nothing on the {keyword} at line {line}; remove it so a future problem there is not hidden',
    unusedGlobal: 'global ignore={name} silences nothing in this file; remove it so a future problem is not hidden',
    orphan: 'ignore={name} is not on the line directly above an instruction, so it silences nothing',
    malformed: 'this shipshape comment is not a valid pragma (expected `# shipshape ignore=RULE[,RULE…] [-- reason]`), so it silences nothing',
  },
  docs: {
    why: `An inline ignore (\`# shipshape ignore=RULE -- reason\`, or hadolint's \`# hadolint ignore=DL3008\`)
silences a rule on the instruction below it. When the instruction is later fixed or rewritten the
ignore stays behind and hides the next real problem on that line; an ignore with a typo in the rule
name never worked at all. This check reports shipshape ignores that name an unknown rule, that
silence nothing, or that are not directly above an instruction. hadolint's own pragmas are honoured
but never reported, since they may name rules only hadolint has.`,
    bad: `FROM node:22-slim
# shipshape ignore=pid1/shell-form-comand -- typo in the rule name
CMD ["node", "server.js"]
`,
    good: `FROM node:22-slim
# shipshape ignore=pid1/shell-form-command -- the image runs under tini from the platform
CMD node server.js
`,
    related: ['pid1/shell-form-command'],
  },
  dockerfile: (ctx) => ({
    end() {
      for (const m of collectPragmas(ctx.facts).malformed) ctx.report({ messageId: 'malformed', at: m.range });
    },
  }),
});
