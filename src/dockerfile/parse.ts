/**
 * dockerfile-ast -> the shipshape model. The only module that reads dockerfile-ast's 0-based ranges;
 * everything after it speaks 1-based `Range`s.
 */
import { DockerfileParser, Instruction as AstInstructionClass, Onbuild, type Dockerfile as AstDockerfile, type Instruction as AstInstruction } from 'dockerfile-ast';
import { Parser as AstParser } from 'dockerfile-ast/lib/parser.js';
import { Dockerfile as AstDockerfileClass } from 'dockerfile-ast/lib/dockerfile.js';

interface AstRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
import { LineIndex, mappedRange, sourceOffset, type MappedText, type Range } from '../util/text.js';
import { expand, MAX_EXPANDED_VALUES, PLATFORM_ARGS, VarTimeline } from './vars.js';
import { parseImageRef } from '../knowledge/image-ref.js';
import { loadShellParser, parseScriptText, parseShellTree, parseSimpleShell, shellParserReady } from '../shell/shell.js';
import { emptyContext, helperScripts, readContext, type ContextReader } from './context.js';
import type { Arg, DockerfileFacts, Flag, Heredoc, Instruction, Property, ScriptFile, Stage } from './model.js';
import type { ShellScript } from '../shell/shell.js';
import { slice, splitArgs, trim, unfold, unquote } from './words.js';

const FLAGGED = new Set(['RUN', 'COPY', 'ADD', 'FROM', 'HEALTHCHECK']);
const JSON_FORMS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK', 'COPY', 'ADD', 'VOLUME']);
const SHELL_FORMS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK']);
const POSIX_SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g;

function propertiesOf(keyword: string, line: MappedText, args: { value: string; range: Range }[], escape: string): Property[] {
  const first = args[0];
  if (!first) return [];
  if (keyword !== 'ARG' && !first.value.includes('=')) {
    // legacy `ENV key value with spaces`
    const rest = line.text.slice(first.value.length).trim();
    return [{ name: first.value, value: unquote(rest, escape), range: { ...first.range, endLine: args[args.length - 1]!.range.endLine, endColumn: args[args.length - 1]!.range.endColumn } }];
  }
  return args.map((a) => {
    const eq = a.value.indexOf('=');
    if (eq < 0) return { name: unquote(a.value, escape), value: null, range: a.range };
    return { name: unquote(a.value.slice(0, eq), escape), value: unquote(a.value.slice(eq + 1), escape), range: a.range };
  });
}

/** Options for building Dockerfile facts. */
export interface ParseOptions {
  path?: string;
  /** Reads the build context; without it the context is empty. */
  reader?: ContextReader;
  /** `--build-arg` values. */
  buildArgs?: ReadonlyMap<string, string>;
  /**
   * The stage the build stops at (`docker build --target`): analyzed as the image's final stage.
   * Unset: the last stage. A name no stage has leaves `finalStage` null (see `missingTarget`).
   */
  target?: string;
  /** Parsed shell bodies kept from the last parse of the same document (the language server's, between edits). */
  shellCache?: ShellCache;
}

/**
 * Shell bodies of one document from its last parse, by the instruction's source text and position:
 * an edit re-parses only the instructions it touched. Holds only what the last parse used.
 */
export class ShellCache {
  private last = new Map<string, ShellScript>();
  private next = new Map<string, ShellScript>();

  get(key: string): ShellScript | undefined {
    const s = this.last.get(key);
    if (s) this.next.set(key, s);
    return s;
  }

  set(key: string, s: ShellScript): void {
    this.next.set(key, s);
  }

  /** Ends a parse: what it did not use is dropped. */
  rotate(): void {
    this.last = this.next;
    this.next = new Map();
  }
}

