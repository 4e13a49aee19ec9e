import { defineCheck } from '../../src/engine/types.js';

export default defineCheck({
  id: 'correctness/cd-in-run',
  title: 'WORKDIR instead of cd',
  category: 'correctness',
  severity: 'info',
  aliases: ['DL3003', 'DS013'],
  messages: {
    cd: 'cd {dir} only lasts until the end of this RUN, so later instructions still run in the old directory; use WORKDIR {dir}',
  },
  docs: {
    why: `Each \`RUN\` starts a new shell in the stage's \`WORKDIR\`: a \`cd\` is forgotten when the \`RUN\` ends.
A later \`RUN\`, \`COPY\` or \`CMD\` that expects to be in that directory is not. \`WORKDIR\` changes the
directory for every following instruction and creates it if needed. A \`cd\` inside a subshell
(\`(cd dir && make)\`) is not reported.`,
    bad: `FROM golang:1.22
COPY . /src
RUN cd /src && go build -o /app .
`,
    good: `FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /app .
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const cmd of ins.shell?.commands ?? []) {
        if (cmd.base !== 'cd' || cmd.nested || cmd.wrappedBy) continue;
        const dir = cmd.args.find((a) => !a.value.startsWith('-'))?.value ?? '~';
        ctx.report({ messageId: 'cd', data: { dir }, at: cmd });
      }
    },
  }),
});
