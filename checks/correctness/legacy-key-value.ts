import { defineCheck } from '../../src/engine/types.js';
import type { DockerfileFacts, Instruction } from '../../src/dockerfile/model.js';
import { replace, safeFix, span } from '../../src/fix/edits.js';
import { quoteValue, written } from '../../src/fix/dockerfile-edits.js';

export default defineCheck({
  id: 'correctness/legacy-key-value',
  title: 'ENV and LABEL use key=value',
  category: 'correctness',
  severity: 'info',
  fixable: 'safe',
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
      if (first && !first.value.includes('=')) ctx.report({ messageId: 'legacy', data: { keyword: ins.keyword, key: first.value }, at: ins, fix: keyValueFix(ctx.facts, ins) });
    };
    return { ENV: check, LABEL: check };
  },
});

/** `ENV key value with spaces` -> `ENV key="value with spaces"`: the value as the builder reads the rest of the line (`$` still expands). */
function keyValueFix(facts: DockerfileFacts, ins: Instruction) {
  const args = ins.args;
  const first = args[0];
  const last = args[args.length - 1];
  if (!first || !last || args.length < 2 || ins.range.line !== ins.range.endLine) return null;
  const rest = written(facts, span(args[1]!, last));
  // Quotes and escapes in the legacy value are read differently by old and new builders: left alone.
  if (/["'`\\]/.test(rest) || rest.includes(facts.escape) || !/^[\w.-]+$/.test(first.value)) return null;
  return safeFix(`Write ${first.value}=…`, [replace(span(first, last), `${first.value}=${quoteValue(rest, facts.escape, false)}`)]);
}
