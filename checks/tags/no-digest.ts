import { defineCheck } from '../../src/engine/types.js';
import { insertAfter, safeFix } from '../../src/fix/edits.js';
import { knownImageFor } from '../../src/fix/known.js';
import { unpinnableBase } from '../../src/dockerfile/from-args.js';
import { fetchOnlyStage, shippedStages } from '../../src/dockerfile/stages.js';

export default defineCheck({
  id: 'tags/no-digest',
  title: 'Base images are pinned by digest',
  category: 'tags',
  severity: 'info',
  fixable: 'safe',
  messages: {
    noDigest:
      '{image} is not pinned by digest, so the tag can be moved to other content and a rebuild silently gets a different base; add @sha256:… and let a bot update it',
  },
  docs: {
    why: `A tag is a pointer that its publisher moves: \`python:3.12-slim\` is rebuilt for every Debian
security update and every Python patch release, and a compromised registry account can point it at
anything. Two builds of the same commit a week apart get different bases, and a rollback rebuild is
not the image that ran before.

A digest (\`python:3.12-slim@sha256:…\`) names exact content: the build is reproducible and
tampering is detected. Keep the tag beside the digest for readers, and let Renovate or Dependabot
propose digest updates so security fixes still arrive, reviewed. This is advice (info): teams that
prefer to float on patch releases can turn it off.

Not reported: a base that has no registry digest to pin, because the same pipeline builds it just
before (\`localhost/…\`, \`:local\`, a build-argument default with no registry, not an official image,
tagged from other ARGs) or because the default is a stand-in for a \`--build-arg\`
(\`ARG BASE=placeholder\`): pin the real base where it is passed. Nor a stage that does not ship and
runs nothing (it only gathers files other stages copied in), whose base never matters.`,
    bad: `FROM python:3.12-slim
USER 10001
CMD ["python", "-m", "http.server"]
`,
    good: `FROM python:3.12-slim@sha256:2ef55fb7e5ac4e2d0cf3c8ca4bf30c1e1e8fd4b5a5ef59e3e80d4e5aeba7d0ab
USER 10001
CMD ["python", "-m", "http.server"]
`,
    fix: 'The digest is written when an image of that tag is given in the same run with a digest its archive records (an OCI archive, e.g. `skopeo copy docker://node:20 oci-archive:node.tar:node:20`, then `shipshape --fix Dockerfile node.tar`): `FROM node:20` becomes `FROM node:20@sha256:…`.',
    related: ['tags/latest-tag'],
  },
  dockerfile: (ctx) => ({
    FROM(ins) {
      const image = ins.stage?.image;
      const arg = ins.args[0];
      const stage = ins.stage;
      if (!stage || !image || !arg || image.unresolved || image.digest || image.resolved === '' || image.repository === 'scratch') return;
      if (unpinnableBase(ctx.facts, stage)) return;
      if (!shippedStages(ctx.facts).has(stage) && fetchOnlyStage(ctx.facts, stage) === 'copies') return;
      // The digest of an image given in the same run under this tag (an OCI archive records what the registry serves).
      const digest = arg.value.includes('$') ? null : knownImageFor(image, ctx.settings.knownImages)?.digest;
      const fix = digest ? safeFix(`Pin ${image.resolved}@${digest.slice(0, 19)}…`, [insertAfter(arg, `@${digest}`)]) : null;
      ctx.report({ messageId: 'noDigest', data: { image: image.resolved }, at: arg, fix });
    },
  }),
});
