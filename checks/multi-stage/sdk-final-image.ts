import { defineCheck } from '../../src/engine/types.js';
import type { ImageRef, Stage } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { buildStep } from '../../src/knowledge/build-tools.js';
import { isToolchainImage } from '../../src/dockerfile/runtime.js';
import { toolReport } from '../../src/image/binaries.js';
import { toolchainsIn } from '../../src/image/toolchains.js';
import { hubRepository } from '../../src/knowledge/image-ref.js';
const SDK_REPOS = new Set(['golang', 'rust', 'maven', 'gradle', 'gcc', 'sbt', 'clojure', 'haskell']);

/** The SDK an image reference names, or null when it is a runtime image. */
function sdkOf(image: ImageRef): string | null {
  const tag = (image.tag ?? 'latest').toLowerCase();
  if (/^mcr\.microsoft\.com$/.test(image.registry ?? '') && /^dotnet\/(core\/)?sdk$/.test(image.repository.toLowerCase())) return '.NET SDK';
  // Docker Hub directly or through a mirror (`mirror.gcr.io/library/golang`, `public.ecr.aws/docker/library/golang`).
  const repo = hubRepository(image)?.toLowerCase();
  if (!repo) return null;
  // buildpack-deps:*-curl and *-scm carry no compilers; the plain tags do
  if (repo === 'buildpack-deps') return /-(curl|scm)$/.test(tag) ? null : repo;
  if (SDK_REPOS.has(repo)) return repo;
  if (repo === 'openjdk' && !/jre/.test(tag)) return 'JDK';
  if (['eclipse-temurin', 'sapmachine', 'ibm-semeru-runtimes', 'amazoncorretto'].includes(repo) && !/jre/.test(tag)) return 'JDK';
  return null;
}

/** Node images other than slim and alpine carry compilers and headers for native modules. */
const fullNode = (image: ImageRef): boolean =>
  hubRepository(image) === 'node' && !/slim|alpine/.test(image.tag ?? 'latest');

const builds = (chain: Stage[]): boolean =>
  chain.some((s) => s.instructions.some((i) => i.keyword === 'RUN' && i.shell?.commands.some((c) => buildStep(c) !== null)));

export default defineCheck({
  id: 'multi-stage/sdk-final-image',
  title: 'The final stage is based on a runtime image, not an SDK image',
  category: 'multi-stage',
  severity: 'warning',
  messages: {
    sdkBase: 'the final stage is based on {image}, a {sdk} build image, so the container ships a full toolchain it does not need to run',
    nodeBuild: 'the final stage builds in {image}, the full Node image with compilers and headers, so all of them ship with the app',
    baseToolchain: 'the base image ships {tool} at {path} ({origin}), so the container carries a toolchain it does not need to run; build in an SDK stage and ship from a runtime image',
  },
  docs: {
    why: `SDK images (\`golang\`, \`rust\`, \`maven\`, \`gradle\`, a JDK, \`mcr.microsoft.com/dotnet/sdk\`,
the full \`node\` image) hold compilers, package managers, headers and caches: often ten times the
size of the application and its runtime, with as many CVEs. They are made for build stages. Build
there, then copy the artifact into a runtime image (\`distroless\`, \`alpine\`, a \`-jre\` image,
\`mcr.microsoft.com/dotnet/aspnet\`, \`node:*-slim\`).

It does not report toolchain images on purpose: a Dockerfile whose name, folder or final stage marks
it as one (\`Dockerfile.dev\`, \`Dockerfile.builder\`, \`.devcontainer/\`, a \`dev\` stage, a
\`devcontainer.json\` beside it), an image whose program is a build tool, a compiler or an
interpreter's REPL, or one with no CMD or ENTRYPOINT of its own (a base for other images).

In an image, the compilers, SDKs, headers and build meta-packages that multi-stage/build-tools-in-final
looks for are reported here when they came with the base image's layers, as info naming the base
(like every finding about what the base owns; \`--base-findings\` makes them warnings).`,
    bad: `FROM maven:3.9-eclipse-temurin-21
WORKDIR /app
COPY target/app.jar .
CMD ["java", "-jar", "app.jar"]
`,
    good: `FROM eclipse-temurin:21-jre
WORKDIR /app
COPY target/app.jar .
CMD ["java", "-jar", "app.jar"]
`,
    related: ['multi-stage/single-stage-build', 'multi-stage/build-tools-in-final'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final = ctx.facts.finalStage;
      if (!final || isToolchainImage(ctx.facts)) return;
      const chain = stageChain(final);
      const root = chain[0]!;
      const image = root.image;
      if (!image || image.unresolved) return;
      const at = root.from.args[0] ?? root.from;
      const sdk = sdkOf(image);
      if (sdk) ctx.report({ messageId: 'sdkBase', data: { image: image.resolved, sdk }, at });
      else if (fullNode(image) && builds(chain)) ctx.report({ messageId: 'nodeBuild', data: { image: image.resolved }, at });
    },
  }),
  image: (ctx) => {
    for (const t of toolchainsIn(ctx.image, ctx.settings.allowedTools)) {
      const r = toolReport(ctx, t);
      if (r.fromBase) ctx.report({ messageId: 'baseToolchain', ...r.report });
    }
  },
});
