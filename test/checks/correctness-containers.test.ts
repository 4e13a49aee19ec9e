/** The correctness checks on Kubernetes containers: what the image needs that the manifest takes away or never uses. */
import { testContainerCheck } from '../helpers/container-tester.js';
import readOnlyRoot from '../../checks/correctness/read-only-root-writes.js';
import healthcheck from '../../checks/correctness/healthcheck-ignored.js';
import probePort from '../../checks/correctness/probe-port.js';

const pod = (spec: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;
const web = (extra: string, podExtra = ''): string => pod(`${podExtra}  containers:\n    - name: web\n      image: ghcr.io/acme/web:1.0.0\n${extra}`);
const RO = '      securityContext:\n        readOnlyRootFilesystem: true\n';
const mounts = (...paths: string[]): string => `      volumeMounts:\n${paths.map((p, i) => `        - { name: v${i}, mountPath: ${p} }\n`).join('')}`;

testContainerCheck(readOnlyRoot, {
  valid: [
    { name: 'not read-only', manifest: web(''), image: 'k8s-web.docker' },
    { name: 'every path it writes is mounted', manifest: web(RO + mounts('/var/cache/nginx', '/var/run', '/etc/nginx', '/data')), image: 'k8s-web.docker' },
    { name: 'a program not known to write', manifest: web(RO), image: 'setuid.docker' },
    { name: 'nginx with its paths mounted, no image', manifest: web('      command: ["nginx", "-g", "daemon off;"]\n' + RO + mounts('/var/cache/nginx', '/var/run')) },
  ],
  invalid: [
    { name: 'nginx and its entrypoint script write', manifest: web(RO), image: 'k8s-web.docker', errors: [{ messageId: 'writes', line: 10, pairedWith: 'k8s-web.docker.tar config Entrypoint' }] },
    { name: 'a read-only mount does not count', manifest: web(RO + mounts('/var/run', '/etc/nginx', '/data') + '        - { name: c, mountPath: /var/cache/nginx, readOnly: true }\n'), image: 'k8s-web.docker', errors: [{ messageId: 'writes', line: 10 }] },
    { name: 'an entrypoint script’s mkdir', manifest: web(RO), image: 'good.docker', errors: [{ messageId: 'writes', line: 10, pairedWith: 'good.docker.tar config Entrypoint' }] },
    { name: 'the image’s VOLUME with nothing mounted there', manifest: web(RO + mounts('/var/cache/nginx', '/var/run', '/etc/nginx')), image: 'k8s-web.docker', errors: [{ messageId: 'writes', line: 10 }] },
    { name: 'the manifest’s command alone (no image)', manifest: web('      command: ["sh", "-c", "mkdir -p /app/cache && exec /app/server"]\n' + RO), errors: [{ messageId: 'writes', line: 11 }] },
    { name: 'a Dockerfile’s nginx', manifest: web(RO), dockerfile: 'FROM debian:bookworm-slim\nCMD ["nginx", "-g", "daemon off;"]\n', errors: [{ messageId: 'writes', line: 10, pairedWith: 'Dockerfile:1' }] },
  ],
});

const HEALTHY = 'FROM node:22-slim\nUSER 1000\nHEALTHCHECK CMD ["node", "healthcheck.js"]\nCMD ["node", "server.js"]\n';

testContainerCheck(healthcheck, {
  valid: [
    { name: 'probes', manifest: web('      livenessProbe:\n        exec: { command: ["node", "healthcheck.js"] }\n'), dockerfile: HEALTHY },
    { name: 'no HEALTHCHECK', manifest: web(''), dockerfile: 'FROM node:22-slim\nCMD ["node", "server.js"]\n' },
    { name: 'HEALTHCHECK NONE', manifest: web(''), dockerfile: 'FROM node:22-slim\nHEALTHCHECK NONE\nCMD ["node", "server.js"]\n' },
    { name: 'a Job', manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      containers:\n        - name: run\n          image: a:1\n', dockerfile: HEALTHY },
    { name: 'an init container', manifest: pod(`  initContainers:\n    - name: setup\n      image: a:1\n  containers:\n    - name: web\n      image: a:1\n      readinessProbe:\n        tcpSocket: { port: 8080 }\n`), dockerfile: HEALTHY },
  ],
  invalid: [{ name: 'HEALTHCHECK and no probe', manifest: web(''), dockerfile: HEALTHY, errors: [{ messageId: 'noProbe', line: 7, pairedWith: 'Dockerfile:3' }] }],
});

testContainerCheck(probePort, {
  valid: [
    { name: 'an exposed port', manifest: web('      readinessProbe:\n        httpGet: { path: /, port: 8080 }\n'), image: 'k8s-web.docker' },
    { name: 'a declared port', manifest: web('      ports:\n        - { containerPort: 9090 }\n      livenessProbe:\n        tcpSocket: { port: 9090 }\n'), image: 'k8s-web.docker' },
    { name: 'a named port', manifest: web('      ports:\n        - { name: http, containerPort: 8080 }\n      readinessProbe:\n        httpGet: { path: /, port: http }\n') },
    { name: 'an image that exposes nothing', manifest: web('      readinessProbe:\n        httpGet: { path: /, port: 3000 }\n'), image: 'good.docker' },
    { name: 'an exec probe', manifest: web('      livenessProbe:\n        exec: { command: [cat, /tmp/healthy] }\n'), image: 'k8s-web.docker' },
  ],
  invalid: [
    { name: 'a port name no port carries', manifest: web('      ports:\n        - { name: web, containerPort: 8080 }\n      readinessProbe:\n        httpGet: { path: /, port: http }\n'), errors: [{ messageId: 'unknownName', line: 12, severity: 'error' }] },
    { name: 'a port the image does not expose', manifest: web('      readinessProbe:\n        httpGet: { path: /, port: 3000 }\n'), image: 'k8s-web.docker', errors: [{ messageId: 'notExposed', line: 10, severity: 'warning', pairedWith: 'k8s-web.docker.tar config ExposedPorts' }] },
    { name: 'EXPOSE in the Dockerfile', manifest: web('      livenessProbe:\n        tcpSocket: { port: 3000 }\n'), dockerfile: 'FROM node:22-slim\nEXPOSE 8080/tcp\n', errors: [{ messageId: 'notExposed', line: 10, pairedWith: 'Dockerfile:2' }] },
  ],
});
