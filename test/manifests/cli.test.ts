/**
 * Kubernetes manifests through the bundled CLI, as a user runs it (`node dist/cli.js …`): a
 * directory of manifests with `--image`, a Dockerfile the config maps an image to, the one container
 * and one Dockerfile of a run, standard input, and bad input (exit 2, one line, valid JSON, bounded
 * memory).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const built = join(root, 'sample-images/built');

function run(args: string[], opts: { cwd?: string; input?: string; node?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [...(opts.node ?? []), cli, ...args], { cwd: opts.cwd ?? root, input: opts.input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...opts.env }, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  pairedWith?: { file: string; line?: number; field?: string; path?: string };
}
const json = (stdout: string): { targets: { path: string; kind: string; error: { message: string } | null; findings: JsonFinding[] }[] } => JSON.parse(stdout);

/** The web app as a Deployment: runAsNonRoot with the image's named user, and a sidecar whose command replaces the image's ENTRYPOINT. */
const DEPLOYMENT = `apiVersion: apps/v1
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
          command: ["nginx", "-s", "reload"]
          securityContext:
            runAsUser: 10001
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{ port: 80, targetPort: 8080 }]
`;

let tmp = '';
beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  tmp = mkdtempSync(join(tmpdir(), 'shipshape-k8s-'));
});

function dir(name: string, files: Record<string, string>): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(d, p, '..'), { recursive: true });
    writeFileSync(join(d, p), text);
  }
  return d;
}

describe('shipshape check k8s/ --image app.tar', () => {
  it('reports the runAsNonRoot and the command-override cases, naming both files', () => {
    const d = dir('with-image', { 'k8s/web.yaml': DEPLOYMENT, 'k8s/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.yaml]\n', 'k8s/values.yaml': 'replicas: 2\n' });
    copyFileSync(join(built, 'k8s-web.docker.tar'), join(d, 'app.tar'));
    const r = run(['--format', 'json', 'k8s/', '--image', 'app.tar'], { cwd: d });
    expect(r.code).toBe(1);
    const doc = json(r.stdout);
    // The kustomization and the values file are not manifests: only web.yaml is a target.
    expect(doc.targets.map((t) => [t.path, t.kind])).toEqual([['k8s/web.yaml', 'manifest']]);
    const f = doc.targets[0]!.findings;
    expect(f.find((x) => x.rule === 'user/run-as-non-root')).toMatchObject({ severity: 'error', line: 12, pairedWith: { file: 'app.tar', field: 'User' } });
    expect(f.find((x) => x.rule === 'user/run-as-non-root')!.message).toContain('container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root');
    expect(f.find((x) => x.rule === 'pid1/command-drops-entrypoint')).toMatchObject({ severity: 'warning', line: 15, pairedWith: { file: 'app.tar', field: 'Entrypoint' } });
    expect(r.stderr).toBe('');
  });

  it('prints the other file beside the position in the text report', () => {
    const d = dir('text', { 'web.yaml': DEPLOYMENT });
    const r = run(['web.yaml', '--image', join(built, 'k8s-web.docker.tar')], { cwd: d });
    expect(r.stdout).toMatch(/12:18 \(\S*k8s-web\.docker\.tar config User\) +error +user\/run-as-non-root +container web of Deployment\/web has runAsNonRoot: true \(line 9\)/);
  });

  it('matches an image target by its tags, and says which containers matched nothing', () => {
    const d = dir('targets', { 'web.yaml': DEPLOYMENT.replace('- name: reload\n          image: shipshape-sample/k8s-web:1.0.0', '- name: reload\n          image: ghcr.io/acme/reload:2.0.0') });
    const r = run(['--format', 'json', 'web.yaml', join(built, 'k8s-web.oci.tar')], { cwd: d });
    const doc = json(r.stdout);
    expect(doc.targets.map((t) => t.kind)).toEqual(['manifest', 'image']);
    expect(doc.targets[0]!.findings.some((x) => x.rule === 'user/run-as-non-root')).toBe(true);
    expect(r.stderr).toMatch(/^shipshape: note: web\.yaml:13: container reload of Deployment\/web \(image ghcr\.io\/acme\/reload:2\.0\.0\): no image or Dockerfile of this run matches it, so only the manifest was checked;/m);
    expect(r.stderr.match(/note: web\.yaml/g)).toHaveLength(1);
  });
});

