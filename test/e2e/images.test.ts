/**
 * End to end on real images: sample-images/build.sh rebuilds every sample with buildah (the busybox
 * ones and the Debian ones from debootstrap), then the bundled CLI (`node dist/cli.js --format json`)
 * reads each image's docker-archive and oci-archive. Asserts what a user sees: every target read as
 * an image without error, the same findings from both archives, and the rule, path and layer of each
 * finding a sample exists to provoke.
 *
 * Needs root and buildah (apt-get install buildah busybox-static debootstrap); skipped with a message
 * otherwise, except under CI=true, where it fails instead. SHIPSHAPE_E2E_DEBIAN=0 skips the Debian
 * samples (their base takes a debootstrap and about 2 minutes).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readImages } from '../../src/image/read-images.js';

const root = join(import.meta.dirname, '../..');
const out = join(root, 'sample-images/build');
const cli = join(root, 'dist/cli.js');

function cannotRun(): string | null {
  if (process.platform !== 'linux') return 'buildah needs Linux';
  if (process.getuid?.() !== 0) return 'not root (buildah with vfs storage and chroot isolation needs root)';
  if (spawnSync('buildah', ['--version']).status !== 0) return 'buildah is missing (apt-get install buildah busybox-static debootstrap)';
  if (!existsSync('/bin/busybox')) return '/bin/busybox is missing (apt-get install busybox-static)';
  return null;
}
const reason = cannotRun();
if (reason && process.env.CI === 'true') throw new Error(`the end-to-end image suite must run in CI, but: ${reason}`);
if (reason) console.warn(`skipping the end-to-end image suite: ${reason}`);
const withDebian = process.env.SHIPSHAPE_E2E_DEBIAN !== '0';

interface JsonFinding {
  rule: string;
  category: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  messageId: string;
  path?: string;
  layer?: number;
  detail?: Record<string, unknown>;
}
interface JsonTarget {
  path: string;
  kind: string;
  error: { message: string } | null;
  findings: JsonFinding[];
}

/**
 * A finding a sample must produce. `rule` is the rule id (a pattern while the image side of a practice
 * is being written): the expectation applies once the registry has an image rule it matches.
 */
interface Want {
  rule: RegExp;
  path?: string | RegExp;
  layer?: number;
  severity?: JsonFinding['severity'];
}

interface Sample {
  name: string;
  base: 'busybox' | 'debian';
  want: Want[];
  /** Categories that may report warnings or errors on this sample; anything else is a false positive. */
  allowed: string[];
}

