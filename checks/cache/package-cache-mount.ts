import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';
import { cachesThrownAway, runCommands, runMounts, usesBuildKit } from '../../src/dockerfile/run.js';
import { asOtherUser, buildCacheOf, cacheMountFlags, installsProjectFiles, mountCovers } from '../../src/knowledge/package-cache.js';
import { isRootUser } from '../../src/knowledge/users.js';

/**
 * What the stage chain holds before a RUN: the USER in force (a non-root one keeps its caches under its
 * home, which the message cannot name), a copy from the build context (the RUN then reruns whenever
 * the project's files change, which is when a kept cache pays), and the compilers an earlier RUN
 * already ran (their caches are then in the layers already). Kept per stage as the file is visited.
 */
interface Before {
  user: string | null;
  fromContext: boolean;
  built: Set<string>;
}

/** A bind mount of the whole context (`--mount=type=bind,target=.`) reruns the RUN as a copy would; one of a single file does not. */
function bindsContext(ins: Instruction): boolean {
  return ins.flags.some((f) => f.name === 'mount' && /(^|,)type=bind(,|$)/.test(f.value ?? '') && !/(^|,)from=/.test(f.value ?? '') && !/(^|,)(source|src)=(?!\.?\/?(,|$))/.test(f.value ?? ''));
}

export default defineCheck({
  id: 'cache/package-cache-mount',
  title: 'Installs that throw their download cache away could keep it in a cache mount',
  category: 'cache',
  severity: 'info',
  aliases: ['tally/prefer-package-cache-mounts'],
  messages: {
    cleaned: '`{command}` downloads {what} that this RUN deletes again, so every rebuild of this layer downloads them anew; {mount} keeps them out of the layer just as the deletion does, and keeps them for the next build (the cleanup then has nothing to delete)',
    disabled: '`{command}` keeps no cache ({flag}), so every rebuild of this layer downloads everything anew; {mount} keeps the cache out of the layer just as {flag} does, and keeps it for the next build',
    go: '`{command}` compiles every package from scratch whenever this layer rebuilds; --mount=type=cache,target={dir} keeps Go’s build cache between builds (the binary still lands in the layer)',
    cargo: '`{command}` downloads every crate again whenever this layer rebuilds; --mount=type=cache,target={dir} keeps Cargo’s registry between builds',
  },
  docs: {
    why: `A layer is rebuilt whenever something before it changes, and a package manager then downloads
everything again. Deleting the cache in the same RUN (\`rm -rf /var/lib/apt/lists/*\`, \`npm cache clean
--force\`) or not keeping one (\`apk add --no-cache\`, \`pip install --no-cache-dir\`) keeps the image
small, and that is what \`size/package-cache-left\` and \`size/pip-cache\` ask for. A BuildKit cache mount
(\`RUN --mount=type=cache,target=/root/.npm npm ci\`) does both: the cache is outside the layer, so
nothing needs deleting, and it is still there at the next build. The same holds for compilers: \`go
build\` starts from an empty build cache and \`cargo build\` downloads every crate on each rebuild.

This is info, and only offered where it is safe: the Dockerfile must already use BuildKit-only syntax
(a \`# syntax=\` directive, \`RUN --mount\`, \`COPY --link\`, a here-document), since the classic builder
rejects \`--mount\` and a cache mount is local to one builder (CI runners that start empty gain
nothing unless they export their cache). Only caches the RUN throws away are reported: a cache left
in the layer is \`size/package-cache-left\`'s finding ("delete it or mount it"), never both on one
command. Not reported: a RUN under a non-root USER (its cache is in that user's home), a cache the
command moves elsewhere (\`--cache-dir\`), a cache already under a cache or tmpfs mount; a RUN with
no copy of the project's files before it in its stage (it reruns only when its own line or the base
changes, so a kept cache seldom pays: system packages installed right after \`FROM\`); \`apk\` (it keeps no
cache without \`/etc/apk/cache\`, and \`apk add --no-cache\` is the idiom); a \`go build\` or \`cargo build\`
after an earlier one in the stage chain (its caches are in that layer already); a tool installed by
name (\`pip install gunicorn==23.0.0\`, \`cargo install cargo-chef\`, \`go install …@v1.2.3\`, \`npm install -g
serve\`), which fetches the same thing each time: moving it above the copy is the better fix. Language
installs count when they follow the project's files (\`pip install -r\`, \`npm ci\`, \`yarn install\`,
\`uv sync\`, \`go build\`, \`cargo build\`); the system managers (apt, dnf, yum, zypper) install the RUN's own list.`,
    bad: `# syntax=docker/dockerfile:1
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
`,
    good: `# syntax=docker/dockerfile:1
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
`,
    related: ['size/package-cache-left', 'size/pip-cache', 'cache/context-copy-before-install'],
  },
  dockerfile: (ctx) => {
    const ends = new Map<Stage, Before>();
    let cur: Before = { user: null, fromContext: false, built: new Set() };
    const copied = (ins: Instruction): void => {
      if (!ins.heredocs.length && !ins.flags.some((f) => f.name === 'from') && !/^["']?https?:/.test(ins.args[0]?.value ?? '')) cur.fromContext = true;
    };
    return {
      stage(st) {
        const p = st.parent ? ends.get(st.parent) : undefined;
        cur = p ? { user: p.user, fromContext: p.fromContext, built: new Set(p.built) } : { user: null, fromContext: false, built: new Set() };
      },
      stageEnd(st) {
        ends.set(st, cur);
      },
      USER(ins) {
        if (ins.args[0]) cur.user = ins.args[0].value;
      },
      COPY: copied,
      ADD: copied,
      RUN(ins) {
        if (ins.onbuild) return;
        const builtBefore = new Set(cur.built);
        for (const c of runCommands(ins)) {
          const b = buildCacheOf(c);
          if (b) cur.built.add(b.tool);
        }
        if (!usesBuildKit(ctx.facts) || (cur.user !== null && !isRootUser(cur.user)) || !(cur.fromContext || bindsContext(ins))) return;
        for (const t of cachesThrownAway(ins)) {
          // apk keeps no cache without /etc/apk/cache, and its index is a few MB: --no-cache is the idiom.
          if (t.kind === 'apk' || asOtherUser(t.command) || !installsProjectFiles(t.command)) continue;
          const c = t.command;
          const command = [c.base, ...c.argv].join(' ').slice(0, 60);
          const mount = cacheMountFlags(t.kind, runMounts(ins));
          const what = t.kind === 'apt' ? 'the package lists' : 'its packages';
          const flag = t.kind === 'uv' ? '--no-cache' : '--no-cache-dir';
          ctx.report({ messageId: t.how, data: { command, what, mount, flag }, at: c });
        }
        const mounts = runMounts(ins);
        const seen = new Set<string>();
        for (const c of runCommands(ins)) {
          const b = buildCacheOf(c);
          if (!b || seen.has(b.tool) || builtBefore.has(b.tool) || asOtherUser(c) || !installsProjectFiles(c)) continue;
          seen.add(b.tool);
          const moved = ins.vars.get(b.env);
          const dir = moved ? (b.tool === 'cargo' ? `${moved.replace(/\/+$/, '')}/registry` : moved) : b.dir;
          if (mountCovers(mounts, dir) || (moved === null && ins.vars.has(b.env))) continue;
          ctx.report({ messageId: b.tool, data: { command: [c.base, ...c.argv].join(' ').slice(0, 60), dir }, at: c });
        }
      },
    };
  },
});
