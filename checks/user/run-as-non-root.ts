import { defineCheck } from '../../src/engine/types.js';
import { baseRunsAsNonRoot } from '../../src/knowledge/users.js';
import { settingPlace } from '../../src/pair/place.js';

export default defineCheck({
  id: 'user/run-as-non-root',
  title: 'runAsNonRoot can be verified against the image’s user',
  category: 'user',
  severity: 'error',
  messages: {
    nonNumeric:
      '{container} has runAsNonRoot: true (line {line}) and no runAsUser, and {image} runs as {user}, a name: the kubelet refuses to start it ("container has runAsNonRoot and image has non-numeric user ({user}), cannot verify user is non-root"); set runAsUser: {uid}{hint}, or USER {uid} in the image',
    imageRoot:
      '{container} has runAsNonRoot: true (line {line}) and no runAsUser, and {image} runs as root ({user}): the kubelet refuses to start it ("container has runAsNonRoot and image will run as root"); set runAsUser to a non-zero UID, or USER in the image',
    baseUser:
      '{container} has runAsNonRoot: true (line {line}) and no runAsUser, and {image} sets no USER, so it runs as its base image’s user ({base}), root unless the base sets another: the kubelet then refuses to start it ("container has runAsNonRoot and image will run as root"); set runAsUser, or USER <uid> in the Dockerfile',
    runAsUserZero:
      '{container} has runAsNonRoot: true (line {line}) and runAsUser: 0: the kubelet refuses to start it ("container\'s runAsUser breaks non-root policy"); set a non-zero runAsUser',
  },
  docs: {
    why: `\`runAsNonRoot: true\` (required by the restricted Pod Security Standard) tells the kubelet to check,
before it creates the container, that it will not run as UID 0. It checks the UID it can see: the
container's (or the pod's) \`runAsUser\`, else the user the image's config names. A user *name* in the
image (\`USER app\`, \`USER nonroot\`, even \`USER root\`) cannot be checked, because only the image's
own \`/etc/passwd\` maps it to a UID, and the kubelet refuses to start the container. The pod sits in
\`CreateContainerConfigError\` with the kubelet's error (kubelet \`verifyRunAsNonRoot\`):

    container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root (pod: "web-7d9c_default(…)", container: web)
    container has runAsNonRoot and image will run as root (pod: "…", container: web)
    container's runAsUser breaks non-root policy (pod: "…", container: web)

Neither the manifest nor the Dockerfile shows it alone: it takes both. This check reads the
effective security context (the container's \`runAsNonRoot\` and \`runAsUser\` over the pod's) and
the image's USER, from the image's config or from the Dockerfile's final stage, and reports every
container (init and ephemeral ones included) the kubelet would refuse. A \`runAsUser\` settles it
(unless it is 0). With a Dockerfile that sets no USER, the base image decides: it is reported
(as a warning) unless the base is known to run as non-root (distroless \`:nonroot\`, Chainguard).
Fix it with a numeric USER in the image (\`USER 10001\`) or a numeric \`runAsUser\`; the message
gives the UID the image's \`/etc/passwd\` assigns the name when the image is given.`,
    bad: `FROM node:22-slim
WORKDIR /app
COPY . .
USER node
CMD ["node", "server.js"]
`,
    good: `FROM node:22-slim
WORKDIR /app
COPY . .
USER 1000
CMD ["node", "server.js"]
`,
    manifest: {
      bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
`,
      good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
`,
    },
    related: ['user/named-user', 'user/root-user'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const s = c.security;
      if (s.runAsNonRoot?.value !== true) continue;
      const base = { container: c.label, line: s.runAsNonRoot.key.line };
      if (s.runAsUser) {
        if (s.runAsUser.value === 0) ctx.report({ messageId: 'runAsUserZero', data: base, at: s.runAsUser.range });
        continue;
      }
      const side = c.source;
      if (!side) continue;
      const place = settingPlace(c, 'user');
      if (side.user === null) {
        if (side.base && baseRunsAsNonRoot(side.base)) continue;
        ctx.report({ messageId: 'baseUser', data: { ...base, image: side.label, base: side.base?.resolved ?? 'unknown' }, severity: 'warning', ...place });
        continue;
      }
      const [name = ''] = side.user.split(':');
      if (name === '' || /^0+$/.test(name)) ctx.report({ messageId: 'imageRoot', data: { ...base, image: side.label, user: side.user === '' ? 'no USER' : `USER ${side.user}` }, ...place });
      else if (!/^\d+$/.test(name) && !name.includes('$')) {
        const known = c.user.entry && c.user.from === 'image';
        ctx.report({ messageId: 'nonNumeric', data: { ...base, image: side.label, user: name, uid: known ? String(c.user.entry!.uid) : '<uid>', hint: known ? ` (the UID of ${name} in the image's /etc/passwd)` : '' }, ...place });
      }
    }
  },
});
