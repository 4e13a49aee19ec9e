/** size/package-cache-left and size/pip-cache on image archives: caches in the final file system, by layer and origin. */
import { describe, expect, it } from 'vitest';
import { analyzeImage } from '../../src/analyze.js';
import cacheLeft from '../../checks/size/package-cache-left.js';
import pipCache from '../../checks/size/pip-cache.js';
import type { Check } from '../../src/engine/types.js';
import { dockerArchive } from './helpers.js';

async function findings(check: Check, data: Buffer) {
  const { results } = await analyzeImage({ path: 'img.tar', data }, { checks: [check] });
  return results[0]!.findings.map((f) => ({
    messageId: f.messageId,
    severity: f.severity,
    layer: f.location.kind === 'image' ? f.location.layer : undefined,
    path: f.location.kind === 'image' ? f.location.path : undefined,
    message: f.message,
  }));
}

const history = [
  { created_by: '/bin/sh -c #(nop) ADD file:abc in /' },
  { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
  { created_by: 'RUN /bin/sh -c apk add curl # buildkit' },
  { created_by: 'RUN /bin/sh -c pip install flask # buildkit' },
  { created_by: 'RUN /bin/sh -c rm -rf /var/cache/apk/* # buildkit' },
];

describe('package caches in an image', () => {
  const image = dockerArchive({
    layers: [
      [
        { name: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', body: 'p'.repeat(20_000) },
        { name: 'var/lib/apt/lists/lock', body: '' },
      ],
      [{ name: 'var/cache/apk/APKINDEX.4a9.tar.gz', body: 'i'.repeat(9000) }, { name: 'usr/bin/curl', body: 'c' }],
      [{ name: 'root/.cache/pip/http-v2/a/b/c', body: 'w'.repeat(50_000) }, { name: 'usr/lib/python3/site-packages/flask/__init__.py', body: 'f' }],
      [{ name: 'etc/motd', body: 'hi' }],
    ],
    config: { history },
  });

  it('reports the build\'s caches as warnings with layer and step, the base image\'s as info', async () => {
    const fs = await findings(cacheLeft as Check, await image);
    expect(fs.map(({ messageId, severity, layer, path }) => [messageId, severity, layer, path])).toEqual([
      ['imageBase', 'info', 0, '/var/lib/apt/lists'],
      ['image', 'warning', 1, '/var/cache/apk'],
    ]);
    expect(fs[0]!.message).toMatch(/^apt package lists left in \/var\/lib\/apt\/lists: 19\.5 KiB from the base image/);
    expect(fs[1]!.message).toMatch(/^apk cache left in \/var\/cache\/apk: 8\.8 KiB added by this build in layer 1 \(RUN apk add curl\)/);
  });

  it('reports the pip cache under size/pip-cache', async () => {
    const fs = await findings(pipCache as Check, await image);
    expect(fs.map(({ messageId, severity, layer, path }) => [messageId, severity, layer, path])).toEqual([['image', 'warning', 2, '/root/.cache/pip']]);
    expect(fs[0]!.message).toContain('RUN pip install flask');
  });

  it('ignores caches a later layer deleted and bookkeeping files', async () => {
    const data = await dockerArchive({
      layers: [
        [{ name: 'var/lib/apt/lists/lock', body: '' }, { name: 'var/lib/apt/lists/partial/x', body: 'p'.repeat(8000) }, { name: 'bin/sh', body: 's' }],
        [{ name: 'var/cache/apk/APKINDEX.4a9.tar.gz', body: 'i'.repeat(9000) }],
        [{ name: 'var/cache/apk/.wh.APKINDEX.4a9.tar.gz' }],
      ],
    });
    expect(await findings(cacheLeft as Check, data)).toEqual([]);
  });
});
