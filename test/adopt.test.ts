/**
 * A team's repository run end to end as they would run it the first time: `shipshape .` through the
 * bundled CLI and the bundled Action (dist/action.js), with the hadolint config, Trivy and Checkov
 * ignores they already have, compose and bake builds, and directories a run must not enter.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureRepo } from './helpers/fixture-repo.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');
const action = join(root, 'dist/action.js');

function run(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonTarget {
  path: string;
  error: { message: string } | null;
  build?: { file: string; name: string; target: string | null; args: Record<string, string> };
  findings: { rule: string; severity: string; line?: number; message: string }[];
}
const json = (stdout: string): JsonTarget[] => JSON.parse(stdout).targets;
const rulesOf = (t: JsonTarget | undefined) => (t?.findings ?? []).map((f) => `${f.line}:${f.rule}:${f.severity}`);

beforeAll(() => {
  for (const f of [cli, action]) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build`);
});

describe('shipshape . on a repository moving from hadolint, Trivy and Checkov', () => {
  it('finds every Dockerfile the repository builds, and none that .gitignore, node_modules, vendor or --exclude rule out', () => {
    const repo = fixtureRepo();
    const all = json(run(repo, ['--format', 'json', '.']).stdout).map((t) => t.path);
    expect(all).toEqual(['legacy/Dockerfile', 'services/api/Dockerfile', 'services/web/web.Dockerfile', 'services/worker/Dockerfile', 'tools/Containerfile']);
    const r = run(repo, ['--format', 'json', '--exclude', 'legacy/**', '.']);
    expect(json(r.stdout).map((t) => t.path)).toEqual(['services/api/Dockerfile', 'services/web/web.Dockerfile', 'services/worker/Dockerfile', 'tools/Containerfile']);
    // The repository's own root given as a path, and a subdirectory: compose.yaml above it still says how services/api is built.
    expect(json(run(repo, ['--format', 'json', repo]).stdout).map((t) => `${t.path} ${t.build?.name}`)).toContain(`${join(repo, 'services/api/Dockerfile')} api`);
    const sub = json(run(repo, ['--format', 'json', 'services']).stdout);
    expect(sub.map((t) => `${t.path} ${t.build?.name}`)).toEqual(['services/api/Dockerfile api', 'services/web/web.Dockerfile web', 'services/worker/Dockerfile worker']);
    // A config's exclude does the same as the flag.
    const withConfig = fixtureRepo({ '.shipshape.yaml': "exclude: ['legacy/**', tools]\n" });
    expect(json(run(withConfig, ['--format', 'json', '.']).stdout).map((t) => t.path)).toEqual(['services/api/Dockerfile', 'services/web/web.Dockerfile', 'services/worker/Dockerfile']);
    // Globs, quoted so that the shell leaves them to shipshape.
    expect(json(run(repo, ['--format', 'json', '**/Dockerfile']).stdout).map((t) => t.path)).toEqual(['legacy/Dockerfile', 'services/api/Dockerfile', 'services/worker/Dockerfile']);
    const none = run(repo, ['nothing/**/Dockerfile']);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('nothing/**/Dockerfile: matches no file');
  });

  it('analyses each Dockerfile as compose and bake build it: context, target stage, build arguments', () => {
    const repo = fixtureRepo();
    const targets = json(run(repo, ['--format', 'json', '--exclude', 'legacy/**', '.']).stdout);
    const api = targets.find((t) => t.path === 'services/api/Dockerfile')!;
    expect(api.build).toEqual({ file: 'compose.yaml', name: 'api', target: 'prod', args: { ALPINE: '3.20' } });
    // The argument compose passes is the one analysed; `debug`, after the built stage, is another target, not an unused stage.
    expect(api.findings.find((f) => f.rule === 'tags/no-digest')!.message).toMatch(/^alpine:3\.20 /);
    expect(rulesOf(api)).not.toContain(expect.stringMatching(/multi-stage\/unused-stage|user\/root-user/));
    const web = targets.find((t) => t.path === 'services/web/web.Dockerfile')!;
    expect(web.build).toEqual({ file: 'docker-bake.hcl', name: 'web', target: null, args: { NODE_VERSION: '22' } });
    // Without the bake file's argument the default `latest` would be reported.
    expect(rulesOf(web)).not.toContain(expect.stringMatching(/tags\/latest-tag/));
    expect(targets.find((t) => t.path === 'services/worker/Dockerfile')!.build).toMatchObject({ file: 'compose.yaml', name: 'worker' });
    expect(targets.find((t) => t.path === 'tools/Containerfile')!.build).toBeUndefined();
    // A compose target that the Dockerfile does not have is the build failure it is.
    const broken = fixtureRepo({ 'compose.yaml': 'services:\n  api:\n    build:\n      context: ./services/api\n      target: nope\n' });
    const b = run(broken, ['--format', 'json', 'services/api']);
    expect(b.code).toBe(2);
    expect(json(b.stdout)[0]!.error!.message).toBe('services/api/Dockerfile: compose.yaml (api) builds a stage it does not have: no stage named nope (its stages: build, prod, debug)');
  });

  it("honours .hadolint.yaml (ignored, override, failure-threshold), .trivyignore and the Trivy and Checkov pragmas, and says where its settings came from", () => {
    const repo = fixtureRepo();
    const r = run(repo, ['--exclude', 'legacy/**', '.']);
    // failure-threshold: error, and DL3025 overridden to error: the shell-form CMD of services/api fails the run.
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}7:1 +error +pid1\/shell-form-command/m);
    expect(r.stdout).toMatch(/^settings from hadolint's .*\.hadolint\.yaml \(no \.shipshape\.yaml applies\); `shipshape config --from-hadolint` writes the equivalent \.shipshape\.yaml$/m);
    expect(r.stderr).toMatch(/^shipshape: note: .*\.hadolint\.yaml: ignored: DL1001 \(no shipshape check covers it\); not taken over$/m);
    const targets = json(run(repo, ['--format', 'json', '--exclude', 'legacy/**', '.']).stdout);
    const worker = targets.find((t) => t.path === 'services/worker/Dockerfile')!;
    // `# checkov:skip=CKV_DOCKER_9` (apt) and `# trivy:ignore:DS-0002` (USER root) silence their findings;
    // the label-schema (`maintainer: email`) asks every image for a maintainer label (hadolint's DL3049).
    expect(rulesOf(worker)).toEqual(['1:correctness/label-schema:info', '1:tags/no-digest:info']);
    // .trivyignore's AVD-DS-0001 silences the latest tag everywhere.
    expect(rulesOf(targets.find((t) => t.path === 'tools/Containerfile'))).toEqual(['1:correctness/label-schema:info', '1:tags/no-digest:info']);
    // Without the pragmas and ignore files, the same files have those findings.
    const bare = fixtureRepo({ '.trivyignore': '', 'services/worker/Dockerfile': readFileSync(join(repo, 'services/worker/Dockerfile'), 'utf8').replace(/^# (checkov|trivy).*\n/gm, '') });
    const bareTargets = json(run(bare, ['--format', 'json', '--exclude', 'legacy/**', '.']).stdout);
    expect(rulesOf(bareTargets.find((t) => t.path === 'services/worker/Dockerfile'))).toEqual(['1:correctness/label-schema:info', '1:tags/no-digest:info', '2:correctness/apt-command:warning', '2:correctness/apt-command:warning', '3:user/root-user:warning']);
    expect(rulesOf(bareTargets.find((t) => t.path === 'tools/Containerfile'))).toContain('1:tags/latest-tag:warning');
  });

  it('config --from-hadolint writes the equivalent .shipshape.yaml: the same findings, and the footer no longer names hadolint', () => {
    const repo = fixtureRepo();
    const before = run(repo, ['--format', 'json', '.']).stdout;
    const w = run(repo, ['config', '--from-hadolint']);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/^wrote \.shipshape\.yaml from \.hadolint\.yaml \(1 setting not taken over, listed at its top\)$/m);
    const yaml = readFileSync(join(repo, '.shipshape.yaml'), 'utf8');
    expect(yaml).toContain('# not taken over: ignored: DL1001 (no shipshape check covers it)');
    expect(yaml).toMatch(/^ignore:\n {2}- DL3008$/m);
    expect(yaml).toMatch(/^severity:\n {2}DL3025: error$/m);
    expect(yaml).toMatch(/^failOn: error$/m);
    expect(yaml).toMatch(/^labelSchema:\n {2}maintainer: email$/m);
    const after = run(repo, ['--format', 'json', '.']);
    expect(JSON.parse(after.stdout).targets).toEqual(JSON.parse(before).targets);
    expect(run(repo, ['.']).stdout).not.toContain("settings from hadolint's");
    // It does not overwrite a file without --force; `--output -` prints.
    expect(run(repo, ['config', '--from-hadolint']).stderr).toMatch(/^shipshape: config --from-hadolint: \.shipshape\.yaml exists; --force replaces it/);
    expect(run(repo, ['config', '--from-hadolint', '--output', '-']).stdout).toContain('failOn: error');
    const empty = mkdtempSync(join(tmpdir(), 'shipshape-nohadolint-'));
    expect(run(empty, ['config', '--from-hadolint']).stderr).toMatch(/no \.hadolint\.yaml or \.hadolint\.yml in this directory/);
  });

  it('a peer id in --ignore in any of its spellings works, and one no check covers names the closest', () => {
    const repo = fixtureRepo({ '.trivyignore': '' });
    const ids = (ignore: string) => rulesOf(json(run(repo, ['--format', 'json', '--ignore', ignore, 'tools/Containerfile']).stdout)[0]);
    for (const id of ['DS-0001', 'AVD-DS-0001', 'ds001', 'CKV_DOCKER_7', 'dl3007']) expect(ids(id), id).not.toContain('1:tags/latest-tag:warning');
    const bad = run(repo, ['--ignore', 'CKV2_DOCKER_17', '.']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^shipshape: --ignore CKV2_DOCKER_17: no shipshape check covers Checkov's CKV2_DOCKER_17; closest: CKV2_DOCKER_1\d? \(/);
  });
});

