/** The image side of the peer-rule checks (correctness/no-healthcheck, reproducibility/dist-upgrade): small hand-built archives and a committed sample. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyzeImage } from '../../src/analyze.js';
import noHealthcheck from '../../checks/correctness/no-healthcheck.js';
import type { Check } from '../../src/engine/types.js';
import { dockerArchive } from './helpers.js';

const checks = [noHealthcheck as Check];

async function findings(config: Record<string, unknown>, history: Record<string, unknown>[]) {
  const data = await dockerArchive({ layers: [[{ name: 'bin/sh', body: '#!fake\n', mode: 0o755 }], [{ name: 'srv/app', body: 'x' }]], config: { history, config: { User: '10001', Cmd: ['/srv/app'], ...config } } });
  const { results } = await analyzeImage({ path: 'test.tar', data }, { checks });
  return results[0]!.findings;
}

const history = [
  { created_by: '/bin/sh -c #(nop) ADD file:base in / ' },
  { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
  { created_by: 'COPY app /srv/app # buildkit' },
  { created_by: 'EXPOSE map[8080/tcp:{}]', empty_layer: true },
];

describe('correctness/no-healthcheck on images', () => {
  it('an exposed port without a Healthcheck is reported on the config field, naming the EXPOSE', async () => {
    const fs = await findings({ ExposedPorts: { '8080/tcp': {} } }, history);
    expect(fs.map((f) => [f.messageId, f.severity, f.location.kind === 'image' ? f.location.field : ''])).toEqual([['imageMissing', 'info', 'Healthcheck']]);
    expect(fs[0]!.message).toContain('exposes 8080/tcp');
    expect(fs[0]!.message).toContain('EXPOSE');
  });

  it('a Healthcheck (NONE included) or nothing exposed is clean', async () => {
    expect(await findings({ ExposedPorts: { '8080/tcp': {} }, Healthcheck: { Test: ['NONE'] } }, history)).toEqual([]);
    expect(await findings({}, history.slice(0, 3))).toEqual([]);
  });

  it('the committed samples expose nothing, so none is reported', async () => {
    const { results } = await analyzeImage({ path: join(import.meta.dirname, '../../sample-images/built/good.docker.tar') }, { checks });
    expect(results[0]!.findings).toEqual([]);
  });
});

describe('reproducibility/dist-upgrade on images', () => {
  it('a history RUN with apt-get dist-upgrade is reported on its layer, saying whether the base or this build ran it', async () => {
    const { default: distUpgrade } = await import('../../checks/reproducibility/dist-upgrade.js');
    const h = [
      { created_by: '/bin/sh -c #(nop) ADD file:base in / ' },
      { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      { created_by: '/bin/sh -c apt-get update && apt-get -y dist-upgrade && rm -rf /var/lib/apt/lists/*' },
    ];
    const data = await dockerArchive({ layers: [[{ name: 'bin/sh', body: '#!fake\n', mode: 0o755 }], [{ name: 'etc/x', body: 'x' }]], config: { history: h } });
    const { results } = await analyzeImage({ path: 'test.tar', data }, { checks: [distUpgrade as Check] });
    const fs = results[0]!.findings;
    expect(fs.map((f) => [f.messageId, f.location.kind === 'image' ? f.location.layer : -1])).toEqual([['imageDistUpgrade', 1]]);
    expect(fs[0]!.message).toContain('this build');
    expect(fs[0]!.detail).toMatchObject({ fromBase: false });
  });
});
