import { defineCheck } from '../../src/engine/types.js';
import { expand } from '../../src/dockerfile/vars.js';
import type { DockerfileFacts } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';

/** The image ships sshd on purpose: it copies its configuration or a service that runs it, or its command starts it. */
function sshdIsThePoint(facts: DockerfileFacts): boolean {
  if (facts.context.copiedFiles.some((p) => /(^|\/)(sshd_config|sshd|openssh)(\/|$)/.test(p))) return true;
  if (facts.context.scripts.some((s) => /(^|[\s/])sshd\b/.test(s.text))) return true;
  const chain = facts.finalStage ? stageChain(facts.finalStage).flatMap((s) => s.instructions) : [];
  return chain.some((i) => ((i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && /(^|[\s/"])sshd\b/.test(i.body)) || ((i.keyword === 'COPY' || i.keyword === 'ADD') && /sshd_config/.test(i.body)));
}

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
  dockerfile: (ctx) => {
    // A question about the whole file, asked once (it reads every instruction of the final stage).
    let sshd: boolean | undefined;
    return {
      EXPOSE(ins) {
        if ((sshd ??= sshdIsThePoint(ctx.facts))) return;
        for (const a of ins.args) {
          const value = expand(a.value, ins.vars).value.replace(/^["']|["']$/g, '');
          const m = /^(?:.*:)?(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(value);
          if (!m || (m[3] && m[3].toLowerCase() !== 'tcp')) continue;
          const lo = Number(m[1]);
          const hi = m[2] ? Number(m[2]) : lo;
          if (lo <= 22 && 22 <= hi) ctx.report({ messageId: 'ssh', data: { port: value }, at: a });
        }
      },
    };
  },
});
