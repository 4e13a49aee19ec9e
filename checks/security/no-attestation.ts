import { defineCheck } from '../../src/engine/types.js';
import { supplyChain } from '../../src/image/supply-chain.js';

export default defineCheck({
  id: 'security/no-attestation',
  title: 'The image index carries provenance and SBOM attestations',
  category: 'security',
  severity: 'info',
  messages: {
    missing:
      'the index holds no {missing} attestation for this image, so nobody who pulls it can check how and from what it was built{sbom}; build with docker buildx build --provenance=mode=max --sbom=true (or attach them with your signing tool)',
  },
  docs: {
    why: `BuildKit can attach attestations to an image: a SLSA **provenance** statement (the build's inputs,
its base image, the builder) and an **SBOM** (the packages inside). They sit in the image index
next to the image, as attestation manifests (\`vnd.docker.reference.type: attestation-manifest\`), and
go wherever the index goes. Docker Scout, Trivy and policy tools read them to say which base an
image has, whether it was built from the source it claims, and which packages it ships, without
unpacking it. \`docker buildx build\` adds a minimal provenance by default; \`--provenance=mode=max\`
records more, and \`--sbom=true\` adds the SBOM.

The check reads images that come with their whole index (an OCI image layout: \`buildx --output
type=oci\`, \`skopeo copy --all … oci-archive:\`, \`buildah push … oci-archive:\`): it reports one whose
index holds no provenance or no SBOM attestation for it. It is
\`info\`: many teams sign and attest elsewhere (cosign, a registry's referrers API, which this check
does not read), and whether an SBOM belongs inside the index is a choice. A \`docker save\` archive
keeps no attestations at all, so it is not reported.`,
    bad: `# docker buildx build --provenance=false --output type=oci,dest=app.tar .
FROM busybox:1.36
COPY app /app
`,
    good: `# docker buildx build --provenance=mode=max --sbom=true --output type=oci,dest=app.tar .
FROM busybox:1.36
COPY app /app
`,
    related: ['tags/no-base-annotation'],
  },
  image: (ctx) => {
    const s = supplyChain(ctx.image);
    if (!s.indexed || (s.provenance && s.sbom) || s.unknownAttestation) return;
    const missing = !s.provenance && !s.sbom ? 'provenance or SBOM' : !s.provenance ? 'provenance' : 'SBOM';
    ctx.report({
      messageId: 'missing',
      data: { missing, sbom: s.sbom ? '' : ' or what it ships' },
      image: { field: 'index' },
      detail: { provenance: s.provenance, sbom: s.sbom },
    });
  },
});
