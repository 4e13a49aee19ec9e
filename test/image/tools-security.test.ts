/**
 * The image side of the tools, multi-stage and security checks: on the committed sample images built
 * by buildah (both archive formats must agree, every finding names its path, layer and the history
 * entry of that layer), and on small hand-built archives for the cases samples do not cover (symlink
 * chains through /bin -> usr/bin, hard links, dangling links, base-image tools, allowedTools).
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeImage } from '../../src/analyze.js';
import type { Check, CheckSettings, Finding } from '../../src/engine/types.js';
import { checks } from '../../src/analyze.js';
import { dockerArchive, type Member } from './helpers.js';

const built = join(import.meta.dirname, '../../sample-images/built');
const MINE = /^(tools|multi-stage|security)\//;

interface Seen {
  rule: string;
  severity: string;
  messageId: string;
  path?: string | undefined;
  layer?: number | undefined;
  field?: string | undefined;
  message: string;
  createdBy?: string | number | boolean | undefined;
  fromBase?: string | number | boolean | undefined;
}

const seen = (f: Finding): Seen => ({
  rule: f.rule,
  severity: f.severity,
  messageId: f.messageId,
  path: f.location.kind === 'image' ? f.location.path : undefined,
  layer: f.location.kind === 'image' ? f.location.layer : undefined,
  field: f.location.kind === 'image' ? f.location.field : undefined,
  message: f.message,
  createdBy: f.detail?.createdBy,
  fromBase: f.detail?.fromBase,
});

async function sample(name: string, format: 'docker' | 'oci'): Promise<Seen[]> {
  const { results } = await analyzeImage({ path: join(built, `${name}.${format}.tar`) }, { checks });
  // security/no-attestation reads the OCI index, which a docker-archive does not keep (test/image/imgchecks.test.ts).
  return results[0]!.findings.filter((f) => MINE.test(f.rule) && f.rule !== 'security/no-attestation').map(seen);
}

/** Both formats, compared; the docker-archive's findings returned. */
async function both(name: string): Promise<Seen[]> {
  const [d, o] = await Promise.all([sample(name, 'docker'), sample(name, 'oci')]);
  expect(o).toEqual(d);
  return d;
}

const brief = (fs: Seen[]): [string, string | undefined, number | undefined, string][] => fs.map((f) => [f.rule, f.path ?? f.field, f.layer, f.severity]);

