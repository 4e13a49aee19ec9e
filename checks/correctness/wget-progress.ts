import { defineCheck } from '../../src/engine/types.js';
import { hasOption } from '../../src/shell/shell.js';
import { stageChain, stageInstalls } from '../../src/dockerfile/stages.js';
import type { Stage } from '../../src/dockerfile/model.js';
import { insertAfter, safeFix } from '../../src/fix/edits.js';
import { written } from '../../src/fix/dockerfile-edits.js';

/** Alpine and BusyBox images run BusyBox's wget, whose progress is one line, unless GNU wget is installed. */
function busyboxWget(stage: Stage | null): boolean {
  if (!stage) return false;
  const chain = stageChain(stage);
  const image = chain[0]?.image;
  if (!image || !/(^|\/)(alpine|busybox)$/.test(image.repository) && !/alpine/.test(image.tag ?? '')) return false;
  return !chain.some((s) => stageInstalls(s).some((i) => i.packages.some((p) => /^wget([=~<>]|$)/.test(p.value))));
}

export default defineCheck({
  id: 'correctness/wget-progress',
  title: 'wget in a build sets its progress output',
  category: 'correctness',
  severity: 'info',
  fixable: 'safe',
  aliases: ['DL3047'],
  messages: {
    noProgress: 'wget without --progress (or -q, -nv) prints a progress line for every few kilobytes, which floods the build log when there is no terminal',
  },
  docs: {
    why: `Without a terminal, wget's default progress display falls back to printing dots for every chunk
downloaded. A large download writes thousands of lines into the build log, which hides the
messages that matter and can hit the log size limit of CI systems. Use
\`--progress=dot:giga\`, or \`-q\` / \`-nv\` to print only errors. Alpine and BusyBox images are
left alone unless they install GNU wget: BusyBox's wget draws its progress on one line.`,
    bad: `FROM debian:bookworm-slim
RUN wget -O /tmp/tool.tgz https://example.com/tool-1.2.3.tgz
`,
    good: `FROM debian:bookworm-slim
RUN wget --progress=dot:giga -O /tmp/tool.tgz https://example.com/tool-1.2.3.tgz
`,
  },
  dockerfile: (ctx) => {
    // Asked once per stage, and only for a RUN that runs wget: a stage of thousands of RUNs would
    // otherwise read all its installs again for each of them.
    const busybox = new Map<Stage | null, boolean>();
    const isBusybox = (stage: Stage | null): boolean => {
      let b = busybox.get(stage);
      if (b === undefined) busybox.set(stage, (b = busyboxWget(stage)));
      return b;
    };
    return {
      RUN(ins) {
        for (const c of ins.shell?.commands ?? []) {
          if (c.base !== 'wget') continue;
          if (isBusybox(ins.stage)) return;
          // `wget --version` and a wget with no URL download nothing, so they print no progress.
          if (c.argv.some((a) => a === '--version' || a === '-V' || a === '--help' || a === '-h')) continue;
          if (!c.argv.some((a) => !a.startsWith('-') || a === '-i' || a.startsWith('--input-file'))) continue;
          if (c.argv.includes('-nv') || hasOption(c, 'qoa', '--progress', '--quiet', '--no-verbose', '--output-file', '--append-output')) continue;
          const fix = written(ctx.facts, c.nameRange) === c.name ? safeFix('Add --progress=dot:giga', [insertAfter(c.nameRange, ' --progress=dot:giga')]) : null;
          ctx.report({ messageId: 'noProgress', at: c.nameRange, fix });
        }
      },
    };
  },
});
