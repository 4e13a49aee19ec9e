/** Base image versus this build (src/image/origin.ts) on the committed buildah samples. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImages } from '../../src/image/analyze.js';
import { analyzeDockerfile } from '../../src/api.js';
import { baseImageName, baseSeverity, historyInstruction, layerOrigin, settingOrigin, shortCreatedBy, traceHistory } from '../../src/image/origin.js';

const root = join(import.meta.dirname, '../..');
const image = async (name: string, format = 'docker') => (await readImages({ path: join(root, `sample-images/built/${name}.${format}.tar`) }))[0]!;
const dockerfile = async (name: string) => {
  const path = `sample-images/images/${name}/Dockerfile`;
  return (await analyzeDockerfile(readFileSync(join(root, path), 'utf8'), { path, checks: [] })).facts;
};

describe('historyInstruction reads the forms builders write', () => {
  it.each([
    ['/bin/sh -c #(nop) COPY file:28200c73 in /app/entrypoint.sh ', 'COPY', 'file:28200c73 in /app/entrypoint.sh'],
    ['/bin/sh -c #(nop)  CMD ["/bin/sh"]', 'CMD', '["/bin/sh"]'],
    ['/bin/sh -c apk add --no-cache curl', 'RUN', 'apk add --no-cache curl'],
    ['|2 A=1 B=2 /bin/sh -c make', 'RUN', 'make'],
    ['RUN /bin/sh -c npm ci # buildkit', 'RUN', 'npm ci'],
    ['RUN |1 NODE_ENV=production /bin/sh -c npm ci # buildkit', 'RUN', 'npm ci'],
    ['COPY . . # buildkit', 'COPY', '. .'],
    ['USER app', 'USER', 'app'],
  ])('%s', (createdBy, keyword, body) => {
    expect(historyInstruction(createdBy)).toEqual({ keyword, body });
  });
  it('is null for what no builder writes', () => {
    expect(historyInstruction('bazel build //app:image')).toBeNull();
    expect(historyInstruction('')).toBeNull();
  });
  it('shortens for messages', () => {
    expect(shortCreatedBy('/bin/sh -c ln -s /bin/busybox /usr/bin/nc')).toBe('RUN ln -s /bin/busybox /usr/bin/nc');
  });
});

describe('origin of layers and settings from the history alone', () => {
  it("names the base from buildah's FROM comment and tells base layers from this build's", async () => {
    const img = await image('tools-netcat');
    const ctx = { image: img, dockerfile: null, settings: {} };
    expect(baseImageName(img)).toBe('localhost/busybox-base:1');
    const base = layerOrigin(ctx, 0);
    expect(base).toMatchObject({ layer: 0, fromBase: true, base: 'localhost/busybox-base:1' });
    expect(base.says).toBe('from the base image localhost/busybox-base:1 (layer 0)');
    const build = layerOrigin(ctx, 2);
    expect(build).toMatchObject({ fromBase: false, createdBy: 'RUN ln -s /bin/busybox /usr/bin/nc && ln -s /bin/busybox /usr/bin/wget' });
    expect(build.says).toBe('added by this build in layer 2 (RUN ln -s /bin/busybox /usr/bin/nc && ln -s /bin/busybox /usr/bin/wget)');
    expect(build.dockerfile).toBeUndefined();
  });

  it('base-owned findings are info unless baseFindings asks for full ones', async () => {
    const img = await image('tools-netcat');
    expect(baseSeverity({ image: img, dockerfile: null, settings: {} }, layerOrigin({ image: img, dockerfile: null, settings: {} }, 0))).toBe('info');
    expect(baseSeverity({ image: img, dockerfile: null, settings: { baseFindings: true } }, { fromBase: true })).toBeUndefined();
    expect(baseSeverity({ image: img, dockerfile: null, settings: {} }, { fromBase: false })).toBeUndefined();
  });

  it('a setting: which entry set USER, or that nothing did', async () => {
    const named = await image('user-named', 'oci');
    const set = settingOrigin({ image: named, dockerfile: null, settings: {} }, 'USER');
    expect(set).toMatchObject({ found: true, fromBase: false, createdBy: 'USER app', says: 'set by this build with USER app' });
    const none = settingOrigin({ image: await image('user-root'), dockerfile: null, settings: {} }, 'USER');
    expect(none).toMatchObject({ found: false, fromBase: true, createdBy: '' });
  });
});

describe('with the Dockerfile: each build layer traced to its instruction', () => {
  it('tools-netcat: every history entry of the build maps to its line, the base ends at FROM', async () => {
    const [img, df] = await Promise.all([image('tools-netcat', 'oci'), dockerfile('tools-netcat')]);
    const trace = traceHistory(img, df)!;
    expect(trace).not.toBeNull();
    const lines = df.text.split('\n');
    const mapped = [...trace.byEntry.entries()].sort(([a], [b]) => a - b).map(([e, ins]) => [historyInstruction(img.history[e]!.createdBy)!.keyword, lines[ins.range.line - 1]!.split(' ')[0]]);
    expect(mapped.every(([k, w]) => k === w)).toBe(true);
    expect(img.history.slice(0, trace.firstBuildEntry).every((h) => h.fromBase)).toBe(true);
    const ctx = { image: img, dockerfile: df, settings: {} };
    const nc = layerOrigin(ctx, 2);
    expect(nc.dockerfile?.file).toBe('sample-images/images/tools-netcat/Dockerfile');
    expect(lines[nc.dockerfile!.line - 1]).toMatch(/^RUN ln -s \/bin\/busybox \/usr\/bin\/nc/);
    expect(lines[layerOrigin(ctx, 3).dockerfile!.line - 1]).toMatch(/^COPY .*\/usr\/sbin\/sshd/);
    expect(layerOrigin(ctx, 0)).toMatchObject({ fromBase: true, base: 'localhost/busybox-base:1' });
    expect(layerOrigin(ctx, 0).dockerfile).toBeUndefined();
  });
});
