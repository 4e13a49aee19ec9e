import { defineCheck } from '../../src/engine/types.js';
import { aptRecommendsOff } from '../../src/knowledge/package-cache.js';
import { layersShip } from '../../src/dockerfile/stages.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { packageArgs } from '../../src/knowledge/packages.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { hasOption } from '../../src/shell/shell.js';

export default defineCheck({
  id: 'size/install-recommends',
  title: 'apt-get install skips recommended packages',
  category: 'size',
  severity: 'info',
  aliases: ['DL3015', 'DS029'],
  messages: {
    recommends:
      '`{command} install` also installs every package the ones you named recommend (often tens of MB of documentation, X11 or language packs); add --no-install-recommends and name what you need',
  },
  docs: {
    why: `By default apt installs a package's *Recommends* along with its *Depends*: \`apt-get install python3\`
pulls in build tools, \`apt-get install curl\` pulls in extra certificates and libraries, and a GUI
library can pull in fonts and X11. They are rarely needed in a container and they add size and
CVEs. \`--no-install-recommends\` installs only the real dependencies; when something is missing,
name it. Setting \`APT::Install-Recommends "false"\` in /etc/apt/apt.conf.d (or with \`-o\`) in an
earlier RUN of the stage counts too. Stages whose files never reach the final image are not
reported.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
`,
    related: ['size/package-cache-left'],
  },
  dockerfile: (ctx) => {
    /** Stages (by index) where an earlier RUN switched recommends off in apt's configuration. */
    const configured = new Set<number>();
    return {
      RUN(ins) {
        const cmds = runCommands(ins);
        const stage = ins.stage;
        const off = stage !== null && stageChain(stage).some((s) => configured.has(s.index));
        if (stage && !ins.onbuild && cmds.some((c) => packageArgs(c)?.manager !== 'apt' && aptRecommendsOff(c))) configured.add(stage.index);
        if (off || !layersShip(ctx.facts, ins)) return;
        for (const c of cmds) {
          const p = packageArgs(c);
          if (p?.manager !== 'apt' || p.action !== 'install' || c.base === 'aptitude') continue;
          if (hasOption(c, '', '--no-install-recommends') || aptRecommendsOff(c)) continue;
          ctx.report({ messageId: 'recommends', data: { command: c.base }, at: c });
        }
      },
    };
  },
});