const samples: Sample[] = [
  { name: 'good', base: 'busybox', want: [], allowed: [] },
  { name: 'user-root', base: 'busybox', want: [{ rule: /^user\/root-user$/ }], allowed: ['user'] },
  { name: 'user-missing', base: 'busybox', want: [{ rule: /^user\/.*(missing|unknown|passwd)/, path: '/etc/passwd' }], allowed: ['user'] },
  { name: 'user-named', base: 'busybox', want: [{ rule: /^user\/named-user$/ }], allowed: ['user'] },
  { name: 'pid1-shell-form', base: 'busybox', want: [{ rule: /^pid1\/shell-form-command$/ }], allowed: ['pid1'] },
  { name: 'pid1-script-no-exec', base: 'busybox', want: [{ rule: /^pid1\/.*(exec|script)/, path: '/usr/local/bin/docker-entrypoint.sh', layer: 1 }], allowed: ['pid1'] },
  { name: 'pid1-npm-start', base: 'busybox', want: [{ rule: /^pid1\/package-manager-launcher$/ }], allowed: ['pid1'] },
  {
    name: 'tools-netcat',
    base: 'busybox',
    want: [
      { rule: /^tools\/network-tools$/, path: '/usr/bin/nc', layer: 2 },
      { rule: /^tools\/download-tools-left$/, path: '/usr/bin/wget', layer: 2 },
      { rule: /^tools\/ssh-installed$/, path: '/usr/sbin/sshd', layer: 3 },
    ],
    allowed: ['tools'],
  },
  {
    name: 'size-deleted-later',
    base: 'busybox',
    want: [
      { rule: /^size\/wasted-space$/, path: '/opt/build/bundle.bin', layer: 2, severity: 'warning' },
      { rule: /^size\/wasted-space$/, path: '/app/cache.db', layer: 3, severity: 'warning' },
    ],
    allowed: ['size'],
  },
  {
    name: 'secret-deleted',
    base: 'busybox',
    want: [
      { rule: /^security\/.*(secret|key)/, path: '/root/.ssh/id_rsa', layer: 2 },
      { rule: /^security\/.*(secret|env)/, path: '/app/.env', layer: 3 },
    ],
    allowed: ['security', 'size'],
  },
  {
    name: 'setuid',
    base: 'busybox',
    want: [
      { rule: /^security\/.*(setuid|suid)/, path: '/usr/local/bin/helper', layer: 3 },
      { rule: /^security\/.*(setuid|suid|setgid)/, path: '/usr/local/bin/group-helper', layer: 3 },
    ],
    allowed: ['security'],
  },
  {
    name: 'tools-minimal',
    base: 'busybox',
    want: [
      { rule: /^tools\/package-managers$/, path: '/sbin/apk', layer: 2 },
      { rule: /^tools\/package-managers$/, path: '/usr/local/bin/pip', layer: 3 },
      { rule: /^tools\/debuggers$/, path: '/usr/bin/strace', layer: 4 },
      { rule: /^tools\/download-tools-left$/, path: '/usr/bin/curl', layer: 5 },
      { rule: /^tools\/sudo$/, path: '/usr/bin/sudo', layer: 7, severity: 'warning' },
    ],
    allowed: ['tools'],
  },
  {
    name: 'multi-stage-toolchain',
    base: 'busybox',
    want: [
      { rule: /^multi-stage\/build-tools-in-final$/, path: '/usr/bin/gcc', layer: 2 },
      { rule: /^multi-stage\/build-tools-in-final$/, path: '/usr/include', layer: 3 },
      { rule: /^multi-stage\/build-tools-in-final$/, path: '/usr/local/go/bin/go', layer: 4 },
      { rule: /^multi-stage\/build-tools-in-final$/, path: '/var/lib/dpkg/status', layer: 6 },
    ],
    allowed: ['multi-stage'],
  },
  {
    name: 'secret-layers',
    base: 'busybox',
    want: [
      { rule: /^security\/copied-secret-file$/, path: '/app/settings.yml', layer: 2 },
      { rule: /^security\/copied-secret-file$/, path: '/root/.docker/config.json', layer: 4 },
      { rule: /^security\/copied-secret-file$/, path: '/root/.npmrc', layer: 5 },
      { rule: /^security\/copied-secret-file$/, path: '/app/tls/server.key', layer: 6 },
      { rule: /^security\/secret-in-arg-env$/ },
    ],
    allowed: ['security'],
  },
  { name: 'one-app-supervisord', base: 'busybox', want: [{ rule: /^one-app\// }], allowed: ['one-app'] },
  {
    name: 'one-app-services',
    base: 'busybox',
    want: [
      { rule: /^one-app\/several-daemons$/, path: '/usr/sbin/nginx', layer: 1 },
      { rule: /^one-app\/several-daemons$/, path: '/usr/bin/redis-server', layer: 2 },
      { rule: /^one-app\/background-services$/, path: '/usr/local/bin/docker-entrypoint.sh', layer: 4 },
    ],
    allowed: ['one-app', 'pid1'],
  },
  { name: 'tags-latest', base: 'busybox', want: [{ rule: /^tags\/latest-tag$/ }], allowed: ['tags'] },
  {
    name: 'upstream-tools',
    base: 'busybox',
    want: [
      { rule: /^tools\/network-tools$/, path: '/usr/bin/nc', layer: 2, severity: 'info' },
      { rule: /^tools\/ssh-installed$/, path: '/usr/sbin/sshd', layer: 3, severity: 'info' },
    ],
    allowed: [],
  },
  { name: 'cache-context-copy', base: 'busybox', want: [{ rule: /^cache\/context-copy-before-install$/, layer: 2 }], allowed: ['cache', 'pid1'] },
  {
    name: 'debian-tools',
    base: 'debian',
    want: [
      { rule: /^user\/root-user$/ },
      { rule: /^tags\/latest-tag$/ },
      { rule: /^tools\/ssh-installed$/, path: '/usr/bin/ssh', layer: 1 },
      { rule: /^tools\/network-tools$/, path: /^\/usr\/bin\/(nc|nc\.openbsd|netcat)$/, layer: 1 },
      { rule: /^size\/.*(cache|apt|lists)/, path: /^\/var\/lib\/apt\/lists/, layer: 1 },
    ],
    allowed: ['user', 'tags', 'tools', 'size'],
  },
  { name: 'debian-supervisor', base: 'debian', want: [{ rule: /^one-app\// }], allowed: ['one-app', 'multi-stage', 'tools'] },
  { name: 'debian-good', base: 'debian', want: [], allowed: [] },
];

const active = samples.filter((s) => s.base === 'busybox' || withDebian);
const results = new Map<string, { docker: JsonTarget; oci: JsonTarget; status: number }>();
let imageRules: string[] = [];

function runCli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The findings without what legitimately names the stored blob (an uncompressed or a gzip layer). */
/** Findings both archive formats carry: without the digests, and without what only an OCI layout's index holds (attestations, annotations). */
function portable(fs: JsonFinding[]): JsonFinding[] {
  return fs.filter((f) => f.rule !== 'security/no-attestation' && f.rule !== 'tags/no-base-annotation').map((f) => {
    if (!f.detail || !('digest' in f.detail)) return f;
    const { digest: _d, ...detail } = f.detail;
    return { ...f, detail };
  });
}

const matches = (f: JsonFinding, w: Want): boolean =>
  w.rule.test(f.rule) && (w.path === undefined || (typeof w.path === 'string' ? f.path === w.path : w.path.test(f.path ?? ''))) && (w.layer === undefined || f.layer === w.layer) && (w.severity === undefined || f.severity === w.severity);

describe.skipIf(reason !== null)('sample images built with buildah, read by the CLI', () => {
  beforeAll(() => {
    expect(existsSync(cli), 'dist/cli.js: run `node scripts/build.mjs` first (npm run test:e2e does)').toBe(true);
    const t0 = Date.now();
    const build = spawnSync('bash', [join(root, 'sample-images/build.sh'), '--out', out, '--base', withDebian ? 'all' : 'busybox'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
    if (build.status !== 0) throw new Error(`sample-images/build.sh failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
    const seconds = ((Date.now() - t0) / 1000).toFixed(0);
    const sizes = active.map((s) => `${s.name}: docker ${mib(`${s.name}.docker.tar`)}, oci ${mib(`${s.name}.oci.tar`)}`);
    console.log(`sample-images/build.sh: ${active.length} images in ${seconds} s\n  ${sizes.join('\n  ')}`);

    const rules = runCli(['rules', '--format', 'json']);
    expect(rules.status).toBe(0);
    imageRules = (JSON.parse(rules.stdout) as { rules: { id: string; inputs: string[] }[] }).rules.filter((r) => r.inputs.includes('image')).map((r) => r.id);

    for (const s of active) {
      const r = runCli(['--format', 'json', join(out, `${s.name}.docker.tar`), join(out, `${s.name}.oci.tar`)]);
      let doc: { targets: JsonTarget[] };
      try {
        doc = JSON.parse(r.stdout) as { targets: JsonTarget[] };
      } catch {
        throw new Error(`${s.name}: the CLI printed no JSON (exit ${r.status}): ${r.stderr}`);
      }
      expect(doc.targets, s.name).toHaveLength(2);
      results.set(s.name, { docker: doc.targets[0]!, oci: doc.targets[1]!, status: r.status });
    }
  });

  const mib = (f: string): string => `${(statSync(join(out, f)).size / 1048576).toFixed(1)} MiB`;

  describe.each(active)('$name', (s) => {
    it('both archives are read as images, without error', () => {
      const r = results.get(s.name)!;
      expect(r.docker).toMatchObject({ path: join(out, `${s.name}.docker.tar`), kind: 'image', error: null });
      expect(r.oci).toMatchObject({ path: join(out, `${s.name}.oci.tar`), kind: 'image', error: null });
      // 0: nothing at the fail threshold, 1: findings at it; 2 would be an unreadable input
      expect([0, 1]).toContain(r.status);
    });

    it('docker-archive and oci-archive give identical findings, but for what only the OCI layout carries', () => {
      const r = results.get(s.name)!;
      // Attestations and manifest annotations live in an OCI layout only: docker save keeps neither.
      const fromBoth = (fs: JsonFinding[]) => fs.filter((f) => f.rule !== 'security/no-attestation' && f.rule !== 'tags/no-base-annotation');
      expect(portable(fromBoth(r.oci.findings))).toEqual(portable(fromBoth(r.docker.findings)));
    });

    it('warnings and errors come only from the practices the sample breaks', () => {
      const r = results.get(s.name)!;
      const stray = r.docker.findings.filter((f) => f.severity !== 'info' && !s.allowed.includes(f.category));
      expect(stray.map((f) => `${f.rule} ${f.path ?? ''}#${f.layer ?? ''}: ${f.message}`)).toEqual([]);
    });

    for (const w of s.want) {
      const label = `reports ${w.rule.source}${w.path ? ` at ${typeof w.path === 'string' ? w.path : w.path.source}` : ''}${w.layer !== undefined ? ` in layer ${w.layer}` : ''}`;
      it(label, (ctx) => {
        if (!imageRules.some((id) => w.rule.test(id))) {
          ctx.skip(`no image rule matches ${w.rule.source} yet`);
          return;
        }
        const found = results.get(s.name)!.docker.findings;
        expect(found.filter((f) => matches(f, w)), JSON.stringify(found.map((f) => [f.rule, f.path, f.layer]))).not.toEqual([]);
      });
    }
  });

  it('good: nothing but information', () => {
    const r = results.get('good')!;
    expect(r.docker.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('--dockerfile: every finding about a build layer names the Dockerfile line that made it, in both archives', () => {
    for (const s of active) {
      const dockerfile = join(root, 'sample-images/images', s.name, 'Dockerfile');
      const lines = readFileSync(dockerfile, 'utf8').split('\n');
      const docs = (['docker', 'oci'] as const).map((f) => {
        const r = runCli(['--format', 'json', '--dockerfile', dockerfile, join(out, `${s.name}.${f}.tar`)]);
        return (JSON.parse(r.stdout) as { targets: (JsonTarget & { findings: (JsonFinding & { dockerfile?: { file: string; line: number } })[] })[] }).targets[0]!;
      });
      expect(portable(docs[1]!.findings), s.name).toEqual(portable(docs[0]!.findings));
      for (const f of docs[0]!.findings) {
        // config findings (field set) point at the instruction that set the value instead
        if (f.layer === undefined || f.detail?.fromBase !== false || 'field' in f) continue;
        expect(f.dockerfile, `${s.name}: ${f.rule} layer ${f.layer}`).toBeDefined();
        expect(lines[f.dockerfile!.line - 1], `${s.name}: ${f.rule} layer ${f.layer}`).toMatch(/^(RUN|COPY|ADD|WORKDIR)\b/);
      }
    }
  });

  describe.skipIf(!withDebian)('Debian samples: what the reader sees in a real distribution', () => {
    it('debian-tools: netcat and ssh from the apt layer, apt lists left, dpkg status captured', async () => {
      const [img] = await readImages({ path: join(out, 'debian-tools.oci.tar') });
      const apt = img!.layers.findIndex((l) => l.createdBy.includes('apt-get install -y netcat-openbsd openssh-client'));
      expect(apt).toBe(1);
      expect(img!.files.get('/usr/bin/ssh')).toMatchObject({ type: 'file', layer: apt });
      expect(img!.files.get('/usr/bin/nc.openbsd')).toMatchObject({ type: 'file', layer: apt });
      expect(img!.files.get('/usr/bin/nc')).toMatchObject({ type: 'symlink', linkTarget: '/etc/alternatives/nc', layer: apt });
      expect([...img!.files.values()].filter((f) => f.path.startsWith('/var/lib/apt/lists/') && f.type === 'file' && f.size > 0).length).toBeGreaterThan(0);
      expect(img!.captured.get('/var/lib/dpkg/status')).toMatch(/^Package: netcat-openbsd$/m);
      expect(img!.tags).toEqual(['shipshape-sample/debian-tools:latest']);
      expect(img!.config.user).toBe('');
    });

    it('debian-good: the setuid binaries come with the base layer; no apt lists ship', async () => {
      const [img] = await readImages({ path: join(out, 'debian-good.docker.tar') });
      const setuid = [...img!.files.values()].filter((f) => f.type === 'file' && f.mode & 0o4000);
      expect(setuid.map((f) => f.path)).toContain('/usr/bin/su');
      expect(setuid.every((f) => img!.layers[f.layer]!.fromBase)).toBe(true);
      expect([...img!.files.values()].filter((f) => f.path.startsWith('/var/lib/apt/lists/') && f.type === 'file' && f.size > 0)).toEqual([]);
      expect(img!.config.user).toBe('10001:10001');
    });

    it('debian-supervisor: the real supervisord and its program config are in the image', async () => {
      const [img] = await readImages({ path: join(out, 'debian-supervisor.oci.tar') });
      expect(img!.files.get('/usr/bin/supervisord')).toMatchObject({ type: 'file' });
      expect(img!.files.get('/etc/supervisor/conf.d/app.conf')).toMatchObject({ type: 'file' });
      expect(img!.config.cmd).toEqual(['/usr/bin/supervisord', '-n', '-c', '/etc/supervisor/supervisord.conf']);
    });
  });
});
