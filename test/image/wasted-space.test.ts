/** size/wasted-space on real archives: dive's test image, a clean one, base-image waste. */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeImage } from '../../src/analyze.js';
import check from '../../checks/size/wasted-space.js';
import type { Check } from '../../src/engine/types.js';
import { dockerArchive } from './helpers.js';

const corpus = join(import.meta.dirname, '../../../shared/corpus/images');

async function findings(target: { path: string; data?: Buffer }) {
  const { results } = await analyzeImage(target, { checks: [check as Check] });
  return results[0]!.findings.map((f) => ({
    messageId: f.messageId,
    severity: f.severity,
    layer: f.location.kind === 'image' ? f.location.layer : undefined,
    path: f.location.kind === 'image' ? f.location.path : undefined,
    message: f.message,
  }));
}

describe('size/wasted-space', () => {
  it.skipIf(!existsSync(corpus))('reports each layer whose files later layers hide in dive\'s test image', async () => {
    const fs = await findings({ path: join(corpus, 'dive-test-docker-image.tar') });
    expect(fs.map(({ messageId, severity, layer, path }) => [messageId, severity, layer, path])).toEqual([
      ['summary', 'info', undefined, undefined],
      ['wasted', 'warning', 3, '/root/example/somefile1.txt'],
      ['wasted', 'warning', 4, '/root/example/somefile1.txt'],
      ['wasted', 'warning', 5, '/root/example/somefile2.txt'],
      ['wasted', 'warning', 6, '/root/example/somefile3.txt'],
      ['wasted', 'warning', 7, '/root/saved.txt'],
    ]);
    expect(fs[0]!.message).toBe('1.2 MiB in 14 layers (1 from the base image); efficiency 98.4%, 31.3 KiB duplicated or hidden across layers');
    expect(fs[1]!.message).toBe(
      'layer 3 (RUN cp /somefile.txt /root/example/somefile1.txt) ships 6.3 KiB that layer 4 overwrote, largest /root/example/somefile1.txt; the bytes stay in the image (efficiency 98.4%)',
    );
  });

  it('reports nothing for an image without waste (a clean image has no problem, not "1 problem")', async () => {
    const data = await dockerArchive({ layers: [[{ name: 'app/server', body: 'x'.repeat(5000) }], [{ name: 'app/config', body: 'y' }]] });
    expect((await findings({ path: 'clean.tar', data })).map((f) => f.messageId)).toEqual([]);
  });

  it('reports waste in base-image layers as info, naming the base', async () => {
    const big = 'z'.repeat(4096);
    const data = await dockerArchive({
      layers: [[{ name: 'opt/cache.bin', body: big }], [{ name: 'opt/.wh.cache.bin' }], [{ name: 'app/server', body: 'x' }]],
      config: {
        history: [
          { created_by: '/bin/sh -c #(nop) ADD file:abc in /' },
          { created_by: '/bin/sh -c rm /opt/cache.bin' },
          { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
          { created_by: 'COPY server /app/server # buildkit' },
        ],
      },
    });
    const fs = await findings({ path: 'base.tar', data });
    expect(fs.map(({ messageId, severity, layer, path }) => [messageId, severity, layer, path])).toEqual([
      ['summary', 'info', undefined, undefined],
      ['wastedBase', 'info', 0, '/opt/cache.bin'],
    ]);
  });
});
