/**
 * The GitHub Action: analyzes the workspace's targets (the same analysis and renderers as the CLI),
 * then writes annotations, a job summary, the outputs and (optionally) a SARIF file, and fails the
 * step per `fail-on` or the config's `failOn`.
 */
import * as core from '@actions/core';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { analyzeTargets, failed, UsageError } from '../analyze.js';
import { resolveTarget } from '../targets.js';
import { checks } from '../../checks/index.js';
import { globToRegExp } from '../engine/config-resolve.js';
import { SEVERITY_RANK } from '../engine/types.js';
import type { FailOn } from '../engine/config-resolve.js';
import { summarize } from '../report/model.js';
import { FORMATS, isFormat, RENDERERS } from '../report/index.js';

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'none'];

/** Paths under `dir` (relative, `/`-separated) matching a glob; stops early past `limit`. */
function expandGlob(pattern: string, dir: string, limit = 10000): string[] {
  const re = globToRegExp(pattern.replace(/^\.\//, ''));
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= limit) return;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile()) {
        const rel = relative(dir, p).split(sep).join('/');
        if (re.test(rel)) out.push(rel);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** The `targets` input: paths or globs, separated by newlines, commas or spaces. */
export function expandTargets(input: string, dir: string): { targets: string[]; unmatched: string[] } {
  const targets: string[] = [];
  const unmatched: string[] = [];
  for (const t of input.split(/[\n,\s]+/).map((s) => s.trim()).filter(Boolean)) {
    if (!/[*?{]/.test(t)) targets.push(t);
    else {
      const found = expandGlob(t, dir);
      if (found.length) targets.push(...found);
      else unmatched.push(t);
    }
  }
  return { targets, unmatched };
}

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

  const { targets, unmatched } = expandTargets(core.getInput('targets') || 'Dockerfile', process.cwd());
  for (const u of unmatched) core.warning(`targets: ${u} matches no file`);
  if (image) targets.push(image);
  if (targets.length === 0) throw new Error('no targets: the targets input matched no file and no image was given');

  const noStdin = (): never => {
    throw new Error('the Action reads no standard input');
  };
  let results;
  try {
    results = await analyzeTargets(targets.flatMap((t) => resolveTarget(t, null, noStdin)), {
      ...(failOn ? { failOn } : {}),
      ...(config ? { config } : {}),
      ...(imageDockerfile ? { dockerfile: imageDockerfile } : {}),
    });
  } catch (e) {
    if (e instanceof UsageError) throw new Error(e.message);
    throw e;
  }
  for (const r of results) for (const note of r.notes) core.notice(note);

  const ctx = { color: false, checks };
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
