import { defineCheck } from '../../src/engine/types.js';

export default defineCheck({
  id: 'tags/digest-mismatch',
  title: 'The digest a container pins is the image that was checked',
  category: 'tags',
  severity: 'warning',
  messages: {
    mismatch:
      '{container} pins {digest}, but {image} is {actual}: the cluster runs another build than the one checked here; update the digest (or check the image it names)',
  },
  docs: {
    why: `\`image: ghcr.io/acme/api@sha256:…\` runs exactly the image with that manifest digest, whatever the
tag says. When the image given to shipshape (an archive with the same repository) has another
manifest digest, the findings about it are about a build the cluster does not run: the manifest
was not updated after the last build, or the archive is stale. The manifest digest is known for OCI
archives (\`buildah push … oci-archive:…\`, \`skopeo copy … oci-archive:…\`) and OCI layouts; a
docker-archive records none, and is then not compared.`,
    bad: '',
    good: '',
    manifest: {
      bad: `apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers:
    - name: good
      image: shipshape-sample/good@sha256:0000000000000000000000000000000000000000000000000000000000000000
`,
      good: `apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers:
    - name: good
      image: shipshape-sample/good:1.0.0
`,
      image: 'good.oci',
    },
    related: ['tags/pull-policy', 'tags/no-digest'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const digest = c.container.imageRef?.digest;
      const image = c.source?.image;
      const actual = image?.manifestDigest ?? image?.repoDigest ?? undefined;
      // A multi-platform image is named by its index's digest or by its platform manifest's: either matches.
      if (!digest || !actual || digest === actual || digest === image?.repoDigest || !c.container.image) continue;
      ctx.report({ messageId: 'mismatch', data: { container: c.label, digest, image: c.source!.label, actual }, at: c.container.image.range, pairedWith: { file: c.source!.file } });
    }
  },
});
