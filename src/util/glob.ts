/**
 * Path patterns: the globs of the config file and `--exclude` (`**`, `*`, `?`, `{a,b}`), the
 * patterns of `.gitignore` and `.dockerignore` files, registry lists. Matched without regular
 * expressions: these come from files users and images supply, and a regular expression built from
 * one (`*****…x` as `[^/]*[^/]*…x`) backtracks exponentially, and a long one exhausts V8's regexp
 * compiler. Here a glob is a list of tokens matched by moving the set of reachable positions along
 * the text, one token at a time: time proportional to (glob length × text length), memory to the
 * text's length, whatever the glob holds.
 */

export type GlobToken =
  | { t: 'lit'; s: string }
  /** `?`: one character other than `/`. */
  | { t: 'one' }
  /** `*`: any run of characters without `/`. */
  | { t: 'star' }
  /** `**`: any run of characters, `/` included. */
  | { t: 'any' }
  /** `**​/`: nothing, or any run of characters ending in `/`. */
  | { t: 'dirs' }
  /** `{a,b}`: one of the alternatives. */
  | { t: 'alt'; alts: GlobToken[][] }
  /** Any run of word characters and dots (`[\w.]*`): what a build arg fills into a stage name. */
  | { t: 'word' }
  /** `[a-z]`, `[!0-9]` (.gitignore): one character in (or, negated, not in) the set. */
  | { t: 'class'; ranges: [number, number][]; negate: boolean };

export interface GlobSyntax {
  /** `{a,b}` alternatives (not nested); without it `{` is a plain character. */
  braces?: boolean;
  /** `**​/` may match nothing (`**​/x` matches `x`), as in .gitignore and .dockerignore. */
  dirs?: boolean;
}

function tokensOf(glob: string, syntax: GlobSyntax, inAlt: boolean): GlobToken[] {
  const out: GlobToken[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) out.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      flush();
      if (!inAlt && glob[i + 1] === '*') {
        if (syntax.dirs !== false && glob[i + 2] === '/') {
          out.push({ t: 'dirs' });
          i += 2;
        } else {
          out.push({ t: 'any' });
          i += 1;
        }
      } else if (out.at(-1)?.t !== 'star') out.push({ t: 'star' });
    } else if (c === '?') {
      flush();
      out.push({ t: 'one' });
    } else if (c === '{' && syntax.braces && !inAlt) {
      const end = glob.indexOf('}', i);
      if (end < 0) {
        lit += c;
        continue;
      }
      flush();
      out.push({ t: 'alt', alts: glob.slice(i + 1, end).split(',').map((p) => tokensOf(p, syntax, true)) });
      i = end;
    } else lit += c;
  }
  flush();
  return out;
}

/** The tokens of a glob (`**`, `*`, `?`, and with `braces` `{a,b}`). */
export function parseGlob(glob: string, syntax: GlobSyntax = {}): GlobToken[] {
  return tokensOf(glob, syntax, false);
}

/** Positions of `text` reachable after `tokens`, starting from `from` (reach[i] = 1: the tokens can end at i). */
function advance(tokens: readonly GlobToken[], text: string, from: Uint8Array): Uint8Array {
  const n = text.length;
  let reach = from;
  for (const tok of tokens) {
    const next = new Uint8Array(n + 1);
    let any = false;
    switch (tok.t) {
      case 'lit': {
        const len = tok.s.length;
        for (let i = 0; i + len <= n; i++) if (reach[i] && text.startsWith(tok.s, i)) (next[i + len] = 1), (any = true);
        break;
      }
      case 'one':
        for (let i = 0; i < n; i++) if (reach[i] && text.charCodeAt(i) !== 0x2f) (next[i + 1] = 1), (any = true);
        break;
      case 'star': {
        let carry = false;
        for (let j = 0; j <= n; j++) {
          if (reach[j]) carry = true;
          if (carry) (next[j] = 1), (any = true);
          if (text.charCodeAt(j) === 0x2f) carry = false;
        }
        break;
      }
      case 'any': {
        let carry = false;
        for (let j = 0; j <= n; j++) {
          if (reach[j]) carry = true;
          if (carry) (next[j] = 1), (any = true);
        }
        break;
      }
      case 'dirs': {
        let seen = false;
        for (let j = 0; j <= n; j++) {
          if (reach[j] || (seen && j > 0 && text.charCodeAt(j - 1) === 0x2f)) (next[j] = 1), (any = true);
          if (reach[j]) seen = true;
        }
        break;
      }
      case 'word': {
        let carry = false;
        for (let j = 0; j <= n; j++) {
          if (reach[j]) carry = true;
          if (carry) (next[j] = 1), (any = true);
          const c = text.charCodeAt(j);
          if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46)) carry = false;
        }
        break;
      }
      case 'class':
        for (let i = 0; i < n; i++) {
          if (!reach[i]) continue;
          const c = text.charCodeAt(i);
          if (tok.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== tok.negate) (next[i + 1] = 1), (any = true);
        }
        break;
      case 'alt':
        for (const alt of tok.alts) {
          const r = advance(alt, text, reach);
          for (let j = 0; j <= n; j++) if (r[j]) (next[j] = 1), (any = true);
        }
        break;
    }
    if (!any) return next;
    reach = next;
  }
  return reach;
}

