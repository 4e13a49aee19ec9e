import { defineCheck } from '../../src/engine/types.js';
import { editDistance } from '../../src/util/distance.js';
import type { Range } from '../../src/util/text.js';

/** Docker's Dockerfile frontend images (`docker.io/` may be written before them). */
const FRONTENDS = ['docker/dockerfile', 'docker/dockerfile-upstream'];
/** The word tags of those images; a tag a letter or two away from one is a typo. */
const WORD_TAGS = ['latest', 'labs', 'experimental', 'master', 'master-labs', 'mainline', 'mainline-labs'];
/** A release tag: `1`, `1.7`, `1.7.1`, with a channel suffix (`1-labs`, `1.4.0-rc1`, `1.0-experimental`). */
const VERSION_TAG = /^\d+(\.\d+){0,2}(-[a-z0-9][a-z0-9.-]*)?$/;
/** The parser directives BuildKit knows; any other `# name=value` line ends the directive block. */
const DIRECTIVES = ['syntax', 'escape', 'check'];

interface Line { n: number; text: string }

/** A `#`-comment line as BuildKit's directive parser reads it: `# name = value`, `#` in the first column. */
function directive(text: string, comment: string): { name: string; value: string } | null {
  if (!text.startsWith(comment)) return null;
  const m = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(text.slice(comment.length).trimStart());
  return m ? { name: m[1]!.toLowerCase(), value: m[2]! } : null;
}

/**
 * The `syntax` directive BuildKit uses (a leading `#!` line and byte-order mark skipped; the block of
 * `#` directives at the very top, else of `//` ones), as BuildKit's frontend detects it.
 */
function effectiveSyntax(lines: readonly Line[]): Line & { value: string } | null {
  let from = 0;
  if (lines[0]?.text.startsWith('#!')) from = 1;
  for (const comment of ['#', '//']) {
    for (const l of lines.slice(from)) {
      const d = directive(l.text, comment);
      if (!d || !DIRECTIVES.includes(d.name)) break;
      if (d.name === 'syntax') return { ...l, value: d.value.split(' ')[0]! };
    }
  }
  return null;
}

/** What is wrong with a frontend reference that names (or nearly names) Docker's frontend; null when nothing certain. */
function badReference(ref: string): { messageId: 'name' | 'tag'; near: string } | null {
  if (ref.includes('$') || ref.includes('://')) return null;
  const noDigest = ref.split('@')[0]!;
  const parts = noDigest.split('/');
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!);
  const registry = hasRegistry ? parts.shift()! : null;
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  const tag = colon >= 0 ? last.slice(colon + 1) : null;
  const path = [...parts, colon >= 0 ? last.slice(0, colon) : last].join('/');
  const dockerHub = registry === null || registry === 'docker.io' || registry === 'index.docker.io';
  const known = FRONTENDS.find((f) => f === path);
  if (!known) {
    // Another registry's `docker/dockerfile` is a mirror; a name one or two letters from Docker's, on Docker Hub, is a typo.
    if (!dockerHub) return null;
    const near = FRONTENDS.find((f) => f === path.toLowerCase() || editDistance(path.toLowerCase(), f) <= 2);
    return near ? { messageId: 'name', near } : null;
  }
  if (tag === null || VERSION_TAG.test(tag) || WORD_TAGS.includes(tag)) return null;
  // `l` for `1`, `1.l`, `v1`, `lates`: not a release tag, nor a word tag, but close to one.
  const word = WORD_TAGS.find((w) => editDistance(tag, w) <= 2);
  if (word) return { messageId: 'tag', near: `${known}:${word}` };
  return /\d/.test(tag) || tag.length <= 2 ? { messageId: 'tag', near: `${known}:1` } : null;
}

