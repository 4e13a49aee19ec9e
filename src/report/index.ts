/** The report layer: one renderer per output format, each from analysis results to text. */
import type { Check } from '../engine/types.js';
import type { TargetResult } from './model.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import { renderCheckstyle } from './checkstyle.js';
import { renderJunit } from './junit.js';
import { renderGitlab } from './gitlab.js';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown', 'checkstyle', 'junit', 'gitlab'] as const;
export type Format = (typeof FORMATS)[number];

/** What a renderer may need besides the results. */
export interface RenderContext {
  /** ANSI colours (text on a terminal). */
  color: boolean;
  /** Every registered check (SARIF lists them all as rules). */
  checks: readonly Check[];
  /** What the baselines of the run matched (`--baseline`): the text report's footer and the JSON document say it. */
  baseline?: readonly { path: string; matched: number; gone: number }[];
}

export type Renderer = (results: readonly TargetResult[], ctx: RenderContext) => string;

/** The renderers, by format; the compiler demands one for every format. */
export const RENDERERS: Record<Format, Renderer> = {
  text: (results, ctx) => renderText(results, ctx.color, ctx.baseline ? { baseline: ctx.baseline } : {}),
  json: (results, ctx) => renderJson(results, ctx.baseline),
  sarif: (results, ctx) => renderSarif(results, ctx.checks),
  github: (results) => renderGithub(results),
  markdown: (results) => renderMarkdown(results),
  checkstyle: (results) => renderCheckstyle(results),
  junit: (results) => renderJunit(results),
  gitlab: (results) => renderGitlab(results),
};

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}
