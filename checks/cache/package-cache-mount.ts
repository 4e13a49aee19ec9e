import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { cachesThrownAway, runCommands, runMounts, usesBuildKit } from '../../src/dockerfile/run.js';
import { buildCacheOf, CACHE_DIRS, installsProjectFiles, mountCovers, type CacheKind } from '../../src/knowledge/package-cache.js';
import type { RunMount } from '../../src/knowledge/package-cache.js';
import type { ShellCommand } from '../../src/shell/shell.js';
import { isRootUser } from '../../src/knowledge/users.js';

/** apt's mounts: the lists, and the download cache unless the RUN mounts it already (its packages stay only once Debian's docker-clean hook is gone). */
function aptMount(mounts: readonly RunMount[]): string {
  const lists = '--mount=type=cache,target=/var/lib/apt/lists,sharing=locked';
  if (mountCovers(mounts, '/var/cache/apt')) return lists;
  return `--mount=type=cache,target=/var/cache/apt,sharing=locked ${lists} (and rm -f /etc/apt/apt.conf.d/docker-clean, which empties the download cache)`;
}

/** The mount flags that keep each cache. */
const MOUNT: Partial<Record<CacheKind, string>> = {
  yum: '--mount=type=cache,target=/var/cache/yum,sharing=locked',
  dnf: '--mount=type=cache,target=/var/cache/dnf,sharing=locked (and keepcache=True in dnf.conf)',
  zypper: '--mount=type=cache,target=/var/cache/zypp,sharing=locked',
};

/** Wrappers that run the command as another user (`sudo -u app yarn install`): its cache is in that user's home. */
const SWITCHES_USER = new Set(['sudo', 'su', 'gosu', 'su-exec', 'runuser', 'chpst', 'setpriv', 's6-setuidgid']);

/** The command runs under one of those wrappers, however deep (`sudo -u app bash -c 'yarn install'`). */
function asOtherUser(c: ShellCommand): boolean {
  for (let w = c.wrappedBy; w; w = w.wrappedBy) if (SWITCHES_USER.has(w.base)) return true;
  return false;
}

/**
 * What comes before `ins` in its stage chain: a non-root USER in force (the caches are then under its
 * home, which the message cannot name), a copy from the build context (the RUN then reruns whenever
 * the project's files change, which is when a kept cache pays), and the compilers an earlier RUN
 * already ran (their caches are then in the layers already).
 */
function before(ins: Instruction): { nonRoot: boolean; fromContext: boolean; built: Set<string> } {
  let user: string | null = null;
  // A bind mount of the whole context (`--mount=type=bind,target=.`) reruns the RUN as a copy would; one of a single file does not.
  let fromContext = ins.flags.some((f) => f.name === 'mount' && /(^|,)type=bind(,|$)/.test(f.value ?? '') && !/(^|,)from=/.test(f.value ?? '') && !/(^|,)(source|src)=(?!\.?\/?(,|$))/.test(f.value ?? ''));
  const built = new Set<string>();
  for (const st of ins.stage ? stageChain(ins.stage) : []) for (const i of st.instructions) {
    if (i === ins) return { nonRoot: user !== null && !isRootUser(user), fromContext, built };
    if (i.keyword === 'USER' && i.args[0]) user = i.args[0].value;
    if ((i.keyword === 'COPY' || i.keyword === 'ADD') && !i.heredocs.length && !i.flags.some((f) => f.name === 'from') && !/^["']?https?:/.test(i.args[0]?.value ?? '')) fromContext = true;
    if (i.keyword === 'RUN') for (const c of runCommands(i)) { const b = buildCacheOf(c); if (b) built.add(b.tool); }
  }
  return { nonRoot: false, fromContext, built };
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
  dockerfile: (ctx) => ({
    RUN(ins) {
      if (!usesBuildKit(ctx.facts)) return;
      const b4 = before(ins);
      if (b4.nonRoot || !b4.fromContext) return;
      for (const t of cachesThrownAway(ins)) {
        // apk keeps no cache without /etc/apk/cache, and its index is a few MB: --no-cache is the idiom.
        if (t.kind === 'apk' || asOtherUser(t.command) || !installsProjectFiles(t.command)) continue;
        const c = t.command;
        const command = [c.base, ...c.argv].join(' ').slice(0, 60);
        const mount = t.kind === 'apt' ? aptMount(runMounts(ins)) : (MOUNT[t.kind] ?? `--mount=type=cache,target=${CACHE_DIRS[t.kind][0]}`);
        const what = t.kind === 'apt' ? 'the package lists' : 'its packages';
        const flag = t.kind === 'uv' ? '--no-cache' : '--no-cache-dir';
        ctx.report({ messageId: t.how, data: { command, what, mount, flag }, at: c });
      }
      const mounts = runMounts(ins);
      const seen = new Set<string>();
      for (const c of runCommands(ins)) {
        const b = buildCacheOf(c);
        if (!b || seen.has(b.tool) || b4.built.has(b.tool) || asOtherUser(c) || !installsProjectFiles(c)) continue;
        seen.add(b.tool);
        const moved = ins.vars.get(b.env);
        const dir = moved ? (b.tool === 'cargo' ? `${moved.replace(/\/+$/, '')}/registry` : moved) : b.dir;
        if (mountCovers(mounts, dir) || (moved === null && ins.vars.has(b.env))) continue;
        ctx.report({ messageId: b.tool, data: { command: [c.base, ...c.argv].join(' ').slice(0, 60), dir }, at: c });
      }
    },
  }),
});