describe('sample images (docker-archive and oci-archive agree)', () => {
  it('tools-netcat: busybox applet links nc and wget, and an sshd, each with its layer and RUN/COPY', async () => {
    const fs = await both('tools-netcat');
    expect(brief(fs)).toEqual([
      ['tools/download-tools-left', '/usr/bin/wget', 2, 'warning'],
      ['tools/network-tools', '/usr/bin/nc', 2, 'warning'],
      ['tools/ssh-installed', '/usr/sbin/sshd', 3, 'warning'],
    ]);
    const nc = fs.find((f) => f.rule === 'tools/network-tools')!;
    expect(nc.message).toContain('netcat at /usr/bin/nc (-> /bin/busybox), added by this build in layer 2 (RUN ln -s /bin/busybox /usr/bin/nc');
    expect(nc.createdBy).toMatch(/^RUN ln -s \/bin\/busybox \/usr\/bin\/nc/);
    expect(nc.fromBase).toBe(false);
    expect(fs.find((f) => f.rule === 'tools/ssh-installed')!.createdBy).toMatch(/^COPY .* in \/usr\/sbin\/sshd$/);
  });

  it('tools-minimal: package managers in a busybox image, a tracer, curl, and sudo (not again as setuid)', async () => {
    const fs = await both('tools-minimal');
    expect(brief(fs)).toEqual([
      ['tools/package-managers', '/sbin/apk', 2, 'warning'],
      ['tools/package-managers', '/usr/local/bin/pip', 3, 'warning'],
      ['tools/debuggers', '/usr/bin/strace', 4, 'warning'],
      ['tools/package-managers', '/usr/local/bin/pip3', 4, 'warning'],
      ['tools/download-tools-left', '/usr/bin/curl', 5, 'warning'],
      ['tools/sudo', '/usr/bin/sudo', 7, 'warning'],
    ]);
    expect(fs.find((f) => f.path === '/usr/local/bin/pip3')!.message).toContain('pip at /usr/local/bin/pip3 (-> /usr/local/bin/pip)');
    expect(fs.find((f) => f.rule === 'tools/sudo')!.createdBy).toBe('RUN chmod u+s /usr/bin/sudo');
  });

  it('multi-stage-toolchain: gcc, cc and cc1, headers, the Go toolchain, make, build-essential', async () => {
    const fs = await both('multi-stage-toolchain');
    expect(brief(fs)).toEqual([
      ['multi-stage/build-tools-in-final', '/usr/bin/gcc', 2, 'warning'],
      ['multi-stage/build-tools-in-final', '/usr/bin/cc', 3, 'warning'],
      ['multi-stage/build-tools-in-final', '/usr/include', 3, 'warning'],
      ['multi-stage/build-tools-in-final', '/usr/local/go/bin/go', 4, 'warning'],
      ['multi-stage/build-tools-in-final', '/usr/bin/make', 5, 'warning'],
      ['multi-stage/build-tools-in-final', '/var/lib/dpkg/status', 6, 'warning'],
    ]);
    const [, cc, headers, , , dpkg] = fs;
    expect(cc!.message).toContain('a C/C++ compiler at /usr/bin/cc (-> /usr/bin/gcc), also /usr/lib/gcc/x86_64-linux-gnu/12/cc1');
    expect(headers!.message).toContain('C headers (60 files) at /usr/include');
    expect(headers!.createdBy).toMatch(/^RUN mkdir -p \/usr\/lib\/gcc/);
    expect(dpkg!.message).toContain('build-essential (the package database lists it)');
  });

  it('secret-deleted: the key and the .env deleted by layer 4 still ship in layers 2 and 3', async () => {
    const fs = await both('secret-deleted');
    expect(brief(fs)).toEqual([
      ['security/copied-secret-file', '/root/.ssh/id_rsa', 2, 'error'],
      ['security/copied-secret-file', '/app/.env', 3, 'error'],
    ]);
    expect(fs.map((f) => f.messageId)).toEqual(['deletedInImage', 'deletedInImage']);
    expect(fs[0]!.message).toMatch(/^\/root\/\.ssh\/id_rsa is an SSH private key, added by this build in layer 2 \(COPY .*\); layer 4 deleted it, but it still ships in layer 2/);
    expect(fs[1]!.message).toContain('layer 4 deleted it, but it still ships in layer 3');
  });

  it('secret-layers: a token in a deleted RUN file, registry and npm credentials, a private key, a token in Env; no false alarms', async () => {
    const fs = await both('secret-layers');
    expect(brief(fs)).toEqual([
      ['security/secret-in-arg-env', 'Env.GITHUB_TOKEN', undefined, 'warning'],
      ['security/copied-secret-file', '/app/settings.yml', 2, 'error'],
      ['security/copied-secret-file', '/root/.docker/config.json', 4, 'error'],
      ['security/copied-secret-file', '/root/.npmrc', 5, 'error'],
      ['security/copied-secret-file', '/app/tls/server.key', 6, 'error'],
    ]);
    const settings = fs.find((f) => f.path === '/app/settings.yml')!;
    expect(settings.message).toMatch(/^\/app\/settings\.yml holds an AWS access key, added by this build in layer 2 \(RUN printf .*\); layer 3 deleted it, but it still ships in layer 2/);
    // the message names the history entry but does not repeat the key it found
    expect(settings.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(fs[0]!.message).not.toContain('ghp_shipshape');
    expect(fs[0]!.message).toContain('holds a GitHub token in plain text (set by this build)');
  });

  it('setuid: the setuid and the setgid helper from the chmod layer', async () => {
    const fs = await both('setuid');
    expect(brief(fs)).toEqual([
      ['security/setuid-files', '/usr/local/bin/group-helper', 3, 'warning'],
      ['security/setuid-files', '/usr/local/bin/helper', 3, 'warning'],
    ]);
    expect(fs[1]!.message).toMatch(/^\/usr\/local\/bin\/helper is setuid root \(mode 4755\), added by this build in layer 3 \(RUN chmod 4755/);
    expect(fs[0]!.message).toContain('is setgid root (mode 2755)');
  });

  it('good: none of these checks reports anything', async () => {
    expect(await both('good')).toEqual([]);
  });
});

const BASE_HISTORY = (layers: number, base = 1): Record<string, unknown>[] => [
  ...Array.from({ length: base }, (_, i) => ({ created_by: `/bin/sh -c #(nop) ADD file:base${i} in / ` })),
  { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
  ...Array.from({ length: layers - base }, (_, i) => ({ created_by: `/bin/sh -c step ${i + base}` })),
];

async function run(layers: Member[][], opts: { config?: Record<string, unknown>; settings?: CheckSettings; rules?: RegExp; base?: number | null } = {}): Promise<Seen[]> {
  const history = opts.base === null ? layers.map((_, i) => ({ created_by: `/bin/sh -c step ${i}` })) : BASE_HISTORY(layers.length, opts.base ?? 1);
  const data = await dockerArchive({ layers, config: { history, ...(opts.config ?? {}) } });
  const picked = checks.filter((c: Check) => (opts.rules ?? MINE).test(c.id));
  const { results } = await analyzeImage({ path: 'test.tar', data }, { checks: picked, ...(opts.settings ? { settings: opts.settings } : {}) });
  return results[0]!.findings.map(seen);
}

const sh: Member = { name: 'bin/sh', body: '#!fake\n', mode: 0o755 };
const exe = (name: string): Member => ({ name, body: `\x7fELF ${name}`, mode: 0o755 });
const dir = (name: string): Member => ({ name, type: 'directory' });
const link = (name: string, linkname: string): Member => ({ name, type: 'symlink', linkname });

describe('finding commands in the merged file system', () => {
  it('follows a Debian-style chain: /usr/bin/nc -> /etc/alternatives/nc -> /bin/nc.openbsd, with /bin -> usr/bin', async () => {
    const fs = await run(
      [
        [link('bin', 'usr/bin'), dir('usr'), dir('usr/bin'), exe('usr/bin/busybox')],
        [dir('etc/alternatives'), link('etc/alternatives/nc', '/bin/nc.openbsd'), exe('usr/bin/nc.openbsd'), link('usr/bin/nc', '/etc/alternatives/nc'), link('usr/bin/netcat', '/etc/alternatives/nc')],
      ],
      { rules: /^tools\/network-tools$/ },
    );
    expect(brief(fs)).toEqual([['tools/network-tools', '/usr/bin/nc', 1, 'warning']]);
    expect(fs[0]!.message).toContain('netcat at /usr/bin/nc (-> /usr/bin/nc.openbsd), also /usr/bin/netcat, /usr/bin/nc.openbsd, added by this build in layer 1 (RUN step 1)');
  });

  it('counts a hard link to busybox named after an applet, but neither a bare busybox, a dangling link nor a non-executable file', async () => {
    const fs = await run(
      [
        [exe('bin/busybox'), sh],
        [{ name: 'usr/bin/telnet', type: 'link', linkname: 'bin/busybox' }, link('usr/bin/nc', '/opt/gone/nc'), { name: 'usr/bin/socat', body: 'text', mode: 0o644 }],
      ],
      { rules: /^tools\/network-tools$/ },
    );
    expect(brief(fs)).toEqual([['tools/network-tools', '/usr/bin/telnet', 1, 'warning']]);
  });

  it('reports a tool the base image brought as info naming its layer; baseFindings makes it a warning', async () => {
    const layers = [[exe('bin/busybox'), sh, exe('usr/bin/strace')], [exe('app/run')]];
    const fs = await run(layers, { rules: /^tools\/debuggers$/ });
    expect(brief(fs)).toEqual([['tools/debuggers', '/usr/bin/strace', 0, 'info']]);
    expect(fs[0]!.message).toContain('strace at /usr/bin/strace, from the base image');
    expect(fs[0]!.fromBase).toBe(true);
    const full = await run(layers, { rules: /^tools\/debuggers$/, settings: { baseFindings: true } });
    expect(brief(full)).toEqual([['tools/debuggers', '/usr/bin/strace', 0, 'warning']]);
  });

  it('keeps what allowedTools allows, by tool or command name', async () => {
    const layers = [[exe('bin/busybox'), sh], [exe('usr/bin/curl'), exe('usr/bin/ncat'), exe('usr/bin/ssh')]];
    const rules = /^tools\//;
    expect(brief(await run(layers, { rules })).map((f) => f[0])).toEqual(['tools/download-tools-left', 'tools/network-tools', 'tools/ssh-installed']);
    expect(await run(layers, { rules, settings: { allowedTools: ['curl', 'ncat', 'ssh'] } })).toEqual([]);
  });

  it('download tools: not reported when Entrypoint, Cmd or Healthcheck use them', async () => {
    const layers = [[exe('bin/busybox'), sh], [exe('usr/bin/curl')]];
    const rules = /^tools\/download-tools-left$/;
    expect(await run(layers, { rules })).toHaveLength(1);
    expect(await run(layers, { rules, config: { config: { Cmd: ['/app/run'], Healthcheck: { Test: ['CMD-SHELL', 'curl -fsS http://localhost/health || exit 1'] } } } })).toEqual([]);
    expect(await run(layers, { rules, config: { config: { Entrypoint: ['/usr/bin/curl'], Cmd: ['-h'] } } })).toEqual([]);
  });

  it('SSH: a server at the check severity, a client (ssh with scp and sftp) as one info finding', async () => {
    const fs = await run([[exe('bin/busybox'), sh], [exe('usr/sbin/sshd'), exe('usr/bin/ssh'), exe('usr/bin/scp'), exe('usr/bin/sftp')]], { rules: /^tools\/ssh-installed$/ });
    expect(fs.map((f) => [f.messageId, f.path, f.severity])).toEqual([
      ['serverInImage', '/usr/sbin/sshd', 'warning'],
      ['clientInImage', '/usr/bin/ssh', 'info'],
    ]);
    expect(fs[1]!.message).toContain('at /usr/bin/ssh, also /usr/bin/scp, /usr/bin/sftp');
  });
});

describe('tools/package-managers: only in otherwise minimal images', () => {
  const rules = /^tools\/package-managers$/;
  it('a distribution base with its own apt: nothing, even when the build adds pip', async () => {
    expect(await run([[sh, exe('usr/bin/apt-get'), exe('usr/bin/dpkg')], [exe('usr/local/bin/pip3.12')]], { rules })).toEqual([]);
  });
  it('a base without one (busybox, distroless): each package manager the build adds', async () => {
    const fs = await run([[sh, exe('bin/busybox')], [exe('usr/bin/dpkg'), exe('usr/local/bin/pip3.12')]], { rules });
    expect(brief(fs)).toEqual([
      ['tools/package-managers', '/usr/bin/dpkg', 1, 'warning'],
      ['tools/package-managers', '/usr/local/bin/pip3.12', 1, 'warning'],
    ]);
  });
  it('no base in the history: only an image without a shell counts as minimal', async () => {
    expect(await run([[sh, exe('sbin/apk')]], { rules, base: null })).toEqual([]);
    expect(brief(await run([[exe('app/run'), exe('sbin/apk')]], { rules, base: null }))).toEqual([['tools/package-managers', '/sbin/apk', 0, 'warning']]);
  });
});

describe('multi-stage: toolchains from this build versus the base', () => {
  const headers = (n: number, layer: string): Member[] => Array.from({ length: n }, (_, i) => ({ name: `usr/include/${layer}${i}.h`, body: 'int x;' }));
  it('fewer than 50 headers are a runtime package’s; 50 or more are reported at the layer holding most', async () => {
    expect(await run([[sh], headers(49, 'a')], { rules: /^multi-stage\// })).toEqual([]);
    const fs = await run([[sh], headers(20, 'a'), headers(30, 'b')], { rules: /^multi-stage\// });
    expect(brief(fs)).toEqual([['multi-stage/build-tools-in-final', '/usr/include', 2, 'warning']]);
    expect(fs[0]!.message).toContain('C headers (50 files)');
  });
  it('a gcc in the base image is sdk-final-image’s, as info naming the base; build-tools-in-final stays silent', async () => {
    const fs = await run([[sh, exe('usr/bin/gcc-12'), link('usr/bin/gcc', 'gcc-12')], [exe('app/run')]], { rules: /^multi-stage\// });
    expect(brief(fs)).toEqual([['multi-stage/sdk-final-image', '/usr/bin/gcc', 0, 'info']]);
    expect(fs[0]!.message).toContain('the base image ships a C/C++ compiler at /usr/bin/gcc (-> /usr/bin/gcc-12), also /usr/bin/gcc-12');
  });
  it('build-base in the apk database from the layer that installed it; removed packages are not reported', async () => {
    const db = (names: string[]): Member => ({ name: 'lib/apk/db/installed', body: names.map((n) => `P:${n}\nV:1.0-r0\n`).join('\n') });
    const fs = await run([[sh, db(['musl'])], [db(['musl', 'build-base'])], [exe('app/run')]], { rules: /^multi-stage\// });
    expect(brief(fs)).toEqual([['multi-stage/build-tools-in-final', '/lib/apk/db/installed', 1, 'warning']]);
    expect(await run([[sh, db(['musl'])], [db(['musl', 'build-base'])], [db(['musl'])]], { rules: /^multi-stage\// })).toEqual([]);
  });
});

describe('security in image layers', () => {
  const rules = /^security\//;
  it('credential files need the credential: an empty .npmrc, a credsStore docker config and a certificate .pem are fine', async () => {
    const clean = await run([[sh], [
      { name: 'root/.npmrc', body: 'registry=https://registry.npmjs.org/\n' },
      { name: 'root/.docker/config.json', body: '{"credsStore":"desktop"}' },
      { name: 'app/server.pem', body: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
      { name: 'app/.npmrc', body: '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n' },
    ]], { rules });
    expect(clean).toEqual([]);
    const dirty = await run([[sh], [
      { name: 'root/.git-credentials', body: 'https://bot:hunter2hunter2@github.com\n' },
      { name: 'root/.aws/credentials', body: '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' },
      { name: 'srv/app/config.json', body: '{"slack": "xoxb-123456789012-abcdefghijkl"}' },
    ]], { rules });
    expect(dirty.map((f) => [f.path, f.message.split(',')[0]])).toEqual([
      ['/root/.git-credentials', '/root/.git-credentials is a credentials file (.git-credentials)'],
      ['/root/.aws/credentials', '/root/.aws/credentials is a credentials file'],
      ['/srv/app/config.json', '/srv/app/config.json holds a Slack token'],
    ]);
  });

  it('a key replaced by a later layer still ships: "replaced"; the same bytes written again are one finding', async () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----\n';
    const fs = await run([[sh], [{ name: 'app/id_rsa', body: key }], [{ name: 'app/id_rsa', body: 'gone\n' }]], { rules });
    expect(fs.map((f) => [f.messageId, f.layer])).toEqual([['deletedInImage', 1]]);
    expect(fs[0]!.message).toContain('layer 2 replaced it, but it still ships in layer 1');
    const again = await run([[sh], [{ name: 'app/id_rsa', body: key }], [{ name: 'app/id_rsa', body: key, mode: 0o600 }]], { rules });
    expect(again.map((f) => [f.messageId, f.layer])).toEqual([['inImage', 2]]);
  });

  it('a secret in the base image is info', async () => {
    const fs = await run([[sh, { name: 'etc/app/.env', body: 'PASSWORD=x\n' }], [exe('app/run')]], { rules });
    expect(brief(fs)).toEqual([['security/copied-secret-file', '/etc/app/.env', 0, 'info']]);
  });

  it('config Env: secret values and names; paths, flags and empty values are not; the base image’s are info', async () => {
    const history = [
      { created_by: '/bin/sh -c #(nop) ADD file:base in / ' },
      { created_by: '/bin/sh -c #(nop)  ENV BASE_PASSWORD=changeme', empty_layer: true },
      { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      { created_by: '/bin/sh -c #(nop)  ENV DB_PASSWORD=s3cr3t KEY_FILE=/run/secrets/key', empty_layer: true },
      { created_by: '/bin/sh -c step', empty_layer: false },
    ];
    const env = ['BASE_PASSWORD=changeme', 'DB_PASSWORD=s3cr3t', 'KEY_FILE=/run/secrets/key', 'ALLOW_EMPTY_PASSWORD=no', 'API_TOKEN=', 'URL=https://u:pw12345@example.com/x'];
    const data = await dockerArchive({ layers: [[sh], [exe('app/run')]], config: { history, config: { Env: env } } });
    const { results } = await analyzeImage({ path: 't.tar', data }, { checks: checks.filter((c) => c.id === 'security/secret-in-arg-env') });
    const fs = results[0]!.findings.map(seen);
    expect(fs.map((f) => [f.messageId, f.field, f.severity])).toEqual([
      ['configName', 'Env.BASE_PASSWORD', 'info'],
      ['configName', 'Env.DB_PASSWORD', 'warning'],
      ['configValue', 'Env.URL', 'warning'],
    ]);
    expect(fs[0]!.message).toContain('set by the base image');
    expect(fs[2]!.message).toContain('holds a password in a URL');
  });

  it('setuid: distribution binaries (su, passwd, ping) are not reported, others are; setgid too', async () => {
    const fs = await run([[sh, { name: 'bin/su', body: 'x', mode: 0o4755 }, { name: 'usr/bin/passwd', body: 'x', mode: 0o4755 }], [
      { name: 'usr/local/bin/tool', body: 'x', mode: 0o4755 },
      { name: 'usr/bin/ping', body: 'x', mode: 0o4755 },
      { name: 'usr/bin/mailer', body: 'x', mode: 0o2755 },
      { name: 'usr/bin/plain', body: 'x', mode: 0o755 },
    ]], { rules: /^security\/setuid-files$/ });
    expect(fs.map((f) => [f.path, f.layer, f.severity])).toEqual([
      ['/usr/local/bin/tool', 1, 'warning'],
      ['/usr/bin/mailer', 1, 'warning'],
    ]);
  });
});

const corpus = join(import.meta.dirname, '../../../shared/corpus/images');

describe.skipIf(!existsSync(corpus))("dockle's fixtures: the same verdicts as its tests assert", () => {
  const peer = async (file: string): Promise<Seen[]> => {
    const { results } = await analyzeImage({ path: join(corpus, file) }, { checks });
    // security/no-attestation reads the OCI index, which a docker-archive does not keep (test/image/imgchecks.test.ts).
  return results[0]!.findings.filter((f) => MINE.test(f.rule) && f.rule !== 'security/no-attestation').map(seen);
  };

  it('dockle-symbolic: suid.txt and gid.txt are setuid/setgid (CIS-DI-0008), once-suid.txt (u+s then u-s) is not; app/credentials.json (CIS-DI-0010)', async () => {
    const fs = await peer('dockle-symbolic.tar');
    expect(fs.filter((f) => f.rule.startsWith('security/')).map((f) => [f.rule, f.path, f.layer])).toEqual([
      ['security/copied-secret-file', '/app/credentials.json', 1],
      ['security/setuid-files', '/app/suid.txt', 3],
      ['security/setuid-files', '/app/gid.txt', 5],
    ]);
    // busybox's applets are hard links to one binary: one info finding per check, from the base image
    expect(fs.filter((f) => f.rule.startsWith('tools/')).map((f) => [f.rule, f.path, f.severity])).toEqual([
      ['tools/download-tools-left', '/bin/wget', 'info'],
      ['tools/network-tools', '/bin/nc', 'info'],
    ]);
    expect(fs.find((f) => f.rule === 'tools/network-tools')!.message).toContain('netcat, telnet, telnetd, tftp (links to /bin/[) at /bin/nc, also /bin/telnet, /bin/telnetd, /bin/tftp, from the base image');
  });

  it('dockle-scratch: /credentials.json (CIS-DI-0010)', async () => {
    const fs = await peer('dockle-scratch.tar');
    expect(brief(fs)).toEqual([['security/copied-secret-file', '/credentials.json', 0, 'error']]);
  });
});
