import { defineCheck } from '../../src/engine/types.js';
import { imageTagOf } from '../../src/image/tags.js';
import { isMovingTag, publishesOnlyLatest, repositoryFixesMajor } from '../../src/knowledge/image-ref.js';
import { unpinnableBase } from '../../src/dockerfile/from-args.js';
import { fetchOnlyStage, shippedStages } from '../../src/dockerfile/stages.js';

export default defineCheck({
  id: 'tags/latest-tag',
  title: 'Base images name a version tag, not latest',
  category: 'tags',
  severity: 'warning',
  aliases: ['DL3006', 'DL3007', 'DS001', 'CKV_DOCKER_7', 'DKL-DI-0006'],
  messages: {
    noTag: '{image} has no tag, so it means :latest and changes under you',
    latest: '{image} uses the latest tag, so every build may get a different base',
    moving: '{image} uses the moving tag {tag}, which follows new releases like latest, so every build may get a different base; name a version',
    onlyLatest: '{image} is published only as latest, so a version cannot be named; pin its digest (@sha256:…) so every build gets the same base',
    majorFixed: '{image} floats over updates of the major version its repository names; name a minor version (or pin a digest) to know which base ships',
    fetchOnly: '{image} floats, but this stage only fetches files for another one, so only the tools it runs change between builds; name a version to keep them predictable',
    imageUntagged: 'the image has no repository tag (only its id {id}), so nobody can tell which build it is; tag it with a version (app:1.4.2)',
    imageLatest: 'the image is tagged only {tags}, so nobody can tell which build is running and the next push replaces it; tag it with a version as well',
  },
  docs: {
    why: `\`FROM node\` and \`FROM node:latest\` name whatever was pushed last. Two builds of the same
commit can get different bases, a rebuild can pull a new major version, and nobody can say which base
a running image came from. Name a version (\`node:20.11-slim\`), and pin a digest where it matters.
Moving tags (\`latest-dev\`, \`latest-amd64\`, \`rolling\`, \`edge\`, \`devel\`, \`nightly\`) are the same.

Info, not a warning: an image whose publisher offers only \`latest\` (Chainguard's free images: the fix
is a digest); a repository whose path fixes the major version (\`ubi9/ubi-minimal\`); a stage that
does not ship and only fetches files (its RUNs download, verify and unpack). Not reported: a stage
that does not ship and runs nothing (it only gathers files with \`COPY --from\`), and a base that is a
build argument whose default is a stand-in (\`ARG BASE=placeholder\`): the real base is passed at
build time.

In an image archive, the repository tags (\`RepoTags\`, or the OCI \`org.opencontainers.image.ref.name\`)
are read: an image saved by id with no tag, or tagged only \`latest\`, cannot be told apart from the
next build. Push a version tag (\`app:1.4.2\`, \`app:2024-05-01-abc123\`) beside \`latest\`.`,
    bad: `FROM python:latest
USER 1000
CMD ["python3", "-m", "http.server"]
`,
    good: `FROM python:3.12-slim
USER 1000
CMD ["python3", "-m", "http.server"]
`,
    related: ['tags/no-digest'],
  },
  dockerfile: (ctx) => ({
    FROM(ins) {
      const stage = ins.stage;
      const image = stage?.image;
      const arg = ins.args[0];
      if (!stage || !image || !arg || image.digest || image.repository === 'scratch' || image.resolved === '') return;
      // `${REGISTRY}/ubuntu`: whatever the registry, the last path part is written out and has no tag
      if (image.unresolved && (image.tag !== null || /[$@:]/.test(arg.value.slice(arg.value.lastIndexOf('/') + 1)) || !arg.value.includes('/'))) return;
      if (image.tag !== null && !isMovingTag(image.tag)) return;
      if (unpinnableBase(ctx.facts, stage) === 'placeholder') return;
      const ships = shippedStages(ctx.facts).has(stage);
      const use = ships ? null : fetchOnlyStage(ctx.facts, stage);
      if (use === 'copies') return;
      const shown = image.unresolved ? arg.value.replace(/\$\{(\w+)[^}]*\}/g, '$$$1') : image.resolved;
      const info = { severity: 'info' as const };
      if (publishesOnlyLatest(image)) ctx.report({ messageId: 'onlyLatest', data: { image: shown }, at: arg, ...info });
      else if (use === 'fetches') ctx.report({ messageId: 'fetchOnly', data: { image: shown }, at: arg, ...info });
      else if (repositoryFixesMajor(image)) ctx.report({ messageId: 'majorFixed', data: { image: shown }, at: arg, ...info });
      else if (image.tag === null) ctx.report({ messageId: 'noTag', data: { image: shown }, at: arg });
      else if (image.tag === 'latest') ctx.report({ messageId: 'latest', data: { image: image.resolved }, at: arg });
      else ctx.report({ messageId: 'moving', data: { image: image.resolved, tag: image.tag }, at: arg });
    },
  }),
  image: (ctx) => {
    const tags = ctx.image.tags;
    if (tags.length === 0) {
      ctx.report({ messageId: 'imageUntagged', data: { id: ctx.image.id.replace(/^sha256:/, '').slice(0, 12) }, image: { field: 'RepoTags' } });
      return;
    }
    if (tags.every((t) => imageTagOf(t) === 'latest')) ctx.report({ messageId: 'imageLatest', data: { tags: tags.join(', ') }, image: { field: 'RepoTags' }, detail: { tags: tags.join(',') } });
  },
});
