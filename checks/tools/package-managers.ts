import { defineCheck } from '../../src/engine/types.js';
import { findTools, resolveEntry, toolReport } from '../../src/image/binaries.js';
import { layerOrigin } from '../../src/image/origin.js';
import { PACKAGE_MANAGERS } from '../../src/knowledge/tools.js';

export default defineCheck({
  id: 'tools/package-managers',
  title: 'No package manager added to an otherwise minimal image',
  category: 'tools',
  severity: 'warning',
  messages: {
    inMinimal:
      'the image is built on a base without a package manager, but has {tool} at {path}, {origin}, so whoever gets a shell in the container can install any tool they want',
  },
  docs: {
    why: `Distroless, busybox and static base images ship without a package manager on purpose: an attacker who
reaches a shell cannot \`apt-get install\` or \`pip install\` the next tool. Copying \`apk\`, \`dpkg\`,
\`rpm\` or \`pip\` into such an image (often to install one dependency in the final stage) undoes that.
Install in a build stage and copy the result.

Which images are "otherwise minimal" (image evidence only): those whose base image layers have no
package manager command (\`apt\`, \`apt-get\`, \`dpkg\`, \`apk\`, \`yum\`, \`dnf\`, \`microdnf\`, \`rpm\`,
\`zypper\`, \`pacman\`, \`pip\`) in a \`bin\` directory; when the history does not show where the base
ends, those without a \`/bin/sh\` either (distroless). A package manager of a full distribution base
(Debian, Alpine, UBI) is that distribution's own and is not reported.`,
    bad: `FROM gcr.io/distroless/python3-debian12
COPY --from=python:3.12-slim /usr/local/bin/pip /usr/local/bin/pip
`,
    good: `FROM python:3.12-slim AS build
RUN pip install --no-cache-dir --target /deps requests==2.32.3

FROM gcr.io/distroless/python3-debian12
COPY --from=build /deps /deps
ENV PYTHONPATH=/deps
`,
    related: ['tools/download-tools-left', 'multi-stage/build-tools-in-final'],
  },
  image: (ctx) => {
    const img = ctx.image;
    const found = findTools(img, PACKAGE_MANAGERS.byCommand, [], PACKAGE_MANAGERS.order).map((t) => ({ t, r: toolReport(ctx, t) }));
    if (found.some((f) => f.r.fromBase)) return;
    const knownBase = img.layers.some((l) => layerOrigin(ctx, l.index).fromBase);
    const shell = resolveEntry(img.files, '/bin/sh');
    if (!knownBase && shell?.type === 'file') return;
    const allowed = ctx.settings.allowedTools ?? [];
    for (const { t, r } of found) {
      if (allowed.includes(t.tool) || t.commands.some((c) => allowed.includes(c.name))) continue;
      ctx.report({ messageId: 'inMinimal', ...r.report });
    }
  },
});
