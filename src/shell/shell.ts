/**
 * The shell front end: RUN bodies, shell-form CMD/ENTRYPOINT/HEALTHCHECK and entrypoint scripts are
 * parsed here, once each, with tree-sitter-bash, into flat lists of commands that checks query.
 * This is the only module that touches tree-sitter.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Parser, Tree } from 'web-tree-sitter';
import { LineIndex, mappedRange, type MappedText, type Range } from '../util/text.js';
import { memoOf } from '../util/memo.js';

/** One word of a command line. */
export interface Word {
  /** The text as written (quotes included). */
  text: string;
  /** The value after quote removal; expansions are kept as written. */
  value: string;
  /** False when the word holds an expansion or substitution, so its value is not known. */
  literal: boolean;
  range: Range;
}

export type Operator = '&&' | '||' | ';' | '|' | '&';

/** One simple command, as the shell would run it. */
export interface ShellCommand {
  /** The command name's value (`/usr/bin/apt-get`), '' when it is not literal. */
  name: string;
  /** The basename of the name (`apt-get`). */
  base: string;
  nameRange: Range;
  args: Word[];
  /** Argument values, for quick tests. */
  argv: string[];
  /** `VAR=value` prefixes. */
  assignments: string[];
  range: Range;
  /** The command that runs this one (`exec`, `sudo`, `sh -c`…), when it is an operand of another. */
  wrappedBy: ShellCommand | null;
  /** The statement is sent to the background with `&`. */
  background: boolean;
  /** Position in a pipeline, when it is part of one of two or more commands. */
  pipeline: { index: number; size: number } | null;
  /** The operator before and after this command in its list (`a && b`: a.after = '&&'). */
  before: Operator | null;
  after: Operator | null;
  /** Inside a condition, loop, function, subshell or substitution, so it may not run as written. */
  nested: boolean;
  /** Index of the top-level statement it belongs to. */
  statement: number;
  /**
   * The branches of `if`/`case` statements it is in, outermost first: each the statement's offset in
   * the text and the branch's number (the `then` part 0, each `elif` and `else` the next). Two
   * commands in different branches of one statement never both run. Absent outside any branch.
   */
  branches?: readonly (readonly [number, number])[];
}

/** True when the two commands sit in different branches of one `if` or `case`: at most one of them runs. */
export function exclusive(a: ShellCommand, b: ShellCommand): boolean {
  if (!a.branches || !b.branches) return false;
  return a.branches.some(([at, i]) => b.branches!.some(([bt, j]) => at === bt && i !== j));
}

/** The parsed commands of one shell body. */
export interface ShellScript {
  commands: ShellCommand[];
  /** Number of top-level statements. */
  statements: number;
  /**
   * The tree-sitter node type of each top-level statement (`command`, `list`, `pipeline`,
   * `if_statement`, `while_statement`, `function_definition`…), so a check can tell a loop from a command.
   */
  kinds: string[];
  /** True when tree-sitter found a syntax error. */
  hasError: boolean;
  /**
   * The functions the script defines at its top level, each read as a script of its own (its
   * commands are in `commands` too, as nested ones), so a launch analysis can follow `main "$@"`
   * into the function that does the work. Absent when there are none.
   */
  functions?: ReadonlyMap<string, ShellScript>;
}

