/** The library API: analyze Dockerfile text or files and get findings. */
import { parseDockerfile, type ParseOptions } from './dockerfile/parse.js';
import { runDockerfileChecks, sortFindings } from './engine/run.js';
import type { Check, CheckSettings, Finding, Severity } from './engine/types.js';
import { applySuppressions } from './engine/suppress.js';
import { checks as allChecks } from '../checks/index.js';
import { KNOWN_INSTRUCTIONS, type DockerfileFacts } from './dockerfile/model.js';

export interface AnalyzeOptions extends ParseOptions {
  checks?: readonly Check[];
  /** Rule ids or whole categories to skip. */
  ignore?: readonly string[];
  severity?: (check: Check) => Severity;
  /** Repository settings checks read through `ctx.settings` (from the config file). */
  settings?: CheckSettings;
}

/** The checks left after `ignore` (rule ids, categories or peer aliases). */
export function selectChecks(ignore: readonly string[] = [], from: readonly Check[] = allChecks): Check[] {
  if (ignore.length === 0) return [...from];
  const skip = new Set(ignore);
  return from.filter((c) => !skip.has(c.id) && !skip.has(c.category) && !(c.aliases ?? []).some((a) => skip.has(a)));
}

/** Parses and checks one Dockerfile. */
export async function analyzeDockerfile(text: string, options: AnalyzeOptions = {}): Promise<{ facts: DockerfileFacts; findings: Finding[] }> {
  const facts = await parseDockerfile(text, options);
  const checks = selectChecks(options.ignore, options.checks ?? allChecks);
  const runOpts = { ...(options.severity ? { severity: options.severity } : {}), ...(options.settings ? { settings: options.settings } : {}) };
  const raw = runDockerfileChecks(facts, checks, runOpts);
  const { findings } = applySuppressions(facts, raw, { ran: checks, known: options.checks ? [...allChecks, ...options.checks] : allChecks, ...(options.severity ? { severity: options.severity } : {}) });
  return { facts, findings: sortFindings(findings) };
}

/** False for text with lines but not one known instruction (a README given by mistake). Empty files pass: they get a finding. */
export function looksLikeDockerfile(facts: DockerfileFacts): boolean {
  const all = facts.instructions;
  if (all.length === 0) return true;
  const known = all.filter((i) => KNOWN_INSTRUCTIONS.has(i.keyword)).length;
  // Prose with an instruction-like line in it (a README quoting `CMD npm start`) starts with a word
  // that is no instruction and is mostly such lines; a Dockerfile with a typo is mostly instructions.
  return known > 0 && (KNOWN_INSTRUCTIONS.has(all[0]!.keyword) || known * 2 > all.length);
}

export { allChecks as checks };
export type { Finding, Check, Severity };
