/**
 * Kubernetes manifests end to end on images built here: sample-images/build.sh builds the k8s
 * samples with buildah, then the bundled CLI reads a manifest with each archive (`--image`, docker-
 * and oci-archive) and with the sample's own Dockerfile mapped in a config (`images:`). Both ways must
 * report what the manifest and the image only show together (runAsNonRoot against a named USER,
 * a command that drops the image's init and gets its STOPSIGNAL, a script of the image that does
 * not exec, runAsUser/runAsGroup that cannot run the program), each
 * finding naming the manifest line and the other file.
 *
 * Needs root and buildah (apt-get install buildah busybox-static); skipped with a message otherwise,
 * except under CI=true, where it fails instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { have, startPodman, startRegistry, type Registry } from './sources-harness.js';

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
if (reason && process.env.CI === 'true') throw new Error(`the end-to-end Kubernetes suite must run in CI, but: ${reason}`);
if (reason) console.warn(`skipping the end-to-end Kubernetes suite: ${reason}`);

interface JsonFinding {
  rule: string;
  severity: string;
  line: number;
  message: string;
  pairedWith?: { file: string; line?: number; field?: string; path?: string };
}

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: shipshape-sample/k8s-web:1.0.0
        - name: reload
          image: shipshape-sample/k8s-web:1.0.0
          command: ["/usr/local/bin/sync.sh", "/usr/sbin/nginx", "-g", "daemon off;"]
          securityContext:
            runAsUser: 10001
---
apiVersion: v1
kind: Pod
metadata:
  name: private
spec:
  securityContext:
    runAsUser: 20000
    runAsGroup: 20000
  containers:
    - name: app
      image: shipshape-sample/k8s-private:1.0.0
`;

let out = '';
let work = '';

function runCli(args: string[], cwd = work, env: NodeJS.ProcessEnv = process.env): { status: number | null; findings: JsonFinding[]; stderr: string } {
  const r = spawnSync(process.execPath, [cli, '--format', 'json', ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const doc = JSON.parse(r.stdout) as { targets: { kind: string; error: unknown; findings: JsonFinding[] }[] };
  const manifest = doc.targets.find((t) => t.kind === 'manifest')!;
  expect(manifest.error).toBeNull();
  return { status: r.status, findings: manifest.findings, stderr: r.stderr };
}

describe.skipIf(reason !== null)('manifests with sample images built by buildah', () => {
  beforeAll(() => {
    expect(existsSync(cli), 'dist/cli.js: run `node scripts/build.mjs` first (npm run test:e2e does)').toBe(true);
    out = mkdtempSync(join(tmpdir(), 'shipshape-k8s-images-'));
    work = mkdtempSync(join(tmpdir(), 'shipshape-k8s-work-'));
    writeFileSync(join(work, 'web.yaml'), MANIFEST);
    const build = spawnSync('bash', [join(root, 'sample-images/build.sh'), '--out', out, 'k8s-web', 'k8s-private'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    if (build.status !== 0) throw new Error(`sample-images/build.sh failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  });

  for (const format of ['docker', 'oci'] as const) {
    it(`--image with the ${format}-archives: both sides of each finding`, () => {
      const web = join(out, `k8s-web.${format}.tar`);
      const r = runCli(['web.yaml', '--image', web, '--image', join(out, `k8s-private.${format}.tar`)]);
      expect(r.status).toBe(1);
      const by = (rule: string): JsonFinding | undefined => r.findings.find((f) => f.rule === rule);
      expect(by('user/run-as-non-root')).toMatchObject({ severity: 'error', line: 12, pairedWith: { file: web, field: 'User' } });
      expect(by('user/run-as-non-root')!.message).toContain('"container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root"');
      expect(by('user/run-as-non-root')!.message).toContain('set runAsUser: 10001');
      expect(by('pid1/command-drops-entrypoint')).toMatchObject({ line: 15, pairedWith: { file: web, field: 'Entrypoint' } });
      expect(by('pid1/inherited-stop-signal')).toMatchObject({ line: 15, pairedWith: { file: web, field: 'StopSignal' } });
      expect(by('pid1/script-without-exec')).toMatchObject({ line: 15, pairedWith: { file: web, path: '/usr/local/bin/sync.sh', line: 5 } });
      expect(by('user/app-files-unreadable')).toMatchObject({ severity: 'error', line: 26, pairedWith: { path: '/app/serve' } });
      expect(r.stderr).toBe('');
    });
  }

  it('the sample’s Dockerfile mapped in the config: the same user and command findings, at its lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-k8s-mapped-'));
    writeFileSync(join(dir, '.shipshape.yaml'), `images:\n  shipshape-sample/k8s-web:\n    dockerfile: ${join(root, 'sample-images/images/k8s-web/Dockerfile')}\n    context: ${join(root, 'sample-images/images/k8s-web')}\n`);
    writeFileSync(join(dir, 'web.yaml'), MANIFEST);
    const r = runCli(['web.yaml'], dir);
    const by = (rule: string): JsonFinding | undefined => r.findings.find((f) => f.rule === rule);
    expect(by('user/run-as-non-root')).toMatchObject({ line: 12, pairedWith: { line: 17 } });
    expect(by('pid1/command-drops-entrypoint')).toMatchObject({ line: 15, pairedWith: { line: 18 } });
    expect(by('pid1/inherited-stop-signal')).toMatchObject({ line: 15, pairedWith: { line: 16 } });
    // The Dockerfile shows no file modes: that finding needs the image.
    expect(by('user/app-files-unreadable')).toBeUndefined();
    expect(r.stderr).toMatch(/container app of Pod\/private \(image shipshape-sample\/k8s-private:1\.0\.0\): no image or Dockerfile of this run matches it/);
  });

  describe('--image names images as image targets do: a registry, an OCI layout directory', () => {
    const tools = ['docker-registry', 'skopeo'].filter((c) => !have(c));
    if (tools.length && process.env.CI === 'true') throw new Error(`the registry case must run in CI, but ${tools.join(' and ')} is missing (apt-get install docker-registry skopeo)`);
    let registry: Registry | null = null;
    let manifest = '';
    const ref = (): string => `${registry!.host}/shipshape-sample/k8s-web:1.0.0`;
    // No engine (DOCKER_HOST names a socket that is not there): a name that is no file goes to the registry.
    const noEngine = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock', CONTAINER_HOST: 'unix:///nonexistent/podman.sock', XDG_RUNTIME_DIR: '/nonexistent' };

    beforeAll(async () => {
      if (tools.length) return;
      registry = await startRegistry(join(out, 'registry'), '');
      const push = spawnSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci-archive:${join(out, 'k8s-web.oci.tar')}`, `docker://${ref()}`], { encoding: 'utf8' });
      if (push.status !== 0) throw new Error(`skopeo copy failed: ${push.stderr}`);
      manifest = join(work, 'pushed.yaml');
      writeFileSync(manifest, MANIFEST.split('\n---\n')[0]!.replaceAll('image: shipshape-sample/k8s-web:1.0.0', `image: ${ref()}`) + '\n');
    });
    afterAll(() => registry?.stop());

    it.skipIf(tools.length > 0)('docker://REF and a bare REF: read from the registry, matched by the name the manifest uses', () => {
      for (const image of [`docker://${ref()}`, ref()]) {
        const r = runCli([manifest, '--insecure-registry', registry!.host, '--image', image], work, noEngine);
        const by = (rule: string): JsonFinding | undefined => r.findings.find((f) => f.rule === rule);
        expect(by('user/run-as-non-root')).toMatchObject({ severity: 'error', line: 12, pairedWith: { file: image, field: 'User' } });
        expect(by('pid1/command-drops-entrypoint')).toMatchObject({ line: 15, pairedWith: { file: image, field: 'Entrypoint' } });
        expect(r.stderr).not.toMatch(/no image or Dockerfile of this run matches it/);
        if (image === ref()) expect(r.stderr).toContain(`shipshape: note: ${image}: no such file; the engine at unix:///nonexistent/docker.sock did not answer (no such socket), so read from the registry as ${image}`);
      }
    });

    it.skipIf(tools.length > 0)('an image the registry does not have: one line, exit 2', () => {
      const r = spawnSync(process.execPath, [cli, manifest, '--insecure-registry', registry!.host, '--image', `docker://${registry!.host}/shipshape-sample/k8s-web:9.9.9`], { cwd: work, env: noEngine, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^shipshape: --image docker:\/\/127\.0\.0\.1:\d+\/shipshape-sample\/k8s-web:9\.9\.9: .*has no shipshape-sample\/k8s-web:9\.9\.9/);
    });

    it('an OCI layout directory', () => {
      const dir = join(out, 'k8s-web-layout');
      mkdirSync(dir, { recursive: true });
      const x = spawnSync('tar', ['-xf', join(out, 'k8s-web.oci.tar'), '-C', dir]);
      expect(x.status).toBe(0);
      const r = runCli(['web.yaml', '--image', dir]);
      const by = (rule: string): JsonFinding | undefined => r.findings.find((f) => f.rule === rule);
      expect(by('user/run-as-non-root')).toMatchObject({ line: 12, pairedWith: { file: dir, field: 'User' } });
      expect(by('pid1/command-drops-entrypoint')).toMatchObject({ line: 15 });
    });
  });

  describe('--images-from-engine: Podman\'s Docker-compatible service on a unix socket', () => {
    const missing = have('podman') ? null : 'podman is missing (apt-get install podman)';
    if (missing && process.env.CI === 'true') throw new Error(`the engine case must run in CI, but ${missing}`);
    let podman: Awaited<ReturnType<typeof startPodman>> | null = null;

    beforeAll(async () => {
      if (missing) return;
      podman = await startPodman(join(out, 'podman'));
      podman.podman(['load', '--quiet', '-i', join(out, 'k8s-web.docker.tar')]);
    }, 20 * 60_000);
    afterAll(() => podman?.stop());

    it.skipIf(missing !== null)('reads the image a container names from the engine; the one the engine lacks gets its note', () => {
      const env = { ...process.env, DOCKER_HOST: `unix://${podman!.socket}` };
      const r = runCli(['web.yaml', '--images-from-engine'], work, env);
      const by = (rule: string): JsonFinding | undefined => r.findings.find((f) => f.rule === rule);
      const file = 'docker-daemon:shipshape-sample/k8s-web:1.0.0';
      expect(by('user/run-as-non-root')).toMatchObject({ severity: 'error', line: 12, pairedWith: { file, field: 'User' } });
      expect(by('pid1/command-drops-entrypoint')).toMatchObject({ line: 15, pairedWith: { file, field: 'Entrypoint' } });
      expect(by('pid1/script-without-exec')).toMatchObject({ line: 15, pairedWith: { file, path: '/usr/local/bin/sync.sh' } });
      // k8s-private was not loaded: the engine answers 404, and the container is checked from the manifest alone.
      expect(r.stderr).toMatch(/container app of Pod\/private \(image shipshape-sample\/k8s-private:1\.0\.0\): no image or Dockerfile of this run matches it/);
      expect(r.stderr).not.toMatch(/k8s-web:1\.0\.0\): no image or Dockerfile/);
    });

    it.skipIf(missing !== null)('without the flag the engine is not asked', () => {
      const env = { ...process.env, DOCKER_HOST: `unix://${podman!.socket}` };
      const r = runCli(['web.yaml'], work, env);
      expect(r.findings.find((f) => f.rule === 'user/run-as-non-root')).toBeUndefined();
      expect(r.stderr).toMatch(/container web of Deployment\/web \(image shipshape-sample\/k8s-web:1\.0\.0\): no image or Dockerfile of this run matches it/);
    });
  });
});