describe("hadolint's label schema (DL3049–DL3058)", () => {
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'shipshape-labels-'));
    writeFileSync(join(d, '.hadolint.yaml'), 'ignored: [DL3052]\nstrict-labels: true\nlabel-schema:\n  owner: text\n  url: url\n  version: semver\n  maintainer: email\n');
    writeFileSync(join(d, 'Dockerfile'), 'FROM alpine:3.20\nLABEL url=nope version=v1 owner=""\n# hadolint ignore=DL3050\nLABEL team=web\nLABEL extra=1\n');
    return d;
  };
  const found = (d: string, args: string[] = []) =>
    (JSON.parse(run(d, ['--format', 'json', ...args, 'Dockerfile']).stdout).targets[0].findings as { rule: string; messageId: string; line: number; severity: string }[])
      .filter((f) => f.rule === 'correctness/label-schema').map((f) => `${f.line}:${f.messageId}:${f.severity}`);

  it("reports each kind under hadolint's id, and hadolint's ignored list and pragmas silence one kind, not the check", () => {
    const d = dir();
    expect(found(d)).toEqual(['1:DL3049:info', '2:DL3056:warning', '2:DL3051:warning', '5:DL3050:info']);
    expect(found(d, ['--ignore', 'DL3049'])).toEqual(['2:DL3056:warning', '2:DL3051:warning', '5:DL3050:info']);
    expect(found(d, ['--ignore', 'correctness/label-schema'])).toEqual([]);
  });

  it('explain takes the peer ids', () => {
    const r = run(dir(), ['explain', 'DL3054']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('correctness/label-schema');
  });
});

