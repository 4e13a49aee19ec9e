import { defineCheck } from '../../src/engine/types.js';
import { settingPlace } from '../../src/pair/place.js';

export default defineCheck({
  id: 'correctness/healthcheck-ignored',
  title: 'An image’s HEALTHCHECK becomes a probe in Kubernetes',
  category: 'correctness',
  severity: 'warning',
  messages: {
    noProbe:
      '{image} has a HEALTHCHECK, which Kubernetes never runs, and {container} has no livenessProbe or readinessProbe: nothing restarts it when it hangs or keeps traffic away while it starts; turn the HEALTHCHECK command into probes',
  },
  docs: {
    why: `Docker runs an image's \`HEALTHCHECK\` and marks the container unhealthy; Kubernetes does not run it
at all (neither the kubelet nor the CRI runtimes read it). Its probes replace it: a
\`livenessProbe\` restarts a container that hangs, a \`readinessProbe\` keeps Service traffic away
while it is not ready, a \`startupProbe\` gives a slow start time. An image with a HEALTHCHECK says
its authors know how to tell it is healthy; a pod without probes throws that away, and a hung
process then keeps its place in the Service until somebody notices.

Reported for regular and sidecar containers of long-running workloads (not Jobs or CronJobs)
whose image has a HEALTHCHECK (other than \`NONE\`) while the container has neither a liveness nor a
readiness probe.`,
    bad: `FROM node:22-slim
WORKDIR /app
COPY . .
USER 1000
HEALTHCHECK CMD ["node", "healthcheck.js"]
CMD ["node", "server.js"]
`,
    good: `FROM node:22-slim
WORKDIR /app
COPY . .
USER 1000
HEALTHCHECK CMD ["node", "healthcheck.js"]
CMD ["node", "server.js"]
`,
    manifest: {
      bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
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
      containers:
        - name: api
          image: ghcr.io/acme/api:4.0.2
          livenessProbe:
            exec:
              command: ["node", "healthcheck.js"]
          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
`,
    },
    related: ['correctness/no-healthcheck', 'correctness/probe-port'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      if (!c.source?.healthcheck || (c.container.role !== 'container' && c.container.role !== 'sidecar') || /^(Cron)?Job$/.test(c.workload.kind)) continue;
      if (c.container.probes.some((p) => p.kind === 'livenessProbe' || p.kind === 'readinessProbe')) continue;
      ctx.report({ messageId: 'noProbe', data: { container: c.label, image: c.source.label }, ...settingPlace(c, 'healthcheck', c.container.nameRange) });
    }
  },
});
