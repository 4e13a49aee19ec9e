import { defineCheck } from '../../src/engine/types.js';

const RESERVED = new Set(['scratch', 'context']);

export default defineCheck({
  id: 'correctness/reserved-stage-name',
  title: 'Stage names are not scratch or context',
  category: 'correctness',
  severity: 'warning',
  aliases: ['DL3063', 'ReservedStageName'],
  messages: {
    reserved: 'stage name "{name}" is reserved: {meaning}, so a later reference to it does not mean this stage',
  },
  docs: {
    why: `\`scratch\` is the empty base image and \`context\` names the build context in
\`COPY --from\` and \`RUN --mount from=\`. A stage called by one of these names makes \`FROM scratch\`
or \`--from=context\` ambiguous: the builder warns, and readers (and other tools) cannot tell which
one is meant. Pick another name.`,
    bad: `FROM golang:1.22 AS context
RUN go build -o /out/app ./...
FROM scratch
COPY --from=context /out/app /app
`,
    good: `FROM golang:1.22 AS build
RUN go build -o /out/app ./...
FROM scratch
COPY --from=build /out/app /app
`,
  },
  dockerfile: (ctx) => ({
    stage(s) {
      if (s.name && RESERVED.has(s.name)) {
        ctx.report({ messageId: 'reserved', data: { name: s.name, meaning: s.name === 'scratch' ? 'it is the empty base image' : 'it names the build context' }, at: s.nameRange ?? s.from });
      }
    },
  }),
});
