import { defineCheck } from '../../src/engine/types.js';
import { hasOption, type ShellCommand } from '../../src/shell/shell.js';
import type { Stage } from '../../src/dockerfile/model.js';
import { layersShip } from '../../src/dockerfile/stages.js';

/** Tar archives, which ADD unpacks by itself. */
const TAR = /\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz)$/i;

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/** True when the command unpacks an archive. */
function extracts(c: ShellCommand): boolean {
  if (c.base === 'tar') return hasOption(c, 'x', '--extract', '--get') || /^[a-wyz]*x/.test(c.argv[0] ?? '');
  if (['gunzip', 'bunzip2', 'unxz', 'unzstd'].includes(c.base)) return true;
  if (['gzip', 'bzip2', 'xz', 'zstd'].includes(c.base)) return hasOption(c, 'd', '--decompress');
  return false;
}

export default defineCheck({
  id: 'size/extract-copied-archive',
  title: 'A copied archive is not unpacked in a later RUN',
  category: 'size',
  severity: 'info',
  aliases: ['DL3010'],
  messages: {
    extractLater: '{archive} was copied into the image by COPY (line {line}) and unpacked here: the archive stays in the COPY layer, so the image carries it twice',
  },
  docs: {
    why: `Each instruction adds a layer, and deleting a file later does not make earlier layers smaller.
\`COPY app.tar.gz /tmp/\` followed by \`RUN tar -xzf /tmp/app.tar.gz && rm /tmp/app.tar.gz\` ships
the archive in the COPY layer and its contents in the RUN layer. \`ADD app.tar.gz /opt/app/\`
unpacks a local tar archive in one layer; where the unpacking needs options, extract from a bind
mount (\`RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz tar -xzf …\`). A stage whose
layers never reach the image (a builder only copied from) is not reported: \`COPY --from\` takes its
files, not the archive's layer.`,
    bad: `FROM debian:bookworm-slim
COPY dist/app.tar.gz /tmp/app.tar.gz
RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
`,
    good: `FROM debian:bookworm-slim
ADD dist/app.tar.gz /opt/
`,
    related: ['security/add-local-file', 'size/wasted-space'],
  },
  dockerfile: (ctx) => {
    const copied = new Map<Stage | null, Map<string, number>>();
    return {
      COPY(ins) {
        if (ins.flags.some((f) => f.name === 'from') || ins.heredocs.length) return;
        // Quotes removed but backslashes kept: Windows paths (\`build\\app.tar\`) name files too.
        const words = ins.json ?? ins.args.map((a) => a.value.replace(/^(["'])(.*)\1$/, '$2'));
        const names = copied.get(ins.stage) ?? new Map<string, number>();
        copied.set(ins.stage, names);
        const dest = words.at(-1) ?? '';
        for (const src of words.slice(0, -1)) if (TAR.test(src)) names.set(basename(src), ins.range.line);
        if (TAR.test(dest)) names.set(basename(dest), ins.range.line);
      },
      RUN(ins) {
        const names = copied.get(ins.stage);
        if (!names?.size || ins.onbuild || !layersShip(ctx.facts, ins)) return;
        for (const c of ins.shell?.commands ?? []) {
          if (!extracts(c)) continue;
          const arg = c.args.find((a) => names.has(basename(a.value)));
          if (arg) ctx.report({ messageId: 'extractLater', data: { archive: basename(arg.value), line: names.get(basename(arg.value))! }, at: c.range });
        }
      },
    };
  },
});
