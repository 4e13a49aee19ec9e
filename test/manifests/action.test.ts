/** Kubernetes manifests through the bundled Action (`node dist/action.js` with INPUT_*), as GitHub runs it. */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const action = join(root, 'dist/action.js');

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
`;

function runAction(inputs: Record<string, string>, ws: string) {
  const runner = mkdtempSync(join(tmpdir(), 'shipshape-runner-'));
  const outFile = join(runner, 'output');
  const summaryFile = join(runner, 'summary.md');
  writeFileSync(outFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GITHUB_') && !k.startsWith('INPUT_') && k !== 'RUNNER_DEBUG') env[k] = v;
  Object.assign(env, { GITHUB_WORKSPACE: ws, GITHUB_OUTPUT: outFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_ACTIONS: 'true' });
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [action], { cwd: runner, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, summary: readFileSync(summaryFile, 'utf8') };
}

beforeAll(() => {
  if (!existsSync(action)) throw new Error('dist/action.js is missing: run npm run build');
});

describe('the Action with manifests in targets', () => {
  it('matches them to the image input and annotates the manifest line', () => {
    const ws = mkdtempSync(join(tmpdir(), 'shipshape-action-k8s-'));
    mkdirSync(join(ws, 'deploy'));
    writeFileSync(join(ws, 'deploy/web.yaml'), MANIFEST);
    copyFileSync(join(root, 'sample-images/built/k8s-web.docker.tar'), join(ws, 'web.tar'));
    const r = runAction({ targets: 'deploy/*.yaml', image: 'web.tar' }, ws);
    expect(r.stdout).toMatch(/^::error file=deploy\/web\.yaml,line=12,col=18,.*title=user\/run-as-non-root \(error\)::container web of Deployment\/web has runAsNonRoot: true/m);
    expect(r.summary).toContain('### `deploy/web.yaml` (manifest)');
    expect(r.code).toBe(1);
  });
});