/** Comment lines that look like a syntax directive for a Dockerfile frontend but are not read as one. */
function ignoredSyntax(lines: readonly Line[]): Line | null {
  // Only blank lines and directives so far: a well-formed syntax line there is read by some BuildKit versions, not by others.
  let top = true;
  for (const l of lines) {
    const d = directive(l.text, '#');
    const isDirective = d !== null && DIRECTIVES.includes(d.name);
    const m = /^\s*(#|\/\/)\s*([a-zA-Z]+)\s*[=:]\s*(\S+)/.exec(l.text);
    if (m && /dockerfile/i.test(m[3]!)) {
      const name = m[2]!.toLowerCase();
      if (name === 'syntax' ? !(isDirective && top) : name.length >= 4 && editDistance(name, 'syntax') <= 2) return l;
    }
    top &&= l.text.trim() === '' || isDirective;
  }
  return null;
}

function lineRange(l: Line): Range {
  return { line: l.n, column: 1, endLine: l.n, endColumn: l.text.length + 1 };
}

export default defineCheck({
  id: 'correctness/syntax-directive',
  title: 'The `# syntax=` directive names Docker\'s Dockerfile frontend and is where BuildKit reads it',
  category: 'correctness',
  severity: 'error',
  messages: {
    name: '`# syntax={value}` names an image that is not Docker\'s Dockerfile frontend ({near}): the build fails to pull it, or runs whatever someone published under that name; write {near}',
    tag: '`# syntax={value}` asks for a tag Docker\'s Dockerfile frontend does not have, so the build fails to pull it; write {near}',
    ignored: 'BuildKit does not read this line as the syntax directive ({why}), so the build runs with the builder\'s own frontend, not {value}; write `# syntax={value}` as the first line of the file',
  },
  docs: {
    why: `\`# syntax=docker/dockerfile:1\` on the first line makes BuildKit fetch that Dockerfile frontend
image and build with it, so every builder reads the file with the same, current syntax (heredocs,
\`RUN --mount\`, \`COPY --link\`). When the image name or tag has a typo (\`docker/dockerfle:1\`,
\`docker/dockerfile:l\`), the build fails before the first instruction because the image cannot be
pulled, or, worse, pulls whatever someone published under the misspelt name and lets it read your
build: an error. When the line is not where BuildKit looks for it, it is an ordinary comment and the
build quietly uses the builder's own frontend: a warning. BuildKit reads parser directives only in
an unbroken block of \`# name=value\` lines (\`syntax\`, \`escape\`, \`check\`) starting at the first line
(after a \`#!\` line), with \`#\` in the first column; a blank line, any other comment or an instruction
ends the block, and \`# syntax: …\` or a misspelt \`# sytax=…\` is a comment.

Reported: a frontend name one or two letters from \`docker/dockerfile\` or \`docker/dockerfile-upstream\`
on Docker Hub (or with capital letters, which an image name cannot have); a tag of those images that
is neither a release (\`1\`, \`1.7\`, \`1.7.1\`, with \`-labs\` or another suffix) nor one of their word
tags (\`latest\`, \`labs\`, \`experimental\`, \`master\`, \`master-labs\`) but looks like a misspelt one
(\`l\`, \`1.l\`, \`lates\`); and, when the file has no syntax directive BuildKit reads, a comment that
would be one for a Dockerfile frontend. Not reported: other frontends (\`tonistiigi/dockerfile\`,
a mirror such as \`mirror.example.com/docker/dockerfile:1\`, your own), which may have any name or tag;
a release tag that does not exist yet (\`docker/dockerfile:1.99\`); a syntax line after leading blank
lines (BuildKit versions differ on whether they read it); a build that sets the frontend with the
\`BUILDKIT_SYNTAX\` build argument.`,
    bad: `# syntax=docker/dockerfle:1
FROM alpine:3.20
RUN --mount=type=cache,target=/var/cache/apk apk add curl
`,
    good: `# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN --mount=type=cache,target=/var/cache/apk apk add curl
`,
  },
  dockerfile: (ctx) => ({
    end() {
      const facts = ctx.facts;
      const at = (n: number): Line => ({ n, text: n === 1 ? facts.lines.lineText(n).replace(/^\uFEFF/, '') : facts.lines.lineText(n) });
      // The lines that can matter: the head of the file up to its first line that is not blank or
      // a comment (where directives are), and past it only lines that name a Dockerfile frontend
      // (ignoredSyntax); a file with none of those is not split into lines at all.
      const lines: Line[] = [];
      const count = facts.lines.starts.length;
      let n = 1;
      for (; n <= count; n++) {
        const l = at(n);
        lines.push(l);
        if (!/^\s*($|#|\/\/)/.test(l.text)) break;
      }
      if (n < count && /dockerfile/i.test(facts.lines.text.slice(facts.lines.starts[n]!))) for (n++; n <= count; n++) lines.push(at(n));
      const used = effectiveSyntax(lines);
      if (used) {
        const bad = badReference(used.value);
        if (bad) ctx.report({ messageId: bad.messageId, data: { value: used.value, near: bad.near }, at: lineRange(used) });
        return;
      }
      const ignored = ignoredSyntax(lines);
      if (!ignored) return;
      const m = /^\s*(#|\/\/)\s*([a-zA-Z]+)\s*([=:])\s*(\S+)/.exec(ignored.text)!;
      const why = m[2]!.toLowerCase() !== 'syntax' ? `"${m[2]}" is not a directive BuildKit knows`
        : m[3] === ':' ? 'a directive is written name=value, not name: value'
        : /^\s/.test(ignored.text) ? 'the # must be in the first column'
        : 'directives are read only in the block of directive lines at the top of the file';
      ctx.report({ messageId: 'ignored', severity: 'warning', data: { why, value: m[4]! }, at: lineRange(ignored) });
    },
  }),
});
