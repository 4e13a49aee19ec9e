import { defineCheck } from '../../src/engine/types.js';

/** Commands that act on a running system, a terminal or a remote host: in a build step they do nothing that lasts. */
const POINTLESS: Record<string, string> = {
  ssh: 'opens a remote session',
  vim: 'is an interactive editor',
  vi: 'is an interactive editor',
  nano: 'is an interactive editor',
  shutdown: 'stops a machine',
  service: 'starts or stops a service that will not be running in the container',
  ps: 'lists the build step\'s own processes',
  free: 'reports the build host\'s memory',
  top: 'is an interactive process viewer',
  kill: 'signals processes of the build step',
  mount: 'changes mounts that do not outlive the build step',
  ifconfig: 'configures the build step\'s network',
};

export default defineCheck({
  id: 'correctness/pointless-command',
  title: 'RUN does not call commands that only make sense on a running machine',
  category: 'correctness',
  severity: 'info',
  aliases: ['DL3001'],
  messages: {
    pointless: '{command} {what}: in a RUN its effect ends with the build step, so it does nothing for the image',
  },
  docs: {
    why: `A RUN executes once, in a throw-away container, and only its file-system changes are kept.
Commands that act on a running system (\`service … start\`, \`kill\`, \`mount\`, \`ifconfig\`,
\`shutdown\`), on a terminal (\`vim\`, \`top\`) or on another host (\`ssh\`) leave nothing in the image:
the service is not running when the container starts, the mount is gone, the editor waits for a
keyboard that is not there. Usually they are left over from an interactive session; move what they
do to the container's start-up (an entrypoint) or drop them.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx \\
 && service nginx start
CMD ["nginx", "-g", "daemon off;"]
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx
CMD ["nginx", "-g", "daemon off;"]
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const c of ins.shell?.commands ?? []) {
        const what = Object.hasOwn(POINTLESS, c.base) ? POINTLESS[c.base] : undefined;
        if (what) ctx.report({ messageId: 'pointless', data: { command: c.base, what }, at: c.nameRange });
      }
    },
  }),
});
