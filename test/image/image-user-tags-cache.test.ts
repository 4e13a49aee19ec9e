/**
 * The image side of user/*, tags/* and cache/context-copy-before-install on the committed buildah
 * samples (sample-images/built/), each read from its docker-archive and its oci-archive.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeImage } from '../../src/analyze.js';
import { checks } from '../../src/analyze.js';
import type { Finding } from '../../src/engine/types.js';

const built = join(import.meta.dirname, '../../sample-images/built');
const mine = /^(user\/|tags\/|cache\/)/;

async function run(name: string, format: 'docker' | 'oci', settings = {}): Promise<Finding[]> {
  const { results } = await analyzeImage({ path: join(built, `${name}.${format}.tar`) }, { checks, settings });
  return results[0]!.findings.filter((f) => mine.test(f.rule));
}
const shape = (f: Finding) => ({ rule: f.rule, messageId: f.messageId, severity: f.severity, ...(f.location.kind === 'image' ? { path: f.location.path, layer: f.location.layer, field: f.location.field } : {}) });

describe.each(['docker', 'oci'] as const)('%s-archive', (format) => {
  it('good: no user, tags or cache finding', async () => {
    expect((await run('good', format)).map(shape)).toEqual([]);
  });

  it('user-root: no USER anywhere, said so, naming the base', async () => {
    const fs = await run('user-root', format);
    expect(fs.map(shape)).toEqual([{ rule: 'user/root-user', messageId: 'imageNoUser', severity: 'warning', path: undefined, layer: undefined, field: 'User' }]);
    expect(fs[0]!.message).toContain('neither the base image localhost/busybox-base:1 nor this build has a USER');
    expect(fs[0]!.detail).toMatchObject({ fromBase: true, baseImage: 'localhost/busybox-base:1', user: '' });
  });

  it('user-named: a name (info), with the UID /etc/passwd gives it and the USER that set it', async () => {
    const fs = await run('user-named', format);
    expect(fs.map(shape)).toEqual([{ rule: 'user/named-user', messageId: 'imageNamed', severity: 'info', path: undefined, layer: undefined, field: 'User' }]);
    expect(fs[0]!.message).toContain('set by this build with USER app');
    expect(fs[0]!.message).toContain('set User to 10001 (its UID in /etc/passwd)');
  });

  it('user-missing: a name /etc/passwd does not have is an error pointing at /etc/passwd and its base layer', async () => {
    const fs = await run('user-missing', format);
    expect(fs.map(shape)).toEqual([
      { rule: 'user/named-user', messageId: 'imageNamed', severity: 'info', path: undefined, layer: undefined, field: 'User' },
      { rule: 'user/unknown-user', messageId: 'missingName', severity: 'error', path: '/etc/passwd', layer: 0, field: 'User' },
    ]);
    expect(fs[1]!.message).toContain('/etc/passwd, from the base image localhost/busybox-base:1 (layer 0), has no such user');
    expect(fs[0]!.message).toContain('set User to <uid>');
  });

  it('tags-latest: tagged only latest, and no version anywhere', async () => {
    const fs = await run('tags-latest', format);
    expect(fs.map(shape)).toEqual([
      { rule: 'tags/latest-tag', messageId: 'imageLatest', severity: 'warning', path: undefined, layer: undefined, field: 'RepoTags' },
      { rule: 'tags/no-version', messageId: 'noVersion', severity: 'info', path: undefined, layer: undefined, field: 'Labels' },
    ]);
    expect(fs[0]!.message).toContain('tagged only shipshape-sample/tags-latest:latest');
  });

  it('cache-context-copy: the COPY . . layer before the npm ci layer, from the history', async () => {
    const fs = await run('cache-context-copy', format);
    expect(fs.map(shape)).toEqual([{ rule: 'cache/context-copy-before-install', messageId: 'imageCopyBeforeInstall', severity: 'warning', path: undefined, layer: 2, field: undefined }]);
    expect(fs[0]!.message).toMatch(/^layer 2 \(COPY dir:[0-9a-f]{12}… in \.\) copies the whole build context before layer 3 runs `npm ci`/);
    expect(fs[0]!.detail).toMatchObject({ fromBase: false, installLayer: 3, baseImage: 'localhost/busybox-base:1' });
  });
});

const corpus = join(import.meta.dirname, '../../../shared/corpus/images');
describe.skipIf(!existsSync(corpus))("dockle's fixtures (what dockle asserts about the user, and where shipshape differs on purpose)", () => {
  const of = async (file: string) => {
    const { results } = await analyzeImage({ path: join(corpus, file) }, { checks });
    return results[0]!.findings.filter((f) => mine.test(f.rule));
  };
  it('scratch: USER scratch is set (CIS-DI-0001 passes), but with no /etc/passwd the name cannot resolve (dockle skips DKL-LI-0001/2)', async () => {
    const fs = await of('dockle-scratch.tar');
    expect(fs.filter((f) => f.rule === 'user/root-user')).toEqual([]);
    expect(fs.filter((f) => f.rule === 'user/unknown-user').map((f) => [f.messageId, f.severity])).toEqual([['noPasswd', 'error']]);
    expect(fs.filter((f) => f.rule === 'tags/latest-tag').map((f) => f.messageId)).toEqual(['imageLatest']);
  });
  it('alpine 3.10 and symbolic: user empty, root (CIS-DI-0001 catches); versioned tags', async () => {
    for (const file of ['dockle-alpine-310.tar.gz', 'dockle-symbolic.tar']) {
      const fs = await of(file);
      expect(fs.map((f) => [f.rule, f.messageId]), file).toEqual([['user/root-user', 'imageNoUser']]);
    }
    expect((await of('dockle-alpine-310.tar.gz'))[0]!.message).toContain('no USER in its history');
  });
});

describe('cache/context-copy-before-install from a BuildKit history', () => {
  async function image(history: string[]) {
    const { dockerArchive } = await import('./helpers.js');
    const layers = history.filter((h) => !/^(WORKDIR|USER|CMD)|#\(nop\) CMD/.test(h)).map((_, i) => [{ name: `l${i}/f`, body: String(i) }]);
    const data = await dockerArchive({
      layers,
      config: {
        config: { User: '1000', Cmd: ['node', 'server.js'], Labels: { 'org.opencontainers.image.version': '1' } },
        history: history.map((h) => ({ created_by: h, ...(/^(WORKDIR|USER|CMD)|#\(nop\) CMD/.test(h) ? { empty_layer: true } : {}) })),
      },
    });
    const { results } = await analyzeImage({ path: 'app.tar', data }, { checks });
    return results[0]!.findings.filter((f) => f.rule === 'cache/context-copy-before-install');
  }
  const base = ['/bin/sh -c #(nop) ADD file:0f1e in / ', '/bin/sh -c #(nop) CMD ["node"]', 'WORKDIR /app'];

  it('fires on COPY . . before npm ci, at the COPY layer', async () => {
    const fs = await image([...base, 'COPY . . # buildkit', 'RUN /bin/sh -c npm ci --omit=dev # buildkit', 'USER 1000', 'CMD ["node" "server.js"]']);
    expect(fs.map((f) => [f.messageId, f.location.kind === 'image' ? f.location.layer : null])).toEqual([['imageCopyBeforeInstall', 1]]);
    expect(fs[0]!.message).toBe('layer 1 (COPY . .) copies the whole build context before layer 2 runs `npm ci`, so any source change invalidates the cache and every dependency is downloaded again');
  });

  it('is silent when the manifests are copied and installed first', async () => {
    expect(await image([...base, 'COPY package.json package-lock.json ./ # buildkit', 'RUN /bin/sh -c npm ci # buildkit', 'COPY . . # buildkit', 'USER 1000'])).toEqual([]);
  });

  it("ignores the base image's own layers", async () => {
    const fromBase = ['/bin/sh -c #(nop) ADD file:0f1e in / ', '/bin/sh -c #(nop) COPY dir:aaaa in . ', '/bin/sh -c pip install -r requirements.txt', '/bin/sh -c #(nop) CMD ["python"]', 'COPY app.py /app/app.py # buildkit'];
    expect(await image(fromBase)).toEqual([]);
  });
});

describe('tags/no-version: a version label the base image set', () => {
  async function image(history: { created_by: string; empty_layer?: boolean }[], tags: string[]) {
    const { dockerArchive } = await import('./helpers.js');
    const data = await dockerArchive({
      layers: history.filter((h) => !h.empty_layer).map((_, i) => [{ name: `l${i}/f`, body: String(i) }]),
      tags,
      config: { config: { User: '1000', Cmd: ['/app'], Labels: { 'org.opencontainers.image.version': '24.04' } }, history },
    });
    const { results } = await analyzeImage({ path: 'app.tar', data }, { checks });
    return results[0]!.findings.filter((f) => f.rule === 'tags/no-version');
  }
  const ubuntu = [
    { created_by: '/bin/sh -c #(nop)  LABEL org.opencontainers.image.version=24.04', empty_layer: true },
    { created_by: '/bin/sh -c #(nop) ADD file:aaa in / ' },
    { created_by: '/bin/sh -c #(nop)  CMD ["/bin/bash"]', empty_layer: true },
    { created_by: 'COPY app /app # buildkit' },
  ];
  it("is reported: it names the base's version, not this build's", async () => {
    const fs = await image(ubuntu, ['acme/app:latest']);
    expect(fs.map((f) => [f.messageId, f.severity])).toEqual([['baseVersion', 'info']]);
    expect(fs[0]!.message).toContain('(24.04) was set by the base image');
  });
  it('is silent when this build sets the label again, or the image has a version tag', async () => {
    expect(await image([...ubuntu, { created_by: 'LABEL org.opencontainers.image.version=1.4.2', empty_layer: true }], ['acme/app:latest'])).toEqual([]);
    expect(await image(ubuntu, ['acme/app:1.4.2'])).toEqual([]);
  });
});

describe('the config user against hand-made account files', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0:alias:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n';
  const group = 'root:x:0:\napp:x:10001:\n';
  async function userFindings(user: string) {
    const { dockerArchive } = await import('./helpers.js');
    const data = await dockerArchive({
      layers: [[{ name: 'etc/passwd', body: passwd }, { name: 'etc/group', body: group }], [{ name: 'app/run', body: 'x' }]],
      config: { config: { User: user, Cmd: ['/app/run'] } },
    });
    const { results } = await analyzeImage({ path: 'app.tar', data }, { checks });
    // toor shares UID 0 with root: user/duplicate-ids says so once per image, whatever the User.
    const dup = results[0]!.findings.filter((f) => f.rule === 'user/duplicate-ids');
    expect(dup.map((f) => [f.messageId, f.severity, f.detail?.names])).toEqual([['sharedRoot', 'warning', 'root,toor']]);
    return results[0]!.findings.filter((f) => f.rule.startsWith('user/') && f.rule !== 'user/duplicate-ids').map((f) => [f.rule, f.messageId, f.severity]);
  }
  it.each([
    ['', [['user/root-user', 'imageNoUser', 'warning']]],
    ['0', [['user/root-user', 'imageRoot', 'warning']]],
    ['root', [['user/root-user', 'imageRoot', 'warning']]],
    ['0:0', [['user/root-user', 'imageRoot', 'warning']]],
    ['toor', [['user/root-user', 'imageRoot', 'warning']]],
    ['10001', []],
    ['10001:10001', []],
    ['app', [['user/named-user', 'imageNamed', 'info']]],
    ['20000', [['user/unknown-user', 'missingUid', 'info']]],
    ['10001:staff', [['user/unknown-user', 'missingGroup', 'error']]],
    ['ghost', [['user/named-user', 'imageNamed', 'info'], ['user/unknown-user', 'missingName', 'error']]],
  ])('User %j', async (user, want) => {
    expect(await userFindings(user)).toEqual(want);
  });
});
