/** The pid1 checks' image side: the committed busybox samples in both formats, and small archives built here. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { analyzeDockerfile } from '../../src/analyze.js';
import { directoryReader } from '../../src/dockerfile/context.js';
import { analyzeImage } from '../../src/analyze.js';
import { checks } from '../../checks/index.js';
import type { Finding } from '../../src/engine/types.js';
import { dockerArchive, type Member } from './helpers.js';

const pid1 = checks.filter((c) => c.category === 'pid1');
const built = join(import.meta.dirname, '../../sample-images/built');

const shape = (f: Finding) => ({
  rule: f.rule,
  messageId: f.messageId,
  severity: f.severity,
  ...(f.location.kind === 'image' ? { path: f.location.path, layer: f.location.layer, field: f.location.field } : {}),
});

async function run(target: { path: string; data?: Buffer }): Promise<Finding[]> {
  const { results } = await analyzeImage(target, { checks: pid1 });
  return results[0]!.findings;
}

describe('pid1 on the committed sample images', () => {
  it('pid1-shell-form: the shell-form Cmd, set by this build; busybox ash execs the command, so info', async () => {
    const docker = await run({ path: join(built, 'pid1-shell-form.docker.tar') });
    const oci = await run({ path: join(built, 'pid1-shell-form.oci.tar') });
    expect(docker.map(shape)).toEqual([{ rule: 'pid1/shell-form-command', messageId: 'imageBusybox', severity: 'info', path: undefined, layer: undefined, field: 'Cmd' }]);
    expect(oci.map((f) => [f.rule, f.message, f.location])).toEqual(docker.map((f) => [f.rule, f.message, f.location]));
    expect(docker[0]!.message).toMatch(/^Cmd is `\/bin\/sh -c \/app\/serve --port 8080` \(shell form\); \/bin\/sh here is busybox ash, which execs \/app\/serve itself.*; Cmd set by this build/);
  });

  it('pid1-script-no-exec: the script line, its path and layer, and who set the entrypoint', async () => {
    const docker = await run({ path: join(built, 'pid1-script-no-exec.docker.tar') });
    const oci = await run({ path: join(built, 'pid1-script-no-exec.oci.tar') });
    expect(docker.map(shape)).toEqual([{ rule: 'pid1/script-without-exec', messageId: 'noExec', severity: 'warning', path: '/usr/local/bin/docker-entrypoint.sh', layer: 1, field: undefined }]);
    expect(oci.map((f) => [f.rule, f.message, f.location, f.detail])).toEqual(docker.map((f) => [f.rule, f.message, f.location, f.detail]));
    const f = docker[0]!;
    expect(f.message).toContain('write `exec "$@"`');
    expect(f.message).toMatch(/Entrypoint set by this build .*runs it; the script is added by this build in layer 1/);
    expect(f.detail).toMatchObject({ line: 5, fromBase: false, entrypointFromBase: false });
  });

  it('pid1-npm-start: the Cmd a script execs is `npm start`, in both formats and from the Dockerfile', async () => {
    const docker = await run({ path: join(built, 'pid1-npm-start.docker.tar') });
    const oci = await run({ path: join(built, 'pid1-npm-start.oci.tar') });
    expect(docker.map(shape)).toEqual([{ rule: 'pid1/package-manager-launcher', messageId: 'launcher', severity: 'warning', path: undefined, layer: undefined, field: 'Cmd' }]);
    expect(oci.map((f) => [f.rule, f.message, f.location])).toEqual(docker.map((f) => [f.rule, f.message, f.location]));
    expect(docker[0]!.message).toMatch(/^`npm start` runs the app .*\(Cmd set by this build/);
    const dir = join(import.meta.dirname, '../../sample-images/images/pid1-npm-start');
    const { findings } = await analyzeDockerfile(readFileSync(join(dir, 'Dockerfile'), 'utf8'), { checks: pid1, reader: directoryReader(dir) });
    expect(findings.map((f) => [f.rule, f.location.kind === 'dockerfile' ? f.location.range.line : -1])).toEqual([['pid1/package-manager-launcher', 13]]);
  });

  it('the good sample gives no pid1 finding (its service script traps TERM in a loop)', async () => {
    expect(await run({ path: join(built, 'good.docker.tar') })).toEqual([]);
  });
});

const nop = (s: string) => ({ created_by: `/bin/sh -c #(nop)  ${s}`, empty_layer: true });
const dashBase: Member[] = [
  { name: 'bin/dash', body: '\x7fELF', mode: 0o755 },
  { name: 'bin/sh', type: 'symlink', linkname: 'dash' },
];

async function image(layers: Member[][], config: Record<string, unknown>, history: unknown[]): Promise<Finding[]> {
  const data = await dockerArchive({ layers, config: { config: { User: '1000', ...config }, history } });
  return run({ path: 'test.tar', data });
}

describe('pid1 on built archives', () => {
  it('follows a base image\'s entrypoint script through exec "$@" to this build\'s `npm start`', async () => {
    const fs = await image(
      [[...dashBase, { name: 'usr/local/bin/docker-entrypoint.sh', body: '#!/bin/sh\nset -e\nexec "$@"\n', mode: 0o755 }], [{ name: 'app/package.json', body: '{}' }]],
      { Entrypoint: ['docker-entrypoint.sh'], Cmd: ['npm', 'start'] },
      [{ created_by: '/bin/sh -c #(nop) ADD file:abc in / ' }, nop('ENTRYPOINT ["docker-entrypoint.sh"]'), nop('CMD ["node"]'), { created_by: '/bin/sh -c #(nop) COPY dir:def in /app ' }, nop('CMD ["npm" "start"]')],
    );
    expect(fs.map(shape)).toEqual([{ rule: 'pid1/package-manager-launcher', messageId: 'launcher', severity: 'warning', path: undefined, layer: undefined, field: 'Cmd' }]);
    expect(fs[0]!.message).toMatch(/^`npm start` runs the app .* \(Cmd set by this build/);
  });

  it('reports a base image\'s script without exec as info, naming the layer', async () => {
    const fs = await image(
      [[...dashBase, { name: 'entrypoint.sh', body: '#!/bin/sh\nchown app /data\n/usr/bin/server\n', mode: 0o755 }], [{ name: 'app/x', body: 'x' }]],
      { Entrypoint: ['/entrypoint.sh'] },
      [{ created_by: '/bin/sh -c #(nop) ADD file:abc in / ' }, nop('ENTRYPOINT ["/entrypoint.sh"]'), { created_by: '/bin/sh -c #(nop) COPY file:x in /app/x ' }],
    );
    expect(fs.map(shape)).toEqual([{ rule: 'pid1/script-without-exec', messageId: 'noExec', severity: 'info', path: '/entrypoint.sh', layer: 0, field: undefined }]);
    expect(fs[0]!.message).toMatch(/Entrypoint set by the base image .*; the script is from the base image/);
  });

  it('dash keeps `sh -c` as PID 1; an ENTRYPOINT `sh -c` that reads no arguments drops Cmd', async () => {
    const fs = await image([dashBase], { Entrypoint: ['/bin/sh', '-c', 'migrate; server'], Cmd: ['--port', '80'] }, [{ created_by: 'ADD rootfs' }, nop('ENTRYPOINT ["/bin/sh" "-c" "migrate; server"]'), nop('CMD ["--port" "80"]')]);
    expect(fs.map((f) => [f.rule, f.messageId, f.severity, f.location])).toEqual([
      ['pid1/entrypoint-ignores-cmd', 'image', 'warning', { kind: 'image', field: 'Entrypoint' }],
      ['pid1/shell-form-command', 'image', 'warning', { kind: 'image', field: 'Entrypoint' }],
    ]);
    expect(fs[0]!.message).toContain('Cmd (--port 80) is never run');
  });

  it('a shell that must stay and no init: no-init; tini in front: nothing', async () => {
    const bad = await image([dashBase], { Cmd: ['sh', '-c', 'worker & server & wait'] }, [{ created_by: 'ADD rootfs' }, nop('CMD ["sh" "-c" "worker & server & wait"]')]);
    expect(bad.map(shape)).toEqual([{ rule: 'pid1/no-init', messageId: 'noInit', severity: 'warning', path: undefined, layer: undefined, field: 'Cmd' }]);
    expect(bad[0]!.message).toMatch(/^`sh -c` stays PID 1 because it waits for its jobs, and no init is in front.*tini or dumb-init.*docker run --init/);
    const good = await image([dashBase], { Entrypoint: ['/usr/bin/tini', '--'], Cmd: ['sh', '-c', 'worker & server & wait'] }, [{ created_by: 'ADD rootfs' }]);
    expect(good).toEqual([]);
  });

  it('sh -c with several commands under dash, not under busybox', async () => {
    const cfg = { Cmd: ['sh', '-c', 'migrate && server'] };
    const dash = await image([dashBase], cfg, [{ created_by: 'ADD rootfs' }]);
    expect(dash.map((f) => [f.rule, f.messageId])).toEqual([['pid1/sh-c-without-exec', 'several']]);
    const busybox = await image([[{ name: 'bin/busybox', body: '\x7fELF', mode: 0o755 }, { name: 'bin/sh', type: 'symlink', linkname: 'busybox' }]], cfg, [{ created_by: 'ADD rootfs' }]);
    expect(busybox).toEqual([]);
  });

  it('stop-signal: nginx as the main process with no StopSignal is an info; with one, nothing', async () => {
    const h = [{ created_by: 'ADD rootfs' }, nop('CMD ["nginx" "-g" "daemon off;"]')];
    const bad = await image([dashBase], { Cmd: ['nginx', '-g', 'daemon off;'] }, h);
    expect(bad.map(shape)).toEqual([{ rule: 'pid1/stop-signal', messageId: 'signal', severity: 'info', path: undefined, layer: undefined, field: 'Cmd' }]);
    expect(bad[0]!.message).toContain('add `STOPSIGNAL SIGQUIT`');
    expect(await image([dashBase], { Cmd: ['nginx', '-g', 'daemon off;'], StopSignal: 'SIGQUIT' }, h)).toEqual([]);
  });

  it('captures the entrypoint script even when earlier layers used up the script budget', async () => {
    const filler: Member[] = Array.from({ length: 80 }, (_, i) => ({ name: `opt/tool/bin/s${i}`, body: '#!/bin/sh\n' + '#'.repeat(60 * 1024), mode: 0o755 }));
    const fs = await image(
      [[...dashBase, ...filler], [{ name: 'usr/local/bin/docker-entrypoint.sh', body: '#!/bin/sh\nchown app /data\n/usr/bin/server\n', mode: 0o755 }]],
      { Entrypoint: ['docker-entrypoint.sh'] },
      [{ created_by: 'ADD rootfs' }, { created_by: '/bin/sh -c #(nop) COPY file:x in /usr/local/bin/ ' }],
    );
    expect(fs.map(shape)).toEqual([{ rule: 'pid1/script-without-exec', messageId: 'noExec', severity: 'warning', path: '/usr/local/bin/docker-entrypoint.sh', layer: 1, field: undefined }]);
  });
});
