import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';

/** Commands a RUN runs (wrappers like `sudo x` count once); an exec-form RUN runs one. */
function commandCount(ins: Instruction): number {
  if (ins.json) return 1;
  if (!ins.shell) return Infinity;
  return ins.shell.commands.filter((c) => !c.wrappedBy).length;
}

const flagsOf = (ins: Instruction): string => ins.flags.map((f) => `${f.name}=${f.value ?? ''}`).sort().join(' ');

export default defineCheck({
  id: 'cache/consecutive-run',
  title: 'Consecutive single-command RUNs are merged',
  category: 'cache',
  severity: 'info',
  aliases: ['DL3059'],
  messages: {
    mergeable: 'this RUN follows the RUN on line {line} with the same flags, so the image gets one more layer where one RUN would do',
  },
  docs: {
    why: `Each RUN makes a layer and a cache entry. Two RUNs in a row that each run one command add a
layer for nothing, and files the first creates and the second deletes stay in the image. Chain
related commands with \`&&\` in one RUN. Keep them apart only when the first is slow and rarely
changes while the second changes often, so the cache keeps the slow one.`,
    bad: `FROM alpine:3.20
RUN adduser -D -u 10001 app
RUN mkdir -p /srv/data
`,
    good: `FROM alpine:3.20
RUN adduser -D -u 10001 app \\
 && mkdir -p /srv/data
`,
    related: ['cache/update-alone'],
  },
  dockerfile: (ctx) => {
    let previous: Instruction | null = null;
    return {
      instruction(ins) {
        if (ins.keyword !== 'RUN') {
          previous = null;
          return;
        }
        const single = commandCount(ins) === 1;
        if (single && previous && flagsOf(previous) === flagsOf(ins)) {
          ctx.report({ messageId: 'mergeable', data: { line: previous.range.line }, at: ins });
        }
        previous = single ? ins : null;
      },
    };
  },
});
