import { defineCheck } from '../../src/engine/types.js';

export default defineCheck({
  id: 'correctness/legacy-key-value',
  title: 'ENV and LABEL use key=value',
  category: 'correctness',
  severity: 'info',
  aliases: ['LegacyKeyValueFormat'],
  messages: {
    legacy: '{keyword} {key} <value> is the legacy form: the whole rest of the line becomes the value; write {keyword} {key}=<value>',
  },
  docs: {
    why: `\`ENV key value\` (and \`LABEL key value\`) is the original form: one key, and everything after the
first space is its value, quotes and spaces included. It cannot set several variables, reads
differently from every other key-value instruction, and Docker documents it as deprecated.
\`ENV key=value\` is unambiguous. (\`ARG\` has no such form: \`ARG a b\` declares two arguments.)`,
    bad: `FROM alpine:3.20
ENV APP_HOME /srv/app
`,
    good: `FROM alpine:3.20
ENV APP_HOME=/srv/app
`,
  },
  dockerfile: (ctx) => {
    const check = (ins: import('../../src/dockerfile/model.js').Instruction): void => {
      const first = ins.args[0];
      if (first && !first.value.includes('=')) ctx.report({ messageId: 'legacy', data: { keyword: ins.keyword, key: first.value }, at: ins });
    };
    return { ENV: check, LABEL: check };
  },
});
