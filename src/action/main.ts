/**
 * The GitHub Action: runs the CLI over the workspace, then writes annotations, a job summary, the
 * outputs and (optionally) a SARIF file, and fails the step per `fail-on` or the config's `failOn`.
 */
import * as core from '@actions/core';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { run } from '../cli/main.js';
import { bufferSource } from '../cli/stdin.js';
import { checks } from '../../checks/index.js';
import { globToRegExp } from '../engine/config.js';
import type { Category, Finding, Location, Severity } from '../engine/types.js';
import type { TargetResult } from '../report/model.js';
import { summarize } from '../report/model.js';
import { renderGithub } from '../report/github.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';
import { renderJson } from '../report/json.js';

const SKIP_DIRS = new Set(['.git', 'node_modules']);

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

type JsonFinding = { rule: string; category: Category; severity: Severity; message: string; messageId: string; line?: number; column?: number; endLine?: number; endColumn?: number; file?: string; path?: string; layer?: number; field?: string; dockerfile?: { file: string; line: number }; detail?: Record<string, string | number | boolean> };
type JsonDoc = { targets: { path: string; kind: 'dockerfile' | 'image'; error: { message: string } | null; findings: JsonFinding[] }[] };

/** The JSON contract read back into reporter input. */
export function fromJson(doc: JsonDoc): TargetResult[] {
  return doc.targets.map((t) => ({
    path: t.path,
    kind: t.kind,
    error: t.error?.message ?? null,
    findings: t.findings.map((f): Finding => {
      let location: Location;
      if (f.line === undefined) {
        location = { kind: 'image' };
        if (f.path !== undefined) location.path = f.path;
        if (f.layer !== undefined) location.layer = f.layer;
        if (f.field !== undefined) location.field = f.field;
      } else {
        const range = { line: f.line, column: f.column ?? 1, endLine: f.endLine ?? f.line, endColumn: f.endColumn ?? f.column ?? 1 };
        location = f.file !== undefined ? { kind: 'file', file: f.file, range } : { kind: 'dockerfile', range };
      }
      const out: Finding = { rule: f.rule, category: f.category, severity: f.severity, message: f.message, messageId: f.messageId, location };
      if (f.detail) out.detail = f.detail;
      if (f.dockerfile) out.dockerfile = { file: f.dockerfile.file, line: f.dockerfile.line };
      return out;
    }),
  }));
}

async function main(): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (workspace) process.chdir(workspace);
  const format = core.getInput('format') || 'text';
  if (!['text', 'json', 'sarif', 'github', 'markdown'].includes(format)) throw new Error(`input format: "${format}" is not one of text, json, sarif, github, markdown`);
  const failOn = core.getInput('fail-on');
  if (failOn && !['error', 'warning', 'info', 'none'].includes(failOn)) throw new Error(`input fail-on: "${failOn}" is not one of error, warning, info, none`);
  const config = core.getInput('config');
  const sarifFile = core.getInput('sarif-file');
  const annotations = core.getInput('annotations') === '' ? true : core.getBooleanInput('annotations');
  const image = core.getInput('image');
  const imageDockerfile = core.getInput('image-dockerfile');

  const { targets, unmatched } = expandTargets(core.getInput('targets') || 'Dockerfile', process.cwd());
  for (const u of unmatched) core.warning(`targets: ${u} matches no file`);
  if (image) targets.push(image);
  if (targets.length === 0) throw new Error('no targets: the targets input matched no file and no image was given');

  const args = ['--format', 'json', ...(failOn ? ['--fail-on', failOn] : []), ...(config ? ['--config', config] : []), ...(imageDockerfile ? ['--dockerfile', imageDockerfile] : []), '--', ...targets];
  let out = '';
  let err = '';
  const code = await run(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), stdin: () => bufferSource(Buffer.alloc(0)), isTTY: false });
  if (!out) throw new Error(err.trim().replace(/^shipshape: /, '') || `shipshape exited with status ${code}`);
  const results = fromJson(JSON.parse(out) as JsonDoc);

  const report = format === 'json' ? renderJson(results) : format === 'sarif' ? renderSarif(results, checks) : format === 'markdown' ? renderMarkdown(results) : format === 'github' ? '' : renderText(results, false);
  if (report) process.stdout.write(report);
  if (annotations || format === 'github') process.stdout.write(renderGithub(results));

  if (sarifFile) {
    writeFileSync(sarifFile, renderSarif(results, checks));
    core.setOutput('sarif-file', sarifFile);
  }
  const s = summarize(results);
  core.setOutput('findings', s.error + s.warning + s.info);
  core.setOutput('errors', s.error);
  core.setOutput('warnings', s.warning);
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderMarkdown(results)).write();

  if (code === 2) core.setFailed(err.trim().split('\n').map((l) => l.replace(/^shipshape: /, '')).join('; ') || 'a target could not be analyzed');
  else if (code === 1) core.setFailed(`shipshape: findings at or above ${failOn ? `fail-on: ${failOn}` : "the config's failOn (default warning)"}`);
}

main().catch((e: unknown) => core.setFailed(`shipshape: ${(e as Error).message}`));
