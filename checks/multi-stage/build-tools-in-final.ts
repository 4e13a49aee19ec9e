import { defineCheck } from '../../src/engine/types.js';
import { stageChain, stageInstalls } from '../../src/dockerfile/stages.js';
import { commentSaysNeeded, isToolchainImage } from '../../src/dockerfile/runtime.js';
import { buildPackagesLeft } from '../../src/dockerfile/tools.js';
import { toolReport } from '../../src/image/binaries.js';
import { toolchainsIn } from '../../src/image/toolchains.js';

export default defineCheck({
  id: 'multi-stage/build-tools-in-final',
  title: 'Compilers, SDKs and headers stay out of the final stage',
  category: 'multi-stage',
  severity: 'warning',
  messages: {
    buildTools:
      'the final stage installs {packages} and never removes {them}, so the shipped image carries a toolchain it does not need to run: more size, more CVEs, and a compiler for an attacker',
    inImage:
      'the image has {tool} at {path}, {origin}, so the container ships a toolchain it does not need to run: more size, more CVEs, and a compiler for an attacker',
  },
  docs: {
    why: `A compiler, \`build-essential\`, an SDK or \`-dev\` header packages are needed to build the
application, not to run it. Installed in the final stage they ship with every container: hundreds of
megabytes, a steady stream of CVE reports, and a ready toolchain for whoever gets a shell inside.

Install them in a build stage, build there, and copy only the result (and the runtime libraries it
links against) into the final stage. A build that cannot be split can remove them in the same RUN
(\`apk add --virtual .build-deps … && apk del .build-deps\`).

It does not report toolchain images on purpose: a Dockerfile whose name, folder or final stage marks
it as one (\`Dockerfile.dev\`, \`Dockerfile.builder\`, \`.devcontainer/\`, a \`dev\` stage), an
image whose program is a build tool, a compiler or an interpreter's REPL, or one with no CMD or
ENTRYPOINT of its own. Nor packages a comment says are needed (\`# Runtime dependencies\`, \`# gcc is
required to support cgo\`), nor \`-dev\` packages in a stage that sets \`LD_PRELOAD\` (an unversioned
\`libtcmalloc.so\` comes from one).

In an image, the check finds compilers and build tools in the \`bin\` directories (\`gcc\`, \`g++\`,
\`cc\`, \`clang\`, \`go\` as in \`/usr/local/go/bin/go\`, \`javac\`, \`rustc\`, \`cargo\`, \`make\`,
\`cmake\`, \`node-gyp\`, \`mvn\`, \`gradle\`), gcc's \`cc1\`, 50 or more C headers under
\`/usr/include\`, and \`build-essential\`, \`build-base\` or \`alpine-sdk\` in the package database.
It reports what the layers of this build added; toolchains that came with the base image are
multi-stage/sdk-final-image's.`,
    bad: `FROM python:3.12-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends gcc libpq-dev \\
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py .
CMD ["python", "app.py"]
`,
    good: `FROM python:3.12-slim AS build
RUN apt-get update \\
 && apt-get install -y --no-install-recommends gcc libpq-dev \\
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends libpq5 \\
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
COPY app.py .
CMD ["python", "app.py"]
`,
    related: ['multi-stage/single-stage-build', 'multi-stage/sdk-final-image'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final = ctx.facts.finalStage;
      if (!final || isToolchainImage(ctx.facts)) return;
      const chain = stageChain(final);
      // `ENV LD_PRELOAD=libtcmalloc.so`: the unversioned library comes from a -dev package on purpose.
      const preloads = chain.some((s) => s.instructions.some((i) => i.keyword === 'ENV' && i.properties.some((p) => p.name === 'LD_PRELOAD')));
      for (const s of chain) {
        for (const install of stageInstalls(s)) {
          let left = buildPackagesLeft(install, chain).filter((w) => !(preloads && /-(dev|devel)$/.test(w.value)));
          // A compiler kept under a comment saying it is needed (`# Runtime dependencies`, `# gcc is required
          // to support cgo`) is kept on purpose, with the headers installed beside it; headers alone under
          // such a comment are the usual mistake for the runtime library (libpq-dev for libpq5).
          if (left.some((w) => !/-(dev|devel)$/.test(w.value) && commentSaysNeeded(ctx.facts, install.instruction, w.range.line))) left = [];
          const first = left[0];
          if (!first) continue;
          const names = left.map((w) => w.value);
          ctx.report({
            messageId: 'buildTools',
            data: { packages: names.join(', '), them: names.length > 1 ? 'them' : 'it' },
            at: first,
          });
        }
      }
    },
  }),
  image: (ctx) => {
    for (const t of toolchainsIn(ctx.image, ctx.settings.allowedTools)) {
      const r = toolReport(ctx, t);
      if (!r.fromBase) ctx.report({ messageId: 'inImage', ...r.report });
    }
  },
});
