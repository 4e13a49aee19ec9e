/**
 * The image checks of issue 16 on archives built here (docker-archive and OCI layouts with an index,
 * attestation manifests and annotations), on the real corpus images, and on the committed samples:
 * supply chain (security/no-attestation, tags/no-base-annotation, tags/platform-flag), end of life
 * (security/end-of-life), file-system hygiene (security/empty-password, user/duplicate-ids,
 * security/repository-files, security/sensitive-volume) and the history (cache/update-alone,
 * security/add-remote-url).
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeImage, checks } from '../../src/analyze.js';
import type { Finding } from '../../src/engine/types.js';
import { dockerArchive, packTar, sha, type Member } from './helpers.js';

process.env.SHIPSHAPE_TODAY = '2026-12-06';

const RULES = [
  'security/no-attestation',
  'tags/no-base-annotation',
  'tags/platform-flag',
  'security/end-of-life',
  'security/empty-password',
  'user/duplicate-ids',
  'security/repository-files',
  'security/sensitive-volume',
  'cache/update-alone',
  'security/add-remote-url',
] as const;
const mine = checks.filter((c) => (RULES as readonly string[]).includes(c.id));

async function findings(data: Buffer, opts: { platform?: string } = {}): Promise<Finding[]> {
  const { results } = await analyzeImage({ path: 'test.tar', data }, { checks: mine, ...opts });
  return results[0]!.findings;
}
const short = (f: Finding) => ({ rule: f.rule, messageId: f.messageId, severity: f.severity, ...(f.location.kind === 'image' ? { path: f.location.path, layer: f.location.layer, field: f.location.field } : {}) });

interface OciSketch {
  layers: Member[][];
  config?: Record<string, unknown>;
  manifestAnnotations?: Record<string, string>;
  /** The platform the index lists the image under. */
  indexPlatform?: { os: string; architecture: string };
  /** Predicate types of BuildKit attestation manifests for the image. */
  attestations?: string[];
  /** Leave out the `oci-layout` file: an index made of the chosen manifests only, not a whole layout. */
  noLayoutFile?: boolean;
}

/** An OCI layout archive (`buildx --output type=oci`): index.json, the image manifest, and attestation manifests next to it. */
async function ociArchive(img: OciSketch): Promise<Buffer> {
  const layerTars = await Promise.all(img.layers.map((l) => packTar(l)));
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { User: '10001', Cmd: ['/app/run'] },
    rootfs: { type: 'layers', diff_ids: layerTars.map((t) => `sha256:${sha(t)}`) },
    history: img.layers.map((_, i) => ({ created_by: `RUN step ${i} # buildkit`, comment: 'buildkit.dockerfile.v0' })),
    ...img.config,
  });
  const blob = (b: Buffer | string): Member => ({ name: `blobs/sha256/${sha(b)}`, body: b });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
    layers: layerTars.map((t) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${sha(t)}`, size: t.length })),
    ...(img.manifestAnnotations ? { annotations: img.manifestAnnotations } : {}),
  });
  const members: Member[] = [blob(config), ...layerTars.map(blob), blob(manifest)];
  const descriptors: unknown[] = [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(manifest)}`, size: manifest.length, platform: img.indexPlatform ?? { os: 'linux', architecture: 'amd64' } },
  ];
  for (const type of img.attestations ?? []) {
    const statement = JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: type, subject: [], predicate: {} });
    const aconfig = '{}';
    const amanifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(aconfig)}`, size: 2 },
      layers: [{ mediaType: 'application/vnd.in-toto+json', digest: `sha256:${sha(statement)}`, size: statement.length, annotations: { 'in-toto.io/predicate-type': type } }],
    });
    members.push(blob(aconfig), blob(statement), blob(amanifest));
    descriptors.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${sha(amanifest)}`,
      size: amanifest.length,
      annotations: { 'vnd.docker.reference.digest': `sha256:${sha(manifest)}`, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { os: 'unknown', architecture: 'unknown' },
    });
  }
  const index = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descriptors });
  return packTar([...(img.noLayoutFile ? [] : [{ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }]), ...members, { name: 'index.json', body: index }]);
}

