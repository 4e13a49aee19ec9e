import { defineCheck } from '../../src/engine/types.js';
import { packageCommand } from '../../src/knowledge/packages.js';
import { buildStep, type BuildStep } from '../../src/knowledge/build-tools.js';
import { isToolchainImage } from '../../src/dockerfile/runtime.js';

const REMOVE = new Set(['purge', 'remove', 'autoremove', 'del', 'erase']);

export default defineCheck({
  id: 'multi-stage/single-stage-build',
  title: 'An application is built in a build stage, not in the image it ships in',
  category: 'multi-stage',
  severity: 'warning',
  messages: {
    singleStage:
      'the only stage builds the application with `{build}`, so the image ships the toolchain, the sources and the intermediate files along with the result',
  },
  docs: {
    why: `When the one stage of a Dockerfile compiles or bundles the application, everything the build
needed stays in the image: the compiler or SDK, the sources, the dependency caches, the object
files. The image is several times larger than what runs, and the extra tools widen what an attacker
can do inside it.

Build in a first stage and \`COPY --from\` only the artifact into a small runtime stage. A build that
removes its own toolchain in the same RUN (\`apt-get purge --auto-remove\`, \`apk del\`) is not
reported.

It does not report toolchain images on purpose: a Dockerfile whose name, folder or final stage marks
it as one (\`Dockerfile.dev\`, \`Dockerfile.builder\`, \`.devcontainer/\`, a \`dev\` stage), an
image whose program is a build tool, a compiler or an interpreter's REPL, or one with no CMD or
ENTRYPOINT of its own (a language or SDK image others build on).`,
    bad: `FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app ./cmd/app
CMD ["app"]
`,
    good: `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
CMD ["/app"]
`,
    related: ['multi-stage/build-tools-in-final', 'multi-stage/sdk-final-image'],
  },
  dockerfile: (ctx) => ({
    end() {
      const stages = ctx.facts.stages;
      const only = stages[0];
      if (stages.length !== 1 || !only || isToolchainImage(ctx.facts)) return;
      for (const ins of only.instructions) {
        if (ins.keyword !== 'RUN' || !ins.shell) continue;
        let build: BuildStep | null = null;
        let cleaned = false;
        for (const c of ins.shell.commands) {
          if (!build) build = buildStep(c);
          else {
            const p = packageCommand(c);
            if (p && REMOVE.has(p.action)) cleaned = true;
          }
        }
        if (!build || cleaned) continue;
        ctx.report({ messageId: 'singleStage', data: { build: build.label }, at: build.command });
        return;
      }
    },
  }),
});
