/**
 * The one-app checks on images: the committed buildah samples (one-app-supervisord, one-app-services,
 * good) in both archive formats, and small hand-built archives for s6, runit, base-image layers and
 * busybox applets.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyzeImage } from '../../src/analyze.js';
import type { Check, Finding } from '../../src/engine/types.js';
import processManager from '../../checks/one-app/process-manager.js';
import severalDaemons from '../../checks/one-app/several-daemons.js';
import backgroundServices from '../../checks/one-app/background-services.js';
import { dockerArchive, type Member } from './helpers.js';

const built = join(import.meta.dirname, '../../sample-images/built');
const oneApp = [processManager, severalDaemons, backgroundServices] as Check[];

async function run(target: { path: string; data?: Buffer }): Promise<Finding[]> {
  const { results } = await analyzeImage(target, { checks: oneApp });
  expect(results).toHaveLength(1);
  return results[0]!.findings;
}

const brief = (f: Finding) => ({
  rule: f.rule,
  messageId: f.messageId,
  severity: f.severity,
  ...(f.location.kind === 'image' ? { path: f.location.path, layer: f.location.layer, field: f.location.field } : {}),
});

async function sample(name: string): Promise<Finding[]> {
  const [d, o] = await Promise.all([run({ path: join(built, `${name}.docker.tar`) }), run({ path: join(built, `${name}.oci.tar`) })]);
  expect(o).toEqual(d);
  return d;
}

describe('one-app checks on the built samples (docker-archive and oci-archive agree)', () => {
  it('one-app-supervisord: supervisord as Cmd, and its config with two programs', async () => {
    const fs = await sample('one-app-supervisord');
    expect(fs.map(brief)).toEqual([
      { rule: 'one-app/process-manager', messageId: 'imageCommand', severity: 'warning', path: undefined, layer: undefined, field: 'Cmd' },
      { rule: 'one-app/process-manager', messageId: 'configs', severity: 'warning', path: '/etc/supervisord.conf', layer: 3, field: undefined },
    ]);
    expect(fs[0]!.message).toContain('the image Cmd (set by this build with CMD ["/usr/bin/supervisord", "-n", "-c", "/etc/supervisord.conf"]) starts the process manager supervisord');
    expect(fs[1]!.message).toMatch(/^\/etc\/supervisord\.conf \(added by this build in layer 3 \(COPY file:\w+… in \/etc\/supervisord\.conf\)\) configures 2 programs for supervisord: web, worker;/);
  });

  it('one-app-services: a web server and a cache, started by the entrypoint script', async () => {
    const fs = await sample('one-app-services');
    expect(fs.map(brief)).toEqual([
      { rule: 'one-app/several-daemons', messageId: 'present', severity: 'warning', path: '/usr/sbin/nginx', layer: 1, field: undefined },
      { rule: 'one-app/several-daemons', messageId: 'present', severity: 'warning', path: '/usr/bin/redis-server', layer: 2, field: undefined },
      { rule: 'one-app/background-services', messageId: 'daemon', severity: 'warning', path: '/usr/local/bin/docker-entrypoint.sh', layer: 4, field: undefined },
      { rule: 'one-app/background-services', messageId: 'background', severity: 'warning', path: '/usr/local/bin/docker-entrypoint.sh', layer: 4, field: undefined },
    ]);
    expect(fs[0]!.message).toMatch(/^\/usr\/sbin\/nginx \(web server nginx, added by this build in layer 1 \(COPY file:\w+… in \/usr\/sbin\/nginx\)\) ships beside redis-server \(cache\) at \/usr\/bin\/redis-server;/);
    expect(fs[2]!.message).toMatch(/^the entrypoint script \/usr\/local\/bin\/docker-entrypoint\.sh \(line 3, added by this build in layer 4 \(COPY .*\)\) starts nginx, which forks into the background/);
    expect(fs[3]!.message).toMatch(/\(line 4, added by this build in layer 4 .*\) sends redis-server to the background/);
    expect(fs[3]!.detail).toMatchObject({ fromBase: false, line: 4 });
  });

  it('good: nothing to report', async () => {
    expect(await sample('good')).toEqual([]);
  });
});

/** A base layer (closed by an empty-layer CMD in the history) and a build layer. */
function baseAndBuild(base: Member[], build: Member[], config: Record<string, unknown>, setBy?: string): Promise<Buffer> {
  return dockerArchive({
    layers: [base, build],
    config: {
      config: config,
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:abc in /' },
        { created_by: '/bin/sh -c #(nop) CMD ["/bin/sh"]', empty_layer: true },
        { created_by: '/bin/sh -c #(nop) COPY dir:def in /app' },
        ...(setBy ? [{ created_by: `/bin/sh -c #(nop) ${setBy}`, empty_layer: true }] : []),
      ],
    },
  });
}

const bin = (name: string, body = '#!/bin/sh\nexit 0\n'): Member => ({ name, body, mode: 0o755 });