const WRAPPERS: Record<string, { valueOptions: string[]; positionalsToSkip: number }> = {
  exec: { valueOptions: ['-a'], positionalsToSkip: 0 },
  sudo: { valueOptions: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group'], positionalsToSkip: 0 },
  env: { valueOptions: ['-u', '--unset', '-C', '--chdir', '-S'], positionalsToSkip: 0 },
  nohup: { valueOptions: [], positionalsToSkip: 0 },
  time: { valueOptions: ['-f', '-o'], positionalsToSkip: 0 },
  command: { valueOptions: [], positionalsToSkip: 0 },
  nice: { valueOptions: ['-n'], positionalsToSkip: 0 },
  timeout: { valueOptions: ['-s', '-k', '--signal', '--kill-after'], positionalsToSkip: 1 },
  setsid: { valueOptions: [], positionalsToSkip: 0 },
  stdbuf: { valueOptions: ['-i', '-o', '-e'], positionalsToSkip: 0 },
  gosu: { valueOptions: [], positionalsToSkip: 1 },
  'su-exec': { valueOptions: [], positionalsToSkip: 1 },
  chpst: { valueOptions: ['-u', '-U', '-e', '-n', '-l', '-L', '-m', '-d', '-o', '-p', '-f', '-c', '-r', '-t', '-/'], positionalsToSkip: 0 },
  tini: { valueOptions: ['-p', '-e', '-l'], positionalsToSkip: 0 },
  'dumb-init': { valueOptions: ['-r', '--rewrite'], positionalsToSkip: 0 },
  xargs: { valueOptions: ['-I', '-n', '-P', '-d', '-a', '-E', '-L', '-s'], positionalsToSkip: 0 },
};

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

let parser: Parser | undefined;
let loading: Promise<Parser> | undefined;

function locate(file: string, pkg: string): string {
  const beside = fileURLToPath(new URL(`./${file}`, import.meta.url));
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve(`${pkg}/${file}`);
}

/** Loads tree-sitter and the bash grammar, once; later calls share the same parser. */
export function loadShellParser(): Promise<Parser> {
  if (parser) return Promise.resolve(parser);
  loading ??= (async () => {
    // Imported here, not at the top: a run whose bodies are all plain word lists never loads it.
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init({ locateFile: () => locate('tree-sitter.wasm', 'web-tree-sitter') });
    const bash = await Language.load(locate('tree-sitter-bash.wasm', 'tree-sitter-bash'));
    const p = new Parser();
    p.setLanguage(bash);
    parser = p;
    return p;
  })();
  return loading;
}

/**
 * Set when tree-sitter's wasm module failed (a trap such as "memory access out of bounds": its own
 * stack overflowed on some body; fuzz campaign, seed 13). A trapped module is not safe to call
 * again (its stack pointer is left where the trap was), so from then on every body the grammar
 * would read is left unread, and the run says so once (`grammarFailure`).
 */
let failed: { message: string; count: number } | null = null;

/** How many times the shell grammar has failed in this process, and how. */
export function grammarFailure(): { message: string; count: number } | null {
  return failed;
}

/** True once the parser is loaded, so the synchronous `parseShell` may be called. */
export function shellParserReady(): boolean {
  return parser !== undefined;
}

/**
 * Parses a shell body into commands. `source` maps every character back to the file it came from,
 * so every command's range points into that file. Call `loadShellParser()` first.
 */
export function parseShell(source: MappedText, index: LineIndex): ShellScript {
  return parseSimpleShell(source, index) ?? parseShellTree(source, index);
}

/** `parseShell` for a body the plain-word reader takes (see `simpleProgram`), without tree-sitter; null for any other body. */
export function parseSimpleShell(source: MappedText, index: LineIndex): ShellScript | null {
  const simple = simpleProgram(source.text);
  if (!simple) return null;
  const b = new Builder(source, index);
  b.block(simple, false);
  return b.script(false);
}

const MAX_PIPES = 2000;
/**
 * Expansions (`$`) in one body holding a `case`, at most: tree-sitter-bash's error recovery is
 * quadratic in the expansions that follow a broken `case` (`case x in $x $x …` or `case x in ;; …`:
 * 12,000 of them took 3-4 s, 4,000 take a tenth of that; fuzz campaign, seed 13). Other broken
 * constructs followed by 12,000 expansions (`if`, `$(`, `((`, `[[`, `for x in`) take under a
 * second, and 100,000 valid `echo "$X"` are read in linear time, so only a `case` counts. The real
 * corpus's largest script has a few hundred.
 */
const MAX_EXPANSIONS = 4000;

/**
 * The longest line, in a body with a here-document, the grammar is given: tree-sitter-bash asks for
 * the column of every expansion in a here-document, and the column is counted from the line's start,
 * so a long line of expansions costs its length squared (100 KB of `K="${K:-v}"` in an unterminated
 * `cat <<EOF`: 8.5 s; 16 KB: a fiftieth of that; fuzz campaign, seed 13). Real lines are far shorter.
 */
const MAX_HEREDOC_LINE = 16 * 1024;

/** The length of a text's longest line. */
function longestLine(text: string): number {
  let longest = 0;
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    if (stop - start > longest) longest = stop - start;
    start = stop + 1;
  }
  return longest;
}

/** The number of `$` in a text, counting up to `limit + 1`. */
function dollars(text: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf('$'); i !== -1 && n <= limit; i = text.indexOf('$', i + 1)) n++;
  return n;
}
/**
 * The text tree-sitter-bash is given: a backslash before a lone CR (not CRLF) costs its lexer time
 * in the square of how many there are in the body (640 in each of 50 RUNs, 128 KB: 60 s; fuzz
 * campaign seed 13), so that CR is given as a vertical tab: of the same length, for the grammar
 * white space as CR is, and escaped just as fast as a space. Node texts are still read from the
 * original text (same offsets).
 */
function forGrammar(text: string): string {
  return text.includes('\\\r') ? text.replace(ESCAPED_LONE_CR, '\\\v') : text;
}
const ESCAPED_LONE_CR = /\\\r(?!\n)/g;

/** Functions defined inside functions are read this deep; deeper ones stay plain nested commands. */
const MAX_FUNCTION_DEPTH = 4;

/** The number of single `|` (pipes, not `||`) in a text: an upper bound on its pipeline stages. */
function pipes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('|'); i !== -1; i = text.indexOf('|', i + 1)) {
    if (text.charCodeAt(i + 1) === 124) i++;
    else n++;
  }
  return n;
}

