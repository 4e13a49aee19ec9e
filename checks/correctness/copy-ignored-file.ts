import { defineCheck } from '../../src/engine/types.js';
import { globMatches, parseGlob } from '../../src/util/glob.js';
import { unquote } from '../../src/dockerfile/words.js';
import type { Instruction } from '../../src/dockerfile/model.js';

function clean(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '').replace(/\/\.(?=\/|$)/g, '');
}

/** A .dockerignore pattern over context paths (`**` any depth, `*` and `?` within a name), matched without a regular expression. */
function patternRe(pattern: string): { test(path: string): boolean } {
  const tokens = parseGlob(clean(pattern));
  return { test: (path) => globMatches(tokens, path) };
}

export default defineCheck({
  id: 'correctness/copy-ignored-file',
  title: 'COPY and ADD do not name files .dockerignore excludes',
  category: 'correctness',
  severity: 'warning',
  aliases: ['CopyIgnoredFile'],
  messages: {
    ignored: '{keyword} of "{source}", which .dockerignore excludes (pattern "{pattern}"): the file is not in the build context, so the build fails or copies nothing',
  },
  docs: {
    why: `Files matched by \`.dockerignore\` are never sent to the builder. A COPY or ADD that names one fails
with "file not found" (or, with a wildcard, silently copies less than intended), usually after the
\`.dockerignore\` grew a broad pattern. Either the pattern or the COPY is wrong. Files re-included
with \`!\` patterns are not judged here.`,
    bad: `FROM alpine:3.20
COPY config/app.yaml /etc/app/app.yaml
`,
    good: `FROM alpine:3.20
COPY config/app.yaml.dist /etc/app/app.yaml
`,
    context: { '.dockerignore': '**/*.yaml\n.git\n', 'config/app.yaml.dist': 'a: 1\n' },
  },
  dockerfile: (ctx) => {
    const patterns = ctx.facts.context.dockerignore;
    const usable = patterns !== null && patterns.length > 0 && !patterns.some((p) => p.startsWith('!'));
    const compiled = usable ? patterns.map((p) => ({ p, re: patternRe(p) })) : [];
    const check = (ins: Instruction): void => {
      if (!usable || ins.heredocs.length || ins.flags.some((f) => f.name === 'from')) return;
      const words = ins.json ?? ins.args.map((a) => unquote(a.value, ctx.facts.escape));
      for (const [k, src] of words.slice(0, -1).entries()) {
        if (/[$*?[]/.test(src) || /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(src)) continue;
        const path = clean(src);
        let hit: string | undefined;
        if (path === '' || path === '.') hit = compiled.find((c) => clean(c.p) === '*' || clean(c.p) === '**')?.p;
        else {
          const parts = path.split('/');
          hit = compiled.find((c) => parts.some((_, i) => c.re.test(parts.slice(0, i + 1).join('/'))))?.p;
        }
        if (hit !== undefined) ctx.report({ messageId: 'ignored', data: { keyword: ins.keyword, source: src, pattern: hit }, at: ins.json ? ins : (ins.args[k] ?? ins) });
      }
    };
    return { COPY: check, ADD: check };
  },
});
