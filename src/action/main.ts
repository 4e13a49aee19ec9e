/**
 * The GitHub Action: analyzes the workspace's targets (the same analysis and renderers as the CLI),
 * then writes annotations, a job summary, the outputs and (optionally) a SARIF file, and fails the
 * step per `fail-on` or the config's `failOn`.
 */
import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import { analyzeTargets, applyBaselines, failed, UsageError } from '../analyze.js';
import { resolveTargets } from '../targets.js';
import { checks } from '../../checks/index.js';
import { SEVERITY_RANK } from '../engine/types.js';
import type { FailOn } from '../engine/config-resolve.js';
import { summarize } from '../report/model.js';
import { FORMATS, isFormat, RENDERERS } from '../report/index.js';

const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'none'];

/** An input holding several values: separated by newlines, commas or spaces. */
const list = (input: string): string[] => input.split(/[\n,\s]+/).map((s) => s.trim()).filter(Boolean);

async function main(): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (workspace) process.chdir(workspace);
  const format = core.getInput('format') || 'text';
  if (!isFormat(format)) throw new Error(`input format: "${format}" is not one of ${FORMATS.join(', ')}`);
  const failOnInput = core.getInput('fail-on');
  const failOn = FAIL_ON.find((f) => f === failOnInput);
  if (failOnInput && !failOn) throw new Error(`input fail-on: "${failOnInput}" is not one of ${FAIL_ON.join(', ')}`);
  const config = core.getInput('config');
  const sarifFile = core.getInput('sarif-file');
  const annotations = core.getInput('annotations') === '' ? true : core.getBooleanInput('annotations');
  const image = core.getInput('image');
  const imageDockerfile = core.getInput('image-dockerfile');

  const baselineFile = core.getInput('baseline');
  const exclude = list(core.getInput('exclude'));

  const targets = list(core.getInput('targets') || 'Dockerfile');
  if (image) targets.push(image);
  const noStdin = (): never => {
    throw new Error('the Action reads no standard input');
  };
  let results;
  let baseline;
  try {
    // The same resolution as the CLI: globs, directories searched as a repository, compose and bake builds.
    const resolved = await resolveTargets(targets, { stdin: noStdin, exclude, ...(config ? { config } : {}) });
    for (const u of resolved.unmatched) core.warning(`targets: ${u} matches no file`);
    for (const n of resolved.notes) core.notice(n);
    if (resolved.inputs.length === 0) throw new Error('no targets: the targets input matched no file and no image was given');
    results = await analyzeTargets(resolved.inputs, {
      ...(failOn ? { failOn } : {}),
      ...(config ? { config } : {}),
      ...(imageDockerfile ? { dockerfile: imageDockerfile } : {}),
    });
    if (baselineFile || results.some((r) => r.baseline)) {
      const applied = await applyBaselines(results, baselineFile || undefined);
      results = applied.results;
      baseline = applied.outcomes;
      for (const b of baseline) core.notice(`baseline ${b.path}: ${b.matched} finding${b.matched === 1 ? '' : 's'} already recorded (not reported), ${b.gone} entr${b.gone === 1 ? 'y' : 'ies'} gone`);
    }
  } catch (e) {
    if (e instanceof UsageError) throw new Error(e.message);
    throw e;
  }
  for (const r of results) for (const note of r.notes) core.notice(note);

  const ctx = { color: false, checks, ...(baseline ? { baseline } : {}) };
  if (format !== 'github') process.stdout.write(RENDERERS[format](results, ctx));
  if (annotations || format === 'github') process.stdout.write(RENDERERS.github(results, ctx));

  if (sarifFile) {
    writeFileSync(sarifFile, RENDERERS.sarif(results, ctx));
    core.setOutput('sarif-file', sarifFile);
  }
  const s = summarize(results);
  core.setOutput('findings', s.error + s.warning + s.info);
  core.setOutput('errors', s.error);
  core.setOutput('warnings', s.warning);
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(RENDERERS.markdown(results, ctx)).write();

  const unreadable = results.filter((r) => r.error !== null);
  if (unreadable.length > 0) core.setFailed(unreadable.map((r) => r.error).join('; '));
  else if (failed(results, SEVERITY_RANK)) core.setFailed(`shipshape: findings at or above ${failOn ? `fail-on: ${failOn}` : "the config's failOn (default warning)"}`);
}

main().catch((e: unknown) => core.setFailed(`shipshape: ${(e as Error).message}`));
