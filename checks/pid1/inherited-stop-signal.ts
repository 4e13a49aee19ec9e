import { defineCheck } from '../../src/engine/types.js';
import { GRACEFUL_SIGNALS, signalName } from '../../src/knowledge/runtime.js';
import { manifestMain, pid1Program, settingPlace } from '../../src/pair/place.js';

export default defineCheck({
  id: 'pid1/inherited-stop-signal',
  title: 'The image’s STOPSIGNAL fits the program the pod runs',
  category: 'pid1',
  severity: 'warning',
  messages: {
    inherited:
      '{container} runs {program} instead of {imageProgram}, but {image} sets STOPSIGNAL {signal} for {imageProgram}, and the runtime stops the container with the image’s signal (containerd and CRI-O read it; Kubernetes has no signal of its own to send): {program} gets {signal} instead of SIGTERM; set lifecycle.stopSignal: SIGTERM (Kubernetes 1.33+), or keep the image’s program',
    overridden:
      '{container} sets lifecycle.stopSignal: {podSignal}, but {program} stops gracefully on {signal}, which {image} sets as its STOPSIGNAL: {podSignal} makes it drop open connections at once; remove lifecycle.stopSignal',
  },
  docs: {
    why: `Kubernetes does not pick the stop signal itself: the kubelet asks the container runtime to stop the
container, and containerd and CRI-O send the signal the image's config names (\`STOPSIGNAL\`,
SIGTERM when unset), then SIGKILL after the grace period. (The claim that Kubernetes ignores
STOPSIGNAL dates from before the CRI runtimes: containerd's CRI plugin has sent the image's stop
signal since 2017, CRI-O too. Kubernetes 1.33 added \`lifecycle.stopSignal\` to override it, behind the
\`ContainerStopSignals\` feature gate.)

So the image's STOPSIGNAL follows the image, not the program. An nginx image sets \`STOPSIGNAL
SIGQUIT\`, nginx's graceful stop; a pod that runs another program from that image with
\`command:\` (a Node.js server, a shell script, a log shipper) gets SIGQUIT, which most programs do
not handle: they dump core or exit at once without their SIGTERM cleanup. And a pod that sets
\`lifecycle.stopSignal\` to another signal than the one the image's server needs undoes the
image's choice.

Reported when the manifest's command changes the program PID 1 runs and the image sets a
STOPSIGNAL other than SIGTERM that the new program is not known to stop on gracefully, and when
\`lifecycle.stopSignal\` differs from the STOPSIGNAL of an image whose program (nginx, php-fpm,
Apache httpd) needs it.`,
    bad: `FROM nginx:1.27-alpine
COPY --chmod=755 sync.sh /usr/local/bin/sync.sh
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
`,
    good: `FROM nginx:1.27-alpine
COPY --chmod=755 sync.sh /usr/local/bin/sync.sh
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
`,
    manifest: {
      bad: `apiVersion: v1
kind: Pod
metadata:
  name: site
spec:
  containers:
    - name: sync
      image: ghcr.io/acme/site:2.0.0
      command: ["/usr/local/bin/sync-daemon", "--watch", "/data"]
`,
      good: `apiVersion: v1
kind: Pod
metadata:
  name: site
spec:
  containers:
    - name: site
      image: ghcr.io/acme/site:2.0.0
`,
    },
    related: ['pid1/stop-signal', 'pid1/grace-period-kill'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const side = c.source;
      const signal = side?.stopSignal ? signalName(side.stopSignal) : null;
      if (!side || !signal || c.container.role === 'init' || c.container.role === 'ephemeral') continue;
      const program = pid1Program(c.launch);
      const imageProgram = pid1Program(side.launch);
      const podSignal = c.container.stopSignal ? signalName(c.container.stopSignal.value) : null;
      if (podSignal && podSignal !== signal) {
        if (program && GRACEFUL_SIGNALS.get(program) === signal) ctx.report({ messageId: 'overridden', data: { container: c.label, podSignal, signal, program, image: side.label }, ...settingPlace(c, 'stopSignal', c.container.stopSignal!.range) });
        continue;
      }
      if (podSignal || signal === 'SIGTERM' || !program || !imageProgram || program === imageProgram || !manifestMain(c)) continue;
      if (GRACEFUL_SIGNALS.get(program) === signal) continue;
      ctx.report({ messageId: 'inherited', data: { container: c.label, program, imageProgram, image: side.label, signal }, ...settingPlace(c, 'stopSignal', c.container.command?.key ?? c.container.args?.key) });
    }
  },
});
