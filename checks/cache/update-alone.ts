import { defineCheck } from '../../src/engine/types.js';
import { packageCommand } from '../../src/knowledge/packages.js';
import type { ShellCommand } from '../../src/shell/shell.js';

/** Actions that refresh a package index, per manager. */
const UPDATE: Record<string, string[]> = {
  apt: ['update'],
  apk: ['update'],
  dnf: ['update', 'makecache', 'check-update'],
  yum: ['update', 'makecache', 'check-update'],
  zypper: ['refresh', 'ref', 'update', 'up'],
};
/** Actions that install, upgrade or download from that index. */
const INSTALL: Record<string, string[]> = {
  apt: ['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall', 'download', 'source'],
  apk: ['add', 'upgrade', 'fix', 'fetch'],
  dnf: ['install', 'upgrade', 'groupinstall', 'localinstall', 'reinstall', 'distro-sync', 'download'],
  yum: ['install', 'upgrade', 'groupinstall', 'localinstall', 'reinstall', 'distro-sync', 'download'],
  zypper: ['install', 'in', 'dist-upgrade', 'dup', 'patch', 'download', 'source-install', 'si'],
};

/** Programs whose own install step runs the package manager (`playwright install --with-deps`, `install-php-extensions gd`). */
function installsThroughTool(c: ShellCommand): boolean {
  const args = c.argv;
  if (c.base === 'install-php-extensions' || c.base === 'apt-fast' || c.base === 'install_packages') return true;
  // `playwright …`, or run through a package runner: `npx -y playwright@1.47.0 …`
  const from = c.base === 'playwright' ? 0 : ['npx', 'pnpx', 'bunx'].includes(c.base) ? args.findIndex((a) => /^playwright(@|$)/.test(a)) + 1 : 0;
  if (from === 0 && c.base !== 'playwright') return false;
  const rest = args.slice(from);
  return rest.includes('install-deps') || (rest.includes('install') && rest.includes('--with-deps'));
}

const SYSTEM_DIRS = /^\/(usr\/(local\/)?)?s?bin\//;

/** A script the RUN runs (`./setup.sh`, `/opt/install.sh`, `bash scripts/deps.sh`): what it installs is not seen here. */
function runsScript(c: ShellCommand): boolean {
  if (c.name.endsWith('.sh') || (c.name.includes('/') && !SYSTEM_DIRS.test(c.name))) return true;
  if (!['sh', 'bash', 'ash', 'dash', 'zsh'].includes(c.base) || c.argv.some((a) => /^-[a-z]*c/.test(a))) return false;
  return c.argv.some((a) => !a.startsWith('-'));
}

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
RUN, so the index is always as new as the install.

An update followed in the same RUN by a command that uses the index (\`apt-get download\`, \`apk fetch\`),
by an installer that runs the package manager itself (\`playwright install --with-deps\`,
\`install-php-extensions\`), or by a script of the build (\`./install-deps.sh\`), whose installs are not
seen here, is not reported.`,
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
      const at = found.findIndex(({ p }) => p && UPDATE[p.manager]?.includes(p.action));
      const update = found[at];
      if (!update?.p) return;
      const installs = found.some(({ p }) => p && INSTALL[p.manager]?.includes(p.action) && p.manager === update.p!.manager);
      // an installer that calls the package manager itself, or a script that may, after the update
      const delegated = found.slice(at + 1).some(({ c }) => installsThroughTool(c) || runsScript(c));
      if (!installs && !delegated) ctx.report({ messageId: 'updateAlone', data: { command: `${update.c.base} ${update.p.action}` }, at: update.c });
    },
  }),
});
