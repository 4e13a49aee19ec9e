import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';
import type { Target } from '../../src/engine/types.js';
import { layersShip } from '../../src/dockerfile/stages.js';

const TOOLS = new Set(['wget', 'curl']);

/** `curl --version`, `wget -V`, `curl -h`: the tool prints about itself and fetches nothing. */
const selfReport = (argv: readonly string[]): boolean => argv.length > 0 && argv.every((a) => ['--version', '-V', '--help', '-h'].includes(a));

/** The wget and curl calls of a RUN that fetch something (shell or exec form), with where they are written. */
function downloadersOf(ins: Instruction): { tool: string; at: Target }[] {
  if (ins.json) {
    const base = (ins.json[0] ?? '').split('/').pop()!;
    return TOOLS.has(base) && !selfReport(ins.json.slice(1)) ? [{ tool: base, at: ins }] : [];
  }
  return (ins.shell?.commands ?? []).filter((c) => TOOLS.has(c.base) && !selfReport(c.argv)).map((c) => ({ tool: c.base, at: c.nameRange }));
}

export default defineCheck({
  id: 'size/wget-and-curl',
  title: 'One download tool per stage, not both wget and curl',
  category: 'size',
  severity: 'info',
  aliases: ['DL4001', 'DS014'],
  messages: {
    both: 'this stage uses both wget and curl; one of them does every download, and installing both adds a tool to the image for nothing',
  },
  docs: {
    why: `\`wget\` and \`curl\` do the same job in a build. Using both means both are installed (or kept from
the base image), which adds megabytes and one more network tool an attacker can use. Pick one
for the whole stage; curl with \`-fsSL\` covers what wget does.

Reported once per stage, at the first RUN that uses the second tool. Not reported: stages whose
layers never reach the image (a builder only copied from), and calls that fetch nothing (\`curl
--version\`).`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl wget ca-certificates
RUN wget -q -O /tmp/a.tgz https://example.com/a-1.0.tgz
RUN curl -fsSL -o /tmp/b.tgz https://example.com/b-2.0.tgz
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSL -o /tmp/a.tgz https://example.com/a-1.0.tgz
RUN curl -fsSL -o /tmp/b.tgz https://example.com/b-2.0.tgz
`,
    related: ['tools/download-tools-left'],
  },
  dockerfile: (ctx) => {
    const seen = new Map<Stage | null, Set<string>>();
    return {
      RUN(ins) {
        const found = downloadersOf(ins);
        if (found.length === 0 || !layersShip(ctx.facts, ins)) return;
        const tools = seen.get(ins.stage) ?? new Set<string>();
        seen.set(ins.stage, tools);
        const before = tools.size;
        for (const f of found) tools.add(f.tool);
        if (before < 2 && tools.size === 2) ctx.report({ messageId: 'both', at: found[0]!.at });
      },
    };
  },
});
