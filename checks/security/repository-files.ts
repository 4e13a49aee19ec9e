import { defineCheck } from '../../src/engine/types.js';
import { leftoverFiles } from '../../src/image/leftovers.js';
import { baseSeverity, layerOrigin } from '../../src/image/origin.js';
import { entryInstruction } from '../../src/image/history.js';

export default defineCheck({
  id: 'security/repository-files',
  title: 'The repository, its Dockerfile and editor settings stay out of the image',
  category: 'security',
  severity: 'warning',
  aliases: ['DKL-LI-0003'],
  messages: {
    git: '{path} is a Git repository in the image ({origin}): its whole history ships, with every file and secret ever committed and since removed; add .git to .dockerignore',
    cloned: '{path} is the Git metadata of a repository cloned during the build ({origin}): it only takes space in the image; clone with --depth 1 and remove .git, or build in an earlier stage',
    build: '{path} is in the image ({origin}): build files say how the image and its services are made and configured, and have no use at run time; add them to .dockerignore',
    editor: '{path} is an editor folder in the image ({origin}): developer settings, launch configurations and sometimes their environment variables ship with it; add it to .dockerignore',
  },
  docs: {
    why: `A \`COPY . .\` without a \`.dockerignore\` copies whatever lies in the project directory: the \`.git\`
directory with the whole history (including secrets that were committed once and deleted since),
the Dockerfile and Compose files, and editor folders (\`.vscode\`, \`.idea\`) with launch settings and
sometimes environment variables. None of it is used at run time, and all of it is readable by anyone
who can pull the image. A \`.dockerignore\` listing them keeps them out (and the build context
smaller).

The check reads the final file system of an image. A \`.git\` that a layer copied in (COPY/ADD) is a
warning; one a \`RUN git clone\` made is \`info\` (a public clone's history holds no secret of yours,
but takes space). Dockerfiles, Compose files and editor folders are \`info\`. Paths inside
dependencies (\`node_modules\`, \`vendor\`, \`site-packages\`, Go's module cache, gems) and system
directories (\`/usr\`, \`/etc\`) are not reported; neither is what the base image brought, beyond \`info\`.`,
    bad: `FROM node:22-slim
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
`,
    good: `# .dockerignore: .git, Dockerfile, docker-compose.yml, .vscode, .idea, node_modules
FROM node:22-slim
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
`,
    related: ['cache/missing-dockerignore', 'security/copied-secret-file'],
  },
  image: (ctx) => {
    for (const l of leftoverFiles(ctx.image)) {
      const o = layerOrigin(ctx, l.layer);
      const entry = ctx.image.history.find((h) => h.layer === l.layer);
      const copied = entry ? ['COPY', 'ADD'].includes(entryInstruction(entry)?.keyword ?? '') : true;
      const messageId = l.kind === 'git' ? (copied ? 'git' : 'cloned') : l.kind;
      const severity = baseSeverity(ctx, o) ?? (messageId === 'git' ? undefined : 'info');
      ctx.report({ messageId, data: { path: l.path, origin: o.says }, image: { path: l.path, layer: l.layer }, severity });
    }
  },
});
