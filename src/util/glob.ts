/**
 * Path patterns: the globs of the config file and `--exclude` (`**`, `*`, `?`, `{a,b}`), and the
 * patterns of `.gitignore` files, each as a test over `/`-separated relative paths.
 */

const escape = (c: string): string => c.replace(/[.+^$()|[\]\\]/g, '\\$&');

/** A glob (`**`, `*`, `?`, `{a,b}`) as a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map((p) => escape(p).replace(/\*/g, '[^/]*')).join('|')})`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

/** True when a target names a glob rather than a path (`*`, `?`, `{`, `[`). */
export function isGlob(s: string): boolean {
  return /[*?{[]/.test(s);
}

/** One line of a `.gitignore`. */
interface IgnoreRule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

/** A `.gitignore` pattern's body (after `!` and without a trailing `/`) as a regular expression over paths relative to the file's directory. */
function gitignoreRegExp(pattern: string): RegExp {
  // A slash at the start or in the middle anchors the pattern to the file's directory; otherwise it matches at any depth.
  const anchored = pattern.includes('/');
  let body = pattern.replace(/^\//, '');
  let tail = '';
  if (body.endsWith('/**')) {
    body = body.slice(0, -3);
    tail = '/.+';
  }
  let re = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) re += escape(body[++i]!);
    else if (c === '*') {
      if (body[i + 1] === '*' && (i === 0 || body[i - 1] === '/') && (body[i + 2] === '/' || i + 2 === body.length)) {
        re += body[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += body[i + 2] === '/' ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = body.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        re += `[${body.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}${tail}$`);
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
    rules.push({ re: gitignoreRegExp(line), negate, dirOnly });
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
    if (r.re.test(rel)) return !r.negate;
  }
  return null;
}
