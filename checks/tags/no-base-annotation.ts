import { defineCheck } from '../../src/engine/types.js';
import { BASE_DIGEST, BASE_NAME, baseReference, supplyChain } from '../../src/image/supply-chain.js';
import { baseImageName } from '../../src/image/origin.js';

export default defineCheck({
  id: 'tags/no-base-annotation',
  title: 'The image names its base image and digest',
  category: 'tags',
  severity: 'info',
  messages: {
    missing:
      'the image does not record {missing} (no org.opencontainers.image.base.{keys} annotation or label), so Docker Scout and other scanners cannot tell which base{known} it was built on, nor say when a newer base fixes its vulnerabilities; set them with docker buildx build --annotation (or LABEL)',
    inherited:
      'the {key} label ({value}) was set by the base image, so it names the base\'s own base, not this image\'s; set it in this build (docker buildx build --annotation, or LABEL)',
  },
  docs: {
    why: `Scanners tell you "a newer base image fixes 12 of these vulnerabilities" only when they know which
base an image was built on. The OCI annotations \`org.opencontainers.image.base.name\` (the base's
reference, \`docker.io/library/node:20-slim\`) and \`org.opencontainers.image.base.digest\` (its
manifest digest) say so; Docker Scout reads them (from the manifest's annotations or the config's
labels), and otherwise has to guess from layer digests or a provenance attestation.

Set them from the build: \`docker buildx build --annotation
"org.opencontainers.image.base.name=docker.io/library/node:20-slim" …\` (or in the Dockerfile with
\`LABEL\`, which a base image's users then inherit: see below). The check reads images only and is
\`info\`: it is silent when both are recorded, when a provenance attestation in the index names the
base, and when the history shows no base image (FROM scratch). It reads images that come with their
manifest (an OCI layout, a registry): a \`docker save\` archive drops the manifest's annotations, so
there only an inherited label is reported. buildah records both annotations by itself. A label the
**base image** set names that base's own base, so it is reported too.`,
    bad: `FROM node:20-slim
COPY . /app
CMD ["node", "/app/server.js"]
`,
    good: `FROM node:20-slim
LABEL org.opencontainers.image.base.name="docker.io/library/node:20-slim"
COPY . /app
CMD ["node", "/app/server.js"]
`,
    related: ['security/no-attestation', 'tags/no-version'],
  },
  image: (ctx) => {
    const name = baseReference(ctx, BASE_NAME);
    const digest = baseReference(ctx, BASE_DIGEST);
    for (const [key, ref] of [[BASE_NAME, name], [BASE_DIGEST, digest]] as const) {
      if (ref?.inherited) ctx.report({ messageId: 'inherited', data: { key, value: ref.value }, image: { field: 'Labels' }, detail: { fromBase: true } });
    }
    const hasName = name && !name.inherited;
    const hasDigest = digest && !digest.inherited;
    // A `docker save` archive keeps no manifest annotations: the image may have them where it came from.
    if ((hasName && hasDigest) || !ctx.image.manifest.fromIndex || supplyChain(ctx.image).provenance) return;
    // No base to name: FROM scratch (nothing in the history comes from a base image).
    if (!ctx.image.history.some((h) => h.fromBase) && !ctx.build?.trace?.baseName) return;
    const known = baseImageName(ctx.image, ctx.build);
    ctx.report({
      messageId: 'missing',
      data: {
        missing: !hasName && !hasDigest ? 'its base image' : !hasName ? "its base image's name" : "its base image's digest",
        keys: !hasName && !hasDigest ? 'name/base.digest' : !hasName ? 'name' : 'digest',
        known: known ? ` (${known}, as the history shows)` : '',
      },
      image: { field: 'Labels' },
    });
  },
});
