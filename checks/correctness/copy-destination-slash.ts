import { defineCheck } from '../../src/engine/types.js';
import { unquote } from '../../src/dockerfile/words.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { insertAfter, insertBefore, safeFix } from '../../src/fix/edits.js';

export default defineCheck({
  id: 'correctness/copy-destination-slash',
  title: 'COPY of several sources goes to a directory ending in /',
  category: 'correctness',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3021', 'DS011'],
  messages: {
    noSlash: '{keyword} has {count} sources but the destination "{dest}" does not end with /: the classic builder stops there, and a reader cannot tell a directory is meant; write "{dest}/"',
  },
  docs: {
    why: `When \`COPY\` or \`ADD\` gets several sources (or a wildcard), the destination must be a directory
written with a trailing \`/\`; otherwise the builder stops with "When using COPY with more than one
source file, the destination must be a directory and end with a /".

BuildKit, the default builder, copies into the directory anyway, so the build only fails with the
classic builder: a warning, not an error. A destination of exactly \`.\` or \`..\` is a directory to
every builder and is not reported.`,
    bad: `FROM node:20-slim
COPY package.json package-lock.json /app
`,
    good: `FROM node:20-slim
COPY package.json package-lock.json /app/
`,
  },
  dockerfile: (ctx) => {
    const visit = (ins: Instruction): void => {
      if (ins.heredocs.length) return;
      const paths = ins.json ?? ins.args.map((a) => unquote(a.value, ctx.facts.escape));
      // `COPY file:<digest> in <dest>` is how image history writes a copy, not a Dockerfile line.
      if (paths.length < 3 || (/^(file|multi|dir):/.test(paths[0]!) && paths[1] === 'in')) return;
      const dest = paths[paths.length - 1]!;
      if (dest.endsWith('/') || dest.endsWith('\\') || dest === '.' || dest === '..' || /^\$\{?\w+\}?$/.test(dest)) return;
      const at = (ins.json ? undefined : ins.args[ins.args.length - 1]) ?? ins;
      ctx.report({ messageId: 'noSlash', data: { keyword: ins.keyword, count: paths.length - 1, dest }, at, fix: slashFix(ins) });
    };
    return { COPY: visit, ADD: visit };
  },
});

/** A `/` after the destination (inside its quotes when it is quoted). */
function slashFix(ins: Instruction) {
  const last = ins.json ? undefined : ins.args[ins.args.length - 1];
  if (!last || last.range.line !== last.range.endLine) return null;
  const quoted = /^(["']).*\1$/.test(last.value);
  const end = { ...last.range, column: last.range.endColumn - 1 };
  return safeFix('End the destination with /', [quoted ? insertBefore(end, '/') : insertAfter(last, '/')]);
}
