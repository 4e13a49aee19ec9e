import { defineCheck } from '../../src/engine/types.js';
import { findTools } from '../../src/image/binaries.js';
import { toolsLeft } from '../../src/dockerfile/tools.js';
import { DEBUGGERS, DOWNLOAD_TOOLS, NETWORK_TOOLS, SSH_CLIENTS, SSH_SERVERS, SUDO_TOOLS, type ToolFamily } from '../../src/knowledge/tools.js';
import type { Counterpart } from '../../src/engine/types.js';

const FAMILIES: readonly ToolFamily[] = [NETWORK_TOOLS, DEBUGGERS, DOWNLOAD_TOOLS, SSH_SERVERS, SSH_CLIENTS, SUDO_TOOLS];

export default defineCheck({
  id: 'tools/privileged-tools',
  title: 'A privileged container ships no attacker’s tools',
  category: 'tools',
  severity: 'warning',
  messages: {
    tools:
      '{container} is privileged (every capability and the host’s devices), and {image} keeps {tools}: whoever gets a shell in it has the tools to reach the host and the cluster network; remove them from the image, or drop privileged: true for the capabilities it needs',
  },
  docs: {
    why: `\`privileged: true\` gives a container every capability and the host's devices: a shell in it is one
\`mount\` away from the node's file system. The tools checks report netcat, nmap, debuggers, curl and
wget, ssh and sudo in any image; in a privileged container they stop being a convenience for the
attacker and become the rest of the attack (a raw-socket sniffer with CAP_NET_RAW, a debugger that
attaches to host processes with hostPID, a download tool to fetch the next stage).

Reported for each privileged container whose image (or Dockerfile's final stage) keeps a network
tool, a debugger, a download tool, an ssh client or server, or sudo, naming them; \`allowedTools\`
in the config keeps a tool the image really needs. Privileged system agents that need their tools
(CNI plugins, node exporters) are better served by the specific capabilities they use.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tcpdump curl && rm -rf /var/lib/apt/lists/*
COPY agent /usr/local/bin/agent
CMD ["agent"]
`,
    good: `FROM debian:bookworm-slim
COPY agent /usr/local/bin/agent
CMD ["agent"]
`,
    manifest: {
      bad: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    spec:
      containers:
        - name: agent
          image: ghcr.io/acme/agent:1.2.0
          securityContext:
            privileged: true
`,
      good: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    spec:
      containers:
        - name: agent
          image: ghcr.io/acme/agent:1.2.0
          securityContext:
            privileged: true
`,
    },
    related: ['tools/network-tools', 'tools/debuggers', 'tools/download-tools-left', 'security/privilege-escalation'],
  },
  container: (ctx) => {
    const allowed = ctx.settings.allowedTools ?? [];
    for (const c of ctx.containers) {
      const privileged = c.security.privileged;
      const side = c.source;
      if (privileged?.value !== true || !side) continue;
      const names: string[] = [];
      let first: Counterpart | null = null;
      for (const f of FAMILIES) {
        if (side.image) {
          for (const t of findTools(side.image, f.byCommand, allowed, f.order)) {
            names.push(`${t.tool} (${t.commands[0]!.path})`);
            first ??= { file: side.file, path: t.commands[0]!.path, layer: t.layer };
          }
        } else if (side.dockerfile) {
          for (const t of toolsLeft(side.dockerfile, f.byPackage, allowed)) {
            names.push(t.tool);
            first ??= { file: side.file, line: t.word.range.line };
          }
        }
      }
      if (!first) continue;
      const unique = [...new Set(names)];
      const tools = unique.length > 4 ? `${unique.slice(0, 4).join(', ')} and ${unique.length - 4} more` : unique.join(', ');
      ctx.report({ messageId: 'tools', data: { container: c.label, image: side.label, tools }, at: privileged.key, pairedWith: first });
    }
  },
});
