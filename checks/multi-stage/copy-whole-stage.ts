import { defineCheck } from '../../src/engine/types.js';
import { stageNamed } from '../../src/dockerfile/stages.js';
import { unquote } from '../../src/dockerfile/words.js';
import type { Stage } from '../../src/dockerfile/model.js';

function rootImage(s: Stage): string | null {
  let x = s;
  while (x.parent) x = x.parent;
  return x.image?.repository ?? null;
}

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
image's. Copy the artifacts the application needs, by path. Copying \`/\` of an image, of a stage
that only names an image (\`FROM tonistiigi/xx AS xx\`) or of a stage built \`FROM scratch\` is not
reported: those hold only files put there to be copied whole.`,
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
      // Images and stages that only rename an image (\`FROM tonistiigi/xx AS xx\`) are bundles of files made to be copied whole.
      const stage = stageNamed(ctx.facts, from.toLowerCase()) ?? (/^\d+$/.test(from) ? ctx.facts.stages[Number(from)] : undefined);
      if (stage ? stage.instructions.length === 0 || rootImage(stage) === 'scratch' : /[:/]/.test(from)) return;
      const words = ins.json ?? ins.args.map((a) => unquote(a.value, ctx.facts.escape));
      if (words.length >= 2 && words.every((w) => w === '/')) ctx.report({ messageId: 'wholeStage', data: { from }, at: ins });
    },
  }),
});
