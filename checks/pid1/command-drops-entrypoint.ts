import { defineCheck } from '../../src/engine/types.js';
import type { Where } from '../../src/knowledge/launch.js';
import { settingPlace } from '../../src/pair/place.js';

export default defineCheck({
  id: 'pid1/command-drops-entrypoint',
  title: 'A container’s command keeps the image’s init and entrypoint script',
  category: 'pid1',
  severity: 'warning',
  messages: {
    init: '{container}: command replaces the ENTRYPOINT of {image}, which starts {init} in front of the program; {program} now runs as PID 1 with no init to forward signals and reap zombies; set args: instead of command:, or start the command under {init}',
    script: '{container}: command replaces the ENTRYPOINT of {image}, the script {script}, which prepares the container and then runs the command it is given; {program} now starts without it; set args: instead of command: (the script then runs them), or run the script first in the command',
  },
  docs: {
    why: `In Kubernetes, \`command:\` replaces the image's ENTRYPOINT and \`args:\` its CMD. Most images put
what must run first in the ENTRYPOINT: an init (\`tini\`, \`dumb-init\`) that makes signal handling and
zombie reaping work, or an entrypoint script (\`docker-entrypoint.sh\`) that renders configuration,
initializes a database directory, drops root with \`gosu\` and then \`exec\`s its arguments. A
\`command:\` that only means to change the program (\`command: ["redis-server", "--appendonly",
"yes"]\`) silently drops all of that; the same words as \`args:\` keep it.

Reported for regular and sidecar containers whose \`command:\` leaves out the init or the script the
image's own ENTRYPOINT runs (a command that still runs them, \`["tini", "--", …]\` or
\`["docker-entrypoint.sh", …]\`, is fine). Init containers, which often run a tool of the image on
purpose, are not reported.`,
    bad: `FROM alpine:3.20
RUN apk add --no-cache tini
COPY server /usr/local/bin/server
USER 10001
ENTRYPOINT ["tini", "--"]
CMD ["server"]
`,
    good: `FROM alpine:3.20
RUN apk add --no-cache tini
COPY server /usr/local/bin/server
USER 10001
ENTRYPOINT ["tini", "--"]
CMD ["server"]
`,
    manifest: {
      bad: `apiVersion: v1
kind: Pod
metadata:
  name: server
spec:
  containers:
    - name: server
      image: ghcr.io/acme/server:1.0.0
      command: ["server", "--port", "8080"]
`,
      good: `apiVersion: v1
kind: Pod
metadata:
  name: server
spec:
  containers:
    - name: server
      image: ghcr.io/acme/server:1.0.0
      args: ["server", "--port", "8080"]
`,
    },
    related: ['pid1/no-init', 'pid1/script-without-exec'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const side = c.source;
      const own = side?.launch;
      const command = c.container.command;
      if (!side || !own || !command || (c.container.role !== 'container' && c.container.role !== 'sidecar') || !side.entrypoint?.length) continue;
      const program = (command.items[0]?.value ?? 'the command').replace(/^.*\//, '');
      const data = { container: c.label, image: side.label, program };
      const line = side.place('entrypoint').line;
      const inEntrypoint = (at: Where): boolean => (at.kind === 'config' ? at.field === 'Entrypoint' : at.kind === 'dockerfile' ? at.range.line === line : at.kind === 'script' ? inEntrypoint(at.script.runBy) : false);
      if (own.init && inEntrypoint(own.init.at) && !c.launch?.init) {
        ctx.report({ messageId: 'init', data: { ...data, init: own.init.name }, ...settingPlace(c, 'entrypoint', command.key) });
        continue;
      }
      const first = own.hops[0];
      const script = first?.kind === 'script' && first.script && inEntrypoint(first.at) ? first.script : null;
      if (script && !(c.launch?.hops ?? []).some((h) => h.script?.imagePath === script.imagePath)) {
        ctx.report({ messageId: 'script', data: { ...data, script: script.imagePath }, ...settingPlace(c, 'entrypoint', command.key) });
      }
    }
  },
});
