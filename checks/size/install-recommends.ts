import { defineCheck } from '../../src/engine/types.js';
import { aptRecommendsOff } from '../../src/knowledge/package-cache.js';
import { layersShip, stageChain } from '../../src/dockerfile/stages.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { packageArgs, packageInstall } from '../../src/knowledge/packages.js';
import { hasOption, type ShellCommand } from '../../src/shell/shell.js';
import { insertAfter, safeFix } from '../../src/fix/edits.js';
import { written } from '../../src/fix/dockerfile-edits.js';
import { removedAgain } from '../../src/dockerfile/removals.js';
import type { DockerfileFacts, Instruction } from '../../src/dockerfile/model.js';
import { commentsByLine } from '../../src/util/comments.js';
import { memoized } from '../../src/util/memo.js';
import { firstAbove } from '../../src/util/search.js';

/** A comment that says recommends are wanted (`# we DO want recommends here`), not one that avoids them. */
const WANTS = (text: string): boolean => /recommend/i.test(text) && !/\b(without|no|not|skip|avoid|don'?t)\b[\w\s]{0,20}recommend|no-install-recommends/i.test(text);

/**
 * The author chose to keep the recommends of `cmd`: a comment saying so in the comment block right
 * above the RUN, or inside the RUN between the previous command and this one.
 */
function recommendsWanted(facts: DockerfileFacts, ins: Instruction, cmd: ShellCommand, cmds: readonly ShellCommand[]): boolean {
  const { commentLines, wanted } = commentIndex(facts);
  let top = ins.range.line;
  while (commentLines.has(top - 1)) top--;
  // Where the previous command (by line) ends: the largest end among commands starting above this one.
  let before = ins.range.line;
  for (const c of cmds) if (c.range.line < cmd.range.line && c.range.endLine > before) before = c.range.endLine;
  return anyIn(wanted, top, ins.range.line) || anyIn(wanted, before, cmd.range.line);
}

/**
 * The file's comment lines, and the lines of those that want recommends (ascending), indexed once
 * per file: asked per install, a map and a scan of every comment per install were quadratic (fuzz
 * campaign seed 14, dockerfile:56586: 10 s of CPU for 347 KB).
 */
function commentIndex(facts: DockerfileFacts): { commentLines: ReadonlyMap<number, string>; wanted: number[] } {
  return memoized(facts, 'recommendsWantedComments', () => ({
    commentLines: commentsByLine(facts),
    wanted: facts.comments.filter((c) => WANTS(c.text)).map((c) => c.range.line).sort((a, b) => a - b),
  }));
}

/** Whether the ascending list holds a line in [from, to). */
function anyIn(lines: readonly number[], from: number, to: number): boolean {
  const first = lines[firstAbove(lines, from - 1, (l) => l)];
  return first !== undefined && first < to;
}

export default defineCheck({
  id: 'size/install-recommends',
  title: 'apt-get install skips recommended packages',
  category: 'size',
  severity: 'info',
  fixable: 'safe',
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
earlier RUN of the stage counts too.

Not reported: stages whose files never reach the final image; an install whose packages the same
RUN removes again with \`--auto-remove\` (a tool needed for one step, or build dependencies marked
with \`apt-mark auto\` and purged), since the recommends go with them; and an install under a comment
saying the recommends are wanted (right above the RUN, or right above the command inside it), where
the author made the choice on purpose.`,
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
          if (hasOption(c, '', '--no-install-recommends') || aptRecommendsOff(c) || recommendsWanted(ctx.facts, ins, c, cmds)) continue;
          // a transient install: the same RUN purges what it named with --auto-remove, recommends and all
          const install = packageInstall(c);
          const again = install && install.packages.length > 0 ? removedAgain(install, ins) : null;
          if (again && again.autoremoved && again.removed.length === install!.packages.length) continue;
          const sub = packageArgs(c)?.sub;
          const fix = ins.shell && sub && written(ctx.facts, sub) === sub.text ? safeFix('Add --no-install-recommends', [insertAfter(sub, ' --no-install-recommends')]) : null;
          ctx.report({ messageId: 'recommends', data: { command: c.base }, at: c, fix });
        }
      },
    };
  },
});
