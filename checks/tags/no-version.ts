import { defineCheck } from '../../src/engine/types.js';
import { imageTagOf, isVersionTag, versionLabel } from '../../src/image/tags.js';
import { entryIsBase, baseImageName } from '../../src/image/origin.js';
import { historyInstruction } from '../../src/image/history.js';

export default defineCheck({
  id: 'tags/no-version',
  title: 'The image records its version in a label or a tag',
  category: 'tags',
  severity: 'info',
  messages: {
    noVersion:
      'the image records no version: no org.opencontainers.image.version label and no version tag ({tags}); add LABEL org.opencontainers.image.version=<version> (or docker build --label) so a running container says which build it is',
    baseVersion:
      'the {label} label ({value}) was set by the base image{base}, so it names the base\'s version, not this build\'s; set it in this build (LABEL or docker build --label)',
  },
  docs: {
    why: `A running container should say which build it is. Tags move (\`latest\`, \`main\`, \`prod\`) and
disappear when an image is pulled by digest or re-tagged; a label travels inside the image config.
Set \`org.opencontainers.image.version\` (the OCI annotation key; \`docker inspect\`, registries and
scanners show it), from the build (\`--label org.opencontainers.image.version=$VERSION\`, or a
\`LABEL\` that reads a build argument), or push a version tag.

This check reads images only: it is silent when the config has an \`org.opencontainers.image.version\`
(or \`org.label-schema.version\`, \`version\`) label, or a repository tag names a version
(\`1.4.2\`, \`v2.0-rc1\`, \`2024.05.01\`). A version label that only the base image set (Ubuntu's
\`org.opencontainers.image.version=24.04\` inherited by every image built on it) names the base's
version, not this build's, and is reported as well when the history shows it.`,
    bad: `FROM busybox:1.36
COPY serve /app/serve
USER 10001
CMD ["/app/serve"]
`,
    good: `FROM busybox:1.36
ARG VERSION=1.4.2
LABEL org.opencontainers.image.version=$VERSION
COPY serve /app/serve
USER 10001
CMD ["/app/serve"]
`,
    related: ['tags/latest-tag'],
  },
  image: (ctx) => {
    const label = versionLabel(ctx.image);
    if (label) {
      // The last LABEL entry naming the key set it; a base image's one is inherited, not this build's.
      let i = ctx.image.history.length - 1;
      for (; i >= 0; i--) {
        const ins = historyInstruction(ctx.image.history[i]!.createdBy);
        if (ins?.keyword === 'LABEL' && ins.body.includes(label.label)) break;
      }
      if (i >= 0 && entryIsBase(ctx, i) && !ctx.image.tags.some((t) => isVersionTag(imageTagOf(t)))) {
        const base = baseImageName(ctx.image, ctx.build);
        ctx.report({ messageId: 'baseVersion', data: { label: label.label, value: label.value, base: base ? ` ${base}` : '' }, image: { field: 'Labels' }, detail: { fromBase: true } });
      }
      return;
    }
    if (ctx.image.tags.some((t) => isVersionTag(imageTagOf(t)))) return;
    const tags = ctx.image.tags.length ? `tagged ${ctx.image.tags.join(', ')}` : 'untagged';
    ctx.report({ messageId: 'noVersion', data: { tags }, image: { field: 'Labels' } });
  },
});
