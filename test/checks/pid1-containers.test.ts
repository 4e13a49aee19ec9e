/** The pid1 checks on Kubernetes containers: the manifest's command and args over the image's ENTRYPOINT and CMD. */
import { testContainerCheck } from '../helpers/container-tester.js';
import shC from '../../checks/pid1/sh-c-without-exec.js';
import script from '../../checks/pid1/script-without-exec.js';
import noInit from '../../checks/pid1/no-init.js';
import launcher from '../../checks/pid1/package-manager-launcher.js';
import ignoresCmd from '../../checks/pid1/entrypoint-ignores-cmd.js';
import stopSignal from '../../checks/pid1/stop-signal.js';
import dropsEntrypoint from '../../checks/pid1/command-drops-entrypoint.js';
import graceKill from '../../checks/pid1/grace-period-kill.js';
import inheritedSignal from '../../checks/pid1/inherited-stop-signal.js';
import shareNs from '../../checks/pid1/share-process-namespace.js';

const pod = (spec: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;
/** One container `web` (its `- name:` on line 7, `image:` on 8) with more lines after its image. */
const web = (extra: string, podExtra = ''): string => pod(`${podExtra}  containers:\n    - name: web\n      image: ghcr.io/acme/web:1.0.0\n${extra}`);
const DEBIAN_NODE = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["node", "server.js"]\n';

testContainerCheck(shC, {
  valid: [
    { name: 'exec', manifest: web('      command: ["sh", "-c", "node migrate.js && exec node server.js"]\n') },
    { name: 'no command: the image’s own CMD is the image’s finding', manifest: web(''), dockerfile: 'FROM node:22-slim\nCMD ["sh", "-c", "node migrate.js && node server.js"]\n' },
    { name: 'busybox execs the last command of -c', manifest: web('      command: ["sh", "-c", "sleep 1 && /app/serve"]\n'), image: 'good.docker' },
    { name: 'a lone command under bash', manifest: web('      command: ["bash", "-c", "node server.js"]\n') },
  ],
  invalid: [
    { name: 'two commands, no exec', manifest: web('      command: ["sh", "-c", "node migrate.js && node server.js"]\n'), errors: [{ messageId: 'several', line: 9, column: 49 }] },
    { name: 'a block scalar: the line in it', manifest: web('      command:\n        - /bin/sh\n        - -c\n        - |\n          node migrate.js\n          node server.js\n'), errors: [{ messageId: 'several', line: 14, column: 11 }] },
    { name: 'args finish the command', manifest: web('      command: ["sh", "-c"]\n      args: ["node migrate.js && node server.js"]\n'), errors: [{ messageId: 'several', line: 10 }] },
    { name: 'a lone command under sh (dash on Debian)', manifest: web('      command: ["sh", "-c", "node server.js"]\n'), dockerfile: DEBIAN_NODE, errors: [{ messageId: 'lone', line: 9, severity: 'info', pairedWith: 'Dockerfile:5' }] },
  ],
});

testContainerCheck(script, {
  valid: [
    { name: 'the image’s own script is the image’s finding', manifest: web(''), image: 'pid1-script-no-exec.docker' },
    { name: 'a script that execs', manifest: web('      command: ["/app/entrypoint.sh", "/app/serve"]\n'), image: 'good.docker' },
  ],
  invalid: [
    {
      name: 'the command runs a script of the image that does not exec',
      manifest: web('      command: ["/usr/local/bin/sync.sh", "/usr/sbin/nginx", "--watch"]\n'),
      image: 'k8s-web.docker',
      errors: [{ messageId: 'noExec', line: 9, pairedWith: 'k8s-web.docker.tar /usr/local/bin/sync.sh:5' }],
    },
  ],
});

testContainerCheck(noInit, {
  valid: [
    { name: 'under tini', manifest: web('      command: ["tini", "--", "sh", "-c", "worker & server & wait"]\n') },
    { name: 'the pause process reaps in a shared namespace', manifest: web('      command: ["sh", "-c", "worker & server & wait"]\n', '  shareProcessNamespace: true\n') },
  ],
  invalid: [{ name: 'jobs in the background', manifest: web('      command: ["sh", "-c", "worker & server & wait"]\n'), errors: [{ messageId: 'noInit', line: 9 }] }],
});

testContainerCheck(launcher, {
  valid: [
    { name: 'the program itself', manifest: web('      command: ["node", "server.js"]\n') },
    { name: 'an init container may run npm', manifest: pod(`  initContainers:\n    - name: migrate\n      image: a:1\n      command: ["npm", "run", "migrate"]\n  containers:\n    - name: web\n      image: a:1\n`) },
    { name: 'the image’s own npm start is the image’s finding', manifest: web(''), image: 'pid1-npm-start.docker' },
  ],
  invalid: [
    { name: 'npm start as the command', manifest: web('      command: ["npm", "start"]\n'), errors: [{ messageId: 'launcher', line: 9 }] },
    { name: 'npm start as args of an image whose ENTRYPOINT execs its arguments', manifest: web('      args: ["npm", "start"]\n'), image: 'good.docker', errors: [{ messageId: 'launcher', line: 9, pairedWith: 'good.docker.tar config Cmd' }] },
  ],
});

testContainerCheck(ignoresCmd, {
  valid: [
    { name: 'args to an exec-form ENTRYPOINT', manifest: web('      args: ["--port", "8080"]\n'), dockerfile: 'FROM alpine:3.20\nENTRYPOINT ["/app/run"]\n' },
    { name: 'a command script that reads its arguments', manifest: web('      command: ["sh", "-c", "exec /app/run \\"$@\\"", "--"]\n      args: ["--port", "8080"]\n') },
    { name: 'no args', manifest: web(''), dockerfile: 'FROM alpine:3.20\nENTRYPOINT /app/run\n' },
  ],
  invalid: [
    { name: 'args to a shell-form ENTRYPOINT', manifest: web('      args: ["--port", "8080"]\n'), dockerfile: 'FROM alpine:3.20\nENTRYPOINT /app/run\n', errors: [{ messageId: 'args', line: 9, pairedWith: 'Dockerfile:2' }] },
    { name: 'args to a command script that reads none', manifest: web('      command: ["sh", "-c", "/app/run --port 80"]\n      args: ["--verbose"]\n'), errors: [{ messageId: 'args', line: 10 }] },
  ],
});

testContainerCheck(stopSignal, {
  valid: [
    { name: 'the image sets STOPSIGNAL', manifest: web('      command: ["nginx", "-g", "daemon off;"]\n'), image: 'k8s-web.docker' },
    { name: 'an nginx base sets it', manifest: web('      command: ["nginx", "-g", "daemon off;"]\n'), dockerfile: 'FROM nginx:1.27\n' },
    { name: 'the pod sets lifecycle.stopSignal', manifest: web('      command: ["nginx", "-g", "daemon off;"]\n      lifecycle:\n        stopSignal: SIGQUIT\n'), dockerfile: 'FROM debian:bookworm-slim\n' },
  ],
  invalid: [{ name: 'the command starts nginx on an image without STOPSIGNAL', manifest: web('      command: ["nginx", "-g", "daemon off;"]\n'), dockerfile: 'FROM debian:bookworm-slim\nCMD ["/app/run"]\n', errors: [{ messageId: 'signal', line: 9, pairedWith: 'Dockerfile:2' }] }],
});

testContainerCheck(dropsEntrypoint, {
  valid: [
    { name: 'args keep the ENTRYPOINT', manifest: web('      args: ["nginx", "-g", "daemon off;"]\n'), image: 'k8s-web.docker' },
    { name: 'a command that starts under tini and the script', manifest: web('      command: ["/sbin/tini", "--", "/docker-entrypoint.sh", "nginx"]\n'), image: 'k8s-web.docker' },
    { name: 'an init container runs a tool of the image', manifest: pod(`  initContainers:\n    - name: check\n      image: a:1\n      command: ["nginx", "-t"]\n  containers:\n    - name: web\n      image: a:1\n`), image: 'k8s-web.docker' },
    { name: 'an image without ENTRYPOINT', manifest: web('      command: ["/app/serve"]\n'), image: 'setuid.docker' },
  ],
  invalid: [
    { name: 'the command drops tini', manifest: web('      command: ["nginx", "-g", "daemon off;"]\n'), image: 'k8s-web.docker', errors: [{ messageId: 'init', line: 9, pairedWith: 'k8s-web.docker.tar config Entrypoint' }] },
    { name: 'the command drops the entrypoint script', manifest: web('      command: ["/app/serve"]\n'), image: 'good.docker', errors: [{ messageId: 'script', line: 9 }] },
    { name: 'the command drops tini (Dockerfile)', manifest: web('      command: ["server"]\n'), dockerfile: 'FROM alpine:3.20\nRUN apk add --no-cache tini\nENTRYPOINT ["tini", "--"]\nCMD ["server"]\n', errors: [{ messageId: 'init', line: 9, pairedWith: 'Dockerfile:3' }] },
  ],
});

testContainerCheck(graceKill, {
  valid: [
    { name: 'a script that execs', manifest: web(''), image: 'good.docker' },
    { name: 'busybox execs a lone shell-form command', manifest: web(''), image: 'pid1-shell-form.docker' },
    { name: 'the command runs the program itself', manifest: web('      command: ["/app/serve"]\n'), image: 'pid1-script-no-exec.docker' },
    { name: 'an init container', manifest: pod(`  initContainers:\n    - name: setup\n      image: a:1\n  containers:\n    - name: web\n      image: a:1\n      command: ["/app/serve"]\n`), image: 'pid1-script-no-exec.docker' },
    { name: 'no image', manifest: web('') },
  ],
  invalid: [
    { name: 'the image’s script does not exec', manifest: web(''), image: 'pid1-script-no-exec.docker', errors: [{ messageId: 'kill', line: 8, pairedWith: 'pid1-script-no-exec.docker.tar config Entrypoint' }] },
    { name: 'at the grace period when the pod sets one', manifest: web('', '  terminationGracePeriodSeconds: 120\n'), image: 'pid1-script-no-exec.docker', errors: [{ messageId: 'kill', line: 6 }] },
    { name: 'a shell-form CMD with dash as /bin/sh', manifest: web(''), dockerfile: 'FROM node:22-slim\nCMD node migrate.js && node server.js\n', errors: [{ messageId: 'kill', line: 8, pairedWith: 'Dockerfile:2' }] },
  ],
});

testContainerCheck(inheritedSignal, {
  valid: [
    { name: 'the image’s own program', manifest: web(''), image: 'k8s-web.docker' },
    { name: 'args keep nginx', manifest: web('      args: ["nginx", "-g", "daemon off;"]\n'), image: 'k8s-web.docker' },
    { name: 'lifecycle.stopSignal replaces it', manifest: web('      command: ["/app/sync"]\n      lifecycle:\n        stopSignal: SIGTERM\n'), image: 'k8s-web.docker' },
    { name: 'no STOPSIGNAL', manifest: web('      command: ["/app/sync"]\n'), image: 'good.docker' },
  ],
  invalid: [
    { name: 'another program gets SIGQUIT', manifest: web('      command: ["/app/sync", "--watch"]\n'), image: 'k8s-web.docker', errors: [{ messageId: 'inherited', line: 9, pairedWith: 'k8s-web.docker.tar config StopSignal' }] },
    { name: 'lifecycle.stopSignal undoes nginx’s', manifest: web('      lifecycle:\n        stopSignal: SIGTERM\n'), image: 'k8s-web.docker', errors: [{ messageId: 'overridden', line: 10 }] },
  ],
});

testContainerCheck(shareNs, {
  valid: [
    { name: 'not shared', manifest: web(''), image: 'k8s-web.docker' },
  ],
  invalid: [
    { name: 'shared: once per pod', manifest: web('', '  shareProcessNamespace: true\n'), errors: [{ messageId: 'shared', line: 6, severity: 'info' }] },
    { name: 'shared, and the image starts tini', manifest: web('', '  shareProcessNamespace: true\n'), image: 'k8s-web.docker', errors: [{ messageId: 'shared', line: 6 }, { messageId: 'tini', line: 9, pairedWith: 'k8s-web.docker.tar config Entrypoint' }] },
    { name: 'shared, and the command runs s6-overlay’s /init', manifest: web('      command: ["/init"]\n', '  shareProcessNamespace: true\n'), image: 'good.docker', errors: [{ messageId: 'shared', line: 6 }, { messageId: 'needsPid1', line: 10, severity: 'error' }] },
  ],
});