/** `parseShell` always through tree-sitter (the reference the simple-list reader is tested against). */
export function parseShellTree(source: MappedText, index: LineIndex): ShellScript {
  if (!parser) throw new Error('shell parser not loaded');
  const unread: ShellScript = { commands: [], statements: 0, kinds: [], hasError: true };
  // tree-sitter-bash needs memory that grows faster than linearly with a pipeline's length: 5,000
  // `|` take 300 MB and 20,000 exhaust the wasm heap, which aborts the module for the whole
  // process. No real RUN comes near; such a body is left unread (no commands), like one that
  // does not parse. So is a body with a `case` and more than MAX_EXPANSIONS expansions, and one
  // with a here-document and a line longer than MAX_HEREDOC_LINE.
  if (pipes(source.text) > MAX_PIPES || (dollars(source.text, MAX_EXPANSIONS) > MAX_EXPANSIONS && /\bcase\b/.test(source.text))) return unread;
  if (source.text.includes('<<') && longestLine(source.text) > MAX_HEREDOC_LINE) return unread;
  if (failed) return unread;
  const trapped = (e: unknown): boolean => {
    const RuntimeError = (globalThis as { WebAssembly?: { RuntimeError: abstract new () => Error } }).WebAssembly?.RuntimeError;
    if (!RuntimeError || !(e instanceof RuntimeError)) return false;
    failed = { message: e.message, count: (failed?.count ?? 0) + 1 };
    return true;
  };
  let tree: ReturnType<Parser['parse']>;
  try {
    tree = parser.parse(forGrammar(source.text));
  } catch (e) {
    if (trapped(e)) return unread;
    throw e;
  }
  if (!tree) return unread;
  const b = new Builder(source, index);
  try {
    const root = readTree(tree, source.text);
    if (!root) return unread;
    b.block(root, false);
    return b.script(tree.rootNode.hasError);
  } catch (e) {
    // Thousands of nested `$(`, `(` or `if`: the walk recurses once per level. Left unread too.
    if (e instanceof RangeError || trapped(e)) return unread;
    throw e;
  } finally {
    if (!failed) tree.delete();
  }
}

/**
 * Parses a whole script file (an entrypoint script from the build context or from an image layer);
 * ranges are positions in that file. The one function both sides use. Call `loadShellParser()` first.
 */
export function parseScriptText(text: string): ShellScript {
  return parseShell({ text, map: null, start: 0 }, new LineIndex(text));
}

/** True when `parseShell` can read the text without tree-sitter (see `simpleProgram`), so the parser need not load. */
export function isSimpleShell(text: string): boolean {
  return simpleProgram(text) !== null;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'time', 'coproc', 'export', 'declare', 'typeset', 'local', 'readonly', 'unset', 'unsetenv']);

/** Characters of a plain word (`*` included, as in `rm -rf /var/lib/apt/lists/*`): no quote, expansion, other glob, redirection, comment or escape. */
function plainChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === 45 || c === 61 || c === 58 || c === 64 || c === 43 || c === 44 || c === 42;
}

interface PlainNode {
  type: string;
  isNamed: boolean;
  startIndex: number;
  endIndex: number;
  text: string;
  children: PlainNode[];
  namedChildren: PlainNode[];
}

function plainNode(type: string, isNamed: boolean, children: PlainNode[], text: string, start = children[0]?.startIndex ?? 0, end = children[children.length - 1]?.endIndex ?? 0): PlainNode {
  return { type, isNamed, startIndex: start, endIndex: end, text: text.slice(start, end), children, namedChildren: children.filter((c) => c.isNamed) };
}

/** A name after `$` or inside `${…}`: the end of the name starting at `i`, or `i` when there is none. */
function nameEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95)) return i;
  let e = i + 1;
  for (let d = text.charCodeAt(e); (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95; d = text.charCodeAt(++e));
  return e;
}

/** `$NAME` or `${NAME}` at `i` (no other expansion form), as tree-sitter-bash builds it; null otherwise. */
function expansionAt(text: string, i: number): PlainNode | null {
  if (text.charCodeAt(i + 1) === 123) {
    const e = nameEnd(text, i + 2);
    if (e === i + 2 || text.charCodeAt(e) !== 125) return null;
    return plainNode('expansion', true, [plainNode('${', false, [], text, i, i + 2), plainNode('variable_name', true, [], text, i + 2, e), plainNode('}', false, [], text, e, e + 1)], text);
  }
  const e = nameEnd(text, i + 1);
  if (e === i + 1) return null;
  return plainNode('simple_expansion', true, [plainNode('$', false, [], text, i, i + 1), plainNode('variable_name', true, [], text, i + 1, e)], text);
}

/** A character that ends plain text inside double quotes: `"`, `$`, a backslash, a backtick or a newline. */
function quotedStop(c: number): boolean {
  return c === 34 || c === 36 || c === 92 || c === 96 || c === 10;
}

/**
 * One word at `i`: plain characters, `'single-quoted'` text, `"double-quoted"` text with `$NAME` and
 * `${NAME}` inside, and those expansions bare, in any sequence (a `concatenation` when more than one),
 * as tree-sitter-bash reads them. Returns the node and where it ends, or null for anything else.
 */
