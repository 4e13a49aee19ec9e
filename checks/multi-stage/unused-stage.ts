import { defineCheck } from '../../src/engine/types.js';

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
is meant for \`docker build --target\`: then it is worth a comment, or a separate Dockerfile.`,
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
      const stages = ctx.facts.stages;
      const final = ctx.facts.finalStage;
      if (!final) return;
      const reached = new Set<number>([final.index]);
      // usedBy only holds later stages, so one pass from the end reaches everything transitively
      for (let i = stages.length - 1; i >= 0; i--) {
        const s = stages[i]!;
        if ([...s.usedBy].some((u) => reached.has(u))) reached.add(s.index);
      }
      for (const s of stages) {
        if (reached.has(s.index)) continue;
        ctx.report({ messageId: 'unused', data: { stage: s.name ?? String(s.index) }, at: s.nameRange ?? s.from });
      }
    },
  }),
});