describe('a Dockerfile the config maps an image name to', () => {
  it('reports the runAsNonRoot and the command-override cases from the Dockerfile', () => {
    const d = dir('mapped', {
      '.shipshape.yaml': 'images:\n  shipshape-sample/k8s-web:\n    dockerfile: web/Dockerfile\n    context: web\n',
      'web/Dockerfile': 'FROM alpine:3.20\nRUN apk add --no-cache tini nginx\nCOPY docker-entrypoint.sh /docker-entrypoint.sh\nUSER nginx\nENTRYPOINT ["tini", "--", "/docker-entrypoint.sh"]\nCMD ["nginx", "-g", "daemon off;"]\n',
      'web/docker-entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
      'deploy/web.yaml': DEPLOYMENT,
    });
    const r = run(['--format', 'json', 'deploy'], { cwd: d });
    expect(r.code).toBe(1);
    const f = json(r.stdout).targets[0]!.findings;
    expect(f.find((x) => x.rule === 'user/run-as-non-root')).toMatchObject({ line: 12, pairedWith: { file: 'web/Dockerfile', line: 4 } });
    expect(f.find((x) => x.rule === 'user/run-as-non-root')!.message).toContain('image has non-numeric user (nginx)');
    expect(f.find((x) => x.rule === 'pid1/command-drops-entrypoint')).toMatchObject({ line: 15, pairedWith: { file: 'web/Dockerfile', line: 5 } });
    expect(r.stderr).toBe('');
  });

  it('a mapped Dockerfile that does not exist is a usage error (exit 2)', () => {
    const d = dir('mapped-missing', { '.shipshape.yaml': 'images:\n  shipshape-sample/k8s-web: nope/Dockerfile\n', 'web.yaml': DEPLOYMENT });
    const r = run(['web.yaml'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('shipshape: images: shipshape-sample/k8s-web: nope/Dockerfile: no such file\n');
  });
});

describe('one container and one Dockerfile', () => {
  it('are paired, with a note saying so', () => {
    const d = dir('pair', {
      'Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: api\n      image: registry.example.com/api:dev\n',
    });
    const r = run(['--format', 'json', '.'], { cwd: d });
    const doc = json(r.stdout);
    expect(doc.targets.map((t) => t.kind)).toEqual(['dockerfile', 'manifest']);
    expect(doc.targets[1]!.findings.map((x) => x.rule)).toContain('user/run-as-non-root');
    expect(r.stderr).toContain('shipshape: note: pod.yaml:9: container api of Pod/api: paired with Dockerfile, the only Dockerfile of this run (its image: registry.example.com/api:dev)');
  });
});

describe('standard input', () => {
  it('reads `kustomize build` or `helm template` output from -', () => {
    const rendered = `---\n# Source: web/templates/deployment.yaml\n${DEPLOYMENT}`;
    const r = run(['--format', 'json', '-', '--image', join(built, 'k8s-web.docker.tar')], { input: rendered });
    const t = json(r.stdout).targets[0]!;
    expect(t).toMatchObject({ path: '<stdin>', kind: 'manifest', error: null });
    expect(t.findings.find((x) => x.rule === 'user/run-as-non-root')?.line).toBe(14);
  });
});

describe('inline ignores in the manifest', () => {
  it('silence a rule for the container below them', () => {
    const d = dir('ignore', { 'web.yaml': DEPLOYMENT.replace('        - name: web\n', '        # shipshape ignore=user/run-as-non-root -- runAsUser is set by the platform\n        - name: web\n') });
    const r = run(['--format', 'json', 'web.yaml', '--image', join(built, 'k8s-web.docker.tar')], { cwd: d });
    expect(json(r.stdout).targets[0]!.findings.map((x) => x.rule)).not.toContain('user/run-as-non-root');
  });
});

describe('bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['an unrendered Helm template', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n', /^bad\.yaml:4:9: \{\{ \.Release\.Name \}\} is an unrendered Helm template; render the chart first/],
    ['YAML that is not Kubernetes', 'name: app\nreplicas: 2\n', /^bad\.yaml: not a Kubernetes manifest: no apiVersion and kind at the top level$/],
    ['a duplicate key', 'apiVersion: v1\nkind: Pod\nkind: Service\n', /^bad\.yaml:3:1: key "kind" appears twice in one mapping; kubectl refuses the file/],
    ['broken YAML', 'apiVersion: v1\nkind: Pod\nspec: {containers: [\n', /^bad\.yaml:\d+:\d+: not valid YAML: /],
  ];
  for (const [name, text, want] of cases) {
    it(`${name}: exit 2, one line, valid JSON`, () => {
      const d = dir(`bad-${name.replace(/\W+/g, '-')}`, { 'bad.yaml': text });
      const t = run(['bad.yaml'], { cwd: d });
      expect(t.code).toBe(2);
      expect(t.stdout).toMatch(/could not be read/);
      const r = run(['--format', 'json', 'bad.yaml'], { cwd: d });
      expect(r.code).toBe(2);
      const doc = json(r.stdout);
      expect(doc.targets[0]!.kind).toBe('manifest');
      expect(doc.targets[0]!.error!.message).toMatch(want);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat \S+:\d+:\d+\)?$/m);
    });
  }

  it('an alias bomb is refused within a small heap', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const d = dir('bomb', { 'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n` });
    // 64 MB of heap: expanding the aliases would need tens of gigabytes.
    const r = run(['--format', 'json', 'bomb.yaml'], { cwd: d, node: ['--max-old-space-size=64'] });
    expect(r.code).toBe(2);
    expect(json(r.stdout).targets[0]!.error!.message).toMatch(/YAML aliases in document 1 expand past 1000 references \(an alias bomb\?\)/);
  });

  it('a file past 16 MB is refused before it is read', () => {
    const d = dir('huge', {});
    writeFileSync(join(d, 'huge.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: big }\ndata:\n  blob: "${'x'.repeat(17 * 1024 * 1024)}"\n`);
    const r = run(['--format', 'json', 'huge.yaml'], { cwd: d, node: ['--max-old-space-size=64'] });
    expect(r.code).toBe(2);
    expect(json(r.stdout).targets[0]!.error!.message).toBe('huge.yaml: is 17.0 MB; manifests larger than 16 MB are not analyzed');
  });

  it('an 8 MB manifest of 20,000 Deployments is read within a small heap', () => {
    const doc = (i: number): string => `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/app:1.2.${i}\n          env: [{ name: A, value: "${'v'.repeat(200)}" }]\n`;
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 8 * 1024 * 1024; i++) {
      const t = doc(i);
      parts.push(t);
      size += t.length;
    }
    const d = dir('many', {});
    writeFileSync(join(d, 'many.yaml'), parts.join(''));
    // The documents are composed one at a time: the heap holds one document's tree, the text, and the
    // workloads (about 3 KB each). Measured: 12 MB, 30,000 Deployments, 234 MB peak RSS, fits a 128 MB heap.
    const r = run(['--format', 'json', '--ignore', 'tags', 'many.yaml'], { cwd: d, node: ['--max-old-space-size=128'] });
    expect(r.code).toBe(0);
    expect(json(r.stdout).targets[0]).toMatchObject({ kind: 'manifest', error: null, findings: [] });
  }, 300_000);

  it('--image that is not an image archive is a usage error', () => {
    const d = dir('bad-image', { 'web.yaml': DEPLOYMENT, 'app.tar': 'not a tar\n' });
    const r = run(['web.yaml', '--image', 'app.tar'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('shipshape: --image app.tar: not a tar or gzip archive\n');
  });

  it('--image that is a mistyped path, or a directory that is no OCI layout, is a usage error', () => {
    const d = dir('bad-image-path', { 'web.yaml': DEPLOYMENT, 'images/readme.txt': 'x\n' });
    for (const [image, error] of [
      ['./app.tar', './app.tar: no such file or directory'],
      ['images', 'images: is a directory, not an image (an OCI layout directory holds oci-layout and index.json)'],
      ['docker://Bad Name', 'docker://Bad Name: not an image reference ([registry/]repository[:tag][@sha256:digest])'],
    ]) {
      const r = run(['web.yaml', '--image', image!], { cwd: d });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`shipshape: --image ${error}\n`);
    }
  });
});

describe('--images-from-engine', () => {
  it('an engine that does not answer: one note per image, and the container is checked from the manifest alone', () => {
    const d = dir('engine-gone', { 'web.yaml': DEPLOYMENT });
    const r = run(['web.yaml', '--images-from-engine'], { cwd: d, env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    // Not an error of the run: the manifest alone gives no finding here.
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^shipshape: note: --images-from-engine: the engine at unix:\/\/\/nonexistent\/docker\.sock did not answer for \S+ \(no such socket\)$/m);
    expect(r.stderr).toMatch(/no image or Dockerfile of this run matches it/);
  });

  it('without a manifest among the targets is a usage error', () => {
    const r = run(['sample-images/node-app/Dockerfile', '--images-from-engine']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('shipshape: --images-from-engine: no Kubernetes manifest among the targets; it reads the images their containers run\n');
  });
});

describe('--image without a manifest', () => {
  it('is a usage error that says how to analyze the image', () => {
    const r = run(['sample-images/node-app/Dockerfile', '--image', join(built, 'good.docker.tar')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`shipshape: --image ${join(built, 'good.docker.tar')}: no Kubernetes manifest among the targets to run it; to analyze the image itself, give it as a target\n`);
  });
});