function wordAt(text: string, i: number): { node: PlainNode; end: number } | null {
  const n = text.length;
  const pieces: PlainNode[] = [];
  while (i < n) {
    const c = text.charCodeAt(i);
    if (plainChar(c)) {
      const start = i;
      while (i < n && plainChar(text.charCodeAt(i))) i++;
      pieces.push(plainNode('word', true, [], text, start, i));
    } else if (c === 39) {
      const close = text.indexOf("'", i + 1);
      if (close < 0 || text.slice(i, close).includes('\n')) return null;
      pieces.push(plainNode('raw_string', true, [], text, i, close + 1));
      i = close + 1;
    } else if (c === 34) {
      const parts: PlainNode[] = [plainNode('"', false, [], text, i, i + 1)];
      let k = i + 1;
      for (;;) {
        const d = text.charCodeAt(k);
        if (d === 34) break;
        if (d === 36) {
          const x = expansionAt(text, k);
          if (!x) return null;
          parts.push(x);
          k = x.endIndex;
          continue;
        }
        if (k >= n || quotedStop(d)) return null; // an escape, a backtick, a newline or no closing quote
        const start = k;
        while (k < n && !quotedStop(text.charCodeAt(k))) k++;
        parts.push(plainNode('string_content', true, [], text, start, k));
      }
      parts.push(plainNode('"', false, [], text, k, k + 1));
      pieces.push(plainNode('string', true, parts, text));
      i = k + 1;
    } else if (c === 36) {
      // Bare expansions only where tree-sitter-bash reads them as bash does: starting a word and
      // followed by `/` or the word's end (`$HOME/x`, `$TARGETARCH`), or ending a word after plain
      // characters (`pkg@${VERSION}`). It splits some other words in two (`a-$X-$Y-b` reads as
      // `a-$X-$` and `Y-b`); those are left to it, so that both readers give the same commands.
      const first = pieces.length === 0;
      if (!first && pieces[pieces.length - 1]!.type !== 'word') return null;
      const x = expansionAt(text, i);
      if (!x) return null;
      const next = text.charCodeAt(x.endIndex);
      const ends = Number.isNaN(next) || next === 32 || next === 9 || next === 59 || next === 124 || next === 38;
      if (!ends && !(first && next === 47)) return null;
      pieces.push(x);
      i = x.endIndex;
    } else break;
  }
  if (pieces.length === 0) return null;
  return { node: pieces.length === 1 ? pieces[0]! : plainNode('concatenation', true, pieces, text), end: i };
}

/**
 * Most shell bodies in real Dockerfiles are one line of words joined by `&&`, `||`, `|` and `;`
 * (`apt-get update && apt-get install -y curl`, `echo "$A" > /dev/null` aside). For those this builds
 * the same tree tree-sitter-bash would (program, list, pipeline, command, command_name, word, string,
 * raw_string, simple_expansion, expansion, concatenation), so the Builder gives the same commands,
 * and a Dockerfile of such bodies never loads the grammar. Anything else (`$(…)`, backticks, other
 * `${…}` forms, escapes, `?` and `[` globs, redirections, keywords, assignments, a command name that
 * is not a plain word, a shell run with `-c`, a newline) returns null: tree-sitter reads it.
 */
function simpleProgram(text: string): SyntaxNode | null {
  const n = text.length;
  const tokens: PlainNode[] = [];
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (plainChar(c) || c === 34 || c === 39 || c === 36) {
      const w = wordAt(text, i);
      if (!w) return null;
      tokens.push(w.node);
      i = w.end;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      tokens.push(plainNode(two, false, [], text, i, i + 2));
      i += 2;
    } else if (c === 124 || c === 59) {
      tokens.push(plainNode(text[i]!, false, [], text, i, i + 1));
      i++;
    } else return null;
  }
  if (tokens.length === 0) return null;
  let t = 0;
  const command = (): PlainNode | null => {
    const words: PlainNode[] = [];
    while (t < tokens.length && tokens[t]!.isNamed) words.push(tokens[t++]!);
    const head = words[0];
    // tree-sitter-bash reads some command names in its own ways (a leading `-` or `,`, an `@`, an
    // assignment) and a word starting with `=`: leave those to it.
    if (!head || !/^[A-Za-z0-9_./][A-Za-z0-9_./+:,*-]*$/.test(head.text)) return null;
    for (const w of words) if (w.text.startsWith('=') || RESERVED.has(w.text) || SHELLS.has(w.text.slice(w.text.lastIndexOf('/') + 1))) return null;
    return plainNode('command', true, [plainNode('command_name', true, [head], text), ...words.slice(1)], text);
  };
  const pipeline = (): PlainNode | null => {
    const parts: PlainNode[] = [];
    for (;;) {
      const c = command();
      if (!c) return null;
      parts.push(c);
      if (tokens[t]?.type !== '|') break;
      parts.push(tokens[t++]!);
    }
    return parts.length === 1 ? parts[0]! : plainNode('pipeline', true, parts, text);
  };
  const statements: PlainNode[] = [];
  while (t < tokens.length) {
    let left = pipeline();
    if (!left) return null;
    while (tokens[t]?.type === '&&' || tokens[t]?.type === '||') {
      const op = tokens[t++]!;
      const right = pipeline();
      if (!right) return null;
      left = plainNode('list', true, [left, op, right], text);
    }
    statements.push(left);
    if (t < tokens.length) {
      if (tokens[t]!.type !== ';') return null;
      statements.push(tokens[t++]!);
    }
  }
  return plainNode('program', true, statements, text, 0, n);
}

function kids(n: SyntaxNode): SyntaxNode[] {
  return n.children;
}

function named(n: SyntaxNode): SyntaxNode[] {
  return n.namedChildren;
}

/**
 * What the Builder reads of a syntax node: a tree-sitter node seen through a `View`, or a
 * `PlainNode` of the plain-word reader.
 */
