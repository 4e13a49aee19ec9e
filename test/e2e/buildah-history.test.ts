/**
 * Images built here by buildah, read by the bundled CLI: where this build's layers begin for the
 * histories buildah writes (a base made by `buildah commit` with no CMD and no FROM comment, `buildah
 * bud` with and without `--layers` on it, `buildah commit` on top of a bud image), and the image
 * checks of issue 16 on a real build (an end-of-life release file, a runtime version file, an empty
 * root password, a copied .git, a VOLUME over the Docker socket, apt-get update alone in the history).
 *
 * Needs root, buildah and busybox-static; skipped with a message otherwise, except under CI=true.
 * Storage: $SHIPSHAPE_BUILDAH_ROOT (default /var/tmp/shipshape-buildah), vfs, chroot isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');

function cannotRun(): string | null {
  if (process.platform !== 'linux') return 'buildah needs Linux';
  if (process.getuid?.() !== 0) return 'not root (buildah with vfs storage and chroot isolation needs root)';
  if (spawnSync('buildah', ['--version']).status !== 0) return 'buildah is missing (apt-get install buildah busybox-static)';
  if (!existsSync('/bin/busybox')) return '/bin/busybox is missing (apt-get install busybox-static)';
  return null;
}
const reason = cannotRun();
if (reason && process.env.CI === 'true') throw new Error(`the buildah history suite must run in CI, but: ${reason}`);
if (reason) console.warn(`skipping the buildah history suite: ${reason}`);

const store = process.env.SHIPSHAPE_BUILDAH_ROOT ?? '/var/tmp/shipshape-buildah';
const env = { ...process.env, STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' };

function bah(args: string[], cwd?: string): string {
  const r = spawnSync('buildah', ['--root', `${store}/storage`, '--runroot', `${store}/run`, '--storage-driver', 'vfs', ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`buildah ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

interface JsonFinding {
  rule: string;
  severity: string;
  messageId: string;
  path?: string;
  field?: string;
  layer?: number;
  message: string;
  detail?: Record<string, unknown>;
}

function check(archive: string): { findings: JsonFinding[]; stderr: string } {
  const r = spawnSync(process.execPath, [cli, '--format', 'json', '--fail-on', 'none', archive], { encoding: 'utf8', env: { ...process.env, SHIPSHAPE_TODAY: '2026-12-06' }, maxBuffer: 64 << 20 });
  const doc = JSON.parse(r.stdout) as { targets: { error: unknown; findings: JsonFinding[] }[] };
  expect(doc.targets[0]!.error).toBeNull();
  return { findings: doc.targets[0]!.findings, stderr: r.stderr };
}

const work = reason ? '' : mkdtempSync(join(tmpdir(), 'buildah-history-'));
const tag = (name: string) => `localhost/shipshape-e2e/${name}:1`;
const archive = (name: string) => join(work, `${name}.tar`);

describe.skipIf(reason !== null)('buildah histories, read by the CLI', () => {
  beforeAll(() => {
    // A base made by `buildah commit` from scratch: one layer, a created-by of our own, no CMD, no FROM comment.
    const rootfs = join(work, 'rootfs');
    for (const d of ['bin', 'etc', 'tmp', 'root', 'usr/local/go']) mkdirSync(join(rootfs, d), { recursive: true });
    copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
    for (const a of ['sh', 'echo', 'mkdir', 'cat', 'true']) symlinkSync('busybox', join(rootfs, 'bin', a));
    writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/tmp:/bin/sh\n');
    writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\napp:x:10001:\n');
    writeFileSync(join(rootfs, 'etc/shadow'), 'root::19000:0:99999:7:::\napp:!:19000::::::\n');
    chmodSync(join(rootfs, 'etc/shadow'), 0o600);
    writeFileSync(join(rootfs, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 10 (buster)"\nNAME="Debian GNU/Linux"\nVERSION_ID="10"\nID=debian\n');
    const ctr = bah(['from', '--quiet', 'scratch']);
    bah(['copy', ctr, `${rootfs}/`, '/']);
    bah(['config', '--created-by', 'rootfs made by hand', ctr]);
    bah(['commit', '--quiet', '--identity-label=false', ctr, tag('commit-base')]);
    bah(['rm', ctr]);

    // An application built with bud on that base: a copied .git, a Go toolchain's VERSION, VOLUME over the Docker socket, apt-get update alone.
    const app = join(work, 'app');
    mkdirSync(join(app, '.git/refs/heads'), { recursive: true });
    writeFileSync(join(app, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(app, 'server.sh'), '#!/bin/sh\nexec sleep 1000\n');
    writeFileSync(join(app, 'apt-get'), '#!/bin/sh\necho "apt-get $*"\n');
    chmodSync(join(app, 'apt-get'), 0o755);
    writeFileSync(
      join(app, 'Dockerfile'),
      [
        `FROM ${tag('commit-base')}`,
        'COPY apt-get /usr/local/bin/apt-get',
        'RUN apt-get update',
        'RUN echo go1.15.15 > /usr/local/go/VERSION && mkdir -p /usr/local/go/bin',
        'COPY . /app',
        'VOLUME /var/run/docker.sock',
        'USER 10001',
        'CMD ["/app/server.sh"]',
        '',
      ].join('\n'),
    );
    for (const [name, layers] of [['bud-layers', true], ['bud-squashed', false]] as const) {
      bah(['build', '--quiet', ...(layers ? ['--layers'] : []), '--timestamp', '0', '--identity-label=false', '--isolation', 'chroot', '-t', tag(name), app]);
      bah(['push', '--quiet', tag(name), `docker-archive:${archive(name)}:${tag(name)}`]);
    }
    bah(['push', '--quiet', tag('bud-layers'), `oci-archive:${archive('bud-layers-oci')}:${tag('bud-layers')}`]);
    // `buildah commit` on top of the bud image.
    const top = bah(['from', '--quiet', tag('bud-layers')]);
    bah(['run', '--user', '0:0', top, '--', 'sh', '-c', 'echo more > /tmp/more']);
    bah(['commit', '--quiet', '--identity-label=false', top, tag('commit-top')]);
    bah(['rm', top]);
    bah(['push', '--quiet', tag('commit-top'), `docker-archive:${archive('commit-top')}:${tag('commit-top')}`]);
  }, 20 * 60_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (!reason) for (const n of ['commit-top', 'bud-squashed', 'bud-layers', 'commit-base']) spawnSync('buildah', ['--root', `${store}/storage`, '--runroot', `${store}/run`, '--storage-driver', 'vfs', 'rmi', '-f', tag(n)], { env });
  });

  const boundary = (fs: JsonFinding[]) => fs.filter((f) => f.layer !== undefined).map((f) => [f.rule, f.layer, f.detail?.fromBase, f.detail?.baseFoundBy, f.detail?.baseConfidence, f.detail?.baseImage]);

  it('bud --layers on a commit-made base (no CMD, no FROM comment): the FROM comment of the build starts it, exactly', () => {
    const { findings, stderr } = check(archive('bud-layers'));
    expect(stderr).toBe('');
    const eol = findings.filter((f) => f.rule === 'security/end-of-life');
    expect(eol.map((f) => [f.path, f.layer, f.detail?.product, f.detail?.fromBase])).toEqual([
      ['/etc/os-release', 0, 'debian', true],
      ['/usr/local/go/VERSION', 3, 'go', false],
    ]);
    expect(eol[0]!.message).toContain(`from the base image ${tag('commit-base')} (layer 0)`);
    for (const f of findings.filter((x) => x.layer !== undefined)) expect(f.detail).toMatchObject({ baseFoundBy: 'buildah', baseConfidence: 'exact' });
    expect(findings.find((f) => f.rule === 'security/empty-password')).toMatchObject({ path: '/etc/shadow', layer: 0, severity: 'warning' });
    expect(findings.find((f) => f.rule === 'security/repository-files')).toMatchObject({ messageId: 'git', path: '/app/.git', layer: 4, severity: 'warning' });
    expect(findings.find((f) => f.rule === 'security/sensitive-volume')).toMatchObject({ messageId: 'imageSocket', field: 'Volumes' });
    expect(findings.find((f) => f.rule === 'cache/update-alone')).toMatchObject({ messageId: 'imageUpdateAlone', layer: 2 });
  });

  it('the same image as an OCI archive: the same boundary, and buildah\'s base annotations', () => {
    const { findings } = check(archive('bud-layers-oci'));
    expect(boundary(findings)).toEqual(boundary(check(archive('bud-layers')).findings));
    expect(findings.filter((f) => f.rule === 'tags/no-base-annotation')).toEqual([]);
    expect(findings.filter((f) => f.rule === 'security/no-attestation').map((f) => f.severity)).toEqual(['info']);
  });

  it('bud without --layers: one layer for the whole build, its steps before the entry naming the base', () => {
    const { findings } = check(archive('bud-squashed'));
    const eol = findings.filter((f) => f.rule === 'security/end-of-life');
    expect(eol.map((f) => [f.path, f.layer, f.detail?.fromBase, f.detail?.baseFoundBy])).toEqual([
      ['/etc/os-release', 0, true, 'buildah'],
      ['/usr/local/go/VERSION', 1, false, 'buildah'],
    ]);
    // The steps are empty-layer entries of this build, so apt-get update alone has no layer of its own to name.
    expect(findings.find((f) => f.rule === 'security/sensitive-volume')!.message).toContain('set by this build with VOLUME');
  });

  it('buildah commit on top of the bud image: the commit names the image it started from, whose layers are then the base', () => {
    const { findings } = check(archive('commit-top'));
    const eol = findings.filter((f) => f.rule === 'security/end-of-life');
    expect(eol.map((f) => [f.path, f.detail?.fromBase, f.detail?.baseFoundBy, f.detail?.baseImage])).toEqual([
      ['/etc/os-release', true, 'buildah', tag('bud-layers')],
      ['/usr/local/go/VERSION', true, 'buildah', tag('bud-layers')],
    ]);
    expect(findings.find((f) => f.rule === 'security/repository-files')).toMatchObject({ path: '/app/.git', severity: 'info' });
  });
});
