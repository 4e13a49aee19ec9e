import { defineCheck } from '../../src/engine/types.js';
import { packageCommand } from '../../src/knowledge/packages.js';
import type { ShellCommand } from '../../src/shell/shell.js';
import { layerOrigin, originDetail } from '../../src/image/origin.js';
import { historyScript } from '../../src/image/history.js';

const UPGRADES: Record<string, string[]> = { apt: ['dist-upgrade', 'full-upgrade'], zypper: ['dist-upgrade', 'dup'] };

function upgrade(c: ShellCommand): string | null {
  const p = packageCommand(c);
  return p && UPGRADES[p.manager]?.includes(p.action) ? p.action : null;
}

export default defineCheck({
  id: 'reproducibility/dist-upgrade',
  title: 'No distribution upgrade in a build',
  category: 'reproducibility',
  severity: 'warning',
  // DL3005 is hadolint's retired "do not use apt-get dist-upgrade": its pragmas still name it.
  aliases: ['DL3035', 'DS024', 'DKL-DI-0003', 'DL3005'],
  messages: {
    distUpgrade: '{command} {action} replaces whatever the base image ships with whatever the mirrors hold on the day of the build, and may remove packages or move to another release',
    imageDistUpgrade: 'layer {layer} ran {command} {action} ({origin}): the image holds whatever the mirrors had on the day it was built, not what its base image ships',
  },
  docs: {
    why: `\`apt-get dist-upgrade\` (\`full-upgrade\`) and \`zypper dist-upgrade\` (\`dup\`) resolve the whole
system again: they may install new packages, remove others and, for zypper, move to a newer
distribution release. The image then depends on the day it was built more than on the base image
you named, and two builds of the same Dockerfile differ. On an image, the history shows the same
command (dockle's DKL-DI-0003). To get security fixes, use a newer tag or
digest of the base image; where a few packages must be newer, install those packages by name.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get -y dist-upgrade \\
 && rm -rf /var/lib/apt/lists/*
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends --only-upgrade openssl \\
 && rm -rf /var/lib/apt/lists/*
`,
    related: ['cache/update-alone'],
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const c of ins.shell?.commands ?? []) {
        const action = upgrade(c);
        if (action) ctx.report({ messageId: 'distUpgrade', data: { command: c.base, action }, at: c.range });
      }
    },
  }),
  image: (ctx) => {
    for (const entry of ctx.image.history) {
      if (entry.layer === undefined) continue;
      for (const c of historyScript(entry)?.commands ?? []) {
        const action = upgrade(c);
        if (!action) continue;
        const o = layerOrigin(ctx, entry.layer);
        ctx.report({ messageId: 'imageDistUpgrade', data: { layer: entry.layer, command: c.base, action, origin: o.says }, image: { layer: entry.layer }, detail: originDetail(o) });
        break;
      }
    }
  },
});
