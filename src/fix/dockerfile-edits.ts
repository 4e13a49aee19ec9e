/**
 * Edit recipes over the Dockerfile model that several checks' fixes share: the source text of a
 * range, an instruction's body replaced, a command appended to a RUN. Each returns null when the
 * text is not one it can edit without touching what lies outside the edit (comments, continuations,
 * heredocs), so a check then reports without a fix.
 */
import { commentsByLine } from '../util/comments.js';
import type { DockerfileFacts, Instruction } from '../dockerfile/model.js';
import type { Target, TextEdit } from '../engine/types.js';
import type { Range } from '../util/text.js';
import { sourceOffset } from '../util/text.js';
import { insertAfter, insertBefore, remove, replace, textAt } from './edits.js';

/** The source text of a range of the Dockerfile. */
export function written(facts: DockerfileFacts, at: Target): string {
  return textAt(facts.text, facts.lines.starts, at);
}

/** The source offsets of an instruction's body (after keyword and flags), or null when it is empty. */
function bodySpan(ins: Instruction): { start: number; end: number } | null {
  const n = ins.bodyText.text.length;
  if (n === 0) return null;
  return { start: sourceOffset(ins.bodyText, 0), end: sourceOffset(ins.bodyText, n - 1) + 1 };
}

/**
 * Replaces the body of a one-line instruction (`CMD node server.js` -> `CMD ["node", "server.js"]`).
 * Null for an instruction over several lines: a comment or continuation inside it would be lost.
 */
export function replaceBody(facts: DockerfileFacts, ins: Instruction, text: string): TextEdit | null {
  const s = bodySpan(ins);
  if (!s || ins.range.line !== ins.range.endLine || ins.heredocs.length) return null;
  return replace(facts.lines.range(s.start, s.end), text);
}

/**
 * Ends a shell-form RUN with ` && command`, right after its last command (before a trailing `;`),
 * so the command runs when everything before it succeeded and the RUN's status is unchanged.
 * Null for the exec form, heredocs, and a body that ends in `&`, `|` or a dangling operator.
 */
export function appendToRun(facts: DockerfileFacts, ins: Instruction, command: string): TextEdit | null {
  if (ins.json !== null || ins.heredocs.length || !ins.shell || ins.shell.hasError) return null;
  const text = ins.bodyText.text;
  let end = text.length;
  while (end > 0 && /[\s;]/.test(text[end - 1]!)) end--;
  if (end === 0) return null;
  const last = text[end - 1]!;
  if (last === '&' || last === '|' || last === facts.escape || last === '\\') return null;
  const at = sourceOffset(ins.bodyText, end - 1) + 1;
  const pos = facts.lines.range(at, at);
  return insertAfter(pos, ` && ${command}`);
}

/**
 * Quotes a value for ENV/LABEL (`"a b"`): backslash, double quote and, when `literal`, `$` escaped
 * with the file's escape character; a value of plain characters stays bare.
 */
export function quoteValue(value: string, escape: string, literal: boolean): string {
  if (/^[\w@%+:,./-]+$/.test(value)) return value;
  let out = '';
  for (const c of value) out += c === escape || c === '"' || (literal && c === '$') ? escape + c : c;
  return `"${out}"`;
}

/** Keyword text in the case its instruction is written in (`label` beside a lower-case `maintainer`). */
export function keywordLike(ins: Instruction, keyword: string): string {
  return ins.written === ins.written.toLowerCase() ? keyword.toLowerCase() : keyword.toUpperCase();
}

