import { defineCheck } from '../../src/engine/types.js';
import type { DockerfileFacts, Stage } from '../../src/dockerfile/model.js';
import { hasUsers, stageUsers, stagesReachingFinal } from '../../src/dockerfile/stage-use.js';

/** More unused end stages than this: the file is written for `docker build --target`. */
const MAX_TARGETS = 2;
/** Names that say a stage is an entry point for `--target` (a dev image, a test or lint run, a generator). */
/** Words of a stage name (split at `-`, `_`, `.`) that say it is built with `--target`. */
const TARGET_WORD = /^(dev|devel|develop|development|devcontainer|envs?|debug|test|tests|testing|lint|validate|update|ci|docs|binary|binaries|artifacts?|export|release|dist|package|packages)$/;
const targetNamed = (name: string | null): boolean => (name ?? '').split(/[-_.]/).some((w) => TARGET_WORD.test(w));

/**
 * A stage that looks written for `--target`: a complete image of its own (its own ENTRYPOINT or CMD),
 * an export stage (`FROM scratch` with only COPY and LABEL), or one under a comment about targets.
 */
function isTarget(facts: DockerfileFacts, s: Stage): boolean {
  if (s.instructions.some((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD')) return true;
  if (s.image?.resolved.toLowerCase() === 'scratch' && s.instructions.every((i) => i.keyword === 'COPY' || i.keyword === 'LABEL' || i.keyword === 'ARG')) return true;
  for (let l = s.from.range.line - 1; l >= 1; l--) {
    const t = facts.lines.lineText(l).trim();
    if (t === '') continue;
    if (!t.startsWith('#')) break;
    if (/\btargets?\b|final stages?|--target|--output/i.test(t)) return true;
  }
  return facts.comments.some((c) => c.range.line < s.from.range.line && /(final|published|release|target) stages\b/i.test(c.text));
}

export default defineCheck({
  id: 'multi-stage/unused-stage',
  title: 'Every stage contributes to the final image',
  category: 'multi-stage',
  severity: 'info',
  messages: {
    unused:
      'stage {stage} is not part of the default build (no FROM, COPY --from or RUN --mount from= of the final stage reaches it), so BuildKit skips it unless a --target names it; if it is a leftover, remove it, and if it is a target, a comment saying so helps',
  },
  docs: {
    why: `A stage that the final stage never reaches, directly or through other stages, adds nothing
to the image. BuildKit skips it, so its steps silently stop running (tests, linters); the legacy
builder still builds it and spends the time. Either it is dead code left after a refactoring, or it
is meant for \`docker build --target\`: then it is worth a comment, or a separate Dockerfile.

Only the end of an unused chain is reported (the stage nothing else uses). A Dockerfile with more
than ${MAX_TARGETS} such ends is taken to be written for \`--target\` builds and is not reported, nor
is a stage that looks like a target: a name with a word such as \`dev\`, \`test\`, \`lint\`, \`debug\`,
\`devcontainer\`, \`binary\`, \`export\` or \`release\`; a complete image of its own (it sets its own
ENTRYPOINT or CMD: a flavour such as \`grpc\` or \`debug\` published beside the default); a \`FROM
scratch\` stage of only COPY and LABEL (an export target for \`--output\`); a stage under a comment
that mentions targets or final stages.
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
      const use = stageUsers(ctx.facts);
      const reached = stagesReachingFinal(ctx.facts, use);
      // Built with a target (a compose service's `target:`), the stages after it are other targets, not unused ones.
      const last = ctx.facts.finalStage?.index ?? Infinity;
      const ends = ctx.facts.stages.filter((s) => s.index < last && !reached.has(s.index) && !hasUsers(use, ctx.facts, s.index));
      if (ends.length > MAX_TARGETS) return;
      for (const s of ends) {
        if (targetNamed(s.name) || isTarget(ctx.facts, s)) continue;
        ctx.report({ messageId: 'unused', data: { stage: s.name ?? String(s.index) }, at: s.nameRange ?? s.from });
      }
    },
  }),
});
