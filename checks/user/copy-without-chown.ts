import { posix } from 'node:path';
import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { expand } from '../../src/dockerfile/vars.js';
import { PATH_MAX } from '../../src/dockerfile/context.js';
import { isWindowsImage, runtimeWrites, type RuntimeWrite } from '../../src/dockerfile/runtime.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { positionals } from '../../src/shell/shell.js';
import { isRootUser } from '../../src/knowledge/users.js';

/** A mode that lets the group or others write (`777`, `0775`, `g+w`, `a+rwX`): a non-root user can then write whatever the owner. */
const OTHERS_WRITE = /^0?[0-7]?[0-7][2367][0-7]$|^0?[0-7]?[0-7][0-7][2367]$|[gao]+[+=][rwxX]*w/;

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
      // Paths as sets of themselves and their parents, so each COPY asks in one lookup (a file of
      // thousands of COPY, WORKDIR and VOLUME lines stays linear).
      const ancestors = function* (p: string): Generator<string> {
        for (let d = p; ; d = posix.dirname(d)) {
          yield d;
          if (d === '/' || d === '.') return;
        }
      };
      const made = new Set<string>(); // made paths and every directory above one
      const make = (p: string): void => {
        if (p.length > 4096) return; // past PATH_MAX: cannot exist
        for (const d of ancestors(p)) {
          if (made.has(d)) return;
          made.add(d);
        }
      };
      const writeUnder = new Map<string, RuntimeWrite>(); // a directory -> a write at or under it
      for (const w of writes) for (const d of ancestors(w.path)) if (!writeUnder.has(d)) writeUnder.set(d, w);
      const chownedAt = new Map<string, number>(); // a path -> the last instruction that chowns it
      let workdir = '/';
      let user: string | null = null;
      const copies: { ins: Instruction; n: number; dest: string; user: string }[] = [];
      stageChain(final).flatMap((s) => s.instructions).forEach((ins, n) => {
        const abs = (p: string): string => posix.resolve(workdir, p).replace(/\/+$/, '') || '/';
        if (ins.keyword === 'USER' && ins.args[0]) {
          const u = resolved(ins.args[0].value, ins);
          user = u === null || isRootUser(u) ? null : u.split(':', 1)[0]!;
        } else if (ins.keyword === 'WORKDIR' && ins.args[0]) {
          const w = resolved(ins.args[0].value, ins);
          const next = w === null ? null : abs(w);
          if (next !== null && next.length <= PATH_MAX) make((workdir = next));
        } else if (ins.keyword === 'VOLUME') {
          for (const v of ins.json ?? ins.args.map((a) => a.value)) make(abs(v));
        } else if (ins.keyword === 'RUN') {
          for (const c of runCommands(ins)) {
            if (c.base !== 'mkdir' && c.base !== 'chown' && c.base !== 'chmod' && c.base !== 'chgrp') continue;
            const [first, ...rest] = positionals(c, ['-m', '--mode', '--from', '--reference']);
            // chmod counts only when it lets others (or the group) write: `chmod -R 777`, `chmod -R g+w`.
            if (c.base === 'chmod' && !OTHERS_WRITE.test(first?.value ?? '')) continue;
            const targets = (c.base === 'mkdir' ? [first, ...rest] : rest).filter((t) => t?.literal);
            for (const t of targets) {
              if (c.base === 'mkdir') make(abs(t!.value));
              else chownedAt.set(abs(t!.value), n);
            }
          }
        } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
          const words = ins.json ?? ins.args.map((a) => a.value);
          const d = words.length >= 2 ? resolved(words[words.length - 1]!, ins) : null;
          if (d === null) return;
          const dest = abs(d);
          const chmod = ins.flags.find((f) => f.name === 'chmod')?.value ?? '';
          if (user && !ins.flags.some((f) => f.name === 'chown') && !OTHERS_WRITE.test(chmod) && !made.has(dest)) copies.push({ ins, n, dest, user });
          make(dest);
        }
      });
      for (const c of copies) {
        const w = writeUnder.get(c.dest);
        if (!w) continue;
        // A later chown (or chmod that lets others write) of the destination or a directory above it fixes it.
        if ([...ancestors(c.dest)].some((d) => (chownedAt.get(d) ?? -1) > c.n)) continue;
        ctx.report({ messageId: 'rootOwned', data: { path: c.dest, user: c.user, why: w.why === `VOLUME ${w.path}` ? `declares ${w.path} a VOLUME` : `${w.why} (${w.path})` }, at: c.ins });
      }
    },
  }),
});
