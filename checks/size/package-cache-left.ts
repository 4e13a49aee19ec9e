import { defineCheck } from '../../src/engine/types.js';
import { type CacheKind } from '../../src/knowledge/package-cache.js';
import { layersShip } from '../../src/dockerfile/stages.js';
import { cachesLeft, firstPerCache, laterAptInstallWithoutUpdate } from '../../src/dockerfile/run.js';
import { packageArgs, packageCommand } from '../../src/knowledge/packages.js';
import { cacheReports } from '../../src/image/caches.js';
import type { DockerfileFacts, Instruction } from '../../src/dockerfile/model.js';
import type { ShellCommand } from '../../src/shell/shell.js';
import { insertAfter, safeFix, suggestedFix } from '../../src/fix/edits.js';
import { appendToRun, written } from '../../src/fix/dockerfile-edits.js';

/** The kinds this check owns; pip and uv belong to size/pip-cache. */
const KINDS = new Set<CacheKind>(['apt', 'apk', 'yum', 'dnf', 'zypper', 'pacman', 'npm', 'yarn']);

export default defineCheck({
  id: 'size/package-cache-left',
  title: 'Package lists and caches are removed in the RUN that made them',
  category: 'size',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3009', 'DL3019', 'DL3032', 'DL3036', 'DL3040', 'DL3060', 'DS015', 'DS019', 'DS020', 'DS025', 'DS027', 'DKL-DI-0004', 'DKL-DI-0005'],
  messages: {
    apt: '`{command}` downloads the package lists (tens of MB) and this RUN never removes them, so they ship in the layer; end the RUN with `rm -rf /var/lib/apt/lists/*`',
    apk: '`{command}` keeps its package index and downloads in /var/cache/apk, so they ship in the layer; use `apk add --no-cache`',
    apkUpdate: '`{command}` stores the package index in /var/cache/apk and this RUN never removes it, so it ships in the layer; drop it and use `apk add --no-cache`, which fetches a fresh index without storing it',
    yum: '`{command}` leaves its downloaded packages and metadata in /var/cache/yum, so they ship in the layer; end the RUN with `yum clean all`',
    dnf: '`{command}` leaves its downloaded packages and metadata in /var/cache, so they ship in the layer; end the RUN with `{tool} clean all`',
    zypper: '`{command}` leaves its downloaded packages and metadata in /var/cache/zypp, so they ship in the layer; end the RUN with `zypper clean --all`',
    npm: '`{command}` keeps a copy of every package tarball in ~/.npm, so the layer ships the dependencies twice; end the RUN with `npm cache clean --force`',
    yarn: '`{command}` fills the yarn cache with a copy of every package it installs, so they ship twice in the layer; end the RUN with `yarn cache clean`',
    pacman: '`{command}` keeps every package it downloads in /var/cache/pacman/pkg, so they ship in the layer; end the RUN with `pacman -Scc --noconfirm`',
    elsewhere: '`{command}` keeps its {tool} cache in {dir}, which this RUN neither removes nor mounts, so it ships in the layer; remove it at the end of the RUN or mount it with `--mount=type=cache,target={dir}`',
    image: '{what} left in {path}: {bytes} {origin} that nothing in the container reads; remove it in the RUN that wrote it',
    imageBase: '{what} left in {path}: {bytes} {origin}; only a slimmer base (or a rebuilt one) removes it',
  },
  docs: {
    why: `Package managers download indexes and packages before they install anything: \`apt-get update\`
writes tens of megabytes of lists to /var/lib/apt/lists, \`apk add\` keeps its index in /var/cache/apk,
\`yum\`, \`dnf\` and \`zypper\` keep metadata and packages under /var/cache, and \`npm\` and \`yarn\` keep a
copy of every package they install. None of it is used once the install is done, but a layer is a snapshot
of the RUN that made it: unless the same RUN removes the files, they ship in every pull.

End the RUN with the manager's cleanup (\`rm -rf /var/lib/apt/lists/*\`, \`apk add --no-cache\`,
\`yum clean all\`, \`dnf clean all\`, \`zypper clean --all\`, \`npm cache clean --force\`, \`yarn cache clean\`), or mount the cache
directory with \`RUN --mount=type=cache,target=…\` so it never enters the layer. A cache moved
elsewhere (\`npm ci --cache DIR\`, \`npm_config_cache\`, \`--cache-folder\`) is judged at that
directory. \`apk update\` stores the index even when \`apk add --no-cache\` follows; \`apk add\` without
\`--no-cache\` stores the index it fetches (a few MB) even when nothing new is installed.
\`pacman -S\` keeps its packages in /var/cache/pacman/pkg until \`pacman -Scc\`.

Either keeps the image small. Once a RUN deletes its cache, \`cache/package-cache-mount\` (info, in
Dockerfiles that already use BuildKit syntax) may suggest the mount instead, which also keeps the
downloads for the next build: with a cache mount nothing needs deleting. The two never report one command.

Each cache is reported once per RUN, at the first command that fills it. Stages whose files never
reach the final image (a builder that is only copied from) are not reported.

With an image, the check lists the caches present in the final file system, with the layer and
the step that wrote them; caches from the base image are reported as information.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl \\
 && rm -rf /var/lib/apt/lists/*
`,
    related: ['size/cleanup-in-later-layer', 'size/pip-cache', 'size/install-recommends', 'cache/package-cache-mount'],
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      if (!layersShip(ctx.facts, ins)) return;
      for (const left of firstPerCache(cachesLeft(ins))) {
        if (!KINDS.has(left.kind)) continue;
        const c = left.command;
        const command = [c.base, ...c.argv].join(' ').slice(0, 60);
        const apkUpdate = left.kind === 'apk' && packageCommand(c)?.action === 'update';
        const messageId = left.dir !== null ? 'elsewhere' : apkUpdate ? 'apkUpdate' : (left.kind as 'apt');
        ctx.report({ messageId, data: { command, tool: c.base, dir: left.dir ?? '' }, at: c, fix: left.dir === null && !apkUpdate ? cleanupFix(ctx.facts, ins, left.kind, c) : null });
      }
    },
  }),
  image: (ctx) => {
    for (const r of cacheReports(ctx, (kind) => kind !== 'pip' && kind !== 'uv')) ctx.report(r);
  },
});

/** The command that empties each cache at the end of the RUN (apk's is a flag on `apk add`). */
const CLEANUP: Partial<Record<CacheKind, (c: ShellCommand) => string>> = {
  apt: () => 'rm -rf /var/lib/apt/lists/*',
  yum: () => 'yum clean all',
  dnf: (c) => `${c.base} clean all`,
  zypper: () => 'zypper clean --all',
  npm: () => 'npm cache clean --force',
  yarn: () => 'yarn cache clean',
};

function cleanupFix(facts: DockerfileFacts, ins: Instruction, kind: CacheKind, c: ShellCommand) {
  if (kind === 'apk') {
    const sub = packageArgs(c)?.sub;
    return ins.shell && sub && written(facts, sub) === sub.text ? safeFix('Add --no-cache', [insertAfter(sub, ' --no-cache')]) : null;
  }
  const command = CLEANUP[kind]?.(c);
  if (!command) return null;
  // A later RUN that installs without its own `apt-get update` relies on these lists: removing them changes that build.
  const make = kind === 'apt' && laterAptInstallWithoutUpdate(facts, ins) ? suggestedFix : safeFix;
  return make(`End the RUN with ${command}`, [appendToRun(facts, ins, command)]);
}
