/**
 * Where this build's layers begin (src/image/base.ts), rule by rule, on the histories the builders
 * write, and on the real images of the corpus: dive's classic and kaniko builds, go-containerregistry's
 * Bazel base, dockle's fixtures. The buildah builds (bud with and without --layers, commit) are in
 * test/e2e/base-boundary.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findBase } from '../../src/image/base.js';
import { readImages } from '../../src/image/read-images.js';
import { analyzeImage, checks } from '../../src/analyze.js';
import type { HistoryEntry } from '../../src/image/facts.js';

const h = (createdBy: string, more: Partial<HistoryEntry> = {}): HistoryEntry => ({ createdBy, emptyLayer: false, fromBase: false, ...more });
const empty = (createdBy: string, more: Partial<HistoryEntry> = {}): HistoryEntry => h(createdBy, { emptyLayer: true, ...more });

describe('findBase, rule by rule', () => {
  it('Jib: the base ends before its first entry', () => {
    const b = findBase([h('debootstrap'), empty('CMD ["bash"]'), h('apt-get install openjdk'), h('jib-maven-plugin:3.4.0', { author: 'Jib', comment: 'dependencies' }), h('jib-maven-plugin:3.4.0', { author: 'Jib', comment: 'classes' }), empty('jib-maven-plugin:3.4.0', { author: 'Jib', comment: 'jvm arg files' })]);
    expect(b).toMatchObject({ end: 2, rule: 'jib', confidence: 'exact' });
  });

  it('buildah bud --layers: the entry naming the base starts this build', () => {
    const b = findBase([
      h('/bin/sh -c #(nop) COPY dir:0b6a in / '),
      empty('/bin/sh -c #(nop) CMD ["/bin/sh"]', { comment: 'FROM e18a07414a8d' }),
      empty('/bin/sh -c #(nop) LABEL v=1', { comment: 'FROM localhost/busybox-base:1' }),
      h('/bin/sh -c #(nop) COPY file:2820 in /app ', { comment: 'FROM aa1dc51f231d' }),
      empty('/bin/sh -c #(nop) CMD ["/app/serve"]', { comment: 'FROM 41d89fe20e8c' }),
    ]);
    expect(b).toEqual({ end: 1, rule: 'buildah', confidence: 'exact', how: "buildah's history comment names the base localhost/busybox-base:1", name: 'localhost/busybox-base:1' });
  });

  it('buildah bud without --layers: the steps before the named entry are empty and uncommented, and are this build', () => {
    const b = findBase([h('hand-made rootfs'), empty('/bin/sh -c echo hi > /hi'), empty('/bin/sh -c #(nop) COPY file:52d0 in /x '), h('/bin/sh -c #(nop) CMD ["sh"]', { comment: 'FROM localhost/commit-base:1' })]);
    expect(b).toMatchObject({ end: 0, rule: 'buildah', name: 'localhost/commit-base:1' });
  });

  it('buildah commit on top of a bud image names the image it started from', () => {
    const b = findBase([h('hand-made rootfs'), h('/bin/sh -c echo hi > /hi', { comment: 'FROM localhost/commit-base:1' }), empty('/bin/sh -c #(nop) CMD ["sh"]', { comment: 'FROM 9fb85d79dfb1' }), h('/bin/sh', { comment: 'FROM localhost/app-layers:1' })]);
    expect(b).toMatchObject({ end: 2, rule: 'buildah', name: 'localhost/app-layers:1' });
  });

  it('another builder on top of a buildah base: the builder change, not the base\'s own FROM comment', () => {
    const b = findBase([h('rootfs'), h('/bin/sh -c x', { comment: 'FROM localhost/base:1' }), empty('/bin/sh -c #(nop) CMD ["sh"]', { comment: 'FROM 9fb85d79dfb1' }), h('COPY . /app # buildkit', { comment: 'buildkit.dockerfile.v0' })]);
    expect(b).toMatchObject({ end: 2, rule: 'builder-change', confidence: 'likely' });
  });

  it('BuildKit on a Bazel (distroless) base with no CMD entry: the builder change', () => {
    const b = findBase([h('bazel build ...', { author: 'Bazel' }), h('bazel build ...', { author: 'Bazel' }), h('COPY app /app # buildkit', { comment: 'buildkit.dockerfile.v0' }), empty('USER 65532 # buildkit', { comment: 'buildkit.dockerfile.v0' })]);
    expect(b).toMatchObject({ end: 1, rule: 'builder-change' });
  });

  it('BuildKit on a BuildKit base: its CMD', () => {
    const b = findBase([h('# debian.sh --arch amd64 out/ bookworm', { comment: 'debuerreotype 0.15' }), empty('CMD ["bash"]', { comment: 'buildkit.dockerfile.v0' }), h('RUN /bin/sh -c apt-get update # buildkit', { comment: 'buildkit.dockerfile.v0' })]);
    expect(b).toMatchObject({ end: 1, rule: 'cmd', confidence: 'likely' });
  });

  it('a time gap when nothing else tells, as a guess; FROM scratch as none', () => {
    const t = (d: string) => ({ created: d });
    const gap = findBase([h('/bin/sh -c #(nop) ADD file:01 in / ', t('2024-01-10T10:00:00Z')), h('/bin/sh -c apk add x', t('2024-01-10T10:01:00Z')), h('/bin/sh -c #(nop) COPY file:02 in /app ', t('2024-03-01T09:00:00Z')), h('/bin/sh -c chmod +x /app', t('2024-03-01T09:00:05Z'))]);
    expect(gap).toMatchObject({ end: 1, rule: 'time-gap', confidence: 'guess' });
    const scratch = findBase([h('/bin/sh -c #(nop) ADD file:01 in / ', t('2019-12-05T03:45:45Z')), empty('/bin/sh -c #(nop)  USER scratch', t('2019-12-05T04:13:11Z'))]);
    expect(scratch).toMatchObject({ end: -1, rule: 'none' });
    expect(findBase([])).toMatchObject({ end: -1, rule: 'none' });
  });
});

const corpus = join(import.meta.dirname, '../../../shared/corpus/images');
describe.skipIf(!existsSync(corpus))('the corpus images', () => {
  const base = async (file: string) => (await readImages({ path: join(corpus, file) })).map((i) => ({ tag: i.tags[0], rule: i.base.rule, confidence: i.base.confidence, baseLayers: i.layers.filter((l) => l.fromBase).length }));

  it("dive's classic build: the busybox CMD; dive's kaniko build: kaniko's entries follow the base", async () => {
    expect(await base('dive-test-docker-image.tar')).toEqual([{ tag: 'dive-test:latest', rule: 'cmd', confidence: 'likely', baseLayers: 1 }]);
    expect(await base('dive-test-kaniko-image.tar')).toEqual([{ tag: 'dive-test:kaniko-latest', rule: 'builder-change', confidence: 'likely', baseLayers: 1 }]);
  });

  it("go-containerregistry: a Bazel base under a classic ADD; dockle's scratch image and a BuildKit scratch image have no base", async () => {
    expect(await base('ggcr-test_link.tar')).toEqual([
      { tag: 'bazel/v1/tarball:test_image_1', rule: 'none', confidence: 'likely', baseLayers: 0 },
      { tag: 'bazel/v1/tarball:test_image_3', rule: 'builder-change', confidence: 'likely', baseLayers: 1 },
    ]);
    expect(await base('dockle-scratch.tar')).toMatchObject([{ rule: 'none', baseLayers: 0 }]);
    expect(await base('ggcr-hello-world-v25.tar')).toMatchObject([{ rule: 'none', baseLayers: 0 }]);
    expect(await base('dockle-symbolic.tar')).toMatchObject([{ rule: 'cmd', baseLayers: 1 }]);
  });

  it('findings about a layer say which rule found the boundary and how sure it is', async () => {
    const { results } = await analyzeImage({ path: join(corpus, 'dive-test-kaniko-image.tar') }, { checks });
    const layered = results[0]!.findings.filter((f) => f.location.kind === 'image' && f.location.layer !== undefined);
    expect(layered.length).toBeGreaterThan(0);
    for (const f of layered) expect(f.detail).toMatchObject({ baseFoundBy: 'builder-change', baseConfidence: 'likely' });
  });
});
