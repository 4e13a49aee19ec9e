/**
 * The part of HCL that bake files use for their builds: blocks (`target "api" { … }`), attributes,
 * strings with `${VAR}` interpolation of `variable` defaults, numbers, booleans, lists and objects,
 * heredocs, and the three comment styles. Anything else (function calls, references to other
 * targets, conditionals) evaluates to `UNKNOWN`: a caller that needs that value says it could not.
 */

/** A value shipshape does not evaluate (a function call, a reference, a variable without a default). */
export const UNKNOWN: unique symbol = Symbol('unknown HCL value');
export type HclValue = string | number | boolean | null | typeof UNKNOWN | HclValue[] | { [key: string]: HclValue };

export interface HclBlock {
  type: string;
  labels: string[];
  attributes: Record<string, HclValue>;
}

type Token =
  | { t: 'ident'; v: string }
  | { t: 'string'; parts: (string | { expr: string })[] }
  | { t: 'number'; v: number }
  | { t: 'punct'; v: string }
  | { t: 'nl' }
  | { t: 'other'; v: string };

class HclError extends Error {}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const line = (): number => text.slice(0, i).split('\n').length;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      out.push({ t: 'nl' });
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new HclError(`line ${line()}: unterminated comment`);
      i = end + 2;
    } else if (c === '"') {
      const parts: (string | { expr: string })[] = [];
      let buf = '';
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') throw new HclError(`line ${line()}: unterminated string`);
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\') {
          const e = text[i + 1] ?? '';
          buf += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          i += 2;
        } else if ((d === '$' || d === '%') && text[i + 1] === '{') {
          if (text[i - 1] === d && buf.endsWith(d)) {
            // `$${` is a literal `${`.
            buf = buf.slice(0, -1) + d + '{';
            i += 2;
            continue;
          }
          let depth = 1;
          let j = i + 2;
          while (j < text.length && depth > 0) {
            if (text[j] === '{') depth++;
            else if (text[j] === '}') depth--;
            j++;
          }
          if (depth > 0) throw new HclError(`line ${line()}: unterminated interpolation`);
          if (buf) parts.push(buf);
          buf = '';
          parts.push({ expr: d === '%' ? '%' : text.slice(i + 2, j - 1).trim() });
          i = j;
        } else {
          buf += d;
          i++;
        }
      }
      if (buf || parts.length === 0) parts.push(buf);
      out.push({ t: 'string', parts });
    } else if (c === '<' && text[i + 1] === '<') {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(text.slice(i));
      if (!m) throw new HclError(`line ${line()}: unexpected <<`);
      const body: string[] = [];
      let j = i + m[0].length;
      for (;;) {
        if (j >= text.length) throw new HclError(`line ${line()}: heredoc ${m[2]} never ends`);
        const end = text.indexOf('\n', j);
        const l = text.slice(j, end < 0 ? text.length : end);
        j = end < 0 ? text.length : end + 1;
        if (l.trim() === m[2]) break;
        body.push(l);
      }
      out.push({ t: 'string', parts: [body.join('\n') + '\n'] });
      out.push({ t: 'nl' });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i))!;
      out.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      out.push({ t: 'number', v: Number(m[0]) });
      i += m[0].length;
    } else if ('{}[](),=:'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      out.push({ t: 'other', v: c });
      i++;
    }
  }
  return out;
}

/** Blocks, lists and objects nested deeper than this are refused: the parser recurses per level, and a bake file nests a few. */
const MAX_HCL_DEPTH = 64;

class Parser {
  private i = 0;
  private depth = 0;
  private enter(): void {
    if (++this.depth > MAX_HCL_DEPTH) throw new HclError(`nested deeper than ${MAX_HCL_DEPTH} levels`);
  }
  constructor(private readonly tokens: Token[], private readonly vars: ReadonlyMap<string, HclValue>) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private skipNewlines(): void {
    while (this.peek()?.t === 'nl') this.i++;
  }
  private isPunct(v: string): boolean {
    const t = this.peek();
    return t?.t === 'punct' && t.v === v;
  }

  body(end: boolean): { attributes: Record<string, HclValue>; blocks: HclBlock[] } {
    const attributes: Record<string, HclValue> = {};
    const blocks: HclBlock[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (!t) {
        if (end) throw new HclError('a block is not closed with }');
        return { attributes, blocks };
      }
      if (end && t.t === 'punct' && t.v === '}') {
        this.i++;
        return { attributes, blocks };
      }
      if (t.t !== 'ident') throw new HclError(`unexpected ${t.t === 'punct' || t.t === 'other' ? `"${t.v}"` : t.t} where an attribute or a block starts`);
      this.i++;
      if (this.isPunct('=')) {
        this.i++;
        attributes[t.v] = this.expression();
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        const l = this.peek();
        if (l?.t === 'string') labels.push(l.parts.map((p) => (typeof p === 'string' ? p : '')).join(''));
        else if (l?.t === 'ident') labels.push(l.v);
        else break;
        this.i++;
      }
      if (!this.isPunct('{')) throw new HclError(`block ${t.v} has no {`);
      this.i++;
      this.enter();
      const inner = this.body(true);
      this.depth--;
      blocks.push({ type: t.v, labels, attributes: inner.attributes });
      // Nested blocks (a target's `attest` …) are not build settings; they are read and dropped.
    }
  }

