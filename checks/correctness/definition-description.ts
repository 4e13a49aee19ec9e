import { defineCheck } from '../../src/engine/types.js';
import { directiveLines, experimentalEnabled } from '../../src/dockerfile/check-directive.js';
import type { Instruction } from '../../src/dockerfile/model.js';

export default defineCheck({
  id: 'correctness/definition-description',
  title: 'A comment right above ARG or FROM … AS describes it by name (BuildKit experimental)',
  category: 'correctness',
  severity: 'info',
  aliases: ['InvalidDefinitionDescription'],
  messages: {
    description: 'the comment above this {keyword} does not start with "{name}": tools that read definition descriptions (docker buildx build --call=outline) will show it for the wrong thing',
  },
  docs: {
    why: `BuildKit takes the comment block directly above an \`ARG\` or a named \`FROM\` as its description,
shown by \`docker buildx build --call=outline\` and \`--call=targets\`, when it starts with the
name being defined (\`# VERSION is the release to build\`). This rule is experimental in BuildKit,
so shipshape reports it only when the Dockerfile enables it:
\`# check=experimental=InvalidDefinitionDescription\` (or \`experimental=all\`). Separate a comment
that is not a description with an empty line.`,
    bad: `# check=experimental=InvalidDefinitionDescription
# the toolchain
FROM golang:1.22 AS build
`,
    good: `# check=experimental=InvalidDefinitionDescription
# build compiles the server
FROM golang:1.22 AS build
`,
  },
  dockerfile: (ctx) => {
    if (!experimentalEnabled(ctx.facts, 'InvalidDefinitionDescription')) return {};
    const directives = directiveLines(ctx.facts);
    const check = (ins: Instruction, names: string[]): void => {
      if (names.length === 0) return;
      let top = 0;
      for (let l = ins.range.line - 1; l >= 1; l--) {
        if (directives.has(l) || !/^\s*#/.test(ctx.facts.lines.lineText(l))) break;
        top = l;
      }
      if (top === 0) return;
      const text = ctx.facts.lines.lineText(top);
      const word = text.replace(/^\s*#\s*/, '').split(/\s+/, 1)[0] ?? '';
      if (word === '' || names.includes(word)) return;
      const col = text.indexOf('#') + 1;
      ctx.report({ messageId: 'description', data: { keyword: ins.keyword, name: names.join('" or "') }, at: { line: top, column: col, endLine: top, endColumn: text.trimEnd().length + 1 } });
    };
    return {
      instruction(ins) {
        if (ins.keyword === 'ARG') check(ins, ins.properties.map((p) => p.name));
        else if (ins.keyword === 'FROM') {
          const i = ins.args.findIndex((a, k) => k >= 1 && a.value.toLowerCase() === 'as');
          const n = i >= 1 ? ins.args[i + 1]?.value : undefined;
          if (n) check(ins, [n]);
        }
      },
    };
  },
});