/** Parses a Dockerfile into the model. Shell bodies are parsed too (the parser loads on first need). */
export async function parseDockerfile(text: string, options: ParseOptions = {}): Promise<DockerfileFacts> {
  const facts = buildModel(text, options);
  if (options.reader) facts.context = readContext(facts, options.reader);
  const bodies = shellBodies(facts);
  const cache = options.shellCache;
  // The same instruction text at the same place parses to the same commands, ranges included.
  const keyOf = (ins: Instruction): string => `${ins.onbuild ? 'T' : ''}${ins.range.line}:${ins.range.column}:${text.slice(facts.lines.offsetOf(ins.range.line - 1, ins.range.column - 1), facts.lines.offsetOf(ins.range.endLine - 1, ins.range.endColumn - 1))}`;
  if (cache) for (const { ins } of bodies) ins.shell = cache.get(keyOf(ins)) ?? null;
  // In document order: one-line lists of plain, quoted and `$NAME` words are read without
  // tree-sitter, which loads only when a body needs it. The full grammar costs a few milliseconds a
  // KB on hostile text (thousands of nested substitutions): past MAX_GRAMMAR_SHELL_BYTES of it in
  // one file, bodies are left unread (no commands), like a body that does not parse (the largest
  // real Dockerfile seen is 25 KB in all); so are all bodies once MAX_SHELL_COMMANDS were read.
  let commands = 0;
  let budget = MAX_GRAMMAR_SHELL_BYTES;
  const unread = new Set<Instruction>();
  const leaveUnread = (ins: Instruction): void => {
    unread.add(ins);
    ins.shell = { commands: [], statements: 0, kinds: [], hasError: true };
  };
  for (const { ins, body } of bodies) {
    if (!ins.shell && commands > MAX_SHELL_COMMANDS) {
      leaveUnread(ins);
      continue;
    }
    ins.shell ??= parseSimpleShell(body, facts.lines);
    if (!ins.shell) {
      if (body.text.length > budget || heredocRedirects(body.text) > MAX_GRAMMAR_HEREDOCS) {
        budget = 0;
        leaveUnread(ins);
        continue;
      }
      budget -= body.text.length;
      if (!shellParserReady()) await loadShellParser();
      ins.shell = parseShellTree(body, facts.lines);
    }
    commands += ins.shell.commands.length;
  }
  if (facts.context.scripts.length > 0) await loadShellParser();
  if (cache) {
    // A body left unread for the file's budget is not what its text parses to: not kept.
    for (const { ins } of bodies) if (ins.shell && !unread.has(ins)) cache.set(keyOf(ins), ins.shell);
    cache.rotate();
  }
  // Scripts take the grammar too, from what the bodies left of MAX_GRAMMAR_SHELL_BYTES (hostile
  // nesting costs it about 12 µs a byte: a 252 KB entrypoint script of unclosed `${a[${b` took
  // 3.3 s; fuzz campaign seed 14). One past it is left unread (no shell), like one too large to read.
  let unreadScripts = 0;
  const readScript = (sc: ScriptFile): void => {
    if (sc.text.length > budget) {
      budget = 0;
      unreadScripts++;
      sc.shell = null;
      return;
    }
    budget -= sc.text.length;
    sc.shell = parseScriptText(sc.text);
  };
  for (const sc of facts.context.scripts) readScript(sc);
  // The scripts those scripts run or source, round by round (each round's scripts parsed before the next is looked for).
  for (let found = facts.context.scripts, round = 0; options.reader && found.length > 0 && round < 3; round++) {
    found = helperScripts(facts, options.reader, found);
    for (const sc of found) readScript(sc);
    facts.context.scripts.push(...found);
  }
  if (unread.size + unreadScripts) facts.unreadShell = unread.size + unreadScripts;
  return facts;
}

/**
 * Shell commands read in one Dockerfile: the most seen in 860 real ones is 167. Each costs the
 * checks a few microseconds, and `x|x|x|…` packs one into two bytes (a 300 KB file of them: 150,000
 * commands, 2.5 s; fuzz campaign seed 14). At 5,000, a 516 KB file of 6,000 RUNs of two commands
 * each costs 15% less than at 10,000 (the findings those RUNs give cost more than reading them).
 */
