import { defineCheck } from '../../src/engine/types.js';
import { launchPlace } from '../../src/pair/place.js';

/** Inits that insist on being PID 1, and what they say when they are not. */
const MUST_BE_PID1: Record<string, string> = {
  's6-overlay /init': 's6-overlay stops at once ("s6-overlay-suexec: fatal: can only run as pid 1")',
  systemd: 'systemd does not boot as a system manager when it is not PID 1',
};

export default defineCheck({
  id: 'pid1/share-process-namespace',
  title: 'shareProcessNamespace is used knowing that the pause process becomes PID 1',
  category: 'pid1',
  severity: 'info',
  messages: {
    shared:
      'shareProcessNamespace: true makes the pause process PID 1 of every container in {workload}: it reaps their zombies, but each container sees the others’ processes, their environment (/proc/<pid>/environ, secrets in env: included) and their root file systems (/proc/<pid>/root)',
    needsPid1: '{container} runs {init} from {image}, which needs to be PID 1, but shareProcessNamespace: true makes the pause process PID 1: {what}; drop shareProcessNamespace, or run this image in its own pod',
    tini: '{container} runs tini from {image} as its init, but with shareProcessNamespace: true tini is not PID 1: it warns that it is not a subreaper and reaps nothing (the pause process does); drop tini from the command here, or add -s',
  },
  docs: {
    why: `With \`shareProcessNamespace: true\` the containers of a pod share one PID namespace, whose PID 1 is
the pod's pause (infrastructure) process. Kubernetes documents what follows: the pause process reaps
every zombie, which is what an init would otherwise do; each container's processes are visible and
signalable from the others (within their users' permissions); \`/proc/<pid>/environ\` shows their
environment, secrets passed as environment variables included; and \`/proc/<pid>/root\` exposes their
file systems. That is why the setting exists (debugging sidecars, reloaders that signal the app),
and why it is worth knowing it is on: it is reported once per pod, as info.

What only the pod and the image show together: an image whose entrypoint is an init that must be
PID 1 (s6-overlay's \`/init\`, systemd) fails in such a pod, and one that starts tini without \`-s\`
(subreaper mode) gets a warning from it on every start and reaps nothing.`,
    bad: `FROM alpine:3.20
RUN apk add --no-cache tini
COPY server /usr/local/bin/server
USER 10001
ENTRYPOINT ["tini", "--"]
CMD ["server"]
`,
    good: `FROM alpine:3.20
COPY server /usr/local/bin/server
USER 10001
CMD ["server"]
`,
    manifest: {
      bad: `apiVersion: v1
kind: Pod
metadata:
  name: server
spec:
  shareProcessNamespace: true
  containers:
    - name: server
      image: ghcr.io/acme/server:1.0.0
`,
      good: `apiVersion: v1
kind: Pod
metadata:
  name: server
spec:
  containers:
    - name: server
      image: ghcr.io/acme/server:1.0.0
`,
    },
    related: ['pid1/no-init'],
  },
  container: (ctx) => {
    for (const w of ctx.manifest.workloads) {
      const share = w.pod.shareProcessNamespace;
      if (share?.value === true) ctx.report({ messageId: 'shared', data: { workload: `${w.kind}/${w.name || '(unnamed)'}` }, at: share.key });
    }
    for (const c of ctx.containers) {
      const share = c.workload.pod.shareProcessNamespace;
      const main = c.launch?.main;
      const systemd = main && (main.base === 'systemd' || main.name === '/sbin/init') ? { name: 'systemd', at: main.at } : null;
      const init = c.launch?.init ?? systemd;
      if (share?.value !== true || !init || !c.source || c.container.role === 'ephemeral') continue;
      const place = launchPlace(c, init.at);
      const data = { container: c.label, init: init.name, image: c.source.label };
      const what = MUST_BE_PID1[init.name];
      if (what) ctx.report({ messageId: 'needsPid1', data: { ...data, what }, severity: 'error', ...place });
      else if (/^tini/.test(init.name) && !(c.argv ?? []).some((a) => /^-\w*s/.test(a.value) && a.value !== '--') && c.env.get('TINI_SUBREAPER') === undefined) {
        ctx.report({ messageId: 'tini', data, ...place });
      }
    }
  },
});
