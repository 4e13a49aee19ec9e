import { defineCheck } from '../../src/engine/types.js';
import { stageUsers, stagesReachingFinal } from '../../src/dockerfile/stage-use.js';

/** More unused end stages than this: the file is written for `docker build --target`. */
const MAX_TARGETS = 2;
/** Names that say a stage is an entry point for `--target` (a dev image, a test or lint run, a generator). */
const TARGET_NAME = /^(dev|devel|develop|development|dev-envs?|debug|test|tests|testing|unit-test|integration-test|lint|validate|update|ci|docs)([-_.].*)?$/;

export default defineCheck({
  id: 'multi-stage/unused-stage',
  title: 'Every stage contributes to the final image',
  category: 'multi-stage',
  severity: 'info',
  messages: {
    unused:
      'stage {stage} is not used by the final stage (no FROM, COPY --from or RUN --mount from= reaches it), so BuildKit skips it and the legacy builder builds it for nothing, unless it is built with --target',
  },
  docs: {
    why: `A stage that the final stage never reaches, directly or through other stages, adds nothing
to the image. BuildKit skips it, so its steps silently stop running (tests, linters); the legacy
builder still builds it and spends the time. Either it is dead code left after a refactoring, or it
is meant for \`docker build --target\`: then it is worth a comment, or a separate Dockerfile.

Only the end of an unused chain is reported (the stage nothing else uses). A Dockerfile with more
than ${MAX_TARGETS} such ends is taken to be written for \`--target\` builds and is not reported, nor
is a stage whose name says it is a target (\`dev\`, \`test\`, \`lint\`, \`debug\`, \`validate\`…).
References through variables (\`FROM build_\${TARGETARCH}\`) count as uses of every stage whose
name fits.`,
    bad: `FROM node:20 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

FROM node:20 AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
`,
    good: `FROM node:20 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

FROM deps AS build
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
`,
    related: ['multi-stage/copy-from-unknown-stage'],
  },
  dockerfile: (ctx) => ({
    end() {
      const users = stageUsers(ctx.facts);
      const reached = stagesReachingFinal(ctx.facts, users);
      const ends = ctx.facts.stages.filter((s) => !reached.has(s.index) && (users.get(s.index)?.size ?? 0) === 0);
      if (ends.length > MAX_TARGETS) return;
      for (const s of ends) if (!TARGET_NAME.test(s.name ?? '')) ctx.report({ messageId: 'unused', data: { stage: s.name ?? String(s.index) }, at: s.nameRange ?? s.from });
    },
  }),
});