function start(text: string): Uint8Array {
  const r = new Uint8Array(text.length + 1);
  r[0] = 1;
  return r;
}

/** True when the whole of `text` matches the tokens. */
export function globMatches(tokens: readonly GlobToken[], text: string): boolean {
  return advance(tokens, text, start(text))[text.length] === 1;
}

/** True when the tokens match `text` up to its end or up to a `/` in it (`ghcr.io/acme` matches `ghcr.io/acme/app`). */
export function globMatchesPrefix(tokens: readonly GlobToken[], text: string): boolean {
  const r = advance(tokens, text, start(text));
  for (let j = 0; j <= text.length; j++) if (r[j] && (j === text.length || text.charCodeAt(j) === 0x2f)) return true;
  return false;
}

/** A compiled glob: `test(path)` over `/`-separated relative paths. */
export interface GlobPattern {
  test(path: string): boolean;
}

/** A glob (`**`, `*`, `?`, `{a,b}`) over `/`-separated paths. */
export function compileGlob(glob: string): GlobPattern {
  const tokens = parseGlob(glob, { braces: true });
  return { test: (path) => globMatches(tokens, path) };
}

/** @deprecated The name from when globs were regular expressions: `compileGlob`. */
export const globToRegExp = compileGlob;

/** True when a target names a glob rather than a path (`*`, `?`, `{`, `[`). */
export function isGlob(s: string): boolean {
  return /[*?{[]/.test(s);
}

/** One line of a `.gitignore`. */
interface IgnoreRule {
  pattern: GlobPattern;
  negate: boolean;
  dirOnly: boolean;
}

/** A `.gitignore` pattern's body (after `!` and without a trailing `/`) over paths relative to the file's directory. */
function gitignorePattern(pattern: string): GlobPattern {
  // A slash at the start or in the middle anchors the pattern to the file's directory; otherwise it matches at any depth.
  const anchored = pattern.includes('/');
  let body = pattern.replace(/^\//, '');
  const tokens: GlobToken[] = anchored ? [] : [{ t: 'dirs' }];
  let tail = false;
  if (body.endsWith('/**')) {
    body = body.slice(0, -3);
    tail = true;
  }
  let lit = '';
  const flush = (): void => {
    if (lit) tokens.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) lit += body[++i]!;
    else if (c === '*') {
      flush();
      if (body[i + 1] === '*' && (i === 0 || body[i - 1] === '/') && (body[i + 2] === '/' || i + 2 === body.length)) {
        tokens.push(body[i + 2] === '/' ? { t: 'dirs' } : { t: 'any' });
        i += body[i + 2] === '/' ? 2 : 1;
      } else tokens.push({ t: 'star' });
    } else if (c === '?') {
      flush();
      tokens.push({ t: 'one' });
    } else if (c === '[' && body.indexOf(']', i + 2) >= 0) {
      flush();
      const end = body.indexOf(']', i + 2);
      let set = body.slice(i + 1, end);
      const negate = set.startsWith('!') || set.startsWith('^');
      if (negate) set = set.slice(1);
      const ranges: [number, number][] = [];
      for (let k = 0; k < set.length; k++) {
        const lo = set.charCodeAt(k);
        if (set[k + 1] === '-' && k + 2 < set.length) {
          ranges.push([lo, set.charCodeAt(k + 2)]);
          k += 2;
        } else ranges.push([lo, lo]);
      }
      tokens.push({ t: 'class', ranges, negate });
      i = end;
    } else lit += c;
  }
  flush();
  // `dir/**`: everything inside dir (one character or more after the slash).
  if (tail) tokens.push({ t: 'lit', s: '/' }, { t: 'one' }, { t: 'any' });
  return { test: (path) => globMatches(tokens, path) };
}

/** Parses a `.gitignore` file's text. */
export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    if (line === '') continue;
    rules.push({ pattern: gitignorePattern(line), negate, dirOnly });
  }
  return rules;
}

/**
 * What a `.gitignore` says about a path relative to its directory: `true` ignored, `false`
 * re-included by a `!` line, `null` not mentioned. The last matching line wins, as in git.
 */
export function gitignoreVerdict(rules: readonly IgnoreRule[], rel: string, isDir: boolean): boolean | null {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    if (r.dirOnly && !isDir) continue;
    if (r.pattern.test(rel)) return !r.negate;
  }
  return null;
}
