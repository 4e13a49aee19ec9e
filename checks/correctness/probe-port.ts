import { defineCheck } from '../../src/engine/types.js';
import { settingPlace } from '../../src/pair/place.js';

export default defineCheck({
  id: 'correctness/probe-port',
  title: 'Probes check a port the container has',
  category: 'correctness',
  severity: 'warning',
  messages: {
    unknownName:
      '{container}: the {probe} checks the port named {port}, but the container declares no port of that name: the kubelet cannot resolve it and the probe fails every time; name the port under ports: or give its number',
    notExposed:
      '{container}: the {probe} checks port {port}, but {image} exposes {exposed} and the container declares {declared}: the probe is likely aimed at nothing and fails; probe a port the program listens on',
  },
  docs: {
    why: `An \`httpGet\`, \`tcpSocket\` or \`grpc\` probe names a port by number or by the name of one of the
container's \`ports\`. A name that none of the container's ports carries is never resolved: the probe
fails on every attempt, so a liveness probe restarts the container forever and a readiness probe
keeps it out of its Service (the API server accepts the pod; the kubelet reports the failure only in
events). That much is in the manifest alone and is reported as an error.

A number cannot be checked from the manifest alone, but the image says which ports its program
listens on (\`EXPOSE\`): a probe on a port the image does not expose and the container does not
declare usually means a port that changed in one file and not the other (8080 in the Dockerfile,
3000 in the probe). That is reported when the image (or its Dockerfile) exposes at least one port.`,
    bad: `FROM node:22-slim
WORKDIR /app
COPY . .
USER 1000
EXPOSE 8080
CMD ["node", "server.js"]
`,
    good: `FROM node:22-slim
WORKDIR /app
COPY . .
USER 1000
EXPOSE 8080
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
          readinessProbe:
            httpGet: { path: /ready, port: 3000 }
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
          ports:
            - { name: http, containerPort: 8080 }
          readinessProbe:
            httpGet: { path: /ready, port: http }
`,
    },
    related: ['correctness/healthcheck-ignored'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      for (const probe of c.container.probes) {
        const port = probe.port;
        if (!port) continue;
        const data = { container: c.label, probe: probe.kind, port: String(port.value) };
        if (typeof port.value === 'string') {
          if (/^\d+$/.test(port.value) || c.container.ports.some((p) => p.name === port.value)) continue;
          ctx.report({ messageId: 'unknownName', data, severity: 'error', at: port.range });
          continue;
        }
        const exposed = (c.source?.exposed ?? []).filter((e) => e.endsWith('/tcp')).map((e) => Number(e.split('/')[0]));
        if (exposed.length === 0 || exposed.includes(port.value) || c.container.ports.some((p) => p.containerPort === port.value)) continue;
        const declared = c.container.ports.length ? c.container.ports.map((p) => p.containerPort ?? p.name).join(', ') : 'no ports';
        ctx.report({ messageId: 'notExposed', data: { ...data, image: c.source!.label, exposed: exposed.join(', '), declared }, ...settingPlace(c, 'expose', port.range) });
      }
    }
  },
});
