import { defineCheck } from '../../src/engine/types.js';
import { replace, safeFix } from '../../src/fix/edits.js';

export default defineCheck({
  id: 'correctness/stage-name-casing',
  title: 'Stage names are lower case',
  category: 'correctness',
  severity: 'info',
  fixable: 'safe',
  aliases: ['StageNameCasing'],
  messages: {
    casing: 'stage name "{name}" has upper-case letters; the builder lower-cases stage names, so write it "{lower}" as every reference will match it',
  },
  docs: {
    why: `Stage names are case-insensitive: BuildKit lower-cases them, so \`FROM x AS Build\` is matched by
\`--from=build\` and \`--target build\`. A mixed-case name suggests a distinction that does not
exist, and BuildKit warns about it.`,
    bad: `FROM golang:1.22 AS BuildStage
RUN go version
`,
    good: `FROM golang:1.22 AS build-stage
RUN go version
`,
  },
  dockerfile: (ctx) => ({
    stage(s) {
      const i = s.from.args.findIndex((a, k) => k >= 1 && a.value.toLowerCase() === 'as');
      const written = s.from.args[i + 1];
      if (i >= 1 && written && written.value !== written.value.toLowerCase()) {
        // The builder matches stage names without case, so references written otherwise still find it.
        const lower = written.value.toLowerCase();
        ctx.report({ messageId: 'casing', data: { name: written.value, lower }, at: written, fix: safeFix(`Rename the stage ${lower}`, [replace(written, lower)]) });
      }
    },
  }),
});
