import { defineCheck } from '../../src/engine/types.js';
import { readAbsolutely } from '../../src/dockerfile/stages.js';
import { unquote } from '../../src/dockerfile/words.js';
import type { Stage } from '../../src/dockerfile/model.js';
import { posix } from 'node:path';
import type { Instruction } from '../../src/dockerfile/model.js';
import type { KnownImage } from '../../src/engine/types.js';
import type { Range } from '../../src/util/text.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { replace, safeFix } from '../../src/fix/edits.js';
import { knownImageFor } from '../../src/fix/known.js';

/** `/x`, `$VAR…`, `C:\x`, `C:/x` and `\\server\share` do not depend on the base image's directory. */
function absolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:/.test(path) || path.startsWith('\\');
}

export default defineCheck({
  id: 'correctness/relative-workdir',
  title: 'WORKDIR paths are absolute',
  category: 'correctness',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3000', 'DS009', 'CKV_DOCKER_10', 'WorkdirRelativePath'],
  messages: {
    relative: 'WORKDIR "{path}" is relative, so where it lands depends on the working directory the base image happens to set',
  },
  docs: {
    why: `A relative \`WORKDIR\` is resolved against the working directory in force, which until the
stage sets an absolute one is whatever the base image chose. When the base image changes its
\`WORKDIR\`, files land somewhere else and \`COPY\`, \`RUN\` and \`CMD\` quietly use another directory.
A relative \`WORKDIR\` after an absolute one (in this stage or a stage it builds on) is well defined
and is not reported.

A warning when a later instruction or another stage names the directory by an absolute path
(\`WORKDIR app\` then \`CMD ["/app/server"]\`); when every later use is relative, the files move together
with it: info.`,
    fix: 'The path is made absolute when the directory it is relative to is known: `/` on `scratch`, or the working directory of the base image when its archive is given in the same run (`shipshape --fix Dockerfile base.tar`).',
    bad: `FROM node:20-slim
WORKDIR app
COPY . .
`,
    good: `FROM node:20-slim
WORKDIR /app
COPY . .
`,
  },
  dockerfile: (ctx) => {
    const anchored = new Set<Stage>();
    const isAnchored = (s: Stage | null): boolean => {
      for (let x = s; x; x = x.parent) if (anchored.has(x)) return true;
      return false;
    };
    return {
      WORKDIR(ins) {
        const raw = ins.args[0];
        if (!raw) return;
        const path = unquote(ins.body.split('\n', 1)[0]!.trim(), ctx.facts.escape);
        if (absolute(path)) {
          if (ins.stage) anchored.add(ins.stage);
          return;
        }
        if (isAnchored(ins.stage)) return;
        const last = ins.args[ins.args.length - 1]!;
        const at = { ...raw.range, endLine: last.range.endLine, endColumn: last.range.endColumn };
        // Only an absolute use of the directory later depends on where the relative WORKDIR landed.
        const severity = readAbsolutely(ctx.facts, ins, [path]) ? undefined : ('info' as const);
        ctx.report({ messageId: 'relative', data: { path }, at, ...(severity ? { severity } : {}), fix: absoluteFix(ins, at, path, ctx.settings.knownImages) });
      },
    };
  },
});

/**
 * The absolute path when the directory it is relative to is known: `/` on `scratch`, or the working
 * directory of the base image given in the same run.
 */
function absoluteFix(ins: Instruction, at: Range, path: string, known: readonly KnownImage[] | undefined) {
  const root = ins.stage ? stageChain(ins.stage)[0]?.image : null;
  if (!root || at.line !== at.endLine || /[\s"'$\\]/.test(path)) return null;
  const base = root.repository === 'scratch' ? '/' : knownImageFor(root, known)?.workdir;
  if (base === undefined || base === null) return null;
  const abs = posix.resolve(base || '/', path);
  return safeFix(`Write WORKDIR ${abs}`, [replace(at, abs)]);
}
