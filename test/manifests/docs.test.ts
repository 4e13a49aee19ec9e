/** docs/kubernetes.md shows real output: its worked example is run here and must match. */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

it('the worked example of docs/kubernetes.md is what the CLI prints', () => {
  const doc = readFileSync(join(root, 'docs/kubernetes.md'), 'utf8');
  const m = /```\n\$ shipshape (sample-images\/k8s\/ --image \S+)\n([\s\S]*?)```/.exec(doc);
  expect(m, 'the example block').not.toBeNull();
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...m![1]!.split(' ')], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe(m![2]);
});
