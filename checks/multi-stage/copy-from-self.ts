import { defineCheck } from '../../src/engine/types.js';
import { expand } from '../../src/dockerfile/vars.js';

export default defineCheck({
  id: 'multi-stage/copy-from-self',
  title: 'COPY --from does not name the stage it is in',
  category: 'multi-stage',
  severity: 'error',
  aliases: ['DL3023', 'DS006'],
  messages: {
    self: 'COPY --from={from} names the stage it is in, which cannot copy from itself, so the build fails',
  },
  docs: {
    why: `A stage cannot copy from itself: its filesystem is still being built. \`COPY --from\` naming the
current stage is a mistake, usually a copy that was meant for the next stage or a stage renamed by
search and replace. Move the COPY into the stage that needs the files, or name the stage that
produces them. To move files inside one stage, use \`RUN cp\` or \`RUN mv\`.`,
    bad: `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .
COPY --from=build /out/app /usr/local/bin/app
`,
    good: `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /usr/local/bin/app
`,
    related: ['multi-stage/copy-from-unknown-stage'],
  },
  dockerfile: (ctx) => ({
    COPY(ins) {
      const stage = ins.stage;
      const flag = ins.flags.find((f) => f.name === 'from');
      if (!stage || !flag?.value) return;
      const { value, unresolved } = expand(flag.value, ins.vars);
      if (unresolved) return;
      const self = (stage.name !== null && value.toLowerCase() === stage.name) || value === String(stage.index);
      if (self) ctx.report({ messageId: 'self', data: { from: value }, at: flag });
    },
  }),
});
