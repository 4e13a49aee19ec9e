/**
 * The committed sample images (sample-images/built/, made by sample-images/build.sh with buildah):
 * each one read from its docker-archive and its oci-archive must give the same facts and the same
 * findings, and the facts must show what its Dockerfile did.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readImages } from '../../src/image/read-images.js';
import { analyzeImage } from '../../src/analyze.js';
import type { ImageFacts } from '../../src/image/facts.js';
import type { Finding } from '../../src/engine/types.js';
import { checks } from '../../src/analyze.js';

const built = join(import.meta.dirname, '../../sample-images/built');
const samples = readdirSync(built)
  .filter((f) => f.endsWith('.docker.tar'))
  .map((f) => f.slice(0, -'.docker.tar'.length))
  .sort();
const archive = (name: string, format: 'docker' | 'oci'): string => join(built, `${name}.${format}.tar`);

const cache = new Map<string, Promise<ImageFacts>>();
function facts(name: string, format: 'docker' | 'oci'): Promise<ImageFacts> {
  const key = `${name}.${format}`;
  let p = cache.get(key);
  if (!p) {
    p = readImages({ path: archive(name, format) }).then((imgs) => {
      expect(imgs).toHaveLength(1);
      return imgs[0]!;
    });
    cache.set(key, p);
  }
  return p;
}

async function findings(name: string, format: 'docker' | 'oci'): Promise<Finding[]> {
  const { results } = await analyzeImage({ path: archive(name, format) }, { checks });
  expect(results).toHaveLength(1);
  return results[0]!.findings;
}

/**
 * Rules that read what only an OCI layout carries (its index's attestations, the manifest's
 * annotations): `docker save` archives keep neither, so these speak about the oci-archive alone.
 */
const LAYOUT_ONLY = new Set(['security/no-attestation', 'tags/no-base-annotation']);
const fromBoth = (fs: Finding[]): Finding[] => fs.filter((f) => !LAYOUT_ONLY.has(f.rule));

/** What does not depend on how the archive stores the image: blob digests and compression do. */
function portable(img: ImageFacts): unknown {
  return {
    tags: img.tags,
    platform: img.platform,
    config: img.config,
    history: img.history,
    layers: img.layers.map(({ digest: _d, compression: _c, ...rest }) => rest),
    files: [...img.files.values()].sort((a, b) => a.path.localeCompare(b.path)),
    shadowed: img.shadowed,
    captured: [...img.captured.entries()].sort(([a], [b]) => a.localeCompare(b)),
    captures: img.captures,
    efficiency: img.efficiency,
  };
}

it('both formats give the tags as Docker shows them (buildah\'s docker-archive writes docker.io/, its OCI ref name does not)', async () => {
  const [d, o] = await Promise.all([facts('good', 'docker'), facts('good', 'oci')]);
  expect(d.tags).toEqual(['shipshape-sample/good:1.0.0']);
  expect(o.tags).toEqual(d.tags);
});

it('size/wasted-space findings are identical in both formats: they name the layer by its diff id, not the stored blob', async () => {
  const [d, o] = await Promise.all([findings('size-deleted-later', 'docker'), findings('size-deleted-later', 'oci')]);
  expect(fromBoth(o)).toEqual(fromBoth(d));
  const layer = d.find((f) => f.messageId === 'wasted');
  expect(layer?.detail?.diffId).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(layer?.detail).not.toHaveProperty('digest');
});

const file = (img: ImageFacts, path: string) => img.files.get(path);
/** Permission bits (the tar mode may carry the file-type bits too). */
const perm = (f: { mode: number } | undefined): number | undefined => (f ? f.mode & 0o7777 : undefined);
const buildLayers = (img: ImageFacts) => img.layers.filter((l) => !l.fromBase).length;

it('the committed samples are all there, each in both formats', () => {
  // samples other work adds are welcome; these ones each test below relies on
  expect(samples).toEqual(
    expect.arrayContaining([
      'cache-context-copy',
      'good',
      'one-app-services',
      'one-app-supervisord',
      'pid1-script-no-exec',
      'pid1-shell-form',
      'secret-deleted',
      'setuid',
      'size-deleted-later',
      'tags-latest',
      'tools-netcat',
      'user-missing',
      'user-named',
      'upstream-tools',
      'user-root',
    ]),
  );
  const all = readdirSync(built).sort();
  expect(all).toEqual(samples.flatMap((s) => [`${s}.docker.tar`, `${s}.oci.tar`]).sort());
});