export const MAX_SHELL_COMMANDS = 5_000;

/** Shell text of one Dockerfile read with the full shell grammar (the plain-word reader has no bound: it is linear and cheap). */
export const MAX_GRAMMAR_SHELL_BYTES = 128 * 1024;

/**
 * Here-document redirects (`<<EOF`) in one body read with the full grammar: the bash grammar's
 * scanner carries every pending here-document through each token, so its cost grows with their
 * square (a 31 KB RUN of 1,200 `<<E0 <<E1 …` took 2.6 s of CPU). A body with more is left unread,
 * as one past the byte budget; real RUNs have a handful.
 */
export const MAX_GRAMMAR_HEREDOCS = 64;

/** How many `<<` a shell text holds (an upper bound on its here-document redirects). */
function heredocRedirects(text: string): number {
  let n = 0;
  for (let i = text.indexOf('<<'); i !== -1 && n <= MAX_GRAMMAR_HEREDOCS; i = text.indexOf('<<', i + 2)) n++;
  return n;
}

function needsShell(i: Instruction): boolean {
  return (SHELL_FORMS.has(i.keyword) && i.json === null && i.body.length > 0 && !i.nonPosixShell) || execFormScript(i) !== null;
}

/**
 * The script of an exec-form CMD/ENTRYPOINT that hands it to a shell (`["sh", "-c", "nginx && exec app"]`),
 * mapped to where its characters are in the file (all to the string's start when it holds JSON escapes).
 */
function execFormScript(i: Instruction): MappedText | null {
  const argv = i.json;
  if (!argv || (i.keyword !== 'CMD' && i.keyword !== 'ENTRYPOINT')) return null;
  const shell = (argv[0] ?? '').split('/').pop()!;
  const at = argv.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  if (!POSIX_SHELLS.has(shell) || shell === 'busybox' || at < 1 || argv[at + 1] === undefined) return null;
  const script = argv[at + 1]!;
  // The (at + 1)-th JSON string token of the body.
  const text = i.bodyText.text;
  let n = -1;
  for (let k = 0; k < text.length; k++) {
    if (text[k] !== '"') continue;
    let e = k + 1;
    while (e < text.length && text[e] !== '"') e += text[e] === '\\' ? 2 : 1;
    if (++n === at + 1) {
      const raw = text.slice(k + 1, e);
      if (raw === script) return slice(i.bodyText, k + 1, e);
      return { text: script, map: new Int32Array(script.length + 1).fill(sourceOffset(i.bodyText, k + 1)), start: 0 };
    }
    k = e;
  }
  return null;
}

