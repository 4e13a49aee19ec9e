import { defineCheck } from '../../src/engine/types.js';
import { varRefs, varsBefore } from '../../src/dockerfile/var-use.js';
import { unquote } from '../../src/dockerfile/words.js';

export default defineCheck({
  id: 'correctness/env-self-reference',
  title: 'An ENV does not use a variable it defines itself',
  category: 'correctness',
  severity: 'warning',
  aliases: ['DL3044'],
  messages: {
    sameEnv: '{name} uses ${ref}, which this same ENV defines: all values of one ENV are expanded before any is set, so ${ref} is empty here',
  },
  docs: {
    why: `The builder expands every value of an \`ENV\` instruction with the variables in force *before* the
instruction, then sets them all. In \`ENV APP_HOME=/app APP_BIN=$APP_HOME/bin\`, \`$APP_HOME\` is
still undefined when \`APP_BIN\` is computed, so \`APP_BIN\` becomes \`/bin\`. Split the instruction
in two. A variable already set by an earlier ARG or ENV is not reported: there the old value is
used, as in \`ENV PATH=/opt/bin:$PATH\`.`,
    bad: `FROM alpine:3.20
ENV APP_HOME=/app APP_BIN=$APP_HOME/bin
`,
    good: `FROM alpine:3.20
ENV APP_HOME=/app
ENV APP_BIN=$APP_HOME/bin
`,
  },
  dockerfile: (ctx) => ({
    ENV(ins) {
      const before = varsBefore(ctx.facts, ins);
      const defined = new Set<string>();
      // Raw words, quotes kept: single-quoted text is not expanded.
      for (const a of ins.args) {
        const eq = a.value.indexOf('=');
        if (eq <= 0) continue;
        const name = unquote(a.value.slice(0, eq), ctx.facts.escape);
        for (const r of varRefs(a.value.slice(eq + 1))) {
          if (defined.has(r.name) && !before.has(r.name)) {
            ctx.report({ messageId: 'sameEnv', data: { name, ref: r.name }, at: a });
            break;
          }
        }
        defined.add(name);
      }
    },
  }),
});
