import { defineCheck } from '../../src/engine/types.js';
import { expand } from '../../src/dockerfile/vars.js';
import { stageNamed } from '../../src/dockerfile/stages.js';

export default defineCheck({
  id: 'multi-stage/copy-from-unknown-stage',
  title: 'COPY --from names an earlier stage or a full image reference',
  category: 'multi-stage',
  severity: 'warning',
  aliases: ['DL3022'],
  messages: {
    unknownName:
      'COPY --from={from} names no earlier stage, so unless the build passes --build-context {from}=…, the builder pulls docker.io/library/{from}:latest instead of copying from a stage',
    unknownIndex: 'COPY --from={from} names a stage index that does not exist before this stage, so the build fails',
  },
  docs: {
    why: `\`COPY --from\` takes a stage name, a stage index, or an image. A name that no earlier stage
declares — a typo, a stage defined further down, a renamed stage — is taken as an image name: the
builder tries to pull \`docker.io/library/<name>:latest\`, and either fails or, worse, copies files
from a stranger's image. Write the stage name exactly, define the stage before it is used, and give
images a full reference with a tag (\`nginx:1.27\`, \`ghcr.io/org/tool:1.2\`). A named build context
(\`docker buildx build --build-context templates=./templates\`) also satisfies a bare name, but
only on the command lines that remember to pass it.`,
    bad: `FROM golang:1.22 AS builder
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
`,
    good: `FROM golang:1.22 AS builder
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=builder /out/app /app
`,
    related: ['multi-stage/copy-from-self', 'multi-stage/unused-stage'],
  },
  dockerfile: (ctx) => ({
    COPY(ins) {
      const flag = ins.flags.find((f) => f.name === 'from');
      if (!flag?.value) return;
      const { value, unresolved } = expand(flag.value, ins.vars);
      if (unresolved || /[:/@]/.test(value)) return;
      const here = ins.stage?.index ?? 0;
      if (/^\d+$/.test(value)) {
        if (Number(value) < here) return;
        if (ins.stage && Number(value) === here) return; // copy-from-self reports it
        ctx.report({ messageId: 'unknownIndex', data: { from: value }, at: flag });
        return;
      }
      const name = value.toLowerCase();
      // The first stage of that name is earlier (or this one): a map built once per file, not a scan per COPY.
      const first = stageNamed(ctx.facts, name);
      if ((first && first.index < here) || ins.stage?.name === name) return;
      ctx.report({ messageId: 'unknownName', data: { from: value }, at: flag });
    },
  }),
});
