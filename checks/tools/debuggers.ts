import { defineCheck } from '../../src/engine/types.js';
import { findTools, toolReport } from '../../src/image/binaries.js';
import { DEBUGGERS } from '../../src/knowledge/tools.js';
import { toolsLeft } from '../../src/dockerfile/tools.js';

export default defineCheck({
  id: 'tools/debuggers',
  title: 'No debuggers or tracers in the shipped image',
  category: 'tools',
  severity: 'warning',
  messages: {
    debugger:
      'the final stage installs {package} ({tool}) and keeps it, so whoever gets a shell in the container can read the memory of its processes (keys, tokens) and inject code into them',
    inImage:
      'the image has {tool} at {path}, {origin}, so whoever gets a shell in the container can read the memory of its processes (keys, tokens) and inject code into them',
  },
  docs: {
    why: `gdb, strace, ltrace, valgrind, perf and the eBPF tools attach to running processes: they read their
memory, where the application keeps its keys, tokens and database passwords, and can change it. In
a container that an attacker reaches they turn a shell into the application's secrets. The
application does not need them to run.

Debug with an ephemeral container (\`kubectl debug --target=…\`) or a separate debug image built
\`FROM\` the release image, and keep the shipped image without them. In an image, the check finds the
commands (\`gdb\`, \`strace\`, \`ltrace\`, \`perf\`…) in the \`bin\` directories and names the layer
that added each one; the base image's are info.`,
    bad: `FROM python:3.12-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends gdb strace \\
 && rm -rf /var/lib/apt/lists/*
USER 10001
CMD ["python", "-m", "app"]
`,
    good: `FROM python:3.12-slim
USER 10001
CMD ["python", "-m", "app"]
`,
    related: ['tools/network-tools'],
  },
  dockerfile: (ctx) => ({
    end() {
      for (const t of toolsLeft(ctx.facts, DEBUGGERS.byPackage, ctx.settings.allowedTools)) {
        ctx.report({ messageId: 'debugger', data: { package: t.name, tool: t.tool }, at: t.word });
      }
    },
  }),
  image: (ctx) => {
    for (const t of findTools(ctx.image, DEBUGGERS.byCommand, ctx.settings.allowedTools)) {
      ctx.report({ messageId: 'inImage', ...toolReport(ctx, t).report });
    }
  },
});
