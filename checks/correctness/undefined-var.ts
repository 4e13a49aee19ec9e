import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';
import { varRefs, varsBefore } from '../../src/dockerfile/var-use.js';

/** Instructions whose words the builder expands (RUN, CMD and the like are expanded by the shell instead). */
const EXPANDED = new Set(['ADD', 'COPY', 'ENV', 'ARG', 'LABEL', 'EXPOSE', 'WORKDIR', 'USER', 'VOLUME', 'STOPSIGNAL']);
/** Base images whose only environment variable is PATH, so any other undefined name is a mistake. */
const BARE_BASES = new Set(['scratch', 'alpine', 'busybox', 'debian', 'ubuntu', 'fedora', 'centos', 'rockylinux', 'almalinux', 'amazonlinux', 'archlinux']);
/** Variables every build defines. */
const PREDEFINED = new Set(['PATH', 'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

function rootOf(s: Stage | null): Stage | null {
  let x = s;
  while (x?.parent) x = x.parent;
  return x;
}

/** Edit distance up to a small bound, for "did you mean". */
function near(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 2) return false;
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length]! <= 2;
}

export default defineCheck({
  id: 'correctness/undefined-var',
  title: 'Variables are defined before the builder expands them',
  category: 'correctness',
  severity: 'warning',
  aliases: ['UndefinedVar'],
  messages: {
    undefined: '${name} is not defined by an ARG or ENV before this {keyword}, so it expands to an empty string{hint}',
  },
  docs: {
    why: `The builder expands \`$NAME\` in COPY, ADD, ENV, ARG, LABEL, WORKDIR, USER, EXPOSE and VOLUME
itself, from the ARGs and ENVs declared so far (and the base image's environment). An unknown name
silently becomes the empty string: \`COPY $APP_DIR/ /srv/\` copies the whole context, \`ENV
PATH=$PAHT:/opt/bin\` loses the system path. Declare the variable with \`ARG\` (in the stage that
uses it) or \`ENV\` first. On images whose environment this check cannot know, only names that are
not upper case, or that are one typo away from a defined name, are reported.`,
    bad: `FROM alpine:3.20
ARG APP_VERSION=1.4.2
COPY dist/app-$APP_VERSON.tar.gz /opt/
`,
    good: `FROM alpine:3.20
ARG APP_VERSION=1.4.2
COPY dist/app-$APP_VERSION.tar.gz /opt/
`,
  },
  dockerfile: (ctx) => {
    // Typo guesses compare names pairwise; a file with thousands of ARGs and thousands of unknown
    // names stops guessing after this many comparisons instead of taking minutes.
    let comparisons = 1_000_000;
    const isNear = (a: string, b: string): boolean => --comparisons >= 0 && near(a, b);
    const check = (ins: Instruction): void => {
      if (!EXPANDED.has(ins.keyword)) return;
      // No `$` in any word: nothing to report (most instructions), so skip copying the variables.
      if (!ins.args.some((a) => a.value.includes('$'))) return;
      // The variables before this instruction, and those its own earlier words define (no copy:
      // a file can have 100k ARGs).
      const before = varsBefore(ctx.facts, ins);
      const own = new Set<string>();
      const root = rootOf(ins.stage);
      const bare = root === null || (root.image !== null && root.image.registry === null && BARE_BASES.has(root.image.repository));
      const keyed = ins.keyword === 'ENV' || ins.keyword === 'ARG' || ins.keyword === 'LABEL';
      for (const [k, a] of ins.args.entries()) {
        const eq = a.value.indexOf('=');
        if (keyed && eq < 0 && (k === 0 || ins.keyword === 'ARG')) continue;
        const from = keyed && eq >= 0 ? eq + 1 : 0;
        for (const r of varRefs(a.value.slice(from))) {
          if (r.hasDefault || before.has(r.name) || own.has(r.name) || PREDEFINED.has(r.name)) continue;
          let guess: string | undefined;
          if (comparisons > 0) for (const n of before.keys()) if (isNear(r.name, n)) { guess = n; break; }
          if (guess === undefined) for (const n of own) if (!before.has(n) && isNear(r.name, n)) { guess = n; break; }
          if (!bare && !guess && r.name === r.name.toUpperCase()) continue;
          const oneLine = a.range.line === a.range.endLine;
          const at = oneLine ? { line: a.range.line, column: a.range.column + from + r.start, endLine: a.range.line, endColumn: a.range.column + from + r.end } : a.range;
          ctx.report({ messageId: 'undefined', data: { name: r.name, keyword: ins.keyword, hint: guess ? ` (did you mean $${guess}?)` : '' }, at });
        }
        if (keyed && eq > 0) own.add(a.value.slice(0, eq));
      }
    };
    return { instruction: check };
  },
});
