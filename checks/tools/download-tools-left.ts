import { defineCheck } from '../../src/engine/types.js';
import type { ImageConfig } from '../../src/image/facts.js';
import { findTools, toolReport } from '../../src/image/binaries.js';
import { DOWNLOAD_TOOLS } from '../../src/knowledge/tools.js';
import { shippedRunCommands, toolsLeft } from '../../src/dockerfile/tools.js';
import type { ShellCommand } from '../../src/shell/shell.js';
import { firstAbove } from '../../src/util/search.js';
import { isToolchainImage, usedAtRuntime } from '../../src/dockerfile/runtime.js';

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
RUN so no layer keeps it. The check only reports a tool that a RUN of the final stage uses after
installing it (\`curl --version\` is no use), and that the running container does not: CMD,
ENTRYPOINT, HEALTHCHECK and the scripts they run (health-check scripts, scripts their scripts run)
do not name it. It does not report toolchain and base images (no CMD of their own, a build tool as
the program, a development stage or devcontainer), which offer their tools on purpose.

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
      // A toolchain or base image offers its tools to the builds run in it or on it.
      if (left.length === 0 || isToolchainImage(ctx.facts)) return;
      const runs = shippedRunCommands(ctx.facts);
      // Indexed once: where each command is, and where each command name is used (`curl
      // --version` is no use), in order; a scan of the later commands per tool was quadratic
      // (fuzz campaign seed 14).
      const position = new Map<ShellCommand, number>();
      const uses = new Map<string, number[]>();
      runs.forEach(({ command: c }, i) => {
        if (!position.has(c)) position.set(c, i);
        if (c.argv.every((a) => VERSION_ONLY.test(a))) return;
        const list = uses.get(c.base);
        if (list) list.push(i);
        else uses.set(c.base, [i]);
      });
      for (const t of left) {
        const commands = DOWNLOAD_TOOLS.commandsOf(t.tool);
        if (usedAtRuntime(ctx.facts, commands)) continue;
        // A use at or after the install (`curl --version` is none): the tool was installed for the build.
        // One only before it means this install is for something else: the application at run time.
        const at = position.get(t.install.command) ?? -1;
        let first = -1;
        for (const name of commands) {
          const list = uses.get(name) ?? [];
          const k = list[firstAbove(list, at, (i) => i)];
          if (k !== undefined && (first === -1 || k < first)) first = k;
        }
        if (first === -1) continue;
        const use = runs[first]!;
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

const VERSION_ONLY = /^(-V|--version|-h|--help)$/;
