import { defineCheck } from '../../src/engine/types.js';
import { expand } from '../../src/dockerfile/vars.js';

export default defineCheck({
  id: 'security/expose-ssh',
  title: 'Port 22 (SSH) is not exposed',
  category: 'security',
  severity: 'warning',
  aliases: ['DS004', 'CKV_DOCKER_1'],
  messages: {
    ssh: 'EXPOSE {port} publishes the SSH port, so the container runs an SSH server that is one more way in; use docker exec or kubectl exec',
  },
  docs: {
    why: `Exposing port 22 means the container runs an SSH server: another daemon to patch, keys or
passwords to manage, and a way in for attackers. \`docker exec\` and \`kubectl exec\` give a shell in a
running container without one.`,
    bad: `FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
EXPOSE 22
`,
    good: `FROM ubuntu:24.04
EXPOSE 8080
`,
  },
  dockerfile: (ctx) => ({
    EXPOSE(ins) {
      for (const a of ins.args) {
        const value = expand(a.value, ins.vars).value.replace(/^["']|["']$/g, '');
        const m = /^(?:.*:)?(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(value);
        if (!m || (m[3] && m[3].toLowerCase() !== 'tcp')) continue;
        const lo = Number(m[1]);
        const hi = m[2] ? Number(m[2]) : lo;
        if (lo <= 22 && 22 <= hi) ctx.report({ messageId: 'ssh', data: { port: value }, at: a });
      }
    },
  }),
});
