import { defineCheck } from '../../src/engine/types.js';

const SHELL_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'SHELL']);

/** The text looks meant as an exec-form array: several comma-separated items, or one single-quoted item. */
function meantAsJson(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return false;
  const inner = t.slice(1, -1).trim();
  return inner.includes(',') || /^(['‘’“”]).*['‘’“”]$/.test(inner);
}

export default defineCheck({
  id: 'correctness/malformed-json',
  title: 'Exec-form arrays are valid JSON',
  category: 'correctness',
  severity: 'error',
  messages: {
    runsAsShell: '{keyword} looks like an exec-form array but is not valid JSON{hint}, so the builder runs the whole text with /bin/sh -c, brackets and quotes included',
    pathsAsWords: '{keyword} looks like a JSON array but is not valid JSON{hint}, so the builder splits it on spaces and the brackets and quotes become part of the paths',
  },
  docs: {
    why: `The exec form of \`RUN\`, \`CMD\`, \`ENTRYPOINT\`, \`SHELL\`, \`COPY\`, \`ADD\` and \`VOLUME\` must be a
JSON array: double quotes, commas between items, no trailing comma. When it is not valid JSON the
builder silently falls back to the shell form: \`CMD ['node', 'server.js']\` runs
\`/bin/sh -c "['node', 'server.js']"\`, which fails at start-up with "\\[node,: not found".`,
    bad: `FROM node:20-slim
COPY . /app
CMD ['node', '/app/server.js']
`,
    good: `FROM node:20-slim
COPY . /app
CMD ["node", "/app/server.js"]
`,
    related: ['pid1/shell-form-command'],
  },
  dockerfile: (ctx) => ({
    instruction(ins) {
      for (const i of ins.trigger ? [ins, ins.trigger] : [ins]) {
        if (!i.jsonError) continue;
        const first = i.args.find((a) => a.value.startsWith('[')) ?? i.args[0];
        const last = i.args[i.args.length - 1];
        if (!first || !last) continue;
        const text = i.body.slice(i.body.indexOf('[')).split('\n', 1)[0] ?? '';
        if (!meantAsJson(text)) continue;
        const hint = /'/.test(text) ? ' (single quotes; JSON needs double quotes)' : /[“”‘’]/.test(text) ? ' (typographic quotes)' : /,\s*\]$/.test(text.trim()) ? ' (trailing comma)' : '';
        ctx.report({
          messageId: SHELL_KEYWORDS.has(i.keyword) ? 'runsAsShell' : 'pathsAsWords',
          data: { keyword: i.keyword, hint },
          at: { line: first.range.line, column: first.range.column, endLine: last.range.endLine, endColumn: last.range.endColumn },
        });
      }
    },
  }),
});
