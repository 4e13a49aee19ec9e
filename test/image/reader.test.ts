/** The image archive reader on real peer fixtures and on archives broken on purpose. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readImages, ImageReadError } from '../../src/image/read-images.js';
import type { ImageFacts } from '../../src/image/facts.js';
import { dockerArchive, packTar, sha, type Member } from './helpers.js';

const corpus = join(import.meta.dirname, '../../../shared/corpus/images');
const haveCorpus = existsSync(corpus);
if (!haveCorpus) console.warn(`skipping the image corpus tests: ${corpus} is absent`);
const fixture = (name: string): string => join(corpus, name);

async function one(path: string, opts = {}): Promise<ImageFacts> {
  const imgs = await readImages({ path }, opts);
  expect(imgs).toHaveLength(1);
  return imgs[0]!;
}

/** The error a broken archive gives, as the CLI shows it. */
async function failure(data: Buffer, opts = {}): Promise<string> {
  try {
    await readImages({ path: 'bad.tar', data }, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ImageReadError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg.startsWith('bad.tar: ')).toBe(true);
    return msg;
  }
  throw new Error('the archive was read without error');
}

describe.skipIf(!haveCorpus)('peer fixtures', () => {
  it('dive-test-docker-image.tar: legacy docker save, 14 layers, dive\'s own efficiency figures', async () => {
    const img = await one(fixture('dive-test-docker-image.tar'));
    expect(img.format).toBe('docker-archive');
    expect(img.tags).toEqual(['dive-test:latest']);
    expect(img.layers).toHaveLength(14);
    expect(img.config.user).toBe('');
    expect(img.platform).toBe('linux/amd64');
    // The figures dive's image_archive_analysis_test.go asserts for this file.
    expect(img.efficiency.score).toBe(0.9844212134184309);
    expect(img.efficiency.wastedBytes).toBe(32025);
    expect(img.efficiency.sizeBytes).toBe(1220598);
    expect(img.efficiency.userSizeBytes).toBe(66237);
    expect(img.efficiency.wastedUserPercent).toBeCloseTo(0.4834911001404049, 15);
    expect(img.efficiency.inefficiencies.map((i) => i.path)).toEqual(['/root/example/somefile1.txt', '/root/saved.txt', '/root/example/somefile3.txt']);
    // Whiteouts: the directory /root/example was removed by `rm -rf`, saved.txt survives.
    expect(img.files.has('/root/example')).toBe(false);
    expect(img.files.has('/root/example/somefile1.txt')).toBe(false);
    expect(img.files.get('/root/saved.txt')).toMatchObject({ type: 'file', size: 6405, layer: 13 });
    expect(img.files.get('/bin/[[')).toMatchObject({ type: 'hardlink', linkTarget: '/bin/[' });
    expect(img.shadowed.filter((s) => s.path === '/root/example/somefile2.txt')).toMatchObject([{ layer: 5, hiddenBy: 9, how: 'deleted' }]);
    expect(img.layers.map((l) => l.wastedBytes)).toEqual([0, 0, 0, 6405, 6405, 6405, 6405, 6405, 0, 0, 0, 0, 0, 0]);
    // busybox's ADD and its CMD are the base; everything after is this build.
    expect(img.layers.map((l) => l.fromBase)).toEqual([true, ...Array(13).fill(false)]);
    expect(img.layers[3]!.createdBy).toBe('/bin/sh -c cp /somefile.txt /root/example/somefile1.txt');
    expect(img.captured.get('/etc/passwd')).toMatch(/^root:x:0:0:/);
  });

  it('dive-test-kaniko-image.tar: flat kaniko archive with gzip layers', async () => {
    const img = await one(fixture('dive-test-kaniko-image.tar'));
    expect(img.tags).toEqual(['dive-test:kaniko-latest']);
    expect(img.layers).toHaveLength(14);
    expect(img.layers.every((l) => l.compression === 'gzip')).toBe(true);
    expect(img.id).toBe('sha256:ae16a51058a758c7963b2f9b23d1acfa201ce9cbefc8cb93845f8cd934fb144d');
    expect(img.layers[0]!.digest).toBe('sha256:5c4213be9af904dd74649d250f22023f532b2f9179ffcb15260b5eaa10d7a3b4');
    expect(img.layers[0]!.diffId).toBe('sha256:84009204da3f70b09d2be3914e12844ae9db893aa85ef95df83604f95df05187');
    expect(img.files.has('/root/example')).toBe(false);
    // kaniko's build copied a different README (9249 bytes): the same five wasted copies as the Docker build.
    expect(img.files.get('/root/saved.txt')).toMatchObject({ size: 9249, layer: 13 });
    expect(img.efficiency.wastedBytes).toBe(5 * 9249);
    expect(img.efficiency.score).toBe(0.9793688490216431);
    expect(img.layers[2]!.createdBy).toBe('RUN mkdir -p /root/example/really/nested');
    expect(img.layers.map((l) => l.fromBase)).toEqual([true, ...Array(13).fill(false)]);
  });

  it('dive-test-oci-zstd-image.tar: OCI layout, index.json last, zstd layer', async () => {
    const img = await one(fixture('dive-test-oci-zstd-image.tar'));
    expect(img.format).toBe('oci');
    expect(img.platform).toBe('linux/arm64');
    expect(img.layers).toMatchObject([{ compression: 'zstd', size: 11189, createdBy: 'COPY README.md /README.md # buildkit' }]);
    expect([...img.files.keys()]).toEqual(['/README.md']);
    expect(img.history[0]!.comment).toBe('buildkit.dockerfile.v0');
  });

  it('ggcr-hello-world-v25.tar: Docker 25 save (OCI layout + manifest.json, null index)', async () => {
    const img = await one(fixture('ggcr-hello-world-v25.tar'));
    expect(img.format).toBe('docker-archive');
    expect(img.tags).toEqual([]);
    expect(img.config.cmd).toEqual(['/hello']);
    expect(img.files.get('/hello')).toMatchObject({ type: 'file', size: 9136, mode: 0o755 });
  });

  it('ggcr-test_link.tar: two images, one layer.tar a symlink', async () => {
    const imgs = await readImages({ path: fixture('ggcr-test_link.tar') });
    expect(imgs.map((i) => i.tags)).toEqual([['bazel/v1/tarball:test_image_1'], ['bazel/v1/tarball:test_image_3']]);
    expect(imgs.map((i) => i.path.replace(/.*#/, ''))).toEqual(['bazel/v1/tarball:test_image_1', 'bazel/v1/tarball:test_image_3']);
    expect(imgs.map((i) => i.layers.length)).toEqual([1, 2]);
    expect([...imgs[1]!.files.keys()].sort()).toEqual(['/bar', '/foo', '/test']);
    const chosen = await readImages({ path: fixture('ggcr-test_link.tar') }, { imageRef: 'bazel/v1/tarball:test_image_3' });
    expect(chosen.map((i) => i.tags[0])).toEqual(['bazel/v1/tarball:test_image_3']);
    await expect(readImages({ path: fixture('ggcr-test_link.tar') }, { imageRef: 'nope:1' })).rejects.toThrow(
      /: no image nope:1 in the archive \(it has bazel\/v1\/tarball:test_image_1, bazel\/v1\/tarball:test_image_3\)$/,
    );
  });

  it('dockle-symbolic.tar: opaque whiteout, setuid churn, symlinked last layer', async () => {
    const img = await one(fixture('dockle-symbolic.tar'));
    expect(img.tags).toEqual(['goodwithtech/dockle-test:v3']);
    expect(img.layers).toHaveLength(9);
    expect(img.files.get('/app/suid.txt')!.mode & 0o4000).toBe(0o4000);
    expect(img.files.get('/app/gid.txt')!.mode & 0o2000).toBe(0o2000);
    expect(img.files.get('/app/once-suid.txt')!.mode & 0o6000).toBe(0);
    expect(img.files.get('/app/credentials.json')).toMatchObject({ size: 23, layer: 1 });
    expect(img.captured.has('/app/credentials.json')).toBe(true);
    expect(img.layers.filter((l) => l.digest === img.layers[8]!.digest)).toHaveLength(2);
    expect(img.layers.map((l) => l.fromBase)).toEqual([true, ...Array(8).fill(false)]);
  });

  it('dockle-scratch.tar: FROM scratch, USER scratch, one file', async () => {
    const img = await one(fixture('dockle-scratch.tar'));
    expect(img.tags).toEqual(['scratchtest2:latest']);
    expect(img.config.user).toBe('scratch');
    expect(img.config.healthcheck).toBeNull();
    expect([...img.files.keys()]).toEqual(['/credentials.json']);
    expect(img.captures).toMatchObject([{ path: '/credentials.json', layer: 0, visible: true, truncated: false }]);
    expect(img.layers.map((l) => l.fromBase)).toEqual([false]);
  });

  it('dockle-alpine-310.tar.gz: a whole archive gzipped', async () => {
    const img = await one(fixture('dockle-alpine-310.tar.gz'));
    expect(img.tags).toEqual(['alpine:3.10']);
    expect(img.layers).toHaveLength(1);
    expect(img.files.size).toBe(482);
    expect(img.config.cmd).toEqual(['/bin/sh']);
    expect(img.files.get('/bin/ls')).toMatchObject({ type: 'symlink', linkTarget: '/bin/busybox' });
    expect(img.captured.get('/etc/os-release')).toContain('VERSION_ID=3.10.4');
    expect(img.captured.get('/lib/apk/db/installed')).toContain('P:musl');
    expect(img.captured.get('/etc/shadow')).toMatch(/^root:!:/);
  });

  it('reads the same archive from memory (stdin) as from a file', async () => {
    const path = fixture('dive-test-kaniko-image.tar');
    const [fromData] = await readImages({ path: '<stdin>', data: readFileSync(path) });
    const fromFile = await one(path);
    expect(fromData!.layers.map((l) => l.diffId)).toEqual(fromFile.layers.map((l) => l.diffId));
    expect(fromData!.files.size).toBe(fromFile.files.size);
  });

  it('rejects a truncated archive', async () => {
    const buf = readFileSync(fixture('dive-test-docker-image.tar'));
    expect(await failure(buf.subarray(0, 700_000))).toMatch(/^bad\.tar: truncated tar stream \(unexpected end of data\) after /);
  });

  it('rejects a gzipped archive whose stream is cut', async () => {
    const buf = readFileSync(fixture('dockle-alpine-310.tar.gz'));
    expect(await failure(buf.subarray(0, 100_000))).toMatch(/^bad\.tar: truncated gzip stream \(unexpected end of file\)/);
  });


  it('rejects a manifest.json that lists no image (was: exit 0, "No problems in 0 targets")', async () => {
    const data = await packTar([{ name: 'manifest.json', body: '[]' }]);
    expect(await failure(data)).toBe('bad.tar: manifest.json lists no image');
  });

  it('rejects a root file-system tar that is not an image', async () => {
    const data = await packTar([{ name: 'README.md', body: '# hi\n' }]);
    expect(await failure(data)).toBe('bad.tar: not an image archive: no manifest.json or index.json (it looks like a plain file-system tar)');
  });
});

describe('archives built by hand', () => {
  const layers: Member[][] = [
    [
      { name: 'etc/', type: 'directory' },
      { name: 'etc/passwd', body: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n' },
      { name: 'a/', type: 'directory' },
      { name: 'a/x', body: 'x'.repeat(100) },
      { name: 'a/y', body: 'y'.repeat(50) },
      { name: 'b/', type: 'directory' },
      { name: 'b/z', body: 'z'.repeat(10) },
      { name: 'root/.ssh/id_rsa', body: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n' },
    ],
    [
      { name: 'a/.wh..wh..opq' },
      { name: 'a/new', body: 'n' },
      { name: 'b/.wh.z' },
      { name: 'root/.ssh/.wh.id_rsa' },
      { name: 'app/run', body: '#!/bin/sh\nexec node server.js\n', mode: 0o755 },
    ],
  ];

  it('applies opaque directories and whiteouts, keeps what deleted layers still ship', async () => {
    for (const gzipLayers of [false, true]) {
      const [img] = await readImages({ path: 'img.tar', data: await dockerArchive({ layers, gzipLayers }) });
      expect([...img!.files.keys()].sort()).toEqual(['/a', '/a/new', '/app/run', '/b', '/etc', '/etc/passwd']);
      expect(img!.shadowed.map((s) => [s.path, s.layer, s.hiddenBy, s.how])).toEqual([
        ['/a/x', 0, 1, 'deleted'],
        ['/a/y', 0, 1, 'deleted'],
        ['/b/z', 0, 1, 'deleted'],
        ['/root/.ssh/id_rsa', 0, 1, 'deleted'],
      ]);
      expect(img!.layers.map((l) => l.wastedBytes)).toEqual([100 + 50 + 10 + 40, 0]);
      expect(img!.layers.map((l) => l.compression)).toEqual(gzipLayers ? ['gzip', 'gzip'] : ['none', 'none']);
      expect(img!.captures.find((c) => c.path === '/root/.ssh/id_rsa')).toMatchObject({ layer: 0, visible: false });
      expect(img!.captured.has('/root/.ssh/id_rsa')).toBe(false);
      expect(img!.captured.get('/app/run')).toBe('#!/bin/sh\nexec node server.js\n');
      expect(img!.config).toMatchObject({ user: 'app', cmd: ['/app/run'] });
      expect(img!.tags).toEqual(['demo:1.0']);
    }
  });

  it('merges layers that write a directory again, overwrite files and delete a tree built over several layers', async () => {
    const data = await dockerArchive({
      layers: [
        [
          { name: 'srv/', type: 'directory' },
          { name: 'srv/a', body: 'a'.repeat(10) },
          { name: 'srv/d/', type: 'directory' },
          { name: 'srv/d/x', body: 'x'.repeat(20) },
          { name: 'keep', body: 'k'.repeat(5) },
        ],
        // Writes srv/ again (a directory keeps its place), adds under it, overwrites keep.
        [{ name: 'srv/', type: 'directory', mode: 0o700 }, { name: 'srv/b', body: 'b'.repeat(30) }, { name: 'keep', body: 'K'.repeat(7) }],
        // Deletes the whole tree: what lies under it first, depth first, in the order it was added.
        [{ name: '.wh.srv' }, { name: 'new', body: 'n' }],
      ],
    });
    const [img] = await readImages({ path: 'img.tar', data });
    expect([...img!.files.keys()]).toEqual(['/keep', '/new']);
    expect(img!.files.get('/keep')).toMatchObject({ size: 7, layer: 1 });
    expect(img!.shadowed.map((s) => [s.path, s.layer, s.hiddenBy, s.how])).toEqual([
      ['/keep', 0, 1, 'overwritten'],
      ['/srv/a', 0, 2, 'deleted'],
      ['/srv/d/x', 0, 2, 'deleted'],
      ['/srv/d', 0, 2, 'deleted'],
      ['/srv/b', 1, 2, 'deleted'],
      ['/srv', 1, 2, 'deleted'],
    ]);
    expect(img!.layers.map((l) => l.wastedBytes)).toEqual([10 + 20 + 5, 30, 0]);
    // Each path once: /keep written by two layers (5 then 7 bytes); the whiteout of /srv counts the
    // 60 bytes under it, as dive does; /srv/a, /srv/d/x, /srv/b and /new were written once.
    expect(img!.efficiency.inefficiencies.map((i) => [i.path, i.cumulativeSize, i.layers])).toEqual([['/keep', 12, [0, 1]]]);
    expect(img!.efficiency.score).toBe((5 + 60 + 10 + 20 + 30 + 1) / (12 + 60 + 10 + 20 + 30 + 1));
  });

  it('rejects a config whose name does not match its digest', async () => {
    const data = await dockerArchive({ layers }, (ms) => {
      const cfg = ms[0]!;
      const bad = '0'.repeat(64) + '.json';
      const manifest = ms.at(-1)!;
      manifest.body = String(manifest.body).replace(cfg.name, bad);
      cfg.name = bad;
      return ms;
    });
    expect(await failure(data)).toMatch(/^bad\.tar: config 0{64}\.json does not match its digest \(expected sha256:000000000000…, got sha256:[0-9a-f]{12}…\)$/);
  });

  it('rejects a layer whose content does not match the config\'s diff_ids', async () => {
    const data = await dockerArchive({ layers, config: { rootfs: { type: 'layers', diff_ids: [`sha256:${sha('a')}`, `sha256:${sha('b')}`] } } });
    expect(await failure(data)).toMatch(/^bad\.tar: layer layer0\/layer\.tar does not match rootfs\.diff_ids\[0\] \(expected sha256:ca978112ca1b…, got sha256:[0-9a-f]{12}…\)$/);
  });

  it('rejects an OCI blob whose bytes do not match its name', async () => {
    const cfg = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const manifest = JSON.stringify({ config: { digest: `sha256:${sha(cfg)}`, size: cfg.length }, layers: [] });
    const data = await packTar([
      { name: `blobs/sha256/${sha(cfg)}`, body: cfg.replace('amd64', 'arm64') },
      { name: `blobs/sha256/${sha(manifest)}`, body: manifest },
      { name: 'index.json', body: JSON.stringify({ manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(manifest)}` }] }) },
    ]);
    expect(await failure(data)).toMatch(/^bad\.tar: config blobs\/sha256\/[0-9a-f]{64} does not match its digest/);
  });

  it('rejects a missing layer and a missing config', async () => {
    const noLayer = await dockerArchive({ layers }, (ms) => ms.filter((m) => m.name !== 'layer1/layer.tar'));
    expect(await failure(noLayer)).toBe('bad.tar: layer layer1/layer.tar is missing from the archive');
    const noConfig = await dockerArchive({ layers }, (ms) => ms.filter((m) => !m.name.endsWith('.json') || m.name === 'manifest.json'));
    expect(await failure(noConfig)).toMatch(/^bad\.tar: config [0-9a-f]{64}\.json is missing from the archive$/);
  });

  it('rejects a malformed config', async () => {
    const data = await dockerArchive({ layers, config: { config: { User: 0 } } });
    expect(await failure(data)).toMatch(/^bad\.tar: config [0-9a-f]{64}\.json is malformed: config\.User is the number 0; it must be a string$/);
  });

  it('rejects `..` and absolute paths in the archive and in a layer', async () => {
    expect(await failure(await packTar([{ name: '../evil', body: 'x' }]))).toBe('bad.tar: entry "../evil" has a ".." component; refusing an archive that points outside itself');
    expect(await failure(await packTar([{ name: '/etc/evil', body: 'x' }]))).toBe('bad.tar: entry "/etc/evil" is an absolute path; refusing an archive that points outside itself');
    expect(await failure(await packTar([{ name: 'l/layer.tar', type: 'symlink', linkname: '../../x' }]))).toBe('bad.tar: link l/layer.tar -> ../../x points outside the archive');
    const inner = await dockerArchive({ layers: [[{ name: '../../etc/cron.d/x', body: 'x' }]] });
    expect(await failure(inner)).toBe('bad.tar: layer layer0/layer.tar: entry "../../etc/cron.d/x" has a ".." component');
  });

  it('rejects a corrupt gzip layer and names it', async () => {
    const data = await dockerArchive({ layers, gzipLayers: true }, (ms) => {
      const body = Buffer.from(ms[1]!.body as Buffer);
      body.fill(0x41, 12, 40);
      ms[1]!.body = body;
      return ms;
    });
    expect(await failure(data)).toMatch(/^bad\.tar: layer layer0\/layer\.tar\.gz: corrupt gzip stream \(/);
  });

  it('rejects a corrupt whole-archive gzip', async () => {
    const gz = gzipSync(await dockerArchive({ layers }));
    gz.fill(0xff, 20, 60);
    expect(await failure(gz)).toMatch(/^bad\.tar: (corrupt|truncated) gzip stream/);
  });

  async function multiPlatform(): Promise<Buffer> {
    const members: Member[] = [];
    const manifests = [];
    for (const arch of ['amd64', 'arm64']) {
      const layer = await packTar([{ name: `only-${arch}`, body: arch }]);
      const cfg = JSON.stringify({ architecture: arch, os: 'linux', config: { User: '1000' }, rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] } });
      const m = JSON.stringify({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(cfg)}`, size: cfg.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${sha(layer)}`, size: layer.length }],
      });
      members.push({ name: `blobs/sha256/${sha(layer)}`, body: layer }, { name: `blobs/sha256/${sha(cfg)}`, body: cfg }, { name: `blobs/sha256/${sha(m)}`, body: m });
      manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(m)}`, size: m.length, platform: { os: 'linux', architecture: arch } });
    }
    const nested = JSON.stringify({ mediaType: 'application/vnd.oci.image.index.v1+json', manifests });
    members.push({ name: `blobs/sha256/${sha(nested)}`, body: nested });
    members.push({
      name: 'index.json',
      body: JSON.stringify({
        manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${sha(nested)}`, annotations: { 'org.opencontainers.image.ref.name': 'demo:2.0' } }],
      }),
    });
    members.push({ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' });
    return packTar(members);
  }

  it('chooses a platform from a nested multi-platform index and says which', async () => {
    const data = await multiPlatform();
    const host = process.arch === 'arm64' ? 'arm64' : 'amd64';
    const [img] = await readImages({ path: 'multi.tar', data });
    expect(img!.platform).toBe(`linux/${host}`);
    expect(img!.tags).toEqual(['demo:2.0']);
    expect([...img!.files.keys()]).toEqual([`/only-${host}`]);
    expect(img!.notes).toEqual([`multi.tar (demo:2.0): multi-platform index with linux/amd64, linux/arm64; analyzing linux/${host} (the host's platform); choose another with --platform`]);
    const [arm] = await readImages({ path: 'multi.tar', data }, { platform: 'linux/arm64' });
    expect([...arm!.files.keys()]).toEqual(['/only-arm64']);
    expect(arm!.notes[0]).toContain('analyzing linux/arm64 (as asked with --platform)');
    expect(await failure(data, { platform: 'linux/s390x' })).toBe('bad.tar: no image for platform linux/s390x (the index has linux/amd64, linux/arm64)');
  });
});

describe('the capture budgets', () => {
  it('charges each small configuration file its path and the capture\'s own cost, not only its text: 20,000 files of 100 bytes stop at 2 MiB', async () => {
    const files: Member[] = Array.from({ length: 20_000 }, (_, i) => ({ name: `srv/d${Math.floor(i / 1000)}/file-${i}.json`, body: `{"n":${String(i).padStart(94, '0')}}` }));
    const [img] = await readImages({ path: 'many.tar', data: await dockerArchive({ layers: [files] }) });
    expect(img!.files.size).toBe(20_000);
    const kept = img!.captures.filter((c) => c.path.startsWith('/srv/'));
    // Admitted in archive order while the budget has anything left, each charged 100 bytes of
    // text, its path and 256 bytes: about 5,600 files, where counting the text alone kept 20,000.
    let left = 2 * 1024 * 1024;
    let expected = 0;
    for (const f of files) {
      if (left <= 0) break;
      left -= 100 + f.name.length + 256;
      expected++;
    }
    expect(expected).toBeLessThan(6_000);
    expect(kept.map((c) => c.path)).toEqual(files.slice(0, expected).map((f) => '/' + f.name));
    expect(kept.every((c) => c.text.length === 100 && !c.truncated)).toBe(true);
    // The user is told what the scan did not see.
    expect(img!.notes).toEqual([`many.tar: the secret scan did not see ${(20_000 - expected).toLocaleString('en-US')} small configuration files: the reader keeps at most 2 MiB of their heads`]);
  });
});

describe('gzip layers larger than a read, decompressing while the next ones arrive', () => {
  /** Bytes that do not compress (a fixed xorshift sequence), so the gzip blobs span several reads. */
  function noise(n: number, seed: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    let x = seed | 1;
    for (let i = 0; i < n; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b.writeInt32LE(x | 0, i);
    }
    return b;
  }
  // 61,450-byte `#!` scripts, each charged with its path and 256 bytes for the capture itself: the
  // 4 MiB script budget admits 68 of them (the last one starts while 59,352 bytes are left), 40 from
  // layer 0 and 28 from layer 1, as a sequential read keeps them.
  const scripts = (layer: number): Member[] => Array.from({ length: 40 }, (_, i) => ({ name: `opt/l${layer}/s${i}`, body: '#!/bin/sh\n' + '#'.repeat(60 * 1024), mode: 0o755 }));
  const layers: Member[][] = [
    [{ name: 'etc/passwd', body: 'root:x:0:0:root:/root:/bin/sh\n' }, { name: 'data/a.bin', body: noise(5 << 20, 1) }, ...scripts(0)],
    [{ name: 'data/b.bin', body: noise(5 << 20, 2) }, ...scripts(1)],
    [{ name: 'data/c.bin', body: noise(3 << 20, 3) }, { name: 'docker-entrypoint.sh', body: '#!/bin/sh\nexec "$@"\n', mode: 0o755 }],
  ];

  /** An OCI layout (buildah's oci-archive shape): gzip blobs named by their digest, index.json last. */
  async function ociArchive(opts: { diffIds?: string[]; tamper?: (blobs: Buffer[]) => void; dockerLinks?: boolean } = {}): Promise<Buffer> {
    const tars = await Promise.all(layers.map((l) => packTar(l)));
    const gz = tars.map((t) => gzipSync(t, { level: 1 }));
    const cfg = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Entrypoint: ['/docker-entrypoint.sh'] }, rootfs: { type: 'layers', diff_ids: opts.diffIds ?? tars.map((t) => `sha256:${sha(t)}`) } });
    const m = JSON.stringify({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(cfg)}`, size: cfg.length },
      layers: gz.map((g) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha(g)}`, size: g.length })),
    });
    const names = gz.map((g) => `blobs/sha256/${sha(g)}`);
    opts.tamper?.(gz);
    const members: Member[] = [{ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }, ...gz.map((g, i) => ({ name: names[i]!, body: g })), { name: `blobs/sha256/${sha(cfg)}`, body: cfg }, { name: `blobs/sha256/${sha(m)}`, body: m }];
    if (opts.dockerLinks) {
      // Docker 25's shape: manifest.json names `<id>/layer.tar`, a link to the blob.
      members.push(...names.map((n, i) => ({ name: `id${i}/layer.tar`, type: 'symlink' as const, linkname: `../${n}` })));
      members.push({ name: 'manifest.json', body: JSON.stringify([{ Config: `blobs/sha256/${sha(cfg)}`, RepoTags: ['big:1'], Layers: names.map((_, i) => `id${i}/layer.tar`) }]) });
    } else {
      members.push({ name: 'index.json', body: JSON.stringify({ manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(m)}`, annotations: { 'org.opencontainers.image.ref.name': 'big:1' } }] }) });
    }
    return packTar(members);
  }

  it('reads the same files and captures from a file as from memory, with the script budget settled in layer order', async () => {
    const data = await ociArchive();
    expect(data.length).toBeGreaterThan(12 << 20);
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-reader-'));
    try {
      const path = join(dir, 'big.tar');
      writeFileSync(path, data);
      const fromFile = await one(path);
      const [fromData] = await readImages({ path: '<stdin>', data });
      for (const img of [fromFile, fromData!]) {
        expect(img.layers.map((l) => l.compression)).toEqual(['gzip', 'gzip', 'gzip']);
        expect(img.files.get('/data/a.bin')).toMatchObject({ size: 5 << 20, layer: 0 });
        expect(img.files.get('/data/c.bin')).toMatchObject({ size: 3 << 20, layer: 2 });
        expect(img.files.size).toBe(fromFile.files.size);
        const scriptsKept = [0, 1].map((L) => img.captures.filter((c) => c.layer === L && c.path.startsWith(`/opt/l${L}/`)).length);
        expect(scriptsKept).toEqual([40, 28]);
        expect(img.notes.filter((n) => n.includes('did not see'))).toEqual([`${img.path}: the checks of scripts (PID 1, shells, daemons) did not see 12 \`#!\` scripts: the reader keeps at most 4 MiB of scripts`]);
        expect(img.captured.get('/docker-entrypoint.sh')).toBe('#!/bin/sh\nexec "$@"\n');
        expect(img.captured.get('/etc/passwd')).toMatch(/^root:x:0:0:/);
      }
      expect(fromData!.captures.map((c) => [c.path, c.layer])).toEqual(fromFile.captures.map((c) => [c.path, c.layer]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verifies a gzip blob named by its digest by that digest, and takes its diff_id from the config', async () => {
    // The stored bytes are what the digests verify; the config's diff_ids are not recomputed for
    // such blobs (gzip checks its own CRC-32), so a config stating other diff_ids is taken as stated.
    const stated = layers.map((_, i) => `sha256:${String(i).repeat(64)}`);
    const [img] = await readImages({ path: 'big.tar', data: await ociArchive({ diffIds: stated }) });
    expect(img!.layers.map((l) => l.diffId)).toEqual(stated);
    const flipped = await ociArchive({ tamper: (gz) => void (gz[1]![gz[1]!.length - 100]! ^= 1) });
    expect(await failure(flipped)).toMatch(/^bad\.tar: layer blobs\/sha256\/[0-9a-f]{64} does not match its digest \(expected sha256:[0-9a-f]{12}…, got sha256:[0-9a-f]{12}…\)$/);
  });

  it('verifies a blob reached through a `<id>/layer.tar` link by the digest in its own name', async () => {
    const good = await readImages({ path: 'big.tar', data: await ociArchive({ dockerLinks: true }) });
    expect(good[0]!.tags).toEqual(['big:1']);
    const flipped = await ociArchive({ dockerLinks: true, tamper: (gz) => void (gz[2]![gz[2]!.length - 100]! ^= 1) });
    expect(await failure(flipped)).toMatch(/^bad\.tar: layer blobs\/sha256\/[0-9a-f]{64} does not match its digest/);
  });
});