describe('the Action on the same repository', () => {
  function runAction(ws: string, inputs: Record<string, string>) {
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
    for (const m of readFileSync(outFile, 'utf8').matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
    return { code: r.status, stdout: r.stdout, outputs, summary: readFileSync(summaryFile, 'utf8') };
  }

  it('targets "." with exclude: the same Dockerfiles, builds, ignores and settings as the CLI', () => {
    const repo = fixtureRepo();
    const r = runAction(repo, { targets: '.', exclude: 'legacy/**', format: 'json' });
    // Notices (the hadolint setting not taken over) come first, then the JSON report, then the annotations.
    const start = r.stdout.indexOf('{\n');
    expect(r.stdout.slice(0, start)).toMatch(/^::notice::.*\.hadolint\.yaml: ignored: DL1001 \(no shipshape check covers it\); not taken over\n$/);
    const doc = JSON.parse(r.stdout.slice(start, r.stdout.indexOf('\n}\n', start) + 3));
    const cliDoc = JSON.parse(run(repo, ['--format', 'json', '--exclude', 'legacy/**', '.']).stdout);
    expect(doc.targets).toEqual(cliDoc.targets);
    expect(r.stdout).toMatch(/^::error file=services\/api\/Dockerfile,line=7,col=1,.*title=pid1\/shell-form-command \(error\)::/m);
    expect(r.stdout).not.toContain('file=legacy/');
    expect(r.stdout).not.toMatch(/file=services\/worker\/Dockerfile,line=(3|5),/);
    expect(r.summary).toContain('### `services/web/web.Dockerfile` (dockerfile)');
    expect(r.outputs.errors).toBe('1');
    // failure-threshold: error from .hadolint.yaml: the step fails on the one error.
    expect(r.code).toBe(1);
  });
});
