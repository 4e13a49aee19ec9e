/**
 * Baselines: the findings a repository already lives with, recorded once (`shipshape baseline`) so
 * that later runs report only new ones. An entry is keyed by rule, file and a fingerprint of the
 * offending text (the lines the finding covers, whitespace-insensitive), not by line number, so a
 * finding stays matched when lines above it move; changing the offending text makes it new.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Finding } from './types.js';
import { sha256Hex } from '../util/sha256.js';
import { checkIdOf } from './names.js';

export const BASELINE_FILE = '.shipshape-baseline.json';

export interface BaselineEntry {
  rule: string;
  /** The target (Dockerfile or image archive), relative to the baseline file's directory, with `/`. */
  file: string;
  fingerprint: string;
  /** For a reader of the file; not used to match. */
  line?: number;
  message?: string;
}

export interface Baseline {
  path: string;
  entries: BaselineEntry[];
}

/** Something with findings under a path: a target result. */
interface Target {
  path: string;
  error: string | null;
  findings: Finding[];
}

/** The text a finding is about, for its fingerprint: its lines (trimmed, spaces collapsed), or its place in an image. */
export function fingerprintText(f: Finding, lineText: (file: string | null, line: number) => string | null): string {
  const l = f.location;
  if (l.kind === 'image') return `image ${l.path ?? ''} ${l.field ?? ''}`;
  const file = l.kind === 'file' ? l.file : null;
  const end = Math.min(l.range.endLine, l.range.line + 50);
  // Many findings on the same long lines (a generated file): each span is put together and, past
  // LONG_TEXT, hashed once per run of lineText, not once per finding.
  let spans = spanCache.get(lineText);
  if (!spans) spanCache.set(lineText, (spans = new Map()));
  const key = `${file ?? ''}\0${l.range.line}\0${end}`;
  let text = spans.get(key);
  if (text === undefined) {
    const lines: string[] = [];
    for (let n = l.range.line; n <= end; n++) lines.push((lineText(file, n) ?? '').trim().replace(/\s+/g, ' '));
    text = `${file ?? ''}\n${lines.join('\n')}`;
    if (text.length > LONG_TEXT) text = `${file ?? ''}\nsha256:${sha256Hex(text)}`;
    spans.set(key, text);
  }
  return text;
}

/**
 * Text longer than this is fingerprinted by its own hash: no real Dockerfile line comes near (the
 * largest real Dockerfile is 25 KB), and each finding then hashes a few dozen bytes.
 */
const LONG_TEXT = 16 * 1024;
const spanCache = new WeakMap<(file: string | null, line: number) => string | null, Map<string, string>>();

/**
 * A short stable fingerprint of a finding: its check, message id and the text it is about. The check's
 * id, not the rule's: a `shellcheck/SC2086` finding hashes as it did when it was reported as
 * `correctness/shellcheck` (its messageId, SC2086, tells the codes apart), so baselines and GitLab's
 * fingerprints written then still match.
 */
export function fingerprint(f: Finding, text: string): string {
  return sha256Hex(`${checkIdOf(f)}\0${f.messageId}\0${text}`).slice(0, 16);
}

const keyOf = (rule: string, file: string, fp: string): string => `${rule}\0${file}\0${fp}`;

function relTo(dir: string, path: string): string {
  return relative(dir, resolve(path)).split(sep).join('/');
}

/** The baseline recording every finding of `results`, for a file to be written at `path`. */
export function baselineOf(results: readonly Target[], path: string): Baseline {
  const dir = dirname(resolve(path));
  const entries: BaselineEntry[] = [];
  for (const r of results) {
    if (r.error !== null || r.path === '<stdin>') continue;
    for (const f of r.findings) {
      if (!f.fingerprint) continue;
      const e: BaselineEntry = { rule: f.rule, file: relTo(dir, r.path), fingerprint: f.fingerprint };
      if (f.location.kind !== 'image') e.line = f.location.range.line;
      e.message = f.message;
      entries.push(e);
    }
  }
  entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
  return { path, entries };
}

/** The text of a baseline file: one entry a line, so that a review sees which findings came and went. */
export function baselineText(b: Baseline): string {
  return `{"tool": "shipshape", "version": 1, "entries": [\n${b.entries.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]}\n`;
}

/** A baseline problem: one line naming the file. */
export class BaselineError extends Error {}

/** Reads a baseline file. */
export function loadBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BaselineError(`${path}: ${code === 'ENOENT' ? 'no such file (write one with `shipshape baseline`)' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  const entries = (doc as { entries?: unknown })?.entries;
  if (!Array.isArray(entries) || !entries.every((e) => typeof e?.rule === 'string' && typeof e?.file === 'string' && typeof e?.fingerprint === 'string')) {
    throw new BaselineError(`${path}: not a shipshape baseline (expected {"entries": [{"rule", "file", "fingerprint"}…]})`);
  }
  return { path, entries: entries as BaselineEntry[] };
}

/** What applying a baseline did. */
export interface BaselineOutcome {
  path: string;
  /** Findings found in the baseline, so not reported. */
  matched: number;
  /** Baseline entries of the files analysed that no finding matched any more (fixed, or their text changed). */
  gone: number;
}

/** Removes from each target the findings its baseline records; counts what matched and what is gone. */
export function applyBaseline<T extends Target>(results: readonly T[], baseline: Baseline): { results: T[]; outcome: BaselineOutcome } {
  const dir = dirname(resolve(baseline.path));
  const left = new Map<string, number>();
  for (const e of baseline.entries) {
    const k = keyOf(e.rule, e.file, e.fingerprint);
    left.set(k, (left.get(k) ?? 0) + 1);
  }
  let matched = 0;
  const analysed = new Set<string>();
  const out = results.map((r) => {
    if (r.error !== null) return r;
    const file = relTo(dir, r.path);
    analysed.add(file);
    const findings = r.findings.filter((f) => {
      if (!f.fingerprint) return true;
      // An entry under the finding's rule, else (a baseline written before ShellCheck's findings were
      // reported as shellcheck/SC2086) under its check's id: the fingerprint is the same.
      const keys = f.check ? [keyOf(f.rule, file, f.fingerprint), keyOf(f.check, file, f.fingerprint)] : [keyOf(f.rule, file, f.fingerprint)];
      const k = keys.find((x) => (left.get(x) ?? 0) > 0);
      if (k === undefined) return true;
      left.set(k, left.get(k)! - 1);
      matched++;
      return false;
    });
    return findings.length === r.findings.length ? r : { ...r, findings };
  });
  let gone = 0;
  for (const e of baseline.entries) {
    const k = keyOf(e.rule, e.file, e.fingerprint);
    const n = left.get(k) ?? 0;
    if (n > 0 && analysed.has(e.file)) {
      gone++;
      left.set(k, n - 1);
    }
  }
  return { results: out, outcome: { path: baseline.path, matched, gone } };
}
