import { defineCheck } from '../../src/engine/types.js';
import { remove, safeFix } from '../../src/fix/edits.js';

export default defineCheck({
  id: 'correctness/empty-continuation',
  title: 'No empty lines inside a continued instruction',
  category: 'correctness',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['NoEmptyContinuation'],
  messages: {
    empty: 'empty line inside the {keyword} that starts on line {line}: the builder skips it for now, but the instruction looks finished here and future versions will reject it',
  },
  docs: {
    why: `An empty line after a line ending in \`\\\` does not end the instruction: the builder skips it and
continues with the next line. A reader sees two instructions, or a finished one followed by stray
text. Docker deprecated this and says it will become an error. Remove the empty line, or use a
comment line if the gap was meant to separate parts.`,
    bad: `FROM alpine:3.20
RUN apk add --no-cache \\

    curl
`,
    good: `FROM alpine:3.20
RUN apk add --no-cache \\
    curl
`,
  },
  dockerfile: (ctx) => ({
    instruction(ins) {
      if (ins.heredocs.length || ins.range.endLine === ins.range.line) return;
      for (let l = ins.range.line + 1; l <= ins.range.endLine; l++) {
        if (ctx.facts.lines.lineText(l).trim() !== '') continue;
        // The builder skips the line: removing it (and its newline) builds the same.
        // (Not the end of a file that closes on a continuation: nothing follows that last newline to remove.)
        const fix = l < ctx.facts.lines.starts.length ? safeFix('Remove the empty line', [remove({ line: l, column: 1, endLine: l + 1, endColumn: 1 })]) : null;
        ctx.report({ messageId: 'empty', data: { keyword: ins.keyword, line: ins.range.line }, at: { line: l, column: 1, endLine: l, endColumn: 1 }, fix });
      }
    },
  }),
});
