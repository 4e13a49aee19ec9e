import { defineCheck } from '../../src/engine/types.js';
import { MOVING_TAGS } from '../../src/knowledge/runtime.js';
import { OFFICIAL_IMAGES } from '../../src/knowledge/official-images.js';

export default defineCheck({
  id: 'tags/pull-policy',
  title: 'Containers run a pinned image, not a moving tag',
  category: 'tags',
  severity: 'warning',
  messages: {
    latest:
      '{container} runs {image}, {what}: each node runs whichever build the tag named when it pulled, and a rollback cannot bring the old one back; pin a version tag or a digest',
    cached:
      '{container} runs {image}, {what}, with imagePullPolicy: {policy}: a node that pulled the tag once keeps that build, so nodes run different builds of it; pin a version tag or a digest',
  },
  docs: {
    why: `A Kubernetes node pulls an image when it first needs it and, with \`imagePullPolicy:
IfNotPresent\`, never again. An image reference without a tag means \`:latest\`; \`latest\`, \`main\`,
\`dev\`, \`nightly\`, \`stable\` and their kin name whatever was pushed last. Pods of one Deployment
then run different builds depending on when their node pulled, and rolling back the Deployment
rolls back nothing. Kubernetes defaults to \`imagePullPolicy: Always\` for \`:latest\` and untagged
images, which trades that for a registry round trip on every container start and an outage when the
registry is down; an explicit \`IfNotPresent\` keeps the stale copy.

Reported: a container image without a tag or digest, or with \`latest\`; a moving tag (\`main\`,
\`master\`, \`dev\`, \`develop\`, \`edge\`, \`nightly\`, \`snapshot\`, \`stable\`, \`canary\`…) with
\`IfNotPresent\` (the default for any tag but \`latest\`). Not reported: a digest (\`@sha256:…\`),
\`imagePullPolicy: Never\` (an image loaded into the node by hand, as kind and minikube do),
ephemeral debug containers, references with a variable in them, and a bare untagged name that is no
Docker Hub official image (\`frontend\`, \`cartservice\`): in a manifest that is, as a rule, a
placeholder a build tool replaces at deploy time (skaffold, Tilt, kustomize \`images:\`).`,
    bad: '',
    good: '',
    manifest: {
      bad: `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:main
      imagePullPolicy: IfNotPresent
`,
      good: `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:2.3.1
      imagePullPolicy: IfNotPresent
`,
    },
    related: ['tags/latest-tag', 'tags/digest-mismatch'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const ref = c.container.imageRef;
      const image = c.container.image;
      if (!ref || !image || ref.unresolved || ref.digest || c.container.role === 'ephemeral' || image.value.includes('$')) continue;
      const policy = c.container.imagePullPolicy?.value;
      if (policy === 'Never') continue;
      // A bare name that no official image has (`frontend`) is a placeholder a build tool replaces.
      if (ref.registry === null && !ref.tag && !ref.repository.includes('/') && !OFFICIAL_IMAGES.has(ref.repository)) continue;
      const tag = ref.tag ?? 'latest';
      const data = { container: c.label, image: image.value, what: ref.tag ? `tagged ${tag}, a tag that moves` : 'with no tag (so latest)', policy: policy ?? 'IfNotPresent' };
      if (tag === 'latest') {
        if (policy === 'IfNotPresent') ctx.report({ messageId: 'cached', data, at: c.container.imagePullPolicy!.range });
        else ctx.report({ messageId: 'latest', data, at: image.range });
      } else if (MOVING_TAGS.has(tag.toLowerCase()) && policy !== 'Always') {
        ctx.report({ messageId: 'cached', data, at: c.container.imagePullPolicy?.range ?? image.range });
      }
    }
  },
});
