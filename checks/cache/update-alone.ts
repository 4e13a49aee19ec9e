import { defineCheck } from '../../src/engine/types.js';
import { packageCommand } from '../../src/knowledge/packages.js';

/** Actions that refresh a package index, per manager. */
const UPDATE: Record<string, string[]> = {
  apt: ['update'],
  apk: ['update'],
  dnf: ['update', 'makecache', 'check-update'],
  yum: ['update', 'makecache', 'check-update'],
  zypper: ['refresh', 'ref', 'update', 'up'],
};
/** Actions that install or upgrade from that index. */
const INSTALL: Record<string, string[]> = {
  apt: ['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall'],
  apk: ['add', 'upgrade', 'fix'],
  dnf: ['install', 'upgrade', 'groupinstall', 'localinstall', 'reinstall', 'distro-sync'],
  yum: ['install', 'upgrade', 'groupinstall', 'localinstall', 'reinstall', 'distro-sync'],
  zypper: ['install', 'in', 'dist-upgrade', 'dup', 'patch'],
};

export default defineCheck({
  id: 'cache/update-alone',
  title: 'A package index update runs in the same RUN as the install',
  category: 'cache',
  severity: 'warning',
  aliases: ['DS017', 'CKV_DOCKER_5', 'CIS-DI-0007'],
  messages: {
    updateAlone:
      '`{command}` runs without an install in the same RUN, so its layer is cached and later installs read a stale package index (old versions, or 404s once the mirror moves on)',
  },
  docs: {
    why: `A RUN that only refreshes the package index (\`apt-get update\`, \`apk update\`, \`dnf makecache\`)
makes a layer of its own, and Docker reuses it for as long as the RUN text is unchanged — for months.
The next RUN that installs packages then works from that old index: it installs outdated versions,
or fails when the mirror has dropped the files the old index names. Refresh and install in one
RUN, so the index is always as new as the install.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl \\
 && rm -rf /var/lib/apt/lists/*
`,
    related: ['cache/consecutive-run'],
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      if (ins.json) {
        const base = ins.json[0]?.split('/').pop() ?? '';
        if (/^apt(-get)?$|^apk$/.test(base) && ins.json.slice(1).filter((a) => !a.startsWith('-'))[0] === 'update') {
          ctx.report({ messageId: 'updateAlone', data: { command: `${base} update` }, at: ins });
        }
        return;
      }
      const cmds = ins.shell?.commands ?? [];
      // tonistiigi/xx wrappers (`xx-apt-get install`) install for the target platform from the same index
      const found = cmds.map((c) => ({ c, p: packageCommand(c.base.startsWith('xx-') ? { ...c, base: c.base.slice(3) } : c) }));
      const update = found.find(({ p }) => p && UPDATE[p.manager]?.includes(p.action));
      if (!update?.p) return;
      const installs = found.some(({ p }) => p && INSTALL[p.manager]?.includes(p.action) && p.manager === update.p!.manager);
      if (!installs) ctx.report({ messageId: 'updateAlone', data: { command: `${update.c.base} ${update.p.action}` }, at: update.c });
    },
  }),
});
