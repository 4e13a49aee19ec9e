import { defineCheck } from '../../src/engine/types.js';
import { shippedStages } from '../../src/dockerfile/stages.js';
import { eolOf, imageRefProducts, today, type EolVerdict } from '../../src/knowledge/eol.js';
import { imageRuntimes } from '../../src/image/runtimes.js';
import { layerOrigin } from '../../src/image/origin.js';

/** `, reached … on 2024-06-30` parts shared by every message. */
function said(v: EolVerdict): Record<string, string> {
  return {
    label: v.label,
    date: v.eol ? ` on ${v.eol}` : '',
    newest: v.newest ? ` such as ${v.newest}` : '',
    stale: v.stale ? `; ${v.stale}` : '',
  };
}

export default defineCheck({
  id: 'security/end-of-life',
  title: 'The base image and runtimes still get security fixes',
  category: 'security',
  severity: 'warning',
  messages: {
    fromEol: 'the base image {image} runs {label}, which reached end of life{date}, so it gets no more security fixes; move to a supported release{newest}{stale}',
    buildStageEol:
      'the build stage\'s base image {image} runs {label}, which reached end of life{date}: the final image does not ship it, but the build runs on tools that get no more security fixes; move to a supported release{newest}{stale}',
    imageEol:
      'the image runs {label} ({evidence}, {origin}), which reached end of life{date}, so it gets no more security fixes; rebuild on a supported release{newest}{stale}',
  },
  docs: {
    why: `A distribution or language runtime past its end of life gets no more security fixes: every
vulnerability found after that date stays in the image for good, and scanners report a growing list
nobody can fix by updating packages. Move to a supported release.

shipshape carries an offline table of end-of-life dates (\`src/knowledge/eol.json\`, each product with
its source and the date it was last checked; \`shipshape --version\` shows its age and \`npm run
update-eol FILE\` refreshes it) for Debian, Ubuntu, Alpine, RHEL/UBI, CentOS, Amazon Linux, Node.js,
Python, Go, Java, Ruby, PHP and .NET, and compares it with today's date at each run
(\`SHIPSHAPE_TODAY=YYYY-MM-DD\` fixes the date for a reproducible report).

- In a Dockerfile it reads the base image's tag: \`node:14\`, \`python:2.7-slim\`, \`ubuntu:18.04\`,
  \`debian:buster\`, \`alpine:3.12\`, \`golang:1.15\`, \`mcr.microsoft.com/dotnet/aspnet:6.0\`, and the
  distribution a tag names (\`node:20-buster\` is Debian 10). A stage that does not ship (a build
  stage only copied from) is \`info\`.
- In an image it reads \`/etc/os-release\` (or \`/etc/alpine-release\`, \`/etc/debian_version\`,
  \`/etc/redhat-release\`) and the runtimes' own files: \`include/node/node_version.h\`,
  \`lib/pythonX.Y/os.py\`, \`/usr/local/go/VERSION\`, a JDK's \`release\` file, \`lib/ruby/X.Y.0/\`,
  \`include/php/main/php_version.h\`, \`shared/Microsoft.NETCore.App/X.Y.Z/\`.

Not reported: a tag that names no release (\`node:lts\`, \`python:3\`, \`ubuntu:latest\`: they move
on by themselves); a version the table does not know (newer than the table); runtimes a
distribution packages (\`/usr/lib/python3.9\`, Debian's \`nodejs\`), which get the distribution's own
security support for as long as the distribution does; LTS releases of Java, whose support each
vendor sets on its own. Ubuntu counts its standard support (the images get no ESM), Debian its LTS.`,
    bad: `FROM node:14-alpine
COPY . /app
CMD ["node", "/app/server.js"]
`,
    good: `FROM node:24-alpine
COPY . /app
CMD ["node", "/app/server.js"]
`,
    related: ['tags/latest-tag'],
  },
  dockerfile: (ctx) => ({
    FROM(ins) {
      const stage = ins.stage;
      if (!stage?.image || stage.parent) return;
      const now = today();
      const verdicts = imageRefProducts(stage.image)
        .map((p) => eolOf(p.product, p.cycle, now))
        .filter((v): v is EolVerdict => v !== null);
      if (!verdicts.length) return;
      const ships = shippedStages(ctx.facts).has(stage);
      const at = ins.args[0] ?? ins;
      for (const v of verdicts) {
        ctx.report({ messageId: ships ? 'fromEol' : 'buildStageEol', data: { image: stage.image.resolved.replace(/@sha256:[0-9a-f]{64}$/, ''), ...said(v) }, at, ...(ships ? {} : { severity: 'info' as const }) });
      }
    },
  }),
  image: (ctx) => {
    const now = today();
    for (const r of imageRuntimes(ctx.image)) {
      const v = eolOf(r.product, r.cycle, now);
      if (!v) continue;
      const origin = layerOrigin(ctx, r.layer);
      ctx.report({
        messageId: 'imageEol',
        data: { evidence: r.evidence, origin: origin.says, ...said(v) },
        image: { path: r.path, layer: r.layer },
        detail: { product: v.product, cycle: v.cycle, version: r.version, ...(v.eol ? { eol: v.eol } : {}) },
      });
    }
  },
});