interface SyntaxNode {
  readonly type: string;
  readonly isNamed: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly text: string;
  readonly children: SyntaxNode[];
  readonly namedChildren: SyntaxNode[];
  childForFieldName?(name: string): SyntaxNode | null;
}

/**
 * A tree-sitter tree copied into plain objects in one walk of a `TreeCursor`. A web-tree-sitter
 * `Node` is an object per node whose every property is a call into wasm (marshalling the node each
 * time), and `children` makes a new set of them on each read; the cursor reads a node's type, span
 * and field with a few calls and allocates nothing on the wasm side, so the tree is read once and
 * the Builder then walks JavaScript objects.
 */
class TreeNode implements SyntaxNode {
  readonly children: TreeNode[] = [];
  private namedKids: TreeNode[] | undefined;

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    /** The field of its parent this node fills (`body`, `name`…), if any. */
    readonly field: string | null,
    private readonly source: string,
  ) {}

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): TreeNode[] {
    return (this.namedKids ??= this.children.filter((c) => c.isNamed));
  }

  childForFieldName(name: string): TreeNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }
}

/**
 * The deepest tree the builder below walks (it recurses per level). A body nested deeper (thousands
 * of `$(`, `(` or `if`; no real RUN nests 30 deep) is left unread. Reading such a body until the stack
 * overflows is not safe: a regular expression compiled on an almost full stack ends the process
 * (src/util/nesting.ts).
 */
const MAX_TREE_DEPTH = 256;

/** Copies a parsed tree into `TreeNode`s, depth first without recursion; null when it nests deeper than MAX_TREE_DEPTH. */
function readTree(tree: Tree, source: string): TreeNode | null {
  const { types, fields } = tree.language;
  const c = tree.walk();
  try {
    const at = (): TreeNode => new TreeNode(types[c.nodeTypeId] || 'ERROR', c.nodeIsNamed, c.startIndex, c.endIndex, fields[c.currentFieldId] ?? null, source);
    const root = at();
    const parents: TreeNode[] = [];
    // The builder's recursion depth at each open node: the left operand of a `list` and the body of
    // a `redirected_statement` are walked in a loop (`leftSpine`), not one level deeper.
    const depths: number[] = [];
    let parent = root;
    let depth = 0;
    walk: for (let more = c.gotoFirstChild(); more; ) {
      const n = at();
      parent.children.push(n);
      if (c.gotoFirstChild()) {
        parents.push(parent);
        depths.push(depth);
        const spine = (parent.type === 'list' && parent.children.length === 1) || (parent.type === 'redirected_statement' && n.field === 'body');
        if (!spine && ++depth > MAX_TREE_DEPTH) return null;
        parent = n;
        continue;
      }
      while (!c.gotoNextSibling()) {
        c.gotoParent();
        const up = parents.pop();
        if (!up) break walk;
        depth = depths.pop()!;
        parent = up;
      }
    }
    return root;
  } finally {
    c.delete();
  }
}

/** A mapped text whose characters all come from one file offset range (for nested `sh -c`). */
function pinned(text: string, at: Range, index: LineIndex): { mt: MappedText; index: LineIndex } {
  const offset = index.offsetOf(at.line - 1, at.column - 1);
  return { mt: { text, map: new Int32Array(text.length + 1).fill(offset), start: 0 }, index };
}

class Builder {
  commands: ShellCommand[] = [];
  statement = 0;
  kinds: string[] = [];
  private functions: Map<string, ShellScript> | null = null;
  constructor(
    private readonly src: MappedText,
    private readonly index: LineIndex,
    /** How deep in function definitions this builder reads (a function defined in a function…). */
    private readonly depth = 0,
  ) {}

  script(hasError: boolean): ShellScript {
    const out: ShellScript = { commands: this.commands, statements: this.statement, kinds: this.kinds, hasError };
    if (this.functions) out.functions = this.functions;
    return out;
  }

  /** A top-level `name() { … }`: its body read once more as a script of its own. */
  private functionDefinition(n: SyntaxNode): void {
    const name = n.childForFieldName?.('name')?.text;
    const body = n.childForFieldName?.('body');
    if (!name || !body || this.depth >= MAX_FUNCTION_DEPTH) return;
    const fb = new Builder(this.src, this.index, this.depth + 1);
    fb.block(body, false);
    (this.functions ??= new Map()).set(name, fb.script(false));
  }

  range(n: SyntaxNode): Range {
    return mappedRange(this.index, this.src, n.startIndex, n.endIndex);
  }

  /**
   * A sequence of statements separated by `;`, `&` or newlines. For an `if` statement, each
   * part is walked with its branch on the branch path (the `then` part 0, each `elif`/`else` next).
   */
  block(n: SyntaxNode, nested: boolean, topLevel = !nested): void {
    const list = kids(n);
    const alternatives = n.type === 'if_statement' ? n.startIndex : -1;
    let branch = 0;
    for (let i = 0; i < list.length; i++) {
      const k = list[i];
      if (!k || !k.isNamed || k.type === 'comment') continue;
      if (alternatives >= 0) {
        if (k.type === 'elif_clause' || k.type === 'else_clause') branch++;
        this.branchPath.push([alternatives, branch]);
      }
      try {
        this.statementOf(list, i, k, nested, topLevel);
      } finally {
        if (alternatives >= 0) this.branchPath.pop();
      }
    }
  }

