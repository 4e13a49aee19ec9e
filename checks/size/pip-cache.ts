import { defineCheck } from '../../src/engine/types.js';
import { layersShip } from '../../src/dockerfile/stages.js';
import { cachesLeft, firstPerCache } from '../../src/dockerfile/run.js';
import { cacheReports } from '../../src/image/caches.js';
import { packageArgs } from '../../src/knowledge/packages.js';
import { insertAfter, safeFix } from '../../src/fix/edits.js';
import { written } from '../../src/fix/dockerfile-edits.js';

export default defineCheck({
  id: 'size/pip-cache',
  title: 'pip installs do not keep their download cache in the image',
  category: 'size',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3042'],
  messages: {
    pip: '`{command}` keeps every downloaded wheel in ~/.cache/pip, so the layer ships the packages twice; add --no-cache-dir (or set ENV PIP_NO_CACHE_DIR=1)',
    uv: '`{command}` keeps every downloaded wheel in ~/.cache/uv, so the layer ships the packages twice; add --no-cache (or set ENV UV_NO_CACHE=1)',
    elsewhere: '`{command}` keeps its cache in {dir}, which this RUN neither removes nor mounts, so the layer ships the packages twice; remove it at the end of the RUN or mount it with `--mount=type=cache,target={dir}`',
    image: '{what} left in {path}: {bytes} {origin} that nothing in the container reads; install with --no-cache-dir',
    imageBase: '{what} left in {path}: {bytes} {origin}; only a slimmer base (or a rebuilt one) removes it',
  },
  docs: {
    why: `pip keeps a copy of every wheel it downloads or builds in \`~/.cache/pip\` so the next install on the
same machine is faster. In an image build there is no next install: the cache is written into the
layer next to the installed packages, often doubling the size of a Python layer. \`uv pip install\`
does the same in \`~/.cache/uv\`.

Pass \`--no-cache-dir\` (pip also takes a prefix of it, \`--no-cache\`; uv: \`--no-cache\`), set \`ENV
PIP_NO_CACHE_DIR=1\` (\`UV_NO_CACHE=1\`) once for the stage, or keep the cache out of the layer and
across builds with \`RUN --mount=type=cache,target=/root/.cache/pip\`. A cache moved elsewhere
(\`--cache-dir\`, \`PIP_CACHE_DIR\` or \`UV_CACHE_DIR\` from ARG or ENV) is judged at that directory, so a
cache mount there counts. \`uv sync\`, \`uv add\` and \`uv tool install\` fill uv's cache as \`uv pip
install\` does. Stages whose files never reach the final image are not reported.`,
    bad: `FROM python:3.12-slim
COPY requirements.txt .
RUN pip install -r requirements.txt
`,
    good: `FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`,
    related: ['size/package-cache-left', 'cache/package-cache-mount'],
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      if (!layersShip(ctx.facts, ins)) return;
      for (const left of firstPerCache(cachesLeft(ins))) {
        if (left.kind !== 'pip' && left.kind !== 'uv') continue;
        const c = left.command;
        const command = [c.base, ...c.argv].join(' ').slice(0, 60);
        const sub = packageArgs(c)?.sub;
        const flag = left.kind === 'pip' ? '--no-cache-dir' : '--no-cache';
        const fix = ins.shell && sub && written(ctx.facts, sub) === sub.text ? safeFix(`Add ${flag}`, [insertAfter(sub, ` ${flag}`)]) : null;
        if (left.dir !== null) ctx.report({ messageId: 'elsewhere', data: { command, dir: left.dir }, at: c, fix });
        else ctx.report({ messageId: left.kind, data: { command }, at: c, fix });
      }
    },
  }),
  image: (ctx) => {
    for (const r of cacheReports(ctx, (kind) => kind === 'pip' || kind === 'uv')) ctx.report(r);
  },
});
