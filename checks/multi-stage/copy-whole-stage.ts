import { defineCheck } from '../../src/engine/types.js';
import { unquote } from '../../src/dockerfile/parse.js';

export default defineCheck({
  id: 'multi-stage/copy-whole-stage',
  title: 'COPY --from does not copy a whole file system',
  category: 'multi-stage',
  severity: 'warning',
  aliases: ['DL3067'],
  messages: {
    wholeStage: 'COPY --from={from} / / copies the whole file system of {from}, compilers and caches included, which undoes the point of a separate build stage',
  },
  docs: {
    why: `A multi-stage build ships only what the final stage copies out of the build stages. Copying \`/\`
of another stage onto \`/\` brings everything along: the toolchain, package caches, sources and
any secret the build stage saw, and it overwrites the final base image's files with the build
image's. Copy the artifacts the application needs, by path.`,
    bad: `FROM golang:1.22 AS build
RUN go build -o /out/app ./...
FROM gcr.io/distroless/static-debian12
COPY --from=build / /
`,
    good: `FROM golang:1.22 AS build
RUN go build -o /out/app ./...
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
`,
    related: ['multi-stage/build-tools-in-final'],
  },
  dockerfile: (ctx) => ({
    COPY(ins) {
      const from = ins.flags.find((f) => f.name === 'from')?.value;
      if (!from) return;
      const words = ins.json ?? ins.args.map((a) => unquote(a.value, ctx.facts.escape));
      if (words.length >= 2 && words.every((w) => w === '/')) ctx.report({ messageId: 'wholeStage', data: { from }, at: ins });
    },
  }),
});
