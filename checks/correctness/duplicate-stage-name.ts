import { defineCheck } from '../../src/engine/types.js';

export default defineCheck({
  id: 'correctness/duplicate-stage-name',
  title: 'Stage names are unique',
  category: 'correctness',
  severity: 'error',
  aliases: ['DL3024', 'DS012', 'CKV_DOCKER_11', 'DuplicateStageName'],
  messages: {
    duplicate: 'stage name "{name}" is already used on line {line}, so the build fails',
  },
  docs: {
    why: `\`FROM … AS name\` names a stage so that later \`FROM name\`, \`COPY --from=name\` and
\`--target name\` can refer to it. Names are compared case-insensitively and must be unique; BuildKit
rejects a Dockerfile that declares the same name twice.`,
    bad: `FROM golang:1.22 AS build
RUN go version

FROM node:20 AS build
RUN node --version
`,
    good: `FROM golang:1.22 AS build-go
RUN go version

FROM node:20 AS build-web
RUN node --version
`,
  },
  dockerfile: (ctx) => {
    const seen = new Map<string, number>();
    return {
      stage(stage) {
        if (!stage.name || !stage.nameRange) return;
        const earlier = seen.get(stage.name);
        if (earlier !== undefined) ctx.report({ messageId: 'duplicate', data: { name: stage.name, line: earlier }, at: stage.nameRange });
        else seen.set(stage.name, stage.nameRange.line);
      },
    };
  },
});