  private statementOf(list: SyntaxNode[], i: number, k: SyntaxNode, nested: boolean, topLevel: boolean): void {
    const first = this.commands.length;
    if (topLevel) this.kinds[this.statement] = k.type;
    if (topLevel && k.type === 'function_definition') this.functionDefinition(k);
    this.stmt(k, nested);
    const sep = list[i + 1];
    const bg = sep?.type === '&';
    for (let j = first; j < this.commands.length; j++) {
      const c = this.commands[j];
      if (!c) continue;
      if (bg) c.background = true;
      if (topLevel && c.statement < 0) c.statement = this.statement;
    }
    const last = this.lastTopCommand(first);
    if (last && (sep?.type === ';' || bg)) {
      last.after = bg ? '&' : ';';
      const next = this.commands.length;
      this.pendingBefore = { op: last.after, at: next };
    }
    if (topLevel) this.statement++;
  }

  private pendingBefore: { op: Operator; at: number } | null = null;

  /** The `if`/`case` branches the walk is in (see `ShellCommand.branches`). */
  private readonly branchPath: [number, number][] = [];

  /** Commands run by a `$(…)`, backticks or `<(…)`: pushed before the command whose word holds them. */
  private substDepth = 0;
  private readonly substituted = new WeakSet<ShellCommand>();

  /** A command of this statement level: not unwrapped from another, not inside a substitution. */
  private isTop(c: ShellCommand | undefined): c is ShellCommand {
    return c !== undefined && !c.wrappedBy && !this.substituted.has(c);
  }

  private lastTopCommand(from: number): ShellCommand | undefined {
    for (let j = this.commands.length - 1; j >= from; j--) {
      const c = this.commands[j];
      if (this.isTop(c)) return c;
    }
    return undefined;
  }

  private firstTopCommand(from: number): ShellCommand | undefined {
    for (let j = from; j < this.commands.length; j++) {
      const c = this.commands[j];
      if (this.isTop(c)) return c;
    }
    return undefined;
  }

  private substitution(n: SyntaxNode): void {
    this.substDepth++;
    try {
      this.block(n, true, false);
    } finally {
      this.substDepth--;
    }
  }

  stmt(n: SyntaxNode, nested: boolean): void {
    switch (n.type) {
      case 'command':
        this.command(n, nested);
        return;
      case 'declaration_command':
      case 'unset_command':
        this.declaration(n, nested);
        return;
      case 'list':
      case 'redirected_statement':
        this.leftSpine(n, nested);
        return;
      case 'pipeline': {
        const parts = kids(n).filter((c) => c.isNamed && c.type !== 'comment');
        parts.forEach((p, i) => {
          const mark = this.commands.length;
          this.stmt(p, nested);
          const c = this.firstTopCommand(mark);
          if (c) {
            c.pipeline = { index: i, size: parts.length };
            if (i > 0) c.before = '|';
            if (i < parts.length - 1) c.after = '|';
          }
        });
        return;
      }
      case 'negated_command':
        return this.children(n, nested);
      case 'variable_assignment':
      case 'variable_assignments':
        this.substitutions(n);
        return;
      default:
        // if/while/for/case/function/subshell/compound: commands inside may not run as written.
        this.children(n, true);
    }
  }

