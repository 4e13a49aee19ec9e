import { defineCheck } from '../../src/engine/types.js';
import type { ShellHop } from '../../src/knowledge/launch.js';
import { shellOf } from '../../src/image/launch.js';
import { busyboxSh, launchPlace, manifestHop } from '../../src/pair/place.js';
import type { EffectiveContainer } from '../../src/pair/effective.js';

/** Shells that exec the lone simple command of `-c` themselves. */
const EXECS_LONE = new Set(['bash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);

/** The shell that stays PID 1 and lets SIGTERM stop at itself, from the image (the manifest's own shells are the other pid1 checks' findings). */
function stuck(c: EffectiveContainer): ShellHop | null {
  const launch = c.launch;
  if (!launch || launch.init) return null;
  // After shells that exec, the first one that does not is PID 1.
  const hop = launch.hops.find((h) => !h.execs);
  if (!hop || hop.handlesSignals || !hop.last || manifestHop(c, hop)) return null;
  if (hop.kind !== 'script' && !hop.mustStay) {
    // busybox ash execs the last simple command of `-c` itself; bash a lone one.
    const image = c.source?.image;
    const shell = image ? shellOf(image, hop.shellName === 'sh' ? '/bin/sh' : hop.shellName) : null;
    if (shell === 'busybox' || (!image && (hop.shellName === 'sh' || hop.shellName === 'ash') && busyboxSh(c) === true)) return null;
    if (hop.lone && ((shell && EXECS_LONE.has(shell)) || EXECS_LONE.has(hop.shellName))) return null;
  }
  return hop;
}

export default defineCheck({
  id: 'pid1/grace-period-kill',
  title: 'Stopping the pod does not end in SIGKILL because a shell holds PID 1',
  category: 'pid1',
  severity: 'warning',
  messages: {
    kill: '{container}: PID 1 is {shell} of {image}, which does not pass SIGTERM on to {program}: every stop of the pod (rollout, scale-down, eviction) waits terminationGracePeriodSeconds ({grace} s) and ends in SIGKILL, so {program} never shuts down cleanly; make the image exec it, or run it directly with command:',
  },
  docs: {
    why: `To stop a container the kubelet has the runtime send the stop signal (SIGTERM unless the image
sets STOPSIGNAL) to PID 1, waits \`terminationGracePeriodSeconds\` (30 s by default) and then sends
SIGKILL. When PID 1 is a shell that runs the app as its child (a shell-form CMD, an \`sh -c\` or an
entrypoint script without \`exec\`), the signal stops at the shell: the app never hears it, every
rollout and scale-down takes the full grace period per pod, and the app dies by SIGKILL with
requests in flight, connections open and buffers unflushed. A longer grace period makes it slower,
not better.

The shell comes from the image and the grace period from the manifest, so this is reported on the
manifest, for each regular or sidecar container whose effective PID 1 (after \`command:\` and
\`args:\`) is such a shell from the image, with no init in front and no trap for the stop signal. A
single command under busybox \`sh\` or bash is exec'd by the shell itself and not reported. Shells
the manifest's own \`command:\` or \`args:\` start are \`pid1/sh-c-without-exec\`'s and
\`pid1/script-without-exec\`'s findings.`,
    bad: `FROM node:22-slim
WORKDIR /app
COPY . .
USER 1000
CMD node migrate.js && node server.js
`,
    good: `FROM node:22-slim
WORKDIR /app
COPY . .
USER 1000
CMD ["sh", "-c", "node migrate.js && exec node server.js"]
`,
    manifest: {
      bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: api
          image: ghcr.io/acme/api:4.0.2
`,
      good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: api
          image: ghcr.io/acme/api:4.0.2
`,
    },
    related: ['pid1/shell-form-command', 'pid1/sh-c-without-exec', 'pid1/script-without-exec', 'pid1/no-init'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      if (!c.source || (c.container.role !== 'container' && c.container.role !== 'sidecar')) continue;
      const hop = stuck(c);
      if (!hop) continue;
      const shell = hop.kind === 'script' ? `the script ${hop.script?.imagePath ?? ''}` : hop.kind === 'shell-form' ? `the shell of its shell-form ${hop.keyword ?? 'CMD'}` : `\`${hop.shellName} -c\``;
      const program = (hop.passesArgs ? c.launch?.main?.name : hop.mustStay?.command?.name || hop.last?.name) || 'the app';
      const place = launchPlace(c, hop.at);
      ctx.report({ messageId: 'kill', data: { container: c.label, shell, image: c.source.label, program, grace: c.grace }, ...place, at: c.workload.pod.terminationGracePeriodSeconds?.range ?? place.at });
    }
  },
});
