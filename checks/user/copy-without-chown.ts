import { posix } from 'node:path';
import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { expand } from '../../src/dockerfile/vars.js';
import { isWindowsImage, runtimeWrites } from '../../src/dockerfile/runtime.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { positionals } from '../../src/shell/shell.js';
import { isRootUser } from '../../src/knowledge/users.js';

/** A mode that lets the group or others write (`777`, `0775`, `g+w`, `a+rwX`): a non-root user can then write whatever the owner. */
const OTHERS_WRITE = /^0?[0-7]?[0-7][2367][0-7]$|^0?[0-7]?[0-7][0-7][2367]$|[gao]+[+=][rwxX]*w/;

const under = (p: string, dir: string): boolean => p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);

/** A value as the build sees it (ARG/ENV substituted, quotes removed); null when a variable is unknown. */
function resolved(text: string, ins: Instruction): string | null {
  const e = expand(text.replace(/^["']|["']$/g, ''), ins.vars);
  return e.unresolved ? null : e.value;
}

export default defineCheck({
  id: 'user/copy-without-chown',
  title: 'Files the non-root program writes are not copied in owned by root',
  category: 'user',
  severity: 'warning',
  aliases: ['tally/copy-after-user-without-chown'],
  messages: {
    rootOwned: 'COPY creates {path} owned by root whatever the USER, but the container runs as {user} and {why}: its writes there fail with "permission denied"; copy with --chown={user}',
  },
  docs: {
    why: `\`COPY\` and \`ADD\` create files and directories owned by root (UID 0) unless \`--chown\` says
otherwise; a \`USER\` before them changes nothing. When the program then runs as that non-root user
and writes where the copy put root-owned files (its data directory, a \`VOLUME\`, a config file its
entrypoint edits), it fails at run time with \`EACCES\` ("permission denied"), often only on the first
write, long after the build passed.

Only copies with evidence that the program writes there are reported: the copy's destination is, or
holds, a \`VOLUME\`, a directory the ENTRYPOINT or CMD names with a data, storage, log or cache option
(\`--data-dir /app/data\`), an \`ENV\` such as \`DATA_DIR=/app/data\`, a path the start script runs
\`mkdir\`, \`touch\`, \`cp\`, \`mv\`, \`sed -i\`… on, or a path the program is known to write. Not reported:
a copy made while root is the user (the usual order: copy, then \`USER\`), code and configuration the
program only reads (root-owned is right for those), a destination an earlier instruction already
made (a \`WORKDIR\`, \`mkdir\` or copy: \`--chown\` would not change that directory's owner), a copy with
\`--chmod\` that lets others write, one a later \`RUN chown\` fixes, and Windows images.`,
    bad: `FROM node:20-slim
USER node
COPY data/ /srv/data/
CMD ["node", "/srv/server.js", "--data-dir", "/srv/data"]
`,
    good: `FROM node:20-slim
USER node
COPY --chown=node:node data/ /srv/data/
CMD ["node", "/srv/server.js", "--data-dir", "/srv/data"]
`,
    related: ['user/chown-after-copy', 'user/root-user'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final = ctx.facts.finalStage;
      // Windows has no root-owned files of this kind (ContainerUser, ACLs).
      if (!final || isWindowsImage(ctx.facts)) return;
      const writes = runtimeWrites(ctx.facts);
      if (writes.length === 0) return;
      let workdir = '/';
      let user: string | null = null;
      const made: string[] = [];
      const copies: { ins: Instruction; dest: string; user: string }[] = [];
      const chowned: { path: string; after: number }[] = [];
      const instructions = stageChain(final).flatMap((s) => s.instructions);
      instructions.forEach((ins, n) => {
        const abs = (p: string): string => posix.resolve(workdir, p).replace(/\/+$/, '') || '/';
        if (ins.keyword === 'USER' && ins.args[0]) {
          const u = resolved(ins.args[0].value, ins);
          user = u === null || isRootUser(u) ? null : u.split(':', 1)[0]!;
        } else if (ins.keyword === 'WORKDIR' && ins.args[0]) {
          const w = resolved(ins.args[0].value, ins);
          if (w !== null) made.push((workdir = abs(w)));
        } else if (ins.keyword === 'VOLUME') {
          for (const v of ins.json ?? ins.args.map((a) => a.value)) made.push(abs(v));
        } else if (ins.keyword === 'RUN') {
          for (const c of runCommands(ins)) {
            if (c.base !== 'mkdir' && c.base !== 'chown' && c.base !== 'chmod' && c.base !== 'chgrp') continue;
            const [first, ...rest] = positionals(c, ['-m', '--mode', '--from', '--reference']);
            // chmod counts only when it lets others (or the group) write: `chmod -R 777`, `chmod -R g+w`.
            if (c.base === 'chmod' && !OTHERS_WRITE.test(first?.value ?? '')) continue;
            const targets = (c.base === 'mkdir' ? [first, ...rest] : rest).filter((t) => t?.literal);
            for (const t of targets) {
              if (c.base === 'mkdir') made.push(abs(t!.value));
              else chowned.push({ path: abs(t!.value), after: n });
            }
          }
        } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
          const words = ins.json ?? ins.args.map((a) => a.value);
          const d = words.length >= 2 ? resolved(words[words.length - 1]!, ins) : null;
          if (d === null) return;
          const dest = abs(d);
          const chmod = ins.flags.find((f) => f.name === 'chmod')?.value ?? '';
          if (user && !ins.flags.some((f) => f.name === 'chown') && !OTHERS_WRITE.test(chmod) && !made.some((m) => under(m, dest))) copies.push({ ins, dest, user });
          made.push(dest);
        }
      });
      for (const c of copies) {
        const w = writes.find((x) => under(x.path, c.dest));
        if (!w) continue;
        const at = instructions.indexOf(c.ins);
        if (chowned.some((x) => x.after > at && under(c.dest, x.path))) continue;
        ctx.report({ messageId: 'rootOwned', data: { path: c.dest, user: c.user, why: w.why === `VOLUME ${w.path}` ? `declares ${w.path} a VOLUME` : `${w.why} (${w.path})` }, at: c.ins });
      }
    },
  }),
});