  /**
   * `a && b && c` nests to the left, `((a && b) && c)`, and tree-sitter-bash hangs a redirect on the
   * whole list before it (`a > f && b > g` is `(a > f && b) > g`). Walk that left spine in a loop,
   * not by recursion, so a RUN chaining 100k commands does not overflow the stack; then finish each
   * level innermost first: a list's right side and its operator, a redirect's substitutions.
   */
  private leftSpine(n: SyntaxNode, nested: boolean): void {
    const levels: SyntaxNode[] = [];
    let cur: SyntaxNode | null = n;
    while (cur) {
      if (cur.type === 'list') {
        const [left, op, right] = kids(cur);
        if (!left || !op || !right) break;
        levels.push(cur);
        cur = left;
      } else if (cur.type === 'redirected_statement') {
        levels.push(cur);
        cur = cur.childForFieldName?.('body') ?? null;
      } else break;
    }
    if (cur === n) return this.children(n, nested);
    if (cur) this.stmt(cur, nested);
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      if (level.type === 'redirected_statement') {
        // childForFieldName gives the node among the children, so === compares nodes.
        const body = level.childForFieldName?.('body') ?? null;
        for (const c of kids(level)) if (c !== body) this.substitutions(c);
        continue;
      }
      const [, op, right] = kids(level) as [SyntaxNode, SyntaxNode, SyntaxNode];
      const leftLast = this.lastTopCommand(0);
      const mark = this.commands.length;
      this.stmt(right, nested);
      const o = op.type as Operator;
      if (leftLast && (o === '&&' || o === '||')) leftLast.after = o;
      const firstRight = this.firstTopCommand(mark);
      if (firstRight && (o === '&&' || o === '||')) firstRight.before = o;
    }
  }

  private children(n: SyntaxNode, nested: boolean): void {
    const list = kids(n).filter((c) => c.isNamed);
    const isSeq = list.length > 1 && ['program', 'compound_statement', 'subshell', 'do_group', 'else_clause', 'elif_clause', 'if_statement', 'case_item'].includes(n.type);
    if (isSeq) {
      this.block(n, nested, false);
      return;
    }
    // The items of a `case` are its branches (see `ShellCommand.branches`).
    const alternatives = n.type === 'case_statement' ? n.startIndex : -1;
    let branch = 0;
    for (const k of list) {
      if (k.type === 'comment') continue;
      const item = alternatives >= 0 && k.type === 'case_item';
      if (item) this.branchPath.push([alternatives, branch++]);
      try {
        if (['command_substitution', 'process_substitution'].includes(k.type)) this.substitution(k);
        else this.stmt(k, nested);
      } finally {
        if (item) this.branchPath.pop();
      }
    }
  }

  /** Commands inside `$(…)` and backticks within a word. `type` and `text` are the node's, when the caller has them. */
  private substitutions(n: SyntaxNode, type = n.type, text?: string): void {
    if (type === 'command_substitution' || type === 'process_substitution') {
      this.substitution(n);
      return;
    }
    // Most words hold no substitution: a look at the text spares marshalling their children.
    const t = text ?? n.text;
    if (!t.includes('$(') && !t.includes('`') && !t.includes('<(') && !t.includes('>(')) return;
    for (const c of named(n)) this.substitutions(c);
  }

  private word(n: SyntaxNode): Word {
    const { value, literal } = wordValue(n);
    return { text: n.text, value, literal, range: this.range(n) };
  }

  /**
   * The text of a node of the tree this Builder reads, and where it ends: every property of a
   * web-tree-sitter node is a call into wasm, so the command loop asks each child once.
   */
  private spanOf(n: SyntaxNode): { end: number; text: string } {
    const end = n.endIndex;
    return { end, text: this.src.text.slice(n.startIndex, end) };
  }

  private declaration(n: SyntaxNode, nested: boolean): void {
    const kw = kids(n)[0];
    if (!kw) return;
    const args = kids(n).slice(1).filter((c) => c.isNamed).map((c) => this.word(c));
    this.push({ name: kw.text, nameRange: this.range(kw), args, assignments: [], range: this.range(n), nested, wrappedBy: null });
    for (const c of named(n)) if (c) this.substitutions(c);
  }

  private command(n: SyntaxNode, nested: boolean): void {
    const assignments: string[] = [];
    const args: Word[] = [];
    let nameNode: SyntaxNode | null = null;
    let nameRange: Range | null = null;
    for (const c of named(n)) {
      const type = c.type;
      const { end, text } = this.spanOf(c);
      this.substitutions(c, type, text);
      if (nameNode === null) {
        if (type === 'command_name') {
          nameNode = c;
          nameRange = mappedRange(this.index, this.src, c.startIndex, end);
        } else if (type === 'variable_assignment') assignments.push(text);
        continue;
      }
      if (type === 'file_redirect' || type === 'heredoc_redirect' || type === 'herestring_redirect' || type === 'comment') continue;
      const { value, literal } = valueOf(c, type, text);
      args.push({ text, value, literal, range: mappedRange(this.index, this.src, c.startIndex, end) });
    }
    if (!nameNode || !nameRange) return;
    const cmd = this.push({ name: wordValue(nameNode).value, nameRange, args, assignments, range: this.range(n), nested, wrappedBy: null });
    this.unwrap(cmd);
  }

  private push(p: Pick<ShellCommand, 'name' | 'nameRange' | 'args' | 'assignments' | 'range' | 'nested' | 'wrappedBy'>): ShellCommand {
    const cmd: ShellCommand = {
      name: p.name,
      base: p.name.slice(p.name.lastIndexOf('/') + 1),
      nameRange: p.nameRange,
      args: p.args,
      argv: p.args.map((a) => a.value),
      assignments: p.assignments,
      range: p.range,
      wrappedBy: p.wrappedBy,
      background: false,
      pipeline: null,
      before: null,
      after: null,
      nested: p.nested,
      statement: -1,
    };
    if (this.branchPath.length > 0) cmd.branches = [...this.branchPath];
    if (this.substDepth > 0) {
      this.substituted.add(cmd);
      // `a; echo $(b)`: the `;` belongs to echo, pushed after b.
      if (this.pendingBefore?.at === this.commands.length) this.pendingBefore.at++;
    } else if (this.pendingBefore && this.pendingBefore.at === this.commands.length && !p.wrappedBy) {
      cmd.before = this.pendingBefore.op;
      this.pendingBefore = null;
    }
    this.commands.push(cmd);
    return cmd;
  }

  /** `exec foo`, `sudo foo`, `sh -c "foo"`: the operand is a command of its own. */
  private unwrap(cmd: ShellCommand): void {
    const spec = WRAPPERS[cmd.base];
    if (spec) {
      let i = 0;
      let skip = spec.positionalsToSkip;
      while (i < cmd.args.length) {
        const a = cmd.args[i]!.value;
        if (cmd.base === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) i++;
        else if (a === '--') {
          i++;
          break;
        } else if (a.startsWith('-') && a.length > 1) i += spec.valueOptions.includes(a) ? 2 : 1;
        else if (skip > 0) {
          skip--;
          i++;
        } else break;
      }
      const rest = cmd.args.slice(i);
      const head = rest[0];
      if (!head) return;
      const inner = this.push({
        name: head.value,
        nameRange: head.range,
        args: rest.slice(1),
        assignments: [],
        range: { ...head.range, endLine: cmd.range.endLine, endColumn: cmd.range.endColumn },
        nested: cmd.nested,
        wrappedBy: cmd,
      });
      inner.statement = cmd.statement;
      this.unwrap(inner);
      return;
    }
    if (SHELLS.has(cmd.base)) {
      const ci = cmd.args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a.value));
      const script = ci >= 0 ? cmd.args[ci + 1] : undefined;
      if (!script || !script.literal || !parser) return;
      const { mt, index } = pinned(script.value, script.range, this.index);
      const tree = parser.parse(forGrammar(mt.text));
      if (!tree) return;
      try {
        const inner = new Builder(mt, index);
        const root = readTree(tree, mt.text);
        if (!root) return;
        inner.block(root, cmd.nested);
        for (const c of inner.commands) {
          if (!c.wrappedBy) c.wrappedBy = cmd;
          c.nested ||= cmd.nested;
          c.background ||= cmd.background;
          c.statement = cmd.statement;
          if (cmd.branches) c.branches = c.branches ? [...cmd.branches, ...c.branches] : cmd.branches;
          if (inner.substituted.has(c)) this.substituted.add(c);
          this.commands.push(c);
        }
      } finally {
        tree.delete();
      }
    }
  }
}