  /** One expression; an unsupported one is skipped to the end of its line (balanced brackets) and is UNKNOWN. */
  expression(): HclValue {
    const start = this.i;
    const v = this.primary();
    const t = this.peek();
    // Anything after the value on the same line (operators, a conditional) makes it an expression not evaluated.
    if (t && t.t !== 'nl' && !(t.t === 'punct' && (t.v === ',' || t.v === '}' || t.v === ']'))) {
      this.i = start;
      this.skipExpression();
      return UNKNOWN;
    }
    return v;
  }

  private skipExpression(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (!t) return;
      if (t.t === 'punct' && (t.v === '{' || t.v === '[' || t.v === '(')) depth++;
      else if (t.t === 'punct' && (t.v === '}' || t.v === ']' || t.v === ')')) {
        if (depth === 0) return;
        depth--;
      } else if (depth === 0 && (t.t === 'nl' || (t.t === 'punct' && t.v === ','))) return;
      this.i++;
    }
  }

  private primary(): HclValue {
    const t = this.peek();
    if (!t) throw new HclError('an attribute has no value');
    if (t.t === 'string') {
      this.i++;
      let s = '';
      for (const p of t.parts) {
        if (typeof p === 'string') s += p;
        else {
          const v = /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.expr) ? this.vars.get(p.expr) : undefined;
          if (v === undefined || v === UNKNOWN || (typeof v === 'object' && v !== null)) return UNKNOWN;
          s += String(v);
        }
      }
      return s;
    }
    if (t.t === 'number') {
      this.i++;
      return t.v;
    }
    if (t.t === 'ident') {
      if (t.v === 'true' || t.v === 'false' || t.v === 'null') {
        this.i++;
        return t.v === 'null' ? null : t.v === 'true';
      }
      // A reference or a function call.
      this.skipExpression();
      return UNKNOWN;
    }
    if (t.t === 'punct' && t.v === '[') {
      this.i++;
      this.enter();
      const list: HclValue[] = [];
      for (;;) {
        this.skipNewlines();
        if (this.isPunct(']')) {
          this.i++;
          this.depth--;
          return list;
        }
        list.push(this.expression());
        this.skipNewlines();
        if (this.isPunct(',')) this.i++;
        else if (!this.isPunct(']')) throw new HclError('a list is not closed with ]');
      }
    }
    if (t.t === 'punct' && t.v === '{') {
      this.i++;
      this.enter();
      const obj: Record<string, HclValue> = {};
      for (;;) {
        this.skipNewlines();
        if (this.isPunct('}')) {
          this.i++;
          this.depth--;
          return obj;
        }
        const k = this.peek();
        let key: string;
        if (k?.t === 'ident') key = k.v;
        else if (k?.t === 'string') key = k.parts.map((p) => (typeof p === 'string' ? p : '')).join('');
        else throw new HclError('an object key is missing');
        this.i++;
        if (!this.isPunct('=') && !this.isPunct(':')) throw new HclError(`object key ${key} has no = or :`);
        this.i++;
        obj[key] = this.expression();
        if (this.isPunct(',')) this.i++;
      }
    }
    this.skipExpression();
    return UNKNOWN;
  }
}

/** Parses HCL text into its top-level blocks, with `${VAR}` taken from the `variable` blocks' defaults; `error` says where it could not. */
export function parseHcl(text: string): { blocks: HclBlock[]; error: string | null } {
  try {
    const tokens = tokenize(text);
    // First pass: the variables' defaults (themselves without interpolation of other variables).
    const first = new Parser(tokens, new Map()).body(false);
    const vars = new Map<string, HclValue>();
    for (const b of first.blocks) if (b.type === 'variable' && b.labels[0] && 'default' in b.attributes) vars.set(b.labels[0], b.attributes.default!);
    for (const [k, v] of Object.entries(first.attributes)) if (!vars.has(k)) vars.set(k, v);
    return { blocks: new Parser(tokens, vars).body(false).blocks, error: null };
  } catch (e) {
    if (e instanceof HclError) return { blocks: [], error: `not HCL shipshape can read: ${e.message}` };
    throw e;
  }
}