describe.each(samples)('%s', (name) => {
  it('docker-archive and oci-archive give the same facts', async () => {
    const [d, o] = await Promise.all([facts(name, 'docker'), facts(name, 'oci')]);
    expect(d.format).toBe('docker-archive');
    expect(o.format).toBe('oci');
    // buildah stores layers uncompressed in docker-archive and gzipped in oci-archive.
    expect(d.layers.every((l) => l.compression === 'none')).toBe(true);
    expect(o.layers.every((l) => l.compression === 'gzip')).toBe(true);
    expect(portable(o)).toEqual(portable(d));
  });

  it('docker-archive and oci-archive give identical findings, but for what only the OCI layout carries', async () => {
    const [d, o] = await Promise.all([findings(name, 'docker'), findings(name, 'oci')]);
    expect(fromBoth(o)).toEqual(fromBoth(d));
    expect(d.filter((f) => LAYOUT_ONLY.has(f.rule))).toEqual([]);
    // buildah's OCI manifests name the base; its index holds no attestation.
    expect(o.filter((f) => LAYOUT_ONLY.has(f.rule)).map((f) => [f.rule, f.severity])).toEqual([['security/no-attestation', 'info']]);
  });

  it('is built on the busybox base: its first layer is the base, marked as such', async () => {
    const img = await facts(name, 'docker');
    expect(img.platform).toMatch(/^linux\//);
    // upstream-tools is built FROM the tools-netcat sample: its base is that image's four layers
    const baseLayers = name === 'upstream-tools' ? 4 : 1;
    expect(img.layers.slice(0, baseLayers).every((l) => l.fromBase)).toBe(true);
    expect(img.layers.slice(baseLayers).every((l) => !l.fromBase)).toBe(true);
    expect(img.history.find((h) => h.fromBase && h.emptyLayer)?.createdBy).toMatch(/CMD \["\/bin\/sh"\]/);
    expect(file(img, '/bin/busybox')).toMatchObject({ type: 'file', layer: 0 });
    expect(perm(file(img, '/bin/busybox'))).toBe(0o755);
    expect(file(img, '/bin/sh')).toMatchObject({ type: 'symlink', linkTarget: 'busybox', layer: 0 });
    expect(img.captured.get('/etc/passwd')).toContain('app:x:10001:10001:');
  });
});

describe('what each sample shows', () => {
  it('good: numeric user, exec-form entrypoint that execs, versioned tag and label, no waste', async () => {
    const img = await facts('good', 'oci');
    expect(img.tags).toEqual(['shipshape-sample/good:1.0.0']);
    expect(img.config.user).toBe('10001:10001');
    expect(img.config.entrypoint).toEqual(['/app/entrypoint.sh']);
    expect(img.config.cmd).toEqual(['/app/serve']);
    expect(img.config.labels['org.opencontainers.image.version']).toBe('1.0.0');
    expect(img.captured.get('/app/entrypoint.sh')).toMatch(/\nexec "\$@"\n/);
    expect(img.shadowed).toEqual([]);
    expect(img.efficiency.wastedBytes).toBe(0);
    expect(img.efficiency.score).toBe(1);
    // the scratch file made and removed in one RUN never reached a layer
    expect([...img.files.keys()].some((p) => p.includes('scratch'))).toBe(false);
  });

  it('good: no check reports a warning or an error', async () => {
    const found = await findings('good', 'docker');
    expect(found.filter((f) => f.severity !== 'info').map((f) => f.rule)).toEqual([]);
  });

  it('user-root: no USER, so the config user is empty (root)', async () => {
    const img = await facts('user-root', 'docker');
    expect(img.config.user).toBe('');
  });

  it('user-missing: a user name /etc/passwd does not have', async () => {
    const img = await facts('user-missing', 'oci');
    expect(img.config.user).toBe('ghost');
    expect(img.captured.get('/etc/passwd')).not.toMatch(/^ghost:/m);
  });

  it('user-named: a user by name that /etc/passwd resolves', async () => {
    const img = await facts('user-named', 'oci');
    expect(img.config.user).toBe('app');
    expect(img.captured.get('/etc/passwd')).toMatch(/^app:x:10001:/m);
  });

  it('pid1-shell-form: the shell-form CMD is stored as /bin/sh -c', async () => {
    const img = await facts('pid1-shell-form', 'oci');
    expect(img.config.entrypoint).toBeNull();
    expect(img.config.cmd).toEqual(['/bin/sh', '-c', '/app/serve --port 8080']);
  });

  it('pid1-script-no-exec: the entrypoint script is captured and runs its command as a child', async () => {
    const img = await facts('pid1-script-no-exec', 'oci');
    expect(img.config.entrypoint).toEqual(['/usr/local/bin/docker-entrypoint.sh']);
    const script = img.captured.get('/usr/local/bin/docker-entrypoint.sh');
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toMatch(/\n"\$@"\n$/);
    expect(script).not.toContain('exec');
  });

  it('tools-netcat: nc and wget (busybox applets) and an sshd, each with the layer that added it', async () => {
    const img = await facts('tools-netcat', 'docker');
    const run = img.layers.findIndex((l) => l.createdBy.includes('ln -s /bin/busybox /usr/bin/nc'));
    expect(run).toBe(2);
    expect(file(img, '/usr/bin/nc')).toMatchObject({ type: 'symlink', linkTarget: '/bin/busybox', layer: run });
    expect(file(img, '/usr/bin/wget')).toMatchObject({ type: 'symlink', linkTarget: '/bin/busybox', layer: run });
    expect(file(img, '/usr/sbin/sshd')).toMatchObject({ type: 'file', layer: 3 });
    expect(perm(file(img, '/usr/sbin/sshd'))).toBe(0o755);
    expect(img.layers[3]!.createdBy).toMatch(/COPY .* \/usr\/sbin\/sshd/);
    // the base image itself links no network tool
    expect(file(img, '/bin/nc')).toBeUndefined();
    expect(file(img, '/bin/wget')).toBeUndefined();
  });

  it('size-deleted-later: the deleted and the overwritten file still ship in their layers', async () => {
    const img = await facts('size-deleted-later', 'oci');
    const files = img.shadowed.filter((f) => f.type === 'file');
    expect(files.map(({ path, layer, hiddenBy, how, size }) => ({ path, layer, hiddenBy, how, size }))).toEqual([
      { path: '/opt/build/bundle.bin', layer: 2, hiddenBy: 4, how: 'deleted', size: 512 * 1024 },
      { path: '/app/cache.db', layer: 3, hiddenBy: 5, how: 'overwritten', size: 128 * 1024 },
    ]);
    expect(img.layers[2]!.wastedBytes).toBe(512 * 1024);
    expect(img.layers[3]!.wastedBytes).toBe(128 * 1024);
    expect(file(img, '/opt/build/bundle.bin')).toBeUndefined();
    expect(file(img, '/app/cache.db')).toMatchObject({ size: 3, layer: 5 });
    expect(img.efficiency.score).toBeLessThan(1);
  });

  it('size-deleted-later: the wasted-space check names both files and their layers', async () => {
    const found = (await findings('size-deleted-later', 'docker')).filter((f) => f.rule === 'size/wasted-space' && f.location.kind === 'image' && f.location.path);
    const places = found.map((f) => (f.location.kind === 'image' ? { path: f.location.path, layer: f.location.layer } : null));
    expect(places).toEqual([
      { path: '/opt/build/bundle.bin', layer: 2 },
      { path: '/app/cache.db', layer: 3 },
    ]);
  });

  it('secret-deleted: the key and the .env were deleted, but their contents still ship', async () => {
    const img = await facts('secret-deleted', 'docker');
    expect(file(img, '/root/.ssh/id_rsa')).toBeUndefined();
    expect(file(img, '/app/.env')).toBeUndefined();
    const shadowed = img.shadowed.map((s) => [s.path, s.layer, s.how]);
    expect(shadowed).toContainEqual(['/root/.ssh/id_rsa', 2, 'deleted']);
    expect(shadowed).toContainEqual(['/app/.env', 3, 'deleted']);
    const key = img.captures.find((c) => c.path === '/root/.ssh/id_rsa');
    expect(key).toMatchObject({ layer: 2, visible: false });
    expect(key?.text).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(img.captures.find((c) => c.path === '/app/.env')).toMatchObject({ layer: 3, visible: false });
  });

  it('setuid: a setuid and a setgid file, with the RUN layer that set the bits', async () => {
    const img = await facts('setuid', 'oci');
    expect(file(img, '/usr/local/bin/helper')).toMatchObject({ type: 'file', layer: 3, uid: 0 });
    expect(perm(file(img, '/usr/local/bin/helper'))).toBe(0o4755);
    expect(file(img, '/usr/local/bin/group-helper')).toMatchObject({ type: 'file', layer: 3 });
    expect(perm(file(img, '/usr/local/bin/group-helper'))).toBe(0o2755);
    expect(img.layers[3]!.createdBy).toContain('chmod 4755');
    // nothing in the busybox base is setuid or setgid
    expect([...img.files.values()].filter((f) => f.layer === 0 && f.mode & 0o6000)).toEqual([]);
  });

  it('one-app-supervisord: a process manager as the command and its config with two programs', async () => {
    const img = await facts('one-app-supervisord', 'docker');
    expect(img.config.cmd).toEqual(['/usr/bin/supervisord', '-n', '-c', '/etc/supervisord.conf']);
    expect(file(img, '/etc/supervisord.conf')).toMatchObject({ type: 'file' });
    const conf = img.captured.get('/etc/supervisord.conf');
    if (conf !== undefined) expect(conf.match(/^\[program:/gm)).toHaveLength(2);
  });

  it('tags-latest: tagged only latest, no version label', async () => {
    const [d, o] = await Promise.all([facts('tags-latest', 'docker'), facts('tags-latest', 'oci')]);
    expect(o.tags).toEqual(['shipshape-sample/tags-latest:latest']);
    expect(d.tags).toEqual(o.tags);
    expect(Object.keys(d.config.labels).filter((k) => k.includes('version'))).toEqual([]);
  });

  it('every sample but tags-latest has a versioned tag and the OCI version label', async () => {
    for (const name of samples.filter((s) => s !== 'tags-latest')) {
      const img = await facts(name, 'oci');
      expect(img.tags, name).toEqual([`shipshape-sample/${name}:1.0.0`]);
      expect(img.config.labels['org.opencontainers.image.version'], name).toBe('1.0.0');
      expect(buildLayers(img), name).toBeGreaterThan(0);
    }
  });
});
