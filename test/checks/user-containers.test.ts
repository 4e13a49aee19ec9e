/** The user checks on Kubernetes containers: the manifest's runAsUser, runAsGroup and runAsNonRoot over the image's USER. */
import { testContainerCheck } from '../helpers/container-tester.js';
import runAsNonRoot from '../../checks/user/run-as-non-root.js';
import rootUser from '../../checks/user/root-user.js';
import unknownUser from '../../checks/user/unknown-user.js';
import appFiles from '../../checks/user/app-files-unreadable.js';

/** A Pod whose spec starts on line 6. */
const pod = (spec: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;

const nonRootPod = pod(`  securityContext:
    runAsNonRoot: true
  containers:
    - name: web
      image: ghcr.io/acme/web:1.0.0
`);

testContainerCheck(runAsNonRoot, {
  valid: [
    { name: 'numeric USER', manifest: nonRootPod, dockerfile: 'FROM node:22-slim\nUSER 1000\nCMD ["node", "server.js"]\n' },
    { name: 'numeric user:group', manifest: nonRootPod, dockerfile: 'FROM node:22-slim\nUSER 1000:1000\n' },
    { name: 'runAsUser settles a named USER', manifest: pod(`  securityContext:\n    runAsNonRoot: true\n    runAsUser: 1000\n  containers:\n    - name: web\n      image: a:1\n`), dockerfile: 'FROM node:22-slim\nUSER node\n' },
    { name: 'no runAsNonRoot', manifest: pod(`  containers:\n    - name: web\n      image: a:1\n`), dockerfile: 'FROM node:22-slim\nUSER node\n' },
    { name: 'the container turns it off', manifest: pod(`  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: web\n      image: a:1\n      securityContext:\n        runAsNonRoot: false\n`), dockerfile: 'FROM node:22-slim\nUSER node\n' },
    { name: 'a base known to run as non-root', manifest: nonRootPod, dockerfile: 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nCMD ["/app"]\n' },
    { name: 'no image matched: nothing is known', manifest: nonRootPod },
    { name: 'an image with a numeric USER', manifest: nonRootPod, image: 'good.docker' },
  ],
  invalid: [
    { name: 'USER by name (Dockerfile)', manifest: nonRootPod, dockerfile: 'FROM node:22-slim\nUSER node\n', errors: [{ messageId: 'nonNumeric', line: 10, pairedWith: 'Dockerfile:2' }] },
    { name: 'USER root is a name too', manifest: nonRootPod, dockerfile: 'FROM debian:bookworm\nUSER root\n', errors: [{ messageId: 'nonNumeric', line: 10 }] },
    { name: 'USER by name (image): the hint is its UID', manifest: nonRootPod, image: 'user-named.docker', errors: [{ messageId: 'nonNumeric', line: 10, severity: 'error', pairedWith: 'user-named.docker.tar config User' }] },
    { name: 'an image that runs as root', manifest: nonRootPod, image: 'user-root.docker', errors: [{ messageId: 'imageRoot', line: 10, pairedWith: 'user-root.docker.tar config User' }] },
    { name: 'USER 0', manifest: nonRootPod, dockerfile: 'FROM debian:bookworm\nUSER 0\n', errors: [{ messageId: 'imageRoot', line: 10 }] },
    { name: 'a Dockerfile without USER: the base decides', manifest: nonRootPod, dockerfile: 'FROM node:22-slim\nCMD ["node", "server.js"]\n', errors: [{ messageId: 'baseUser', line: 10, severity: 'warning', pairedWith: 'Dockerfile:1' }] },
    { name: 'runAsUser: 0', manifest: pod(`  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: web\n      image: a:1\n      securityContext:\n        runAsUser: 0\n`), errors: [{ messageId: 'runAsUserZero', line: 12 }] },
    {
      name: 'init and ephemeral containers too',
      manifest: pod(`  securityContext:\n    runAsNonRoot: true\n  initContainers:\n    - name: setup\n      image: a:1\n  containers:\n    - name: web\n      image: a:1\n      securityContext:\n        runAsUser: 1000\n  ephemeralContainers:\n    - name: debug\n      image: a:1\n`),
      dockerfile: 'FROM alpine:3.20\nUSER app\n',
      errors: [{ messageId: 'nonNumeric', line: 10 }, { messageId: 'nonNumeric', line: 18 }],
    },
  ],
});

testContainerCheck(rootUser, {
  valid: [
    { name: 'a non-zero runAsUser', manifest: pod(`  securityContext:\n    runAsUser: 1000\n  containers:\n    - name: web\n      image: a:1\n`), image: 'user-root.docker' },
    { name: 'an image that runs as root is the image’s finding', manifest: pod(`  containers:\n    - name: web\n      image: a:1\n`), image: 'user-root.docker' },
    { name: 'runAsNonRoot with runAsUser 0 is run-as-non-root’s', manifest: pod(`  securityContext:\n    runAsNonRoot: true\n    runAsUser: 0\n  containers:\n    - name: web\n      image: a:1\n`) },
  ],
  invalid: [
    { name: 'pod-level runAsUser: 0 over a non-root image', manifest: pod(`  securityContext:\n    runAsUser: 0\n  containers:\n    - name: web\n      image: a:1\n`), image: 'good.docker', errors: [{ messageId: 'runAsRoot', line: 7, pairedWith: 'good.docker.tar config User' }] },
    { name: 'container level, no image', manifest: pod(`  containers:\n    - name: web\n      image: a:1\n      securityContext:\n        runAsUser: 0\n`), errors: [{ messageId: 'runAsRoot', line: 10 }] },
  ],
});

testContainerCheck(unknownUser, {
  valid: [
    { name: 'a UID with a passwd entry', manifest: pod(`  containers:\n    - name: web\n      image: a:1\n      command: ["npm", "start"]\n      securityContext:\n        runAsUser: 10001\n`), image: 'good.docker' },
    { name: 'no entry, but the program needs neither a home nor a name', manifest: pod(`  containers:\n    - name: web\n      image: a:1\n      securityContext:\n        runAsUser: 4242\n`), image: 'good.docker' },
    { name: 'no entry, HOME set', manifest: pod(`  containers:\n    - name: web\n      image: a:1\n      command: ["npm", "start"]\n      env:\n        - { name: HOME, value: /tmp }\n      securityContext:\n        runAsUser: 4242\n`), image: 'good.docker' },
    { name: 'no image: passwd unknown', manifest: pod(`  containers:\n    - name: web\n      image: a:1\n      command: ["npm", "start"]\n      securityContext:\n        runAsUser: 4242\n`) },
  ],
  invalid: [
    { name: 'npm writes its cache under HOME=/', manifest: pod(`  containers:\n    - name: web\n      image: a:1\n      command: ["npm", "start"]\n      securityContext:\n        runAsUser: 4242\n`), image: 'good.docker', errors: [{ messageId: 'runAsUserHome', line: 11, severity: 'warning', pairedWith: 'good.docker.tar /etc/passwd' }] },
    { name: 'postgres needs a name', manifest: pod(`  securityContext:\n    runAsUser: 4242\n  containers:\n    - name: db\n      image: a:1\n      command: ["postgres", "-D", "/data"]\n`), image: 'good.docker', errors: [{ messageId: 'runAsUserName', line: 7, severity: 'error' }] },
  ],
});

testContainerCheck(appFiles, {
  valid: [
    { name: 'the image’s own user and group', manifest: pod(`  containers:\n    - name: app\n      image: a:1\n`), image: 'k8s-private.docker' },
    { name: 'another UID in the files’ group', manifest: pod(`  securityContext:\n    runAsUser: 20000\n    runAsGroup: 10001\n  containers:\n    - name: app\n      image: a:1\n`), image: 'k8s-private.docker' },
    { name: 'another UID with the group as a supplemental group', manifest: pod(`  securityContext:\n    runAsUser: 20000\n    runAsGroup: 20000\n    supplementalGroups: [10001]\n  containers:\n    - name: app\n      image: a:1\n`), image: 'k8s-private.docker' },
    { name: 'files open to others', manifest: pod(`  securityContext:\n    runAsUser: 20000\n    runAsGroup: 20000\n  containers:\n    - name: app\n      image: a:1\n`), image: 'good.docker' },
    { name: 'root reads anything', manifest: pod(`  securityContext:\n    runAsUser: 0\n  containers:\n    - name: app\n      image: a:1\n`), image: 'k8s-private.docker' },
  ],
  invalid: [
    { name: 'another UID and GID cannot execute the 0750 program', manifest: pod(`  securityContext:\n    runAsUser: 20000\n    runAsGroup: 20000\n  containers:\n    - name: app\n      image: a:1\n`), image: 'k8s-private.docker', errors: [{ messageId: 'exec', line: 8, severity: 'error', pairedWith: 'k8s-private.docker.tar /app/serve' }] },
    { name: 'runAsUser alone: the GID falls back to 0', manifest: pod(`  containers:\n    - name: app\n      image: a:1\n      securityContext:\n        runAsUser: 20000\n`), image: 'k8s-private.docker', errors: [{ messageId: 'exec', line: 10 }] },
  ],
});
