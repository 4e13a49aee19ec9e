import { defineCheck } from '../../src/engine/types.js';
import { findTools, toolReport } from '../../src/image/binaries.js';
import { NETWORK_TOOLS } from '../../src/knowledge/tools.js';
import { toolsLeft } from '../../src/dockerfile/tools.js';
import { usedAtRuntime } from '../../src/dockerfile/runtime.js';

export default defineCheck({
  id: 'tools/network-tools',
  title: 'No netcat, nmap, socat, telnet or sniffers in the shipped image',
  category: 'tools',
  severity: 'warning',
  messages: {
    networkTool:
      'the final stage installs {package} ({tool}) and keeps it, so whoever gets a shell in the container can scan, sniff or open a reverse shell from it',
    inImage:
      'the image has {tool} at {path}, {origin}, so whoever gets a shell in the container can scan, sniff or open a reverse shell from it',
  },
  docs: {
    why: `netcat, ncat, socat, nmap, telnet, tcpdump and their kin are what an attacker downloads first after
breaking into a container: to open a reverse shell, relay traffic, scan the cluster network or sniff
it. An application does not need them to run. Installed in the final stage they save the attacker
that step, and make an exploit that only reaches a shell far more useful.

Debug network problems from outside the container (\`kubectl debug\` with an ephemeral container,
\`docker run --network container:<id> nicolaka/netshoot\`), or install the tool in a build stage when a
build step needs it. The finding points at the package in the install command; \`allowedTools\` in
the config keeps a tool the image really needs.

In an image, the check looks for the commands (\`nc\`, \`ncat\`, \`socat\`, \`nmap\`, \`telnet\`,
\`tcpdump\`…) in every \`bin\` and \`sbin\` directory of the merged file system, following links: a
busybox applet link such as \`/usr/bin/nc -> /bin/busybox\` counts, a busybox binary without one does
not, and applets a layer links to one multi-call binary are one finding. The finding names the path,
the layer and the instruction that made it; a tool the base image brought is reported as info naming
the base.

It does not report a tool the running container uses: named by CMD, ENTRYPOINT or HEALTHCHECK, or
in the scripts they run (an entrypoint waiting for its database with \`nc -z db 5432\`, a health
check script's \`nc\`, a helper started with \`socat\`).`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ca-certificates netcat-openbsd \\
 && rm -rf /var/lib/apt/lists/*
USER 10001
CMD ["/usr/local/bin/app"]
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
USER 10001
CMD ["/usr/local/bin/app"]
`,
    related: ['tools/ssh-installed', 'tools/debuggers', 'security/expose-ssh'],
  },
  dockerfile: (ctx) => ({
    end() {
      for (const t of toolsLeft(ctx.facts, NETWORK_TOOLS.byPackage, ctx.settings.allowedTools)) {
        // The container runs it (an entrypoint waiting for the database with `nc -z`, a health check's `nc`).
        if (usedAtRuntime(ctx.facts, NETWORK_TOOLS.commandsOf(t.tool))) continue;
        ctx.report({ messageId: 'networkTool', data: { package: t.name, tool: t.tool }, at: t.word });
      }
    },
  }),
  image: (ctx) => {
    for (const t of findTools(ctx.image, NETWORK_TOOLS.byCommand, ctx.settings.allowedTools, NETWORK_TOOLS.order)) {
      ctx.report({ messageId: 'inImage', ...toolReport(ctx, t).report });
    }
  },
});
