/** The bundled Action run as GitHub runs it: `node dist/action.js` with INPUT_* and the runner's files. */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const root = join(import.meta.dirname, '..');
const action = join(root, 'dist/action.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

function checkout(extra: Record<string, string> = {}): string {
  const ws = mkdtempSync(join(tmpdir(), 'shipshape-action-'));
  cpSync(join(root, 'sample-images/node-app'), join(ws, 'app'), { recursive: true });
  cpSync(join(root, 'sample-images/good-app'), join(ws, 'services/good'), { recursive: true });
  for (const [p, t] of Object.entries(extra)) {
    mkdirSync(join(ws, p, '..'), { recursive: true });
    writeFileSync(join(ws, p), t);
  }
  return ws;
}

function runAction(inputs: Record<string, string>, ws = checkout()): Run {
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
  const outputs: Record<string, string> = {};
  const text = readFileSync(outFile, 'utf8');
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(summaryFile, 'utf8'), workspace: ws };
}

beforeAll(() => {
  if (!existsSync(action)) throw new Error('dist/action.js is missing: run npm run build');
});

describe('action.yml', () => {
  it('declares a node24 action running dist/action.js with the inputs and outputs the bundle reads', () => {
    const meta = parseYaml(readFileSync(join(root, 'action.yml'), 'utf8'));
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
    expect(Object.keys(meta.inputs)).toEqual(['targets', 'exclude', 'image', 'image-dockerfile', 'format', 'fail-on', 'config', 'baseline', 'sarif-file', 'annotations']);
    expect(meta.inputs.targets.default).toBe('Dockerfile');
    expect(meta.inputs.annotations.default).toBe('true');
    expect(Object.keys(meta.outputs)).toEqual(['findings', 'errors', 'warnings', 'sarif-file']);
    const src = readFileSync(join(root, 'src/action/main.ts'), 'utf8');
    for (const k of Object.keys(meta.inputs)) expect(src).toContain(`getInput('${k}')`);
    for (const k of Object.keys(meta.outputs)) expect(src).toContain(`setOutput('${k}'`);
  });
});

