import { defineCheck } from '../../src/engine/types.js';
import type { ImageRef, Instruction } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { buildStep, compilesNativeExtensions, namedAsToolchainImage } from '../../src/knowledge/build-tools.js';

const HUB = new Set([null, 'docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** Official images whose default variant is a full distribution next to a `-slim` one. */
const HAS_SLIM = new Set(['python', 'node', 'ruby', 'perl', 'debian']);

/**
 * The slim tag for a full one: `3.12` -> `3.12-slim`, python/ruby/perl `3.12-bookworm` ->
 * `3.12-slim-bookworm`, node `20-bookworm` -> `20-bookworm-slim`, debian `bookworm` -> `bookworm-slim`.
 */
function slimTag(repo: string, tag: string): string | null {
  if (/slim|alpine|windows|nanoserver|servercore|onbuild/.test(tag)) return null;
  if (tag === 'latest') return repo === 'debian' ? 'stable-slim' : 'slim';
  if (repo === 'debian') return `${tag}-slim`;
  const m = /^(.*?)-(bookworm|bullseye|buster|stretch|jessie|trixie|forky)$/.exec(tag);
  if (!m) return `${tag}-slim`;
  return repo === 'node' ? `${tag}-slim` : `${m[1]}-slim-${m[2]}`;
}

function suggestion(image: ImageRef): string | null {
  if (!HUB.has(image.registry) || image.unresolved || image.digest) return null;
  const repo = image.repository.replace(/^library\//, '');
  if (!HAS_SLIM.has(repo)) return null;
  const slim = slimTag(repo, image.tag ?? 'latest');
  return slim ? `${repo}:${slim}` : null;
}

export default defineCheck({
  id: 'size/full-base-image',
  title: 'The final stage uses the slim variant of its base image',
  category: 'size',
  severity: 'info',
  messages: {
    full: 'the final stage is based on {image}, the full variant with compilers, headers and documentation; {slim} runs the same code in a fraction of the size',
    debian: 'the final stage is based on {image}, which ships documentation, man pages and locales a container does not read; {slim} is the same system without them',
  },
  docs: {
    why: `The default tags of the official \`python\`, \`node\`, \`ruby\` and \`perl\` images are built on
\`buildpack-deps\`: a full Debian with compilers, version control and hundreds of libraries, about a
gigabyte. Their \`-slim\` variants hold the same runtime on a minimal Debian at a fraction of the
size (and of the CVE count); \`debian:*-slim\` drops documentation and locales. When the final stage
only runs the application, the slim variant serves; build native extensions in an earlier stage
on the full image if they need a compiler.

Only the final stage is judged. A Dockerfile named as a toolchain image (\`Dockerfile.dev\`,
\`.devcontainer/Dockerfile\`) and a final stage that compiles (where multi-stage/sdk-final-image
speaks) are not reported; nor is one that builds native extensions with the image's compiler
(\`bundle install\`, whose gems almost always include C extensions, or an install told to build from
source): on the slim image that build fails.`,
    bad: `FROM python:3.12
COPY app.py /app/
CMD ["python", "/app/app.py"]
`,
    good: `FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
`,
    related: ['multi-stage/sdk-final-image', 'size/install-recommends'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final = ctx.facts.finalStage;
      if (!final || namedAsToolchainImage(ctx.facts.path)) return;
      const chain = stageChain(final);
      const root = chain[0]!;
      const slim = root.image && suggestion(root.image);
      if (!slim || !root.image) return;
      const compiles = (i: Instruction): boolean => i.keyword === 'RUN' && !!i.shell?.commands.some((c) => buildStep(c) !== null || compilesNativeExtensions(c));
      if (chain.some((s) => s.instructions.some((i) => compiles(i.trigger ?? i)))) return;
      const arg = root.from.args[0];
      ctx.report({ messageId: root.image.repository.replace(/^library\//, '') === 'debian' ? 'debian' : 'full', data: { image: root.image.resolved, slim }, at: arg ?? root.from });
    },
  }),
});