/** The file's line ending (a CRLF file gets CRLF lines). */
export function eol(facts: DockerfileFacts): string {
  return facts.text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * A new line right above an instruction, with its indentation: above the comments directly over it,
 * so an inline ignore (`# shipshape ignore=…`) stays on the instruction it was written for.
 */
export function insertLineBefore(facts: DockerfileFacts, ins: Instruction, line: string): TextEdit {
  let first = ins.range.line;
  const comments = commentsByLine(facts);
  while (first > 1 && comments.has(first - 1)) first--;
  const indent = /^[ \t]*/.exec(facts.lines.lineText(ins.range.line))![0];
  return insertBefore({ line: first, column: 1, endLine: first, endColumn: 1 }, `${indent}${line}${eol(facts)}`);
}

/** The whole lines of an instruction with the line break before them (for moving or deleting it). */
export function wholeInstruction(facts: DockerfileFacts, ins: Instruction): Range | null {
  if (ins.range.line < 2) return null;
  const prev = facts.lines.lineText(ins.range.line - 1);
  const endText = facts.lines.lineText(ins.range.endLine);
  return { line: ins.range.line - 1, column: prev.length + 1, endLine: ins.range.endLine, endColumn: endText.length + 1 };
}

/** The files an install reads, by its command: what to copy before it so its layer is cached until they change. */
function manifestsOf(base: string, argv: readonly string[]): string[] | null {
  switch (base) {
    case 'npm':
      return ['package*.json'];
    case 'yarn':
      return ['package.json', 'yarn.lock*'];
    case 'pnpm':
      return ['package.json', 'pnpm-lock.yaml*'];
    case 'go':
      return argv[0] === 'mod' ? ['go.mod', 'go.sum*'] : null;
    case 'bundle':
    case 'bundler':
      return ['Gemfile', 'Gemfile.lock*'];
    case 'composer':
      return ['composer.json', 'composer.lock*'];
    case 'poetry':
      return ['pyproject.toml', 'poetry.lock*'];
    default: {
      // pip install -r requirements.txt: that one file.
      const r = argv.findIndex((a) => a === '-r' || a === '--requirement');
      const file = r >= 0 ? argv[r + 1] : undefined;
      return file && /^[\w./-]+$/.test(file) && !file.startsWith('/') && !file.includes('..') && argv.filter((a) => a === '-r' || a === '--requirement').length === 1 && !argv.includes('.') ? [file] : null;
    }
  }
}

/**
 * The dependency install moved above the whole-context copy, after a copy of the manifests it reads:
 * `COPY . .` + `RUN npm ci` -> `COPY package*.json ./` + `RUN npm ci` + `COPY . .`. Only for a RUN of
 * that one command on the line right after a one-line COPY. Suggested: an install that also reads
 * other files (a postinstall script) needs them copied too.
 */
export function manifestsFirst(facts: DockerfileFacts, copy: Instruction, run: Instruction, install: { base: string; argv: readonly string[] }): TextEdit[] | null {
  const files = manifestsOf(install.base, install.argv);
  if (!files || copy.json || copy.heredocs.length || copy.range.line !== copy.range.endLine || run.range.line !== copy.range.endLine + 1) return null;
  if (run.json || !run.shell || run.shell.commands.length !== 1 || run.heredocs.length || copy.stage !== run.stage) return null;
  const dest = copy.args[copy.args.length - 1]?.value;
  if (!dest || /["'$]/.test(dest)) return null;
  const dir = dest === '.' ? './' : dest.endsWith('/') ? dest : `${dest}/`;
  const flags = copy.flags.map((f) => written(facts, f)).join(' ');
  const runText = written(facts, run);
  const line = `${copy.written}${flags ? ` ${flags}` : ''} ${files.join(' ')} ${dir}`;
  const removeRun = wholeInstruction(facts, run);
  if (!removeRun) return null;
  return [insertLineBefore(facts, copy, `${line}${eol(facts)}${runText}`), remove(removeRun)];
}

/**
 * Removes an instruction's lines. Null when a comment sits right above it: the comment (an inline
 * ignore, say) would then belong to the instruction after it.
 */
export function removeInstruction(facts: DockerfileFacts, ins: Instruction): TextEdit | null {
  const range = wholeInstruction(facts, ins);
  if (!range || commentsByLine(facts).has(ins.range.line - 1)) return null;
  return remove(range);
}