const base = { name: 'etc/passwd', body: 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n' };
/** A base layer, its CMD, then this build's layers: the history the classic builder writes. */
const classic = (steps: string[]) => [
  { created_by: '/bin/sh -c #(nop) ADD file:0123456789abcdef in / ' },
  { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
  ...steps.map((s) => ({ created_by: s })),
];

describe('security/no-attestation and tags/no-base-annotation (from the index and the manifest)', () => {
  const layers = [[base], [{ name: 'app/run', body: '#!/bin/sh\n' }]];
  const history = [
    { created_by: 'bazel build ...', author: 'Bazel' },
    { created_by: 'COPY run /app/run # buildkit', comment: 'buildkit.dockerfile.v0' },
  ];

  it('an index with no attestation and no base annotation: both, as info', async () => {
    const fs = await findings(await ociArchive({ layers, config: { history } }));
    expect(fs.map(short)).toEqual([
      { rule: 'security/no-attestation', messageId: 'missing', severity: 'info', path: undefined, layer: undefined, field: 'index' },
      { rule: 'tags/no-base-annotation', messageId: 'missing', severity: 'info', path: undefined, layer: undefined, field: 'Labels' },
    ]);
    expect(fs[0]!.message).toContain('no provenance or SBOM attestation');
    expect(fs[1]!.message).toContain('does not record its base image');
  });

  it('provenance without an SBOM: the SBOM is missing; provenance names the base, so no annotation finding', async () => {
    const fs = await findings(await ociArchive({ layers, config: { history }, attestations: ['https://slsa.dev/provenance/v0.2'] }));
    expect(fs.map((f) => [f.rule, f.detail])).toEqual([['security/no-attestation', { provenance: true, sbom: false }]]);
    expect(fs[0]!.message).toContain('no SBOM attestation');
  });

  it('provenance and an SBOM, and the base annotations: nothing', async () => {
    const fs = await findings(
      await ociArchive({
        layers,
        config: { history },
        attestations: ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document'],
        manifestAnnotations: { 'org.opencontainers.image.base.name': 'gcr.io/distroless/static:nonroot', 'org.opencontainers.image.base.digest': 'sha256:' + 'a'.repeat(64) },
      }),
    );
    expect(fs.map(short)).toEqual([]);
  });

  it('only the name: the digest is missing', async () => {
    const fs = await findings(await ociArchive({ layers, config: { history }, attestations: ['https://spdx.dev/Document'], manifestAnnotations: { 'org.opencontainers.image.base.name': 'x:1' } }));
    expect(fs.filter((f) => f.rule === 'tags/no-base-annotation').map((f) => f.message)).toEqual([expect.stringContaining("does not record its base image's digest (no org.opencontainers.image.base.digest")]);
  });

  it('an index that is not a whole OCI layout (no oci-layout file) may have left attestations out: only the annotations are judged', async () => {
    const fs = await findings(await ociArchive({ layers, config: { history }, noLayoutFile: true }));
    expect(fs.map((f) => f.rule)).toEqual(['tags/no-base-annotation']);
  });

  it('a docker save archive keeps neither attestations nor annotations: not reported', async () => {
    expect((await findings(await dockerArchive({ layers, config: { history } }))).map(short)).toEqual([]);
  });

  it('a base-name label the base image set names the base of the base', async () => {
    const data = await dockerArchive({
      layers: [[base], [{ name: 'app/run', body: 'x' }]],
      config: {
        config: { User: '10001', Labels: { 'org.opencontainers.image.base.name': 'docker.io/library/ubuntu:22.04' } },
        history: [
          { created_by: '/bin/sh -c #(nop) ADD file:0123 in / ' },
          { created_by: '/bin/sh -c #(nop)  LABEL org.opencontainers.image.base.name=docker.io/library/ubuntu:22.04', empty_layer: true },
          { created_by: '/bin/sh -c #(nop)  CMD ["java"]', empty_layer: true },
          { created_by: '/bin/sh -c #(nop) COPY file:abcd in /app/run ' },
        ],
      },
    });
    expect((await findings(data)).map((f) => [f.rule, f.messageId, f.severity])).toEqual([['tags/no-base-annotation', 'inherited', 'info']]);
  });

  it('FROM scratch: no base to name', async () => {
    const fs = await findings(await ociArchive({ layers: [[{ name: 'app', body: 'x' }]], config: { history: [{ created_by: 'COPY app /app # buildkit', comment: 'buildkit.dockerfile.v0' }] }, attestations: ['https://slsa.dev/provenance/v0.2', 'https://spdx.dev/Document'] }));
    expect(fs.map(short)).toEqual([]);
  });
});

describe('tags/platform-flag on images', () => {
  const layers = [[{ name: 'app', body: 'x' }]];
  it('an image built for another platform than --platform asks', async () => {
    const data = await dockerArchive({ layers, config: { architecture: 'arm64' } });
    const fs = (await findings(data, { platform: 'linux/amd64' })).filter((f) => f.rule === 'tags/platform-flag');
    expect(fs.map(short)).toEqual([{ rule: 'tags/platform-flag', messageId: 'imageNotAsked', severity: 'warning', path: undefined, layer: undefined, field: 'architecture' }]);
    expect(fs[0]!.message).toContain('the image is built for linux/arm64, not for linux/amd64 as --platform asks');
    expect((await findings(data, { platform: 'linux/arm64/v8' })).filter((f) => f.rule === 'tags/platform-flag')).toEqual([]);
    expect((await findings(data)).filter((f) => f.rule === 'tags/platform-flag')).toEqual([]);
  });

  it('an index that lists an amd64 image as arm64', async () => {
    const fs = (await findings(await ociArchive({ layers, indexPlatform: { os: 'linux', architecture: 'arm64' } }))).filter((f) => f.rule === 'tags/platform-flag');
    expect(fs.map((f) => f.messageId)).toEqual(['indexMismatch']);
    expect(fs[0]!.message).toContain('the index lists this image for linux/arm64, but its config says linux/amd64');
  });
});

describe('security/end-of-life on images', () => {
  it('the distribution from /etc/os-release, and upstream runtimes from their own files; distribution runtimes are left out', async () => {
    const data = await dockerArchive({
      layers: [
        [
          { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
          { name: 'usr/lib/os-release', body: 'PRETTY_NAME="Debian GNU/Linux 10 (buster)"\nID=debian\nVERSION_ID="10"\n' },
          { name: 'usr/lib/python3.7/os.py', body: '# the distribution python\n' },
        ],
        [
          { name: 'usr/local/lib/python3.8/os.py', body: '# upstream python\n' },
          { name: 'usr/local/include/node/node_version.h', body: '#define NODE_MAJOR_VERSION 16\n#define NODE_MINOR_VERSION 20\n#define NODE_PATCH_VERSION 2\n' },
          { name: 'usr/local/go/VERSION', body: 'go1.19.13\ntime 2023-09-06T15:38:56Z\n' },
          { name: 'opt/java/openjdk/release', body: 'IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="19.0.2"\n' },
          { name: 'usr/local/lib/ruby/2.7.0/rubygems.rb', body: '# ruby\n' },
          { name: 'usr/local/include/php/main/php_version.h', body: '#define PHP_VERSION "7.4.33"\n' },
          { name: 'usr/share/dotnet/shared/Microsoft.NETCore.App/6.0.36/Microsoft.NETCore.App.deps.json', body: '{}' },
          { name: 'usr/local/lib/python3.12/os.py', body: '# a supported python\n' },
        ],
      ],
      config: { history: classic(['/bin/sh -c install runtimes']) },
    });
    const fs = (await findings(data)).filter((f) => f.rule === 'security/end-of-life');
    expect(fs.map((f) => [f.location.kind === 'image' ? f.location.path : '', f.detail?.product, f.detail?.cycle])).toEqual([
      ['/usr/lib/os-release', 'debian', '10'],
      ['/usr/local/include/node/node_version.h', 'node', '16'],
      ['/usr/local/go/VERSION', 'go', '1.19'],
      ['/opt/java/openjdk/release', 'java', '19'],
      ['/usr/local/include/php/main/php_version.h', 'php', '7.4'],
      ['/usr/local/lib/python3.8/os.py', 'python', '3.8'],
      ['/usr/local/lib/ruby/2.7.0/rubygems.rb', 'ruby', '2.7'],
      ['/usr/share/dotnet/shared/Microsoft.NETCore.App/6.0.36/Microsoft.NETCore.App.deps.json', 'dotnet', '6.0'],
    ]);
    expect(fs[0]!.message).toMatch(/^the image runs Debian 10 \(buster\) \(\/usr\/lib\/os-release says Debian GNU\/Linux 10 \(buster\), from the base image \(layer 0\)\), which reached end of life on 2024-06-30/);
    expect(fs.every((f) => f.severity === 'warning')).toBe(true);
  });

  it("dockle's alpine 3.10 fixture: Alpine 3.10 reached its end on 2021-05-01", async () => {
    const corpus = join(import.meta.dirname, '../../../shared/corpus/images/dockle-alpine-310.tar.gz');
    if (!existsSync(corpus)) return;
    const { results } = await analyzeImage({ path: corpus }, { checks: mine });
    expect(results[0]!.findings.filter((f) => f.rule === 'security/end-of-life').map((f) => [f.location.kind === 'image' && f.location.path, f.detail?.eol])).toEqual([['/etc/os-release', '2021-05-01']]);
  });
});

describe("file-system hygiene (dockle's)", () => {
  it('security/empty-password: an empty field, not a locked one', async () => {
    const data = await dockerArchive({ layers: [[base, { name: 'etc/shadow', body: 'root::19000:0:::::\nbin:!::0:::::\ndaemon:*:19000::::::\napp:!!:19000::::::\n' }]] });
    const fs = (await findings(data)).filter((f) => f.rule === 'security/empty-password');
    expect(fs.map(short)).toEqual([{ rule: 'security/empty-password', messageId: 'empty', severity: 'warning', path: '/etc/shadow', layer: 0, field: undefined }]);
    expect(fs[0]!.message).toContain('/etc/shadow gives root an empty password');
    const locked = await dockerArchive({ layers: [[base, { name: 'etc/shadow', body: 'root:*:19000:0:::::\n' }]] });
    expect((await findings(locked)).filter((f) => f.rule === 'security/empty-password')).toEqual([]);
  });

  it('user/duplicate-ids: a second UID 0 is a warning, other shared IDs info, a name twice a warning', async () => {
    const data = await dockerArchive({
      layers: [[
        { name: 'etc/passwd', body: 'root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0:root:/root:/bin/sh\nweb:x:33:33::/var/www:/bin/false\nwww:x:33:33::/var/www:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\napp:x:1001:1001::/home/app:/bin/sh\n' },
        { name: 'etc/group', body: 'root:x:0:\nusers:x:100:\nstaff:x:50:\n' },
      ]],
    });
    const fs = (await findings(data)).filter((f) => f.rule === 'user/duplicate-ids');
    expect(fs.map((f) => [f.messageId, f.severity, f.detail?.names])).toEqual([
      ['sharedRoot', 'warning', 'root,toor'],
      ['sharedId', 'info', 'web,www'],
      ['twice', 'warning', 'app'],
    ]);
    expect(fs[0]!.message).toContain('so toor is root under another name');
  });

  it('security/repository-files: a copied .git is a warning, a cloned one, Dockerfiles and editor folders info; dependencies and system directories are skipped', async () => {
    const data = await dockerArchive({
      layers: [
        [base, { name: 'usr/share/doc/x/Dockerfile', body: 'FROM x' }],
        [
          { name: 'app/', type: 'directory' },
          { name: 'app/.git/', type: 'directory' },
          { name: 'app/.git/HEAD', body: 'ref: refs/heads/main\n' },
          { name: 'app/.git/objects/ab/cdef', body: 'x' },
          { name: 'app/Dockerfile', body: 'FROM node' },
          { name: 'app/docker-compose.yml', body: 'services: {}' },
          { name: 'app/.vscode/launch.json', body: '{}' },
          { name: 'app/node_modules/left-pad/.git/HEAD', body: 'x' },
          { name: 'app/node_modules/left-pad/Dockerfile', body: 'x' },
          { name: 'app/server.js', body: 'x' },
        ],
        [{ name: 'src/tool/.git/HEAD', body: 'ref: refs/heads/main\n' }, { name: 'src/tool/main.c', body: 'x' }],
      ],
      config: { history: classic(['/bin/sh -c #(nop) COPY dir:0123456789ab in /app ', '/bin/sh -c git clone https://github.com/x/tool /src/tool']) },
    });
    const fs = (await findings(data)).filter((f) => f.rule === 'security/repository-files');
    expect(fs.map(short)).toEqual([
      { rule: 'security/repository-files', messageId: 'git', severity: 'warning', path: '/app/.git', layer: 1, field: undefined },
      { rule: 'security/repository-files', messageId: 'editor', severity: 'info', path: '/app/.vscode', layer: 1, field: undefined },
      { rule: 'security/repository-files', messageId: 'build', severity: 'info', path: '/app/Dockerfile', layer: 1, field: undefined },
      { rule: 'security/repository-files', messageId: 'build', severity: 'info', path: '/app/docker-compose.yml', layer: 1, field: undefined },
      { rule: 'security/repository-files', messageId: 'cloned', severity: 'info', path: '/src/tool/.git', layer: 2, field: undefined },
    ]);
  });

  it('security/sensitive-volume: config Volumes over /proc or the Docker socket, naming the VOLUME entry', async () => {
    const data = await dockerArchive({
      layers: [[base]],
      config: { config: { User: '10001', Volumes: { '/data': {}, '/var/run/docker.sock': {}, '/sys': {} } }, history: [{ created_by: '/bin/sh -c #(nop) ADD file:01 in / ' }, { created_by: '/bin/sh -c #(nop)  VOLUME [/data /var/run/docker.sock /sys]', empty_layer: true }] },
    });
    const fs = (await findings(data)).filter((f) => f.rule === 'security/sensitive-volume');
    expect(fs.map((f) => [f.messageId, f.location.kind === 'image' && f.location.field])).toEqual([['imageSocket', 'Volumes'], ['imageKernel', 'Volumes']]);
    expect(fs[0]!.message).toContain('set by this build with VOLUME [/data /var/run/docker.sock /sys]');
  });
});

describe('the history without a Dockerfile (CIS 4.7, 4.9)', () => {
  const layers = [[base], [{ name: 'var/lib/apt/lists/x', body: 'x' }], [{ name: 'usr/bin/tini', body: 'x' }], [{ name: 'opt/a', body: 'x' }], [{ name: 'opt/b', body: 'x' }]];
  it('apt-get update alone and ADD of a URL in this build; the base and checksummed ADDs are not reported', async () => {
    const data = await dockerArchive({
      layers,
      config: {
        history: [
          { created_by: '/bin/sh -c apt-get update', comment: 'base' },
          { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
          { created_by: 'RUN /bin/sh -c apt-get update # buildkit', comment: 'buildkit.dockerfile.v0' },
          { created_by: 'ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /usr/bin/tini # buildkit', comment: 'buildkit.dockerfile.v0' },
          { created_by: 'ADD --checksum=sha256:abc https://example.com/a /opt/a # buildkit', comment: 'buildkit.dockerfile.v0' },
          { created_by: 'RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit', comment: 'buildkit.dockerfile.v0' },
        ],
      },
    });
    const fs = await findings(data);
    expect(fs.filter((f) => f.rule === 'cache/update-alone' || f.rule === 'security/add-remote-url').map(short)).toEqual([
      { rule: 'cache/update-alone', messageId: 'imageUpdateAlone', severity: 'warning', path: undefined, layer: 1, field: undefined },
      { rule: 'security/add-remote-url', messageId: 'imageUnchecked', severity: 'warning', path: undefined, layer: 2, field: undefined },
    ]);
    expect(fs.find((f) => f.rule === 'cache/update-alone')!.message).toBe('layer 1 (RUN apt-get update) runs `apt-get update` without an install, so its layer is cached and later installs read a stale package index (old versions, or 404s once the mirror moves on)');
    expect(fs.find((f) => f.rule === 'security/add-remote-url')!.message).toContain('ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini without --checksum');
  });
});

describe('the committed samples and the corpus images', () => {
  const built = join(import.meta.dirname, '../../sample-images/built');
  it('buildah samples: the OCI form carries the base annotations buildah writes, the docker-archive form cannot; the index has no attestation', async () => {
    for (const format of ['docker', 'oci'] as const) {
      const { results } = await analyzeImage({ path: join(built, `good.${format}.tar`) }, { checks: mine });
      expect(results[0]!.findings.map((f) => f.rule), format).toEqual(format === 'oci' ? ['security/no-attestation'] : []);
    }
  });

  const corpus = join(import.meta.dirname, '../../../shared/corpus/images');
  it.skipIf(!existsSync(corpus))("dive's busybox of 2018 gives root an empty password; its kaniko rebuild's busybox locks it", async () => {
    const of = async (f: string) => (await analyzeImage({ path: join(corpus, f) }, { checks: mine })).results[0]!.findings.filter((x) => x.rule === 'security/empty-password').map(short);
    expect(await of('dive-test-docker-image.tar')).toEqual([{ rule: 'security/empty-password', messageId: 'empty', severity: 'warning', path: '/etc/shadow', layer: 0, field: undefined }]);
    expect(await of('dive-test-kaniko-image.tar')).toEqual([]);
  });
});
