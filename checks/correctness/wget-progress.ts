import { defineCheck } from '../../src/engine/types.js';
import { hasOption } from '../../src/dockerfile/shell.js';

export default defineCheck({
  id: 'correctness/wget-progress',
  title: 'wget in a build sets its progress output',
  category: 'correctness',
  severity: 'info',
  aliases: ['DL3047'],
  messages: {
    noProgress: 'wget without --progress (or -q, -nv) prints a progress line for every few kilobytes, which floods the build log when there is no terminal',
  },
  docs: {
    why: `Without a terminal, wget's default progress display falls back to printing dots for every chunk
downloaded. A large download writes thousands of lines into the build log, which hides the
messages that matter and can hit the log size limit of CI systems. Use
\`--progress=dot:giga\`, or \`-q\` / \`-nv\` to print only errors.`,
    bad: `FROM debian:bookworm-slim
RUN wget -O /tmp/tool.tgz https://example.com/tool-1.2.3.tgz
`,
    good: `FROM debian:bookworm-slim
RUN wget --progress=dot:giga -O /tmp/tool.tgz https://example.com/tool-1.2.3.tgz
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const c of ins.shell?.commands ?? []) {
        if (c.base !== 'wget') continue;
        if (c.argv.includes('-nv') || hasOption(c, 'qoa', '--progress', '--quiet', '--no-verbose', '--output-file', '--append-output')) continue;
        ctx.report({ messageId: 'noProgress', at: c.nameRange });
      }
    },
  }),
});