describe('dist/action.js', () => {
  it('annotates, summarises, sets outputs and fails on warnings by default', () => {
    const r = runAction({ targets: 'app/Dockerfile' });
    expect(r.stdout).toMatch(/^::warning file=app\/Dockerfile,line=7,col=1,endColumn=\d+,title=pid1\/shell-form-command \(warning\)::CMD uses shell form/m);
    expect(r.stdout).toMatch(/^::warning file=app\/Dockerfile,line=2,col=6,.*title=tags\/latest-tag/m);
    expect(r.stdout).toContain('app/Dockerfile');
    expect(r.stdout).toMatch(/^::error::shipshape: findings at or above/m);
    expect(r.code).toBe(1);
    const n = Number(r.outputs.findings);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(Number(r.outputs.errors) + Number(r.outputs.warnings)).toBeLessThanOrEqual(n);
    expect(Number(r.outputs.warnings)).toBeGreaterThanOrEqual(2);
    expect(r.summary).toContain('## shipshape');
    expect(r.summary).toContain('### `app/Dockerfile` (dockerfile)');
    expect(r.summary).toMatch(/\| 🟠 warning \| \[`pid1\/shell-form-command`\]\([^)]+\) \| 7:1 \|/);
  });

  it('passes with fail-on none, writes SARIF for upload-sarif and sets its output', () => {
    const r = runAction({ targets: 'app/Dockerfile', 'fail-on': 'none', 'sarif-file': 'shipshape.sarif', annotations: 'false' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^::(warning|error)/m);
    expect(r.outputs['sarif-file']).toBe('shipshape.sarif');
    const sarif = JSON.parse(readFileSync(join(r.workspace, 'shipshape.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('pid1/shell-form-command');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('app/Dockerfile');
  });

  it('expands globs, and a clean target alone passes', () => {
    const r = runAction({ targets: '**/Dockerfile', 'fail-on': 'error', format: 'markdown' });
    expect(r.summary).toContain('### `app/Dockerfile` (dockerfile)');
    expect(r.summary).toContain('### `services/good/Dockerfile` (dockerfile)');
    expect(r.stdout).toContain('## shipshape');
    const good = runAction({ targets: 'services/*/Dockerfile' });
    expect(good.outputs.warnings).toBe('0');
    expect(good.outputs.errors).toBe('0');
    expect(good.code).toBe(0);
  });

  it('reads the config file of the checkout', () => {
    const ws = checkout({ '.shipshape.yaml': 'ignore: [tags, cache, user]\nfailOn: error\nseverity:\n  pid1/shell-form-command: error\n' });
    const r = runAction({ targets: 'app/Dockerfile' }, ws);
    expect(r.outputs.errors).toBe('1');
    expect(r.stdout).toMatch(/^::error file=app\/Dockerfile,line=7,.*pid1\/shell-form-command \(error\)/m);
    expect(r.stdout).not.toContain('tags/latest-tag');
    expect(r.code).toBe(1);
  });

  it('fails with one clear line on a bad config or a missing target', () => {
    const ws = checkout({ '.shipshape.yaml': 'failon: error\n' });
    const bad = runAction({ targets: 'app/Dockerfile' }, ws);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^::error::shipshape: .*\.shipshape\.yaml: failon: unknown key/m);
    const missing = runAction({ targets: 'nope/Dockerfile' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^::error file=nope\/Dockerfile,title=shipshape%3A target not analyzed::nope\/Dockerfile: no such file or directory/m);
    expect(missing.stdout).toMatch(/^::error::nope\/Dockerfile: no such file or directory/m);
    const input = runAction({ targets: 'app/Dockerfile', 'fail-on': 'sometimes' });
    expect(input.stdout).toMatch(/^::error::shipshape: input fail-on: "sometimes" is not one of/m);
  });
});

describe('baseline input', () => {
  it('reports and fails on only the findings the baseline does not record', () => {
    const ws = checkout();
    const cli = join(root, 'dist/cli.js');
    expect(spawnSync(process.execPath, [cli, 'baseline', 'app/Dockerfile'], { cwd: ws, encoding: 'utf8' }).status).toBe(0);
    const clean = runAction({ targets: 'app/Dockerfile', baseline: '.shipshape-baseline.json' }, ws);
    expect(clean.outputs.findings).toBe('0');
    expect(clean.stdout).toMatch(/^::notice::baseline \.shipshape-baseline\.json: \d+ findings already recorded \(not reported\), 0 entries gone$/m);
    expect(clean.code).toBe(0);
    writeFileSync(join(ws, 'app/Dockerfile'), readFileSync(join(ws, 'app/Dockerfile'), 'utf8') + 'EXPOSE 22\n');
    const added = runAction({ targets: 'app/Dockerfile', baseline: '.shipshape-baseline.json' }, ws);
    expect(added.stdout).toMatch(/^::warning file=app\/Dockerfile,line=8,.*title=security\/expose-ssh/m);
    expect(added.outputs.warnings).toBe('1');
    expect(added.code).toBe(1);
  });
});

describe('image with its Dockerfile', () => {
  it('annotates image findings on the Dockerfile line that made their layer (image-dockerfile)', () => {
    const ws = checkout();
    cpSync(join(root, 'sample-images/images/tools-netcat'), join(ws, 'img'), { recursive: true });
    cpSync(join(root, 'sample-images/built/tools-netcat.oci.tar'), join(ws, 'app.tar'));
    const r = runAction({ targets: 'img/Dockerfile', image: 'app.tar', 'image-dockerfile': 'img/Dockerfile', format: 'github', 'fail-on': 'none' }, ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::warning file=img\/Dockerfile,line=7,title=tools\/network-tools \(warning\)::app\.tar layer 2 \/usr\/bin\/nc: /m);
  });
});
