import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { hasOption, positionals } from '../../src/shell/shell.js';
import { expand } from '../../src/dockerfile/vars.js';
import { PATH_MAX } from '../../src/dockerfile/context.js';
import { shippedInstructions } from '../../src/dockerfile/tools.js';
import { posix } from 'node:path';

export default defineCheck({
  id: 'user/chown-after-copy',
  title: 'Copied files get their owner from COPY --chown, not a later chown -R',
  category: 'user',
  severity: 'warning',
  messages: {
    chown:
      'chown -R {path} rewrites files that COPY put there on line {line} into a new layer, so the image stores them twice; use COPY --chown={owner}',
  },
  docs: {
    why: `A layer stores every file whose content or metadata changes. \`RUN chown -R app /app\` after
\`COPY . /app\` changes the owner of each copied file, so the new layer holds a full second copy of
them: the image grows by the size of the application, and pulls and cold starts slow down with it.

\`COPY --chown=10001:10001\` (and \`ADD --chown\`) write the files with the right owner in the first
place, in one layer. Often the files need no other owner at all: code the application only reads can
stay owned by root, and only the directories it writes to need to belong to its user.`,
    bad: `FROM node:20-slim
WORKDIR /app
COPY . .
RUN chown -R node:node /app
USER node
CMD ["node", "server.js"]
`,
    good: `FROM node:20-slim
WORKDIR /app
COPY --chown=node:node . .
USER node
CMD ["node", "server.js"]
`,
    related: ['user/root-user', 'size/wasted-space', 'user/copy-without-chown'],
  },
  dockerfile: (ctx) => ({
    end() {
      // The first COPY/ADD whose destination is at or under each directory, so a `chown -R` finds
      // its copy in one lookup (scanning every copy per chown took 12 s on 40k of each). Adding a
      // copy stops at the first directory already known: an earlier copy set all those above it.
      const firstUnder = new Map<string, Instruction>();
      const addCopy = (dest: string, ins: Instruction): void => {
        if (dest.length > 4096) return; // past PATH_MAX: cannot exist
        for (let d = dest; !firstUnder.has(d); d = posix.dirname(d)) {
          firstUnder.set(d, ins);
          if (d === '/' || d === '.') break;
        }
      };
      let workdir = '/';
      const abs = (p: string, ins: Instruction): string => posix.resolve(workdir, expand(p, ins.vars).value.replace(/^["']|["']$/g, ''));
      for (const ins of shippedInstructions(ctx.facts)) {
        if (ins.keyword === 'WORKDIR' && ins.args[0]) {
          // Past Linux's PATH_MAX a directory cannot exist (and 100k relative WORKDIRs would make every later path quadratic).
          const next = abs(ins.args[0].value, ins);
          if (next.length <= PATH_MAX) workdir = next;
        }
        if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && !ins.flags.some((f) => f.name === 'chown')) {
          const dest = ins.json ? ins.json[ins.json.length - 1] : ins.args[ins.args.length - 1]?.value;
          if (dest && (ins.json ? ins.json.length : ins.args.length) >= 2) addCopy(abs(dest, ins), ins);
        }
        if (ins.keyword !== 'RUN' || !ins.shell) continue;
        for (const c of ins.shell.commands) {
          if (c.base !== 'chown' || !hasOption(c, 'R', '--recursive')) continue;
          const [owner, ...targets] = positionals(c, ['--from', '--reference']);
          if (!owner) continue;
          for (const t of targets) {
            if (!t.literal) continue;
            const path = abs(t.value, ins);
            // the whole copied tree is under the target, so every copied file is rewritten
            const copy = firstUnder.get(path);
            if (copy) {
              ctx.report({ messageId: 'chown', data: { path: t.value, line: copy.range.line, owner: owner.value }, at: t });
              break;
            }
          }
        }
      }
    },
  }),
});
