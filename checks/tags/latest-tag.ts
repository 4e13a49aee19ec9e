import { defineCheck } from '../../src/engine/types.js';
import { imageTagOf } from '../../src/image/tags.js';

export default defineCheck({
  id: 'tags/latest-tag',
  title: 'Base images name a version tag, not latest',
  category: 'tags',
  severity: 'warning',
  aliases: ['DL3006', 'DL3007', 'DS001', 'CKV_DOCKER_7', 'DKL-DI-0006'],
  messages: {
    noTag: '{image} has no tag, so it means :latest and changes under you',
    latest: '{image} uses the latest tag, so every build may get a different base',
    imageUntagged: 'the image has no repository tag (only its id {id}), so nobody can tell which build it is; tag it with a version (app:1.4.2)',
    imageLatest: 'the image is tagged only {tags}, so nobody can tell which build is running and the next push replaces it; tag it with a version as well',
  },
  docs: {
    why: `\`FROM node\` and \`FROM node:latest\` name whatever was pushed last. Two builds of the same
commit can get different bases, a rebuild can pull a new major version, and nobody can say which base
a running image came from. Name a version (\`node:20.11-slim\`), and pin a digest where it matters.

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
      const image = ins.stage?.image;
      const arg = ins.args[0];
      if (!image || !arg || image.digest || image.repository === 'scratch' || image.resolved === '') return;
      // `${REGISTRY}/ubuntu`: whatever the registry, the last path part is written out and has no tag
      if (image.unresolved && (image.tag !== null || /[$@:]/.test(arg.value.slice(arg.value.lastIndexOf('/') + 1)) || !arg.value.includes('/'))) return;
      const shown = image.unresolved ? arg.value.replace(/\$\{(\w+)[^}]*\}/g, '$$$1') : image.resolved;
      if (image.tag === null) ctx.report({ messageId: 'noTag', data: { image: shown }, at: arg });
      else if (image.tag === 'latest') ctx.report({ messageId: 'latest', data: { image: image.resolved }, at: arg });
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
