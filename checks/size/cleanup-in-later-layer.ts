import { defineCheck } from '../../src/engine/types.js';
import { cacheCleaned, CACHE_DIRS, type CacheKind } from '../../src/knowledge/package-cache.js';
import { cacheFilled, cachesLeft, runCommands } from '../../src/dockerfile/run.js';
import { layersShip } from '../../src/dockerfile/stages.js';

export default defineCheck({
  id: 'size/cleanup-in-later-layer',
  title: 'Package caches are not cleaned in a later RUN',
  category: 'size',
  severity: 'warning',
  messages: {
    later:
      '`{command}` removes the {kind} cache that line {line} left in its own layer; that layer still ships the files, so this RUN only adds a whiteout; clean up at the end of the RUN on line {line}',
  },
  docs: {
    why: `Each RUN makes a layer, and a layer can only add files or hide them. When one RUN runs
\`apt-get update\` (or \`apk add\`, \`yum install\`, \`pip install\`…) and a later RUN deletes the lists or
the cache, the later layer records a deletion: the files disappear from the container's view but
stay in the earlier layer, which is pulled and stored as before. The image gets no smaller; it
gains a layer. Move the cleanup into the RUN that filled the cache (or use a cache mount). A stage
whose layers never reach the image (a builder only copied from) is not reported.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN rm -rf /var/lib/apt/lists/*
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl \\
 && rm -rf /var/lib/apt/lists/*
`,
    related: ['size/package-cache-left', 'size/wasted-space'],
  },
  dockerfile: (ctx) => {
    /** Per stage: the caches an earlier RUN left, with the line of that RUN. */
    const left = new Map<number, Map<CacheKind, number>>();
    return {
      stage(stage) {
        left.set(stage.index, new Map(stage.parent ? left.get(stage.parent.index) : []));
      },
      RUN(ins) {
        if (ins.onbuild || !ins.stage) return;
        const dirty = left.get(ins.stage.index);
        if (!dirty) return;
        const cmds = runCommands(ins);
        const ships = layersShip(ctx.facts, ins);
        for (const [i, c] of cmds.entries()) {
          if (!ships) break;
          for (const kind of cacheCleaned(c)) {
            const line = dirty.get(kind);
            // the same RUN filled the cache before cleaning it: the cleanup is for that
            if (line === undefined || cmds.slice(0, i).some((e, j) => cacheFilled(e, ins, cmds.slice(0, j)) === kind)) continue;
            ctx.report({ messageId: 'later', data: { command: [c.base, ...c.argv].join(' ').slice(0, 60), kind: `${kind} (${CACHE_DIRS[kind][0]})`, line }, at: c });
            dirty.delete(kind);
          }
        }
        // a cache put elsewhere (`--cache DIR`) is not what a later rm of the default directory removes
        for (const l of cachesLeft(ins)) if (l.dir === null) dirty.set(l.kind, ins.range.line);
      },
    };
  },
});
