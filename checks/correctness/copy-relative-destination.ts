import { defineCheck } from '../../src/engine/types.js';
import { unquote } from '../../src/dockerfile/words.js';
import type { Stage } from '../../src/dockerfile/model.js';
import { readAbsolutely } from '../../src/dockerfile/stages.js';

/** `/x`, `$VAR…`, `C:\x`, `C:/x` and `\x` do not depend on the working directory. */
function absolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:/.test(path) || path.startsWith('\\');
}

export default defineCheck({
  id: 'correctness/copy-relative-destination',
  title: 'COPY to a relative path only after a WORKDIR',
  category: 'correctness',
  severity: 'warning',
  aliases: ['DL3045'],
  messages: {
    relative: 'COPY to "{dest}" is relative and no WORKDIR is set in this stage, so where it lands depends on the working directory the base image happens to set',
  },
  docs: {
    why: `A relative destination of \`COPY\` is resolved against the working directory. Until the stage (or
a stage it is built on) sets one with \`WORKDIR\`, that is whatever the base image chose, often
\`/\`, sometimes an application directory. When the base image changes it, the files move and the
\`CMD\` no longer finds them. Set \`WORKDIR\` first, or copy to an absolute path. A stage built
\`FROM scratch\` is not reported: there the working directory is always \`/\`.

A warning when a later instruction names the copied files by an absolute path (\`COPY app ./\` then
\`ENTRYPOINT ["/app"]\`), or another stage copies them out by one: that breaks when the base image
moves its working directory. When every later use is relative too (\`COPY requirements.txt .\` then
\`pip install -r requirements.txt\`), the files and their readers move together: info.`,
    bad: `FROM node:20-slim
COPY package.json app/
RUN cd app && npm ci
`,
    good: `FROM node:20-slim
WORKDIR /app
COPY package.json ./
RUN npm ci
`,
    related: ['correctness/relative-workdir'],
  },
  dockerfile: (ctx) => {
    const withWorkdir = new Set<Stage>();
    /** A WORKDIR in the stage chain, or a chain built from scratch, where the working directory is always /. */
    const inherited = (s: Stage | null): boolean => {
      for (let x = s; x; x = x.parent) {
        if (withWorkdir.has(x)) return true;
        if (!x.parent && x.image?.repository === 'scratch') return true;
      }
      return false;
    };
    return {
      WORKDIR(ins) {
        if (ins.stage) withWorkdir.add(ins.stage);
      },
      COPY(ins) {
        if (ins.heredocs.length || inherited(ins.stage)) return;
        const last = ins.args[ins.args.length - 1];
        const dest = ins.json ? ins.json[ins.json.length - 1] : last ? unquote(last.value, ctx.facts.escape) : undefined;
        if (dest === undefined || (ins.json ? ins.json.length : ins.args.length) < 2 || absolute(dest)) return;
        const sources = (ins.json ?? ins.args.map((a) => unquote(a.value, ctx.facts.escape))).slice(0, -1);
        const names = dest.endsWith('/') || dest === '.' || dest === './' ? sources.map((x) => x.replace(/\/+$/, '').split('/').pop()!) : [dest];
        const severity = readAbsolutely(ctx.facts, ins, names) ? undefined : ('info' as const);
        ctx.report({ messageId: 'relative', data: { dest }, at: last ?? ins, ...(severity ? { severity } : {}) });
      },
    };
  },
});
