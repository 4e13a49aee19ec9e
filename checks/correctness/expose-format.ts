import { defineCheck } from '../../src/engine/types.js';
import { expand } from '../../src/dockerfile/vars.js';
import { replace, safeFix } from '../../src/fix/edits.js';

export default defineCheck({
  id: 'correctness/expose-format',
  title: 'EXPOSE lists valid container ports',
  category: 'correctness',
  severity: 'error',
  fixable: 'safe',
  aliases: ['DL3011', 'DS008', 'ExposeInvalidFormat', 'ExposeProtoCasing'],
  messages: {
    outOfRange: 'EXPOSE {value}: port {port} is outside 0-65535, so the build fails',
    mapping: 'EXPOSE {value} holds a host address or port mapping, which EXPOSE ignores (only the container port {port} is kept); publish ports with docker run -p',
    protoCasing: 'EXPOSE {value}: the protocol should be written in lower case ({proto}); the builder lower-cases it, so this is only style',
    badProtocol: 'EXPOSE {value}: "{proto}" is not a protocol (tcp, udp or sctp), so the build fails',
  },
  docs: {
    why: `\`EXPOSE\` documents which ports the container listens on: a port or range, optionally with
\`/tcp\`, \`/udp\` or \`/sctp\`. A port above 65535 or an unknown protocol fails the build. A host address or
\`host:container\` mapping (\`EXPOSE 8080:80\`) belongs to \`docker run -p\`; the builder drops everything
but the container port, so the Dockerfile does not mean what it says.`,
    bad: `FROM nginx:1.27
EXPOSE 8080:80 443/TCP
`,
    good: `FROM nginx:1.27
EXPOSE 80 443/tcp
`,
  },
  dockerfile: (ctx) => ({
    EXPOSE(ins) {
      for (const a of ins.args) {
        const { value, unresolved } = expand(a.value.replace(/^["']|["']$/g, ''), ins.vars);
        if (unresolved || value === '') continue;
        const m = /^(.*:)?(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(value);
        if (!m) continue;
        const data = { value: a.value, port: m[2]!, proto: (m[4] ?? '').toLowerCase() };
        const bad = [m[2]!, m[3]].find((p) => p !== undefined && Number(p) > 65535);
        if (bad) ctx.report({ messageId: 'outOfRange', data: { ...data, port: bad }, at: a });
        else if (m[1]) ctx.report({ messageId: 'mapping', data, at: a, severity: 'warning' });
        else if (m[4] && !['tcp', 'udp', 'sctp'].includes(data.proto)) ctx.report({ messageId: 'badProtocol', data: { ...data, proto: m[4] }, at: a });
        else if (m[4] && m[4] !== data.proto) {
          const lower = a.value.replace(/\/(\w+)(["']?)$/, (_, p: string, q: string) => `/${p.toLowerCase()}${q}`);
          ctx.report({ messageId: 'protoCasing', data, at: a, severity: 'info', fix: lower !== a.value ? safeFix(`Write /${data.proto}`, [replace(a, lower)]) : null });
        }
      }
    },
  }),
});
