import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';
import type { Range } from '../../src/util/text.js';
import { dependencyFetch, type DependencyFetch } from '../../src/knowledge/build-tools.js';
import { wholeContextSource } from '../../src/dockerfile/context.js';
import { goVendored } from '../../src/dockerfile/go.js';
import { entryIsBase, layerOrigin, originDetail } from '../../src/image/origin.js';
import { copiesWholeContext, historyInstruction, historyScript } from '../../src/image/history.js';
import { suggestedFix } from '../../src/fix/edits.js';
import { manifestsFirst } from '../../src/fix/dockerfile-edits.js';

interface State {
  /** The first whole-context COPY/ADD of the stage chain, and where it points. */
  copy: { ins: Instruction; at: { range: Range } } | null;
  /** Ecosystems whose dependencies were fetched before that copy. */
  fetchedBefore: Set<DependencyFetch['ecosystem']>;
}

export default defineCheck({
  id: 'cache/context-copy-before-install',
  title: 'Dependency manifests are copied and installed before the rest of the source',
  category: 'cache',
  severity: 'warning',
  fixable: 'suggested',
  messages: {
    copyBeforeInstall:
      '{keyword} copies the whole build context before `{install}` on line {line}, so any source change invalidates the cache and every dependency is downloaded again',
    imageCopyBeforeInstall:
      'layer {layer} ({createdBy}) copies the whole build context before layer {installLayer} runs `{install}`, so any source change invalidates the cache and every dependency is downloaded again',
  },
  docs: {
    why: `Docker reuses a cached layer only while every earlier layer is unchanged, and a COPY layer
changes whenever any copied file changes. When \`COPY . .\` comes before \`npm ci\`, \`pip install -r\`,
\`go mod download\`, \`bundle install\`, \`mvn\`, \`gradle\`, \`cargo build\` or \`composer install\`, editing one
line of source throws away the dependency layer, and every build downloads and builds all
dependencies again.

Copy the manifests (\`package.json\` and the lockfile, \`requirements.txt\`, \`go.mod\` and \`go.sum\`,
\`Gemfile.lock\`, \`pom.xml\`…) first, install, and copy the rest of the source afterwards.

Not reported:
- an install RUN with a BuildKit cache mount (\`RUN --mount=type=cache,target=/root/.npm npm ci\`),
  which keeps the downloads between builds;
- an ecosystem whose dependencies were already fetched before the copy, by the install itself or a
  "dependencies first" tool (\`cargo chef cook\` on a recipe, \`go mod download\`, \`npm ci\` on the
  copied manifests);
- installs that name what they install (\`npm install typescript@5\`, \`npm i -g pm2\`, \`pip install
  flask\`): they read no manifest from the copied tree, so copying the manifests first changes nothing;
- Go builds of a vendored module (\`vendor/modules.txt\` in the context, or \`-mod=vendor\`), which
  download nothing.

In an image, the history shows the same order: a layer whose \`created_by\` copies the whole context
(\`COPY . .\` as BuildKit records it, \`COPY dir:… in .\` or \`in <WORKDIR>\` as the classic builder and
buildah do) followed by a layer that installs dependencies. Only this build's layers are read.`,
    bad: `FROM node:20-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
USER node
CMD ["node", "server.js"]
`,
    good: `FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
USER node
CMD ["node", "server.js"]
`,
    related: ['cache/missing-dockerignore'],
  },
  dockerfile: (ctx) => {
    const states = new Map<number, State>();
    const reported = new Set<Instruction>();
    let state: State = { copy: null, fetchedBefore: new Set() };
    const onRun = (ins: Instruction): void => {
      // a cache mount keeps downloaded dependencies across builds, so a rerun does not fetch them again
      const cached = ins.flags.some((f) => f.name === 'mount' && /(^|,)type=cache(,|$)/.test(f.value ?? ''));
      for (const c of ins.shell?.commands ?? []) {
        const f = dependencyFetch(c);
        // a vendored Go module builds from the copied tree and downloads nothing
        if (!f || (f.ecosystem === 'go' && goVendored(ctx.facts, ins, c))) continue;
        if (!state.copy) state.fetchedBefore.add(f.ecosystem);
        else if (!cached && !state.fetchedBefore.has(f.ecosystem) && !reported.has(state.copy.ins)) {
          reported.add(state.copy.ins);
          const edits = manifestsFirst(ctx.facts, state.copy.ins, ins, c);
          ctx.report({ messageId: 'copyBeforeInstall', data: { keyword: state.copy.ins.keyword, install: f.label, line: c.range.line }, at: state.copy.at, fix: edits ? suggestedFix('Copy the manifests and install first', edits) : null });
        }
      }
    };
    return {
      stage(s: Stage) {
        const parent = s.parent ? states.get(s.parent.index) : undefined;
        state = { copy: parent?.copy ?? null, fetchedBefore: new Set(parent?.fetchedBefore) };
      },
      stageEnd(s: Stage) {
        states.set(s.index, state);
      },
      instruction(ins) {
        if (ins.onbuild || !ins.stage) return;
        if (ins.keyword === 'RUN') onRun(ins);
        else if (!state.copy && (ins.keyword === 'COPY' || ins.keyword === 'ADD')) {
          const at = wholeContextSource(ins);
          if (at) state.copy = { ins, at };
        }
      },
    };
  },
  image: (ctx) => {
    let workdir = '/';
    let copy: { layer: number; createdBy: string } | null = null;
    const fetchedBefore = new Set<DependencyFetch['ecosystem']>();
    for (const [i, entry] of ctx.image.history.entries()) {
      const h = historyInstruction(entry.createdBy);
      if (!h) continue;
      if (h.keyword === 'WORKDIR') workdir = h.body.startsWith('/') ? h.body : `${workdir.replace(/\/$/, '')}/${h.body}`;
      if (entryIsBase(ctx, i) || entry.layer === undefined) continue;
      if (!copy && copiesWholeContext(h, workdir)) {
        copy = { layer: entry.layer, createdBy: layerOrigin(ctx, entry.layer).createdBy };
        continue;
      }
      for (const c of historyScript(entry)?.commands ?? []) {
        const f = dependencyFetch(c);
        if (!f) continue;
        if (!copy) fetchedBefore.add(f.ecosystem);
        else if (!fetchedBefore.has(f.ecosystem)) {
          ctx.report({
            messageId: 'imageCopyBeforeInstall',
            data: { layer: copy.layer, createdBy: copy.createdBy, installLayer: entry.layer, install: f.label },
            image: { layer: copy.layer },
            detail: { ...originDetail(layerOrigin(ctx, copy.layer)), installLayer: entry.layer },
          });
          return;
        }
      }
    }
  },
});
