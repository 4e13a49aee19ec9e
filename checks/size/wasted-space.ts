import { defineCheck } from '../../src/engine/types.js';
import type { ImageFacts, ShadowedFile } from '../../src/image/facts.js';
import { humanBytes as human } from '../../src/image/bytes.js';
import { baseSeverity, layerOrigin } from '../../src/image/origin.js';
import { shortCreatedBy } from '../../src/image/history.js';

/** dive's default CI gates: efficiency below 0.9 or more than 10% of the build's bytes wasted. */
const LOWEST_EFFICIENCY = 0.9;
const HIGHEST_USER_WASTED = 0.1;
/** Below this many wasted bytes in all, a low ratio is noise (tiny images). */
const FLOOR = 1024;
/** A single layer hiding this much is reported whatever the ratios say. */
const BIG_LAYER = 10 * 1024 * 1024;

function biggest(image: ImageFacts, layer: number): ShadowedFile | undefined {
  return image.shadowed.filter((s) => s.layer === layer).sort((a, b) => b.size - a.size)[0];
}

export default defineCheck({
  id: 'size/wasted-space',
  title: 'Files are not deleted or overwritten in a later layer',
  category: 'size',
  severity: 'warning',
  messages: {
    wasted: 'layer {layer} ({createdBy}) ships {bytes} that layer {hiddenBy} {how}, largest {path}; the bytes stay in the image (efficiency {score}%)',
    wastedBase: 'base image{base} layer {layer} ships {bytes} that later layers hide, largest {path}; only a slimmer base removes it',
    summary: '{size} in {count} ({base} from the base image); efficiency {score}%, {wasted} duplicated or hidden across layers',
  },
  docs: {
    why: `Every layer ships whole. A file that one \`RUN\` downloads and a later \`RUN\` deletes, or that a
later step copies again, is still in the lower layer: it is pulled, stored and scanned on every node,
while nobody can see it in the container. Clean up in the same \`RUN\` that made the mess, change
permissions with \`COPY --chmod\` instead of a \`chmod\` layer, and copy build outputs once, from a
build stage. The figures follow dive's definitions (efficiency, wasted bytes), so its CI gates
(efficiency below 90%, more than 10% of this build's bytes wasted) give the same verdict.`,
    bad: `FROM debian:bookworm-slim
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt
RUN rm /tmp/tool.tgz
`,
    good: `FROM debian:bookworm-slim
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt && rm /tmp/tool.tgz
`,
    related: [],
  },
  image: (ctx) => {
    const img = ctx.image;
    const eff = img.efficiency;
    const score = (eff.score * 100).toFixed(1);
    const base = img.layers.filter((l) => l.fromBase).length;
    // The figures are context for waste; an image that wastes nothing has no problem to report.
    if (eff.wastedBytes > 0) ctx.report({
      messageId: 'summary',
      severity: 'info',
      data: { size: human(eff.sizeBytes), count: img.layers.length === 1 ? '1 layer' : `${img.layers.length} layers`, base, score, wasted: human(eff.wastedBytes) },
      image: {},
      detail: { sizeBytes: eff.sizeBytes, layers: img.layers.length, efficiency: eff.score, wastedBytes: eff.wastedBytes },
    });
    const gate = eff.wastedBytes >= FLOOR && (eff.score < LOWEST_EFFICIENCY || eff.wastedUserPercent > HIGHEST_USER_WASTED);
    for (const layer of img.layers) {
      if (layer.wastedBytes === 0 || !(gate || layer.wastedBytes >= BIG_LAYER)) continue;
      const top = biggest(img, layer.index);
      if (!top) continue;
      const data = { layer: layer.index, bytes: human(layer.wastedBytes), path: top.path, hiddenBy: top.hiddenBy, how: top.how === 'deleted' ? 'deleted' : 'overwrote', score, createdBy: shortCreatedBy(layer.createdBy) || 'no history' };
      const detail = { wastedBytes: layer.wastedBytes, diffId: layer.diffId };
      const origin = layerOrigin(ctx, layer.index);
      // The base image's waste is info (only a slimmer base removes it) unless --base-findings asks otherwise.
      if (origin.fromBase) ctx.report({ messageId: 'wastedBase', severity: baseSeverity(ctx, origin), data: { ...data, base: origin.base ? ` ${origin.base}` : '' }, image: { layer: layer.index, path: top.path }, detail });
      else ctx.report({ messageId: 'wasted', data, image: { layer: layer.index, path: top.path }, detail });
    }
  },
});
