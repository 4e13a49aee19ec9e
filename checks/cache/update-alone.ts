import { defineCheck } from '../../src/engine/types.js';
import { refreshWithoutInstall } from '../../src/knowledge/packages.js';
import { historyScript, shortCreatedBy } from '../../src/image/history.js';
import { entryIsBase } from '../../src/image/origin.js';

export default defineCheck({
  id: 'cache/update-alone',
  title: 'A package index update runs in the same RUN as the install',
  category: 'cache',
  severity: 'warning',
  aliases: ['DS017', 'CKV_DOCKER_5', 'CIS-DI-0007'],
  messages: {
    updateAlone:
      '`{command}` runs without an install in the same RUN, so its layer is cached and later installs read a stale package index (old versions, or 404s once the mirror moves on)',
    imageUpdateAlone:
      'layer {layer} ({createdBy}) runs `{command}` without an install, so its layer is cached and later installs read a stale package index (old versions, or 404s once the mirror moves on)',
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
seen here, is not reported.

Given an image without its Dockerfile, the check reads the image's history (CIS Docker Benchmark
4.7): a RUN entry of this build that refreshes the index and installs nothing. The base image's
entries are not reported, and with \`--dockerfile\` the Dockerfile's RUN is reported instead.`,
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
      const alone = refreshWithoutInstall(ins.shell?.commands ?? []);
      if (alone) ctx.report({ messageId: 'updateAlone', data: { command: alone.text }, at: alone.command });
    },
  }),
  image: (ctx) => {
    // With the Dockerfile, its RUN instruction is where this is reported.
    if (ctx.dockerfile) return;
    ctx.image.history.forEach((h, i) => {
      if (h.layer === undefined || entryIsBase(ctx, i)) return;
      const script = historyScript(h);
      const alone = script && refreshWithoutInstall(script.commands);
      if (alone) ctx.report({ messageId: 'imageUpdateAlone', data: { command: alone.text, layer: h.layer, createdBy: shortCreatedBy(h.createdBy) }, image: { layer: h.layer } });
    });
  },
});