/** The shell bodies to parse: every shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK (and trigger), with the text tree-sitter reads (and ShellCheck, `shellcheck.ts`). */
export function shellBodies(facts: DockerfileFacts): { ins: Instruction; body: MappedText }[] {
  const out: { ins: Instruction; body: MappedText }[] = [];
  for (const ins of facts.instructions) {
    for (const i of ins.trigger ? [ins, ins.trigger] : [ins]) {
      if (!needsShell(i)) continue;
      const script = execFormScript(i);
      if (script) {
        out.push({ ins: i, body: script });
        continue;
      }
      let body = i.bodyText;
      if (i.keyword === 'HEALTHCHECK') {
        const m = /^CMD\s+/i.exec(body.text);
        if (!m) continue;
        body = slice(body, m[0].length);
      }
      if (i.heredocs.length && i.keyword === 'RUN') {
        const firstLine = body.text.split('\n', 1)[0] ?? '';
        if (firstLine.replace(HEREDOC, '').trim() === '') {
          // `RUN <<EOF` alone: the heredoc body is the script.
          const nl = body.text.indexOf('\n');
          const rest = nl >= 0 ? slice(body, nl + 1) : slice(body, body.text.length);
          const lines = rest.text.split('\n');
          const terminator = i.heredocs[0]!.name;
          let endAt = rest.text.length;
          let off = 0;
          for (const l of lines) {
            if (l.trim() === terminator) {
              endAt = off;
              break;
            }
            off += l.length + 1;
          }
          body = slice(rest, 0, endAt);
          if (/^#!(?!.*\b(sh|bash|ash|dash|zsh|ksh)\b)/.test(body.text)) continue;
        }
      }
      out.push({ ins: i, body });
    }
  }
  return out;
}

interface ParserInternals {
  document: { positionAt(offset: number): { line: number; character: number } };
  escapeChar: string;
  buffer: string;
  createInstruction?: unknown;
  processHeredocs?: (instruction: AstInstruction, offset: number) => number;
}

/**
 * dockerfile-ast's own lexer (instruction and comment boundaries, directives, escape character,
 * heredocs), without its eager per-keyword classes: `DockerfileParser.parse` builds every RUN, COPY,
 * CMD… twice as a JSON-aware class that splits and scans its arguments in the constructor, which
 * was a quarter of shipshape's time on the real corpus. The model reads only keywords and ranges
 * (and an ONBUILD's trigger), which the plain `Instruction` answers lazily. Heredoc detection sees
 * the same arguments (the plain class keeps `--flags`, which never start with `<<`).
 */
function parseAst(text: string): AstDockerfile {
  const parser = new AstParser();
  const internals = parser as unknown as ParserInternals;
  const heredocs = internals.processHeredocs;
  if (typeof internals.createInstruction !== 'function' || typeof heredocs !== 'function') return DockerfileParser.parse(text);
  // The lexer asks every instruction for its arguments to look for `<<NAME`; without a `<` in its text (the two may be split by a line continuation) there is none.
  let mayHaveHeredoc = true;
  let nextAngles = -2; // where the next `<` at or after the last start is (-1: none)
  internals.processHeredocs = function (this: ParserInternals, instruction: AstInstruction, offset: number): number {
    return mayHaveHeredoc ? heredocs.call(this, instruction, offset) : offset;
  };
  internals.createInstruction = function (this: ParserInternals, dockerfile: never, instruction: string, start: number, instructionEnd: number, end: number): AstInstruction {
    if (nextAngles !== -1 && nextAngles < start) nextAngles = this.buffer.indexOf('<', start);
    mayHaveHeredoc = nextAngles >= start && nextAngles < end;
    const startPosition = this.document.positionAt(start);
    const instructionRange = { start: startPosition, end: this.document.positionAt(instructionEnd) };
    const lineRange = { start: startPosition, end: this.document.positionAt(end) };
    const Cls = instruction.toUpperCase() === 'ONBUILD' ? Onbuild : AstInstructionClass;
    return new Cls(this.document as never, lineRange, dockerfile, this.escapeChar, instruction, instructionRange);
  };
  // Comments are read from the whole document (getComments); dockerfile-ast's sorting of them into
  // build stages is never read here, and asks every stage's range for every comment (quadratic:
  // 3 s of 3.9 for 268 KB of comments and stages, fuzz campaign seed 13). Left out for this parse.
  const proto = AstDockerfileClass.prototype;
  const organize = proto.organizeComments;
  proto.organizeComments = noComments;
  try {
    return parser.parse(text) as unknown as AstDockerfile;
  } finally {
    proto.organizeComments = organize;
  }
}

function noComments(): void {}

/**
 * An instruction of the model. The words of a shell-form body (`args`), which checks rarely read,
 * are split on first use. A class getter, not an object literal with one: V8 builds a literal with
 * an accessor through the runtime, which was a third of the model's own time on the real corpus.
 */
/** What an instruction is built from; `args` is null when the words are split only on first use (`splitter`). */
interface InstructionParts extends Pick<Instruction, 'keyword' | 'written' | 'range' | 'keywordRange' | 'flags' | 'body' | 'bodyText' | 'json' | 'jsonError' | 'heredocs' | 'stage' | 'properties' | 'onbuild' | 'vars'> {
  args: Arg[] | null;
  splitter: () => Arg[];
}

class ModelInstruction implements Instruction {
  declare keyword: string;
  declare written: string;
  declare range: Range;
  declare keywordRange: Range;
  declare flags: Flag[];
  declare body: string;
  declare bodyText: MappedText;
  declare json: string[] | null;
  declare jsonError: boolean;
  declare heredocs: Heredoc[];
  declare shell: ShellScript | null;
  declare stage: Stage | null;
  declare properties: Property[];
  declare trigger: Instruction | null;
  declare onbuild: boolean;
  declare nonPosixShell: boolean;
  declare vars: ReadonlyMap<string, string | null>;
  declare private split: Arg[] | null;
  declare private readonly splitter: () => Arg[];

  constructor(parts: InstructionParts) {
    this.keyword = parts.keyword;
    this.written = parts.written;
    this.range = parts.range;
    this.keywordRange = parts.keywordRange;
    this.split = parts.args;
    this.splitter = parts.splitter;
    this.flags = parts.flags;
    this.body = parts.body;
    this.bodyText = parts.bodyText;
    this.json = parts.json;
    this.jsonError = parts.jsonError;
    this.heredocs = parts.heredocs;
    this.shell = null;
    this.stage = parts.stage;
    this.properties = parts.properties;
    this.trigger = null;
    this.onbuild = parts.onbuild;
    this.nonPosixShell = parts.stage?.nonPosixShell ?? false;
    this.vars = parts.vars;
  }

  get args(): Arg[] {
    return (this.split ??= this.splitter());
  }
}

/** Builds the model without parsing shell (synchronous). */
export function buildModel(text: string, options: ParseOptions = {}): DockerfileFacts {
  const lines = new LineIndex(text);
  const ast = parseAst(text);
  const escape = ast.getEscapeCharacter();
  const toRange = (r: AstRange): Range => lines.range(lines.offsetOf(r.start.line, r.start.character), lines.offsetOf(r.end.line, r.end.character));

  const directives = new Map<string, { value: string; range: Range }>();
  for (const d of ast.getDirectives()) directives.set(d.getName().toLowerCase(), { value: d.getValue(), range: toRange(d.getRange()) });

  const comments = ast.getComments().map((c) => ({ text: c.getContent() ?? '', range: toRange(c.getRange()) }));

  const facts: DockerfileFacts = {
    path: options.path ?? 'Dockerfile',
    text,
    lines,
    escape,
    directives,
    instructions: [],
    stages: [],
    finalStage: null,
    globalArgs: new Map(),
    comments,
    context: emptyContext(),
  };

  const convert = (ai: AstInstruction, stage: Stage | null, vars: ReadonlyMap<string, string | null>, onbuild: boolean): Instruction => {
    const keyword = ai.getKeyword().toUpperCase();
    const r = ai.getRange();
    const kr = ai.getInstructionRange();
    const start = lines.offsetOf(kr.end.line, kr.end.character);
    const end = lines.offsetOf(r.end.line, r.end.character);
    let rest = unfold(text, start, end, escape);
    const flags: Flag[] = [];
    if (FLAGGED.has(keyword)) {
      for (;;) {
        const m = /^(\s*)--([A-Za-z][A-Za-z0-9-]*)(?:=("[^"]*"|\S*))?(?=\s|$)/.exec(rest.text);
        if (!m) break;
        const s = m[1]!.length;
        const raw = m[3];
        flags.push({ name: m[2]!, value: raw === undefined ? null : raw.replace(/^"(.*)"$/, '$1'), range: mappedRange(lines, rest, s, m[0].length) });
        rest = slice(rest, m[0].length);
      }
    }
    const bodyText = trim(rest);
    const body = bodyText.text;
    let json: string[] | null = null;
    let jsonError = false;
    const jsonBody = keyword === 'HEALTHCHECK' ? body.replace(/^CMD\s+/i, '') : body;
    if (JSON_FORMS.has(keyword) && jsonBody.startsWith('[')) {
      const firstLine = jsonBody.split('\n', 1)[0]!.trim();
      try {
        const v: unknown = JSON.parse(firstLine);
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) json = v as string[];
        else jsonError = true;
      } catch {
        jsonError = true;
      }
    }
    const heredocs: Heredoc[] = [];
    const nl = body.indexOf('\n');
    if ((keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && body.lastIndexOf('<<', nl < 0 ? body.length : nl) >= 0) {
      const first = nl < 0 ? body : body.slice(0, nl);
      const restLines = body.split('\n').slice(1);
      for (const m of first.matchAll(HEREDOC)) {
        const name = m[3]!;
        const strip = m[1] === '-';
        const idx = restLines.findIndex((l) => (strip ? l.trim() : l.trimEnd()) === name);
        const bodyLines = idx >= 0 ? restLines.splice(0, idx + 1).slice(0, -1) : restLines.splice(0);
        heredocs.push({ name, body: bodyLines.join('\n') });
      }
    }
    const firstLine = heredocs.length ? slice(bodyText, 0, nl < 0 ? body.length : nl) : bodyText;
    const splitFirstLine = (): Instruction['args'] => splitArgs(firstLine, escape).map((t) => ({ value: t.text, range: mappedRange(lines, firstLine, t.start, t.end) }));
    // A shell body's words (most of the file's text) are split and located only if a check asks for them: checks read its commands.
    const args = SHELL_FORMS.has(keyword) ? null : splitFirstLine();
    const properties: Property[] = args && (keyword === 'ARG' || keyword === 'ENV' || keyword === 'LABEL') ? propertiesOf(keyword, firstLine, args, escape) : [];
    const ins = new ModelInstruction({ keyword, written: ai.getInstruction(), range: toRange(r), keywordRange: toRange(kr), args, splitter: splitFirstLine, flags, body, bodyText, json, jsonError, heredocs, stage, properties, onbuild, vars });
    // One level: Docker refuses `ONBUILD ONBUILD` (correctness/onbuild-trigger reports it), so the
    // trigger of a trigger is never read (a chain of thousands was read level by level, each level
    // splitting the rest of the line again: quadratic time, and a recursion per level).
    if (keyword === 'ONBUILD' && !onbuild) {
      const t = (ai as unknown as { getTriggerInstruction(): AstInstruction | null }).getTriggerInstruction();
      if (t) ins.trigger = convert(t, stage, vars, true);
    }
    return ins;
  };

  const global = new Map<string, string | null>();
  for (const a of PLATFORM_ARGS) global.set(a, null);
  for (const [k, v] of options.buildArgs ?? []) global.set(k, v);
  let timeline = new VarTimeline(global);
  let vars = timeline.view();
  let stage: Stage | null = null;
  const stageVars = new Map<number, ReadonlyMap<string, string | null>>();
  const stageByName = new Map<string, Stage>();
  // Characters that substitution added to the values kept; past the budget a value is unknown (null).
  let expandedBudget = MAX_EXPANDED_VALUES;

  for (const ai of ast.getInstructions()) {
    const keyword = ai.getKeyword().toUpperCase();
    if (keyword === 'FROM') {
      if (stage) stageVars.set(stage.index, vars);
      const ins = convert(ai, null, global, false);
      const imageArg = ins.args[0]?.value ?? '';
      const nameIdx = ins.args.findIndex((a) => a.value.toLowerCase() === 'as');
      const nameArg = nameIdx >= 1 ? ins.args[nameIdx + 1] : undefined;
      const resolved = expand(imageArg, global);
      const parent = stageByName.get(resolved.value.toLowerCase()) ?? null;
      const platformFlag = ins.flags.find((f) => f.name === 'platform');
      const s: Stage = {
        index: facts.stages.length,
        name: nameArg ? nameArg.value.toLowerCase() : null,
        nameRange: nameArg ? nameArg.range : null,
        from: ins,
        image: parent ? null : parseImageRef(imageArg, resolved.value, resolved.unresolved),
        parent,
        instructions: [],
        platform: platformFlag?.value ?? null,
        nonPosixShell: parent ? parent.nonPosixShell : escape === '`' || /windows|nanoserver|servercore/i.test(resolved.value),
        usedBy: new Set(),
        isFinal: false,
      };
      ins.stage = s;
      parent?.usedBy.add(s.index);
      facts.stages.push(s);
      if (s.name !== null && !stageByName.has(s.name)) stageByName.set(s.name, s);
      facts.instructions.push(ins);
      stage = s;
      const start = parent ? stageVars.get(parent.index) : undefined;
      timeline = new VarTimeline(start);
      for (const a of PLATFORM_ARGS) if (!start?.has(a)) timeline.set(a, null);
      vars = timeline.view();
      continue;
    }
    const ins = convert(ai, stage, vars, false);
    facts.instructions.push(ins);
    if (stage) stage.instructions.push(ins);
    if (keyword === 'ARG' || keyword === 'ENV') {
      for (const p of ins.properties) {
        let value: string | null = null;
        if (p.value !== null) {
          const r = expand(p.value, vars);
          value = r.value;
          if (r.tooLong || (value.length > p.value.length && (expandedBudget -= value.length - p.value.length) < 0)) value = null;
        }
        if (keyword === 'ARG') {
          if (options.buildArgs?.has(p.name)) value = options.buildArgs.get(p.name)!;
          else if (value === null && global.has(p.name) && stage) value = global.get(p.name)!;
        }
        timeline.set(p.name, value);
        if (!stage && keyword === 'ARG') global.set(p.name, value);
      }
      vars = timeline.view();
      ins.vars = vars;
    }
    if (keyword === 'SHELL' && stage && ins.json) {
      const exe = (ins.json[0] ?? '').replace(/\\/g, '/').split('/').pop()!.toLowerCase().replace(/\.exe$/, '');
      stage.nonPosixShell = !POSIX_SHELLS.has(exe);
    }
  }
  for (const [k, v] of global) facts.globalArgs.set(k, v);
  for (const a of PLATFORM_ARGS) if (facts.globalArgs.get(a) === null) facts.globalArgs.delete(a);

  const byName = new Map(facts.stages.filter((s) => s.name).map((s) => [s.name!, s]));
  for (const s of facts.stages) {
    for (const i of s.instructions) {
      const refs: string[] = [];
      if (i.keyword === 'COPY' || i.keyword === 'ADD') for (const f of i.flags) if (f.name === 'from' && f.value) refs.push(f.value);
      if (i.keyword === 'RUN') {
        for (const f of i.flags) {
          if (f.name !== 'mount' || !f.value) continue;
          const m = /(?:^|,)from=([^,]+)/.exec(f.value);
          if (m) refs.push(m[1]!);
        }
      }
      for (const ref of refs) {
        const target = /^\d+$/.test(ref) ? facts.stages[Number(ref)] : byName.get(expand(ref, i.vars).value.toLowerCase());
        if (target && target.index < s.index) target.usedBy.add(s.index);
      }
    }
  }
  const final = options.target === undefined ? (facts.stages[facts.stages.length - 1] ?? null) : (byName.get(options.target.toLowerCase()) ?? null);
  if (final) final.isFinal = true;
  facts.finalStage = final;
  return facts;
}

/**
 * Why `--target` names no stage of the file (the build would stop with "target stage could not be
 * found"), or null when it names one or is unset.
 */
export function missingTarget(facts: DockerfileFacts, target: string | undefined): string | null {
  if (target === undefined || facts.finalStage) return null;
  const names = facts.stages.flatMap((s) => (s.name ? [s.name] : []));
  return `no stage named ${target}${names.length ? ` (its stages: ${names.join(', ')})` : ' (its stages have no names)'}`;
}