describe('one-app checks on hand-built archives', () => {
  it('s6-overlay /init with services from the base image: the config is info, /init a warning', async () => {
    const data = await baseAndBuild(
      [bin('init'), { name: 'etc/s6-overlay/', type: 'directory' }, bin('etc/services.d/nginx/run'), bin('etc/services.d/php-fpm/run'), bin('usr/sbin/nginx', 'ELF'), bin('usr/sbin/php-fpm8.2', 'ELF')],
      [bin('app/index.php', '<?php echo 1;')],
      { Entrypoint: ['/init'] },
      'ENTRYPOINT ["/init"]',
    );
    const fs = await run({ path: 'mem.tar', data });
    expect(fs.map(brief)).toEqual([
      { rule: 'one-app/process-manager', messageId: 'imageCommand', severity: 'warning', path: undefined, layer: undefined, field: 'Entrypoint' },
      { rule: 'one-app/process-manager', messageId: 'configs', severity: 'info', path: '/etc/services.d/php-fpm/run', layer: 0, field: undefined },
      { rule: 'one-app/several-daemons', messageId: 'present', severity: 'info', path: '/usr/sbin/nginx', layer: 0, field: undefined },
      { rule: 'one-app/several-daemons', messageId: 'present', severity: 'info', path: '/usr/sbin/php-fpm8.2', layer: 0, field: undefined },
    ]);
    expect(fs[0]!.message).toContain('s6-overlay /init');
    expect(fs[1]!.message).toContain('/etc/services.d/php-fpm/run (from the base image (layer 0)) configures 2 programs for s6-overlay: nginx, php-fpm');
    expect(fs[2]!.message).toContain('/usr/sbin/nginx (web server nginx, from the base image (layer 0)) ships beside php-fpm (application server)');
  });

  it('runit services and an entrypoint script that ends in runsvdir', async () => {
    const data = await baseAndBuild(
      [bin('bin/sh', 'ELF'), { name: 'etc/sv/web/', type: 'directory' }, bin('etc/sv/web/run'), bin('etc/sv/cron/run')],
      [
        { name: 'etc/service/web', type: 'symlink', linkname: '/etc/sv/web' },
        { name: 'etc/service/cron', type: 'symlink', linkname: '/etc/sv/cron' },
        bin('usr/local/bin/start', '#!/bin/sh\nset -e\nchown -R app /data\nexec runsvdir -P /etc/service\n'),
      ],
      { Cmd: ['start'], Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] },
    );
    const fs = await run({ path: 'mem.tar', data });
    expect(fs.map(brief)).toEqual([
      { rule: 'one-app/process-manager', messageId: 'imageScript', severity: 'warning', path: '/usr/local/bin/start', layer: 1, field: undefined },
      { rule: 'one-app/process-manager', messageId: 'configs', severity: 'warning', path: '/etc/service/web', layer: 1, field: undefined },
    ]);
    expect(fs[0]!.message).toContain('the entrypoint script /usr/local/bin/start (added by this build in layer 1 (COPY dir:def in /app)) ends by starting the process manager runsvdir');
    expect(fs[1]!.message).toContain('configures 2 programs for runit: cron, web');
  });

  it('a base-image command line that starts a service (info), and busybox applets that are no servers', async () => {
    const data = await baseAndBuild(
      [bin('bin/busybox', 'ELF'), { name: 'usr/sbin/crond', type: 'symlink', linkname: '/bin/busybox' }, { name: 'usr/sbin/httpd', type: 'symlink', linkname: '/bin/busybox' }],
      [bin('app/server', 'ELF')],
      { Cmd: ['/bin/sh', '-c', 'service cron start && exec /app/server'] },
    );
    const fs = await run({ path: 'mem.tar', data });
    // no history entry of this build set Cmd: the base image did, so it is info
    expect(fs.map(brief)).toEqual([{ rule: 'one-app/background-services', messageId: 'service', severity: 'info', path: undefined, layer: undefined, field: 'Cmd' }]);
    expect(fs[0]!.message).toMatch(/^the image Cmd \(set by the base image with CMD .*\) starts the service cron in the background/);
    const { results } = await analyzeImage({ path: 'mem.tar', data }, { checks: oneApp, settings: { baseFindings: true } });
    expect(results[0]!.findings.map((f) => f.severity)).toEqual(['warning']);
  });

  it('one program under tini, and one supervisord program: nothing to report', async () => {
    const data = await baseAndBuild(
      [bin('usr/bin/tini', 'ELF'), bin('usr/sbin/nginx', 'ELF')],
      [{ name: 'etc/supervisor/conf.d/app.conf', body: '[program:app]\ncommand=/app/server\n' }],
      { Entrypoint: ['/usr/bin/tini', '--'], Cmd: ['nginx', '-g', 'daemon off;'] },
    );
    expect(await run({ path: 'mem.tar', data })).toEqual([]);
  });
});
