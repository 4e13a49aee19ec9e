/** Base image versus this build (src/image/origin.ts) on the committed buildah samples. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImages } from '../../src/image/read-images.js';
import { analyzeDockerfile } from '../../src/analyze.js';
import { displayTag } from '../../src/image/layout.js';
import { imageTagOf, isVersionTag } from '../../src/image/tags.js';
import { baseImageName, baseSeverity, layerOrigin, settingOrigin } from '../../src/image/origin.js';
import { buildSource } from '../../src/pair/trace.js';
import { copiesWholeContext, historyInstruction, shortCreatedBy } from '../../src/image/history.js';

const root = join(import.meta.dirname, '../..');
const image = async (name: string, format = 'docker') => (await readImages({ path: join(root, `sample-images/built/${name}.${format}.tar`) }))[0]!;
const dockerfile = async (name: string) => {
  const path = `sample-images/images/${name}/Dockerfile`;
  return (await analyzeDockerfile(readFileSync(join(root, path), 'utf8'), { path, checks: [] })).facts;
};

describe('shortCreatedBy never quotes a secret', () => {
  it.each([
    ['/bin/sh -c DB_PASSWORD=hunter2secret ./migrate && apk add curl', 'RUN DB_PASSWORD=hu… ./migrate && apk add curl'],
    ['|1 NPM_TOKEN=abcd1234abcd /bin/sh -c npm ci', 'RUN npm ci'],
    ['/bin/sh -c curl -H "Authorization: token ghp_0123456789abcdefghijABCDEFGHIJ012345" https://x', 'hunter'],
    ['/bin/sh -c mysql --password=s3cr3tvalue -e "select 1"', 'RUN mysql --password=s3… -e "select 1"'],
    ['/bin/sh -c #(nop)  ENV API_KEY=zzzzzzzzzzzz', 'ENV API_KEY=zz…'],
    ['/bin/sh -c mysql --password s3cr3tvalue -e "select 1"', 'RUN mysql --password s3… -e "select 1"'],
    ['/bin/sh -c export GITHUB_TOKEN="$GITHUB_TOKEN" && make', 'RUN export GITHUB_TOKEN="$GITHUB_TOKEN" && make'],
    ['/bin/sh -c #(nop)  ENV PASSWORD_FILE=/run/secrets/db', 'ENV PASSWORD_FILE=/run/secrets/db'],
  ])('%s', (createdBy, expected) => {
    const short = shortCreatedBy(createdBy);
    if (expected === 'hunter') {
      expect(short).not.toContain('0123456789abcdefghij');
      expect(short).toMatch(/^RUN curl -H "Authorization: token ghp_…/);
    } else expect(short).toBe(expected);
  });
});

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
    const ctx = { image: img, build: null, settings: {} };
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
    expect(baseSeverity({ image: img, build: null, settings: {} }, layerOrigin({ image: img, build: null, settings: {} }, 0))).toBe('info');
    expect(baseSeverity({ image: img, build: null, settings: { baseFindings: true } }, { fromBase: true })).toBeUndefined();
    expect(baseSeverity({ image: img, build: null, settings: {} }, { fromBase: false })).toBeUndefined();
  });

  it('a setting: which entry set USER, or that nothing did', async () => {
    const named = await image('user-named', 'oci');
    const set = settingOrigin({ image: named, build: null, settings: {} }, 'USER');
    expect(set).toMatchObject({ found: true, fromBase: false, createdBy: 'USER app', says: 'set by this build with USER app' });
    const none = settingOrigin({ image: await image('user-root'), build: null, settings: {} }, 'USER');
    expect(none).toMatchObject({ found: false, fromBase: true, createdBy: '' });
  });
});

describe('with the Dockerfile: each build layer traced to its instruction', () => {
  it('tools-netcat: every history entry of the build maps to its line, the base ends at FROM', async () => {
    const [img, df] = await Promise.all([image('tools-netcat', 'oci'), dockerfile('tools-netcat')]);
    const trace = buildSource(img, df).trace!;
    expect(trace).not.toBeNull();
    const lines = df.text.split('\n');
    const mapped = [...trace.lineOf.entries()].sort(([a], [b]) => a - b).map(([e, line]) => [historyInstruction(img.history[e]!.createdBy)!.keyword, lines[line - 1]!.split(' ')[0]]);
    expect(mapped.every(([k, w]) => k === w)).toBe(true);
    expect(img.history.slice(0, trace.firstBuildEntry).every((h) => h.fromBase)).toBe(true);
    const ctx = { image: img, build: buildSource(img, df), settings: {} };
    const nc = layerOrigin(ctx, 2);
    expect(nc.dockerfile?.file).toBe('sample-images/images/tools-netcat/Dockerfile');
    expect(lines[nc.dockerfile!.line - 1]).toMatch(/^RUN ln -s \/bin\/busybox \/usr\/bin\/nc/);
    expect(lines[layerOrigin(ctx, 3).dockerfile!.line - 1]).toMatch(/^COPY .*\/usr\/sbin\/sshd/);
    expect(layerOrigin(ctx, 0)).toMatchObject({ fromBase: true, base: 'localhost/busybox-base:1' });
    expect(layerOrigin(ctx, 0).dockerfile).toBeUndefined();
  });
});

describe('tags as Docker shows them', () => {
  it.each([
    ['docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['docker.io/acme/app:1.0.0', 'acme/app:1.0.0'],
    ['library/busybox:1.36', 'busybox:1.36'],
    ['localhost/busybox-base:1', 'localhost/busybox-base:1'],
    ['ghcr.io/acme/app:2', 'ghcr.io/acme/app:2'],
    ['localhost:5000/library/app:2', 'localhost:5000/library/app:2'],
  ])('%s -> %s', (tag, shown) => {
    expect(displayTag(tag)).toBe(shown);
  });

  it.each([
    ['app:1.2.3', '1.2.3', true],
    ['app', 'latest', false],
    ['localhost:5000/app', 'latest', false],
    ['localhost:5000/app:v2.0-rc1', 'v2.0-rc1', true],
    ['1.4.2', '1.4.2', true],
    ['app:main', 'main', false],
    ['app:3.12-slim', '3.12-slim', true],
    ['app:1.0@sha256:abc', '1.0', true],
    ['localhost:5000/app@sha256:abc', 'sha256:abc', false],
  ])('%s: tag %s, version %s', (ref, tag, version) => {
    expect(imageTagOf(ref)).toBe(tag);
    expect(isVersionTag(imageTagOf(ref))).toBe(version);
  });
});

describe('tracing a BuildKit history to a multi-stage Dockerfile', () => {
  it('maps each build entry to its instruction (ARG entries and the builder stage skipped), the base ends at FROM', async () => {
    const { dockerArchive } = await import('./helpers.js');
    const data = await dockerArchive({
      layers: [[{ name: 'bin/sh', body: 'sh' }], [{ name: 'app/', type: 'directory' }], [{ name: 'app/package.json', body: '{}' }], [{ name: 'app/node_modules/x', body: 'x' }], [{ name: 'app/server.js', body: 'x' }], [{ name: 'app/dist/a', body: 'a' }]],
      config: {
        config: { User: '1000', Cmd: ['node', 'server.js'] },
        history: [
          { created_by: '/bin/sh -c #(nop) ADD file:0f1e2d in / ' },
          { created_by: '/bin/sh -c #(nop)  CMD ["node"]', empty_layer: true },
          { created_by: 'WORKDIR /app', comment: 'buildkit.dockerfile.v0' },
          { created_by: 'ARG NODE_ENV=production', comment: 'buildkit.dockerfile.v0', empty_layer: true },
          { created_by: 'COPY package.json ./ # buildkit', comment: 'buildkit.dockerfile.v0' },
          { created_by: 'RUN |1 NODE_ENV=production /bin/sh -c npm ci # buildkit', comment: 'buildkit.dockerfile.v0' },
          { created_by: 'COPY . . # buildkit', comment: 'buildkit.dockerfile.v0' },
          { created_by: 'COPY /src/dist ./dist # buildkit', comment: 'buildkit.dockerfile.v0' },
          { created_by: 'USER 1000', comment: 'buildkit.dockerfile.v0', empty_layer: true },
          { created_by: 'CMD ["node" "server.js"]', comment: 'buildkit.dockerfile.v0', empty_layer: true },
        ],
      },
    });
    const [img] = await readImages({ path: 'app.tar', data });
    const text = [
      'FROM node:20 AS build', 'WORKDIR /src', 'RUN make', '',
      'FROM node:20-slim', 'WORKDIR /app', 'ARG NODE_ENV=production', 'COPY package.json ./', 'RUN npm ci', 'COPY . .',
      'COPY --from=build /src/dist ./dist', 'USER 1000', 'CMD ["node", "server.js"]', '',
    ].join('\n');
    const df = (await analyzeDockerfile(text, { path: 'Dockerfile', checks: [] })).facts;
    const ctx = { image: img!, build: buildSource(img!, df), settings: {} };
    const trace = buildSource(img!, df).trace!;
    expect(trace.firstBuildEntry).toBe(2);
    expect([...trace.lineOf.entries()].sort(([a], [b]) => a - b)).toEqual([
      [2, 6], [3, 7], [4, 8], [5, 9], [6, 10], [7, 11], [8, 12], [9, 13],
    ]);
    expect(layerOrigin(ctx, 3)).toMatchObject({ fromBase: false, createdBy: 'RUN npm ci', base: 'node:20-slim', dockerfile: { file: 'Dockerfile', line: 9 } });
    expect(layerOrigin(ctx, 0)).toMatchObject({ fromBase: true, base: 'node:20-slim' });
    expect(settingOrigin(ctx, 'USER')).toMatchObject({ found: true, fromBase: false, dockerfile: { line: 12 } });
    // without the Dockerfile, the history heuristic gives the same base boundary
    expect(img!.history.map((h) => h.fromBase)).toEqual([true, true, false, false, false, false, false, false, false, false]);
  });
});

describe('copiesWholeContext', () => {
  it.each([
    ['COPY . . # buildkit', '/', true],
    ['COPY --chown=app . /app # buildkit', '/', true],
    ['COPY ./ ./ # buildkit', '/app', true],
    ['COPY package.json package-lock.json ./ # buildkit', '/app', false],
    ['COPY src ./src # buildkit', '/app', false],
    ['/bin/sh -c #(nop) COPY dir:5464200463 in . ', '/app', true],
    ['/bin/sh -c #(nop) COPY dir:5464200463 in /app ', '/app', true],
    ['/bin/sh -c #(nop) COPY dir:5464200463 in /app/src ', '/app', false],
    ['/bin/sh -c #(nop) COPY dir:0b6ac24560 in / ', '/', false],
    ['/bin/sh -c #(nop) COPY file:28200c73 in . ', '/app', false],
    ['/bin/sh -c npm ci', '/app', false],
  ])('%s (WORKDIR %s): %s', (createdBy, workdir, whole) => {
    expect(copiesWholeContext(historyInstruction(createdBy)!, workdir)).toBe(whole);
  });
});