/** The value of a word after quote removal; expansions are kept as written and mark it non-literal. */
export function wordValue(n: SyntaxNode): { value: string; literal: boolean } {
  return valueOf(n, n.type, null);
}

/** `wordValue` for a node whose type (and text, when not null) the caller already has. */
function valueOf(n: SyntaxNode, type: string, text: string | null): { value: string; literal: boolean } {
  switch (type) {
    case 'word':
    case 'number': {
      const t = text ?? n.text;
      return { value: t.includes('\\') ? t.replace(/\\(.)/g, '$1') : t, literal: true };
    }
    case 'raw_string':
      return { value: (text ?? n.text).slice(1, -1), literal: true };
    case 'ansi_c_string':
      return { value: (text ?? n.text).slice(2, -1), literal: true };
    case 'string': {
      let value = '';
      let literal = true;
      const parts = named(n);
      for (const c of parts) {
        if (c.type === 'string_content') {
          const t = c.text;
          value += t.includes('\\') ? t.replace(/\\([$`"\\\n])/g, '$1') : t;
        } else {
          value += c.text;
          literal = false;
        }
      }
      // string_content may be omitted for plain text between expansions: fall back to the raw text
      if (parts.length === 0 || literal === false) value = (text ?? n.text).slice(1, -1);
      return { value, literal };
    }
    case 'concatenation': {
      let value = '';
      let literal = true;
      for (const c of kids(n)) {
        if (!c) continue;
        const v = wordValue(c);
        value += v.value;
        literal &&= v.literal;
      }
      return { value, literal };
    }
    case 'command_name': {
      const c = named(n)[0];
      return c ? wordValue(c) : { value: text ?? n.text, literal: true };
    }
    default:
      return { value: text ?? n.text, literal: false };
  }
}

/**
 * The command of an exec-form instruction (`RUN ["apt-get", "install", "curl"]`): no shell runs, so
 * it is the array itself; every word points at `range` (the array has no per-item positions).
 */
export function execCommand(argv: readonly string[], range: Range): ShellCommand | null {
  const [name, ...rest] = argv;
  if (name === undefined) return null;
  return {
    name,
    base: name.slice(name.lastIndexOf('/') + 1),
    nameRange: range,
    args: rest.map((value) => ({ text: JSON.stringify(value), value, literal: true, range })),
    argv: rest,
    assignments: [],
    range,
    wrappedBy: null,
    background: false,
    pipeline: null,
    before: null,
    after: null,
    nested: false,
    statement: 0,
  };
}

/**
 * A command's own record of facts the facts layer computes about it once (its package manager, the
 * caches it cleans, the dependencies it fetches), asked for by many checks (see memo.ts).
 */
export function commandMemo(cmd: ShellCommand): Record<string, unknown> {
  return memoOf(cmd);
}

/** True when a command has one of the options: long ones as `--name` or `--name=…`, short ones alone or bundled (`-qy`). */
export function hasOption(cmd: ShellCommand, short: string, ...long: string[]): boolean {
  for (const a of cmd.argv) {
    if (a === '--') return false;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (long.includes(eq < 0 ? a : a.slice(0, eq))) return true;
    } else if (short && a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      for (const s of short) if (a.slice(1).includes(s)) return true;
    }
  }
  return false;
}

/** Arguments that are not options, skipping the values of options that take one. */
export function positionals(cmd: ShellCommand, valueOptions: readonly string[] = []): Word[] {
  const out: Word[] = [];
  let afterDashDash = false;
  for (let i = 0; i < cmd.args.length; i++) {
    const w = cmd.args[i]!;
    const a = w.value;
    if (afterDashDash) out.push(w);
    else if (a === '--') afterDashDash = true;
    else if (a.startsWith('-') && a.length > 1) {
      if (valueOptions.includes(a)) i++;
    } else out.push(w);
  }
  return out;
}
