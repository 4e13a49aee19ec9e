import { defineCheck } from '../../src/engine/types.js';
import type { DockerfileFacts } from '../../src/dockerfile/model.js';
import type { ImageConfig } from '../../src/image/facts.js';
import { findTools, toolReport } from '../../src/image/binaries.js';
import { DOWNLOAD_TOOLS } from '../../src/knowledge/tools.js';
import { shippedInstructions, shippedRunCommands, toolsLeft } from '../../src/dockerfile/tools.js';

/** The command names the container itself runs: CMD, ENTRYPOINT, HEALTHCHECK and the entrypoint scripts. */
function runtimeCommands(facts: DockerfileFacts): Set<string> {
  const names = new Set<string>();
  for (const i of shippedInstructions(facts)) {
    if (i.keyword !== 'CMD' && i.keyword !== 'ENTRYPOINT' && i.keyword !== 'HEALTHCHECK') continue;
    for (const c of i.shell?.commands ?? []) names.add(c.base);
    // exec form, `["sh", "-c", "curl …"]` included: any word naming the tool counts
    for (const s of i.json ?? []) for (const w of s.split(/[\s;&|()]+/)) names.add(w.split('/').pop()!);
  }
  for (const script of facts.context.scripts) for (const c of script.shell?.commands ?? []) names.add(c.base);
  return names;
}

/** Every word of the image's Entrypoint, Cmd and Healthcheck, by base name (`["sh", "-c", "curl -f …"]` included). */
function configCommands(config: ImageConfig): Set<string> {
  const names = new Set<string>();
  for (const s of [...(config.entrypoint ?? []), ...(config.cmd ?? []), ...(config.healthcheck ?? [])]) {
    for (const w of s.split(/[\s;&|()]+/)) names.add(w.split('/').pop()!);
  }
  return names;
}

export default defineCheck({
  id: 'tools/download-tools-left',
  title: 'curl and wget used only by the build do not ship',
  category: 'tools',
  severity: 'warning',
  messages: {
    leftBehind:
      'the final stage installs {package} for the build (line {line}) and keeps it, so whoever gets a shell in the container can fetch their tools with it; download in a build stage or remove it in the same RUN',
    inImage:
      'the image has {tool} at {path}, {origin}, and its Entrypoint, Cmd and Healthcheck do not use it, so whoever gets a shell in the container can fetch their tools with it',
  },
  docs: {
    why: `\`curl\` and \`wget\` are often installed to fetch a release archive or a signing key during the build,
and then forgotten. In the shipped image they are the first thing an attacker with a shell uses:
to download a miner, a scanner or a second-stage payload, and to send data out.

Download in a build stage and \`COPY --from\` the result, or install, use and purge the tool in one
RUN so no layer keeps it. The check only reports a tool that RUNs of the final stage use and that
CMD, ENTRYPOINT, HEALTHCHECK and the entrypoint scripts do not: a \`HEALTHCHECK CMD curl …\` needs it.

In an image, \`curl\`, \`wget\` and \`wget2\` (busybox applet links included) are reported where the
config's Entrypoint, Cmd and Healthcheck do not name them, with the layer that added them; the base
image's are info.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \\
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL -o /usr/local/bin/app https://example.com/app-1.4.2-linux-amd64 \\
 && chmod +x /usr/local/bin/app
USER 10001
CMD ["/usr/local/bin/app"]
`,
    good: `FROM debian:bookworm-slim AS fetch
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \\
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL -o /app https://example.com/app-1.4.2-linux-amd64 && chmod +x /app

FROM debian:bookworm-slim
COPY --from=fetch /app /usr/local/bin/app
USER 10001
CMD ["/usr/local/bin/app"]
`,
    related: ['tools/network-tools', 'security/curl-pipe-shell'],
  },
  dockerfile: (ctx) => ({
    end() {
      const left = toolsLeft(ctx.facts, DOWNLOAD_TOOLS.byPackage, ctx.settings.allowedTools);
      if (left.length === 0) return;
      const runtime = runtimeCommands(ctx.facts);
      const runs = shippedRunCommands(ctx.facts);
      for (const t of left) {
        const commands = DOWNLOAD_TOOLS.commandsOf(t.tool);
        if (commands.some((c) => runtime.has(c))) continue;
        const use = runs.find((r) => commands.includes(r.command.base));
        if (!use) continue;
        ctx.report({ messageId: 'leftBehind', data: { package: t.name, line: use.command.range.line }, at: t.word });
      }
    },
  }),
  image: (ctx) => {
    const runtime = configCommands(ctx.image.config);
    for (const t of findTools(ctx.image, DOWNLOAD_TOOLS.byCommand, ctx.settings.allowedTools)) {
      if (t.commands.some((c) => runtime.has(c.name)) || runtime.has(t.tool)) continue;
      ctx.report({ messageId: 'inImage', ...toolReport(ctx, t).report });
    }
  },
});
