/**
 * The Dockerfile family: real Dockerfiles (with their build contexts where the review corpus has
 * them) and the peer linters' test cases, mutated the way an attacker or an unlucky user would:
 * line continuations, heredocs, escapes, parser directives, variable expansion, nesting, encodings,
 * repetition up to hundreds of kilobytes, and the build-context files shipshape reads (entrypoint
 * scripts, .dockerignore, .shipshape.yaml). Each input is a function of (seed, index) alone.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Rng } from './rng.js';
import { privateKey, secretAssignment, secretValue } from './secrets.js';

/** A Dockerfile with its build context, before mutation. */
export interface Seed {
  name: string;
  files: Record<string, string>;
}

/** One generated input: the files of a directory, the target to analyze in it, the flags. */
export interface DirInput {
  family: 'dockerfile' | 'archive';
  /** File name -> content, relative to the input directory. */
  files: Record<string, string | Buffer>;
  /** The file or directory given to the CLI, relative to the input directory. */
  target: string;
  /** CLI flags before the target (`--format json` and the like). */
  flags: string[];
  /** Strings that must never appear in the output (planted credentials). */
  secrets: string[];
  /** What made it: the seed and the mutators, for the report. */
  recipe: string[];
  /** Archives: the recipe the files were built from (reduced as a tree, then rebuilt). */
  spec?: unknown;
}

const MAX_SEED_FILE = 200 * 1024;
/** Dockerfiles larger than this are cut (most of the time) after mutation. */
const MAX_INPUT = 1024 * 1024;

/** Reads the seeds: the real corpus, the review folders (with contexts) and the peer cases. */
export function loadSeeds(corpus: string): Seed[] {
  const seeds: Seed[] = [];
  const real = join(corpus, 'real');
  if (existsSync(real)) {
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && !/\.md$/i.test(e.name) && statSync(p).size < MAX_SEED_FILE) seeds.push({ name: relative(corpus, p), files: { Dockerfile: readFileSync(p, 'utf8') } });
      }
    };
    walk(real);
  }
  const review = join(corpus, 'review');
  if (existsSync(review)) {
    for (const d of readdirSync(review, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const files: Record<string, string> = {};
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const p = join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile() && statSync(p).size < MAX_SEED_FILE) files[relative(join(review, d.name), p)] = readFileSync(p, 'utf8');
        }
      };
      walk(join(review, d.name));
      if (files.Dockerfile !== undefined) seeds.push({ name: `review/${d.name}`, files });
    }
  }
  for (const peer of ['hadolint', 'trivy', 'buildkit']) {
    const f = join(corpus, peer, 'cases.jsonl');
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const c = JSON.parse(line) as { id: string; dockerfile?: string };
      if (typeof c.dockerfile === 'string') seeds.push({ name: `${peer}/${c.id}`, files: { Dockerfile: c.dockerfile } });
    }
  }
  if (seeds.length === 0) seeds.push(...BUILTIN_SEEDS);
  return seeds;
}

/** Seeds for a machine without the shared corpus. */
export const BUILTIN_SEEDS: Seed[] = [
  {
    name: 'builtin/node',
    files: {
      Dockerfile: 'FROM node:20-alpine AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n\nFROM node:20-alpine\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\nCOPY docker-entrypoint.sh /usr/local/bin/\nUSER node\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["node", "dist/server.js"]\n',
      'docker-entrypoint.sh': '#!/bin/sh\nset -e\nif [ "${1#-}" != "$1" ]; then\n  set -- node "$@"\nfi\nexec "$@"\n',
      '.dockerignore': 'node_modules\n.git\n*.md\n',
    },
  },
  {
    name: 'builtin/debian',
    files: {
      Dockerfile: '# syntax=docker/dockerfile:1\nARG BASE=debian:12\nFROM ${BASE}\nRUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\nRUN <<EOF\nset -eux\necho "$(uname -a)" > /etc/motd\nEOF\nENV PATH=/opt/bin:$PATH\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD nginx -g "daemon off;"\n',
    },
  },
];

type Files = Record<string, string | Buffer>;
type Mutator = (rng: Rng, files: Files, ctx: MutationContext) => void;

interface MutationContext {
  seeds: readonly Seed[];
  secrets: string[];
}

const text = (files: Files, name = 'Dockerfile'): string => {
  const v = files[name];
  return v === undefined ? '' : typeof v === 'string' ? v : v.toString('latin1');
};

/** Caps a repetition so one input stays under about `max` bytes. */
function reps(rng: Rng, unit: number, max = 600 * 1024): number {
  const want = rng.scale(14);
  return Math.max(1, Math.min(want, Math.floor(max / Math.max(1, unit))));
}

function insertAt(rng: Rng, s: string, piece: string): string {
  const lines = s.split('\n');
  const at = rng.int(lines.length + 1);
  lines.splice(at, 0, piece.replace(/\n$/, ''));
  return lines.join('\n');
}

function nest(depth: number, open: string, inner: string, close: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** Shell text that nests or repeats: what a RUN body or an entrypoint script can hold. */
function hostileShell(rng: Rng): string {
  const d = rng.scale(rng.chance(0.8) ? 8 : 12);
  switch (rng.int(16)) {
    case 0:
      return nest(d, '${y:-', 'x', '}');
    case 1:
      return nest(d, '$(', 'echo a', ')');
    case 2:
      return nest(d, '"$(', 'echo a', ')"');
    case 3:
      return nest(d, '`', 'x', '`');
    case 4:
      return nest(d, '(', 'true', ')');
    case 5:
      return nest(d, '{ ', 'true; ', '} ');
    case 6:
      return nest(d, 'if true; then ', 'echo', '; fi');
    case 7:
      return Array.from({ length: d }, (_, i) => `cmd${i}`).join(rng.pick([' | ', ' && ', ' || ', '; ', ' & ']));
    case 8:
      return nest(d, '${y:-"${z:+', '1', '}"}');
    case 9:
      return `echo ${'$((1+'.repeat(d)}1${'))'.repeat(d)}`;
    case 10:
      return `case $x in ${Array.from({ length: d }, (_, i) => `p${i}) a;;`).join(' ')} esac`;
    case 11:
      return `echo ${'\\'.repeat(d)}`;
    case 12:
      return `echo '${'x'.repeat(d * 64)}`;
    case 13:
      return `echo ${'"'.repeat(d % 2 === 0 ? d + 1 : d)}`;
    case 14:
      return nest(d, '<(', 'cat', ')');
    default:
      return `${'${a[${b'.repeat(d)}}`;
  }
}

const DIRECTIVES = ['# syntax=docker/dockerfile:1', '# escape=`', '# escape=\\', '# check=skip=all', '# check=error=true', '#syntax=x', '# escape=', '# escape=ab', '# directive=value'];
const KEYWORDS = ['FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'USER', 'WORKDIR', 'EXPOSE', 'VOLUME', 'HEALTHCHECK', 'SHELL', 'STOPSIGNAL', 'ONBUILD', 'MAINTAINER'];

const MUTATORS: Record<string, Mutator> = {
  dupLines(rng, f) {
    const lines = text(f).split('\n');
    const i = rng.int(lines.length);
    const line = lines[i] ?? '';
    lines.splice(i, 0, ...Array(reps(rng, line.length + 1, 300 * 1024)).fill(line));
    f.Dockerfile = lines.join('\n');
  },
  dropLines(rng, f) {
    const lines = text(f).split('\n');
    const n = rng.range(1, Math.max(1, lines.length >> 1));
    lines.splice(rng.int(lines.length), n);
    f.Dockerfile = lines.join('\n');
  },
  spliceSeed(rng, f, ctx) {
    const other = text(rng.pick(ctx.seeds).files).split('\n');
    const a = rng.int(other.length);
    const piece = other.slice(a, a + rng.range(1, 30)).join('\n');
    f.Dockerfile = insertAt(rng, text(f), piece);
  },
  continuations(rng, f) {
    const esc = /^#\s*escape\s*=\s*`/m.test(text(f)) ? '`' : '\\';
    switch (rng.int(4)) {
      case 0: {
        // a line continued many times
        const n = reps(rng, 8);
        f.Dockerfile = insertAt(rng, text(f), `RUN echo ${`a ${esc}\n`.repeat(n)}b`);
        break;
      }
      case 1: {
        // continuation with comments and blank lines between
        const n = reps(rng, 16);
        f.Dockerfile = insertAt(rng, text(f), `RUN echo ${`x ${esc}\n# c\n\n`.repeat(n)}end`);
        break;
      }
      case 2: {
        // the file ends in a continuation
        f.Dockerfile = `${text(f).trimEnd()} ${esc}\n${`${esc}\n`.repeat(rng.scale(10))}`;
        break;
      }
      default: {
        // continuations at random places
        let s = text(f);
        for (let k = rng.scale(6); k > 0; k--) {
          const at = rng.int(s.length + 1);
          s = s.slice(0, at) + `${esc}\n` + s.slice(at);
        }
        f.Dockerfile = s;
      }
    }
  },
  heredocs(rng, f) {
    const n = rng.scale(rng.chance(0.7) ? 6 : 12);
    const body = rng.chance(0.5) ? hostileShell(rng) : 'echo hello';
    // At most 8 MB of body (a long hostile line repeated 20,000 times passed V8's longest string:
    // the generator died, seed 14); the CLI refuses a Dockerfile over 512 KiB anyway.
    const copies = Math.min(n, 20000, Math.floor(8_000_000 / (body.length + 1)));
    switch (rng.int(5)) {
      case 0:
        f.Dockerfile = insertAt(rng, text(f), `RUN <<EOF\n${`${body}\n`.repeat(copies)}EOF`);
        break;
      case 1:
        f.Dockerfile = `${text(f)}\nRUN <<EOF\n${`${body}\n`.repeat(copies)}`; // unterminated
        break;
      case 2:
        f.Dockerfile = insertAt(rng, text(f), `RUN ${Array.from({ length: Math.min(n, 4000) }, (_, i) => `<<E${i}`).join(' ')} cat\n${Array.from({ length: Math.min(n, 4000) }, (_, i) => `x\nE${i}`).join('\n')}`);
        break;
      case 3:
        f.Dockerfile = insertAt(rng, text(f), `COPY <<-"EOT" /app/run.sh\n\t#!/bin/sh\n\t${body}\n\tEOT`);
        break;
      default:
        f.Dockerfile = insertAt(rng, text(f), `RUN <<'A' <<"B" <<-C\n${body}\nA\n${body}\nB\n\t${body}\n\tC`);
    }
  },
  escapes(rng, f) {
    let s = text(f);
    const pieces = ['\\', '`', '"', "'", '\\\\', '\\"', '$', '${', '\t', '\r', '\r\n', '\u00a0', '\u200b', '\\\r\n', '\f', '\v', '\u2028', '#'];
    for (let k = rng.scale(7); k > 0; k--) {
      const at = rng.int(s.length + 1);
      s = s.slice(0, at) + rng.pick(pieces) + s.slice(at);
    }
    f.Dockerfile = s;
  },
  directives(rng, f) {
    const n = rng.chance(0.9) ? rng.range(1, 3) : reps(rng, 40);
    const head = Array.from({ length: n }, () => rng.pick(DIRECTIVES)).join('\n');
    f.Dockerfile = `${head}\n${text(f)}`;
  },
  variables(rng, f) {
    const d = rng.scale(rng.chance(0.8) ? 8 : 12);
    switch (rng.int(7)) {
      case 0:
        f.Dockerfile = insertAt(rng, text(f), `ENV A=${nest(d, '${B:-', 'x', '}')}`);
        break;
      case 1:
        f.Dockerfile = insertAt(rng, text(f), `ARG V0=x\n${Array.from({ length: Math.min(d, 20000) }, (_, i) => `ARG V${i + 1}=\${V${i}}\${V${i}}`).join('\n')}`);
        break;
      case 2:
        f.Dockerfile = insertAt(rng, text(f), `FROM ${nest(Math.min(d, 5000), '${IMG:-', 'alpine', '}')} AS s\nCOPY --from=${nest(Math.min(d, 5000), '${S:-', 's', '}')} / /`);
        break;
      case 3:
        f.Dockerfile = insertAt(rng, text(f), `RUN echo ${'$A'.repeat(Math.min(d * 10, 100000))}`);
        break;
      case 4:
        f.Dockerfile = insertAt(rng, text(f), `ENV ${Array.from({ length: Math.min(d, 20000) }, (_, i) => `K${i}="\${K${i}:-v}"`).join(' ')}`);
        break;
      case 5:
        f.Dockerfile = insertAt(rng, text(f), `ARG ${'${'.repeat(Math.min(d, 50000))}`);
        break;
      default:
        f.Dockerfile = insertAt(rng, text(f), `ENV X=\${X//${'a'.repeat(d)}/${'b'.repeat(d)}} Y=\${Y:?${'err '.repeat(d)}}`);
    }
  },
  nesting(rng, f) {
    f.Dockerfile = insertAt(rng, text(f), `RUN ${hostileShell(rng)}`);
  },
  jsonForms(rng, f) {
    const kw = rng.pick(['CMD', 'ENTRYPOINT', 'RUN', 'SHELL', 'VOLUME', 'COPY', 'HEALTHCHECK CMD']);
    const n = rng.scale(rng.chance(0.7) ? 8 : 14);
    switch (rng.int(6)) {
      case 0:
        f.Dockerfile = insertAt(rng, text(f), `${kw} [${'"a", '.repeat(Math.min(n, 100000))}`); // unterminated
        break;
      case 1:
        f.Dockerfile = insertAt(rng, text(f), `${kw} ${nest(Math.min(n, 100000), '[', '"x"', ']')}`);
        break;
      case 2:
        f.Dockerfile = insertAt(rng, text(f), `${kw} ["${'\\u0000\\"\\\\'.repeat(Math.min(n, 50000))}"]`);
        break;
      case 3:
        f.Dockerfile = insertAt(rng, text(f), `${kw} [${Array.from({ length: Math.min(n, 50000) }, (_, i) => `"a${i}"`).join(', ')}]`);
        break;
      case 4:
        f.Dockerfile = insertAt(rng, text(f), `${kw} ["sh", "-c", "${hostileShell(rng).replace(/["\\]/g, '\\$&')}"]`);
        break;
      default:
        f.Dockerfile = insertAt(rng, text(f), `${kw} ["${'x'.repeat(Math.min(n * 32, 500000))}`);
    }
  },
  onbuild(rng, f) {
    const n = rng.scale(rng.chance(0.7) ? 6 : 12);
    f.Dockerfile = insertAt(rng, text(f), `${'ONBUILD '.repeat(Math.min(n, 60000))}${rng.pick(['RUN echo hi', 'COPY . /', 'CMD x', 'ONBUILD', ''])}`);
  },
  stages(rng, f) {
    const n = Math.min(rng.scale(rng.chance(0.7) ? 6 : 13), 20000);
    const style = rng.int(3);
    const lines = Array.from({ length: n }, (_, i) =>
      style === 0 ? `FROM alpine AS s${i}\nCOPY --from=s${Math.max(0, i - 1)} /a /a` : style === 1 ? `FROM s${Math.max(0, i - 1)} AS s${i}` : `FROM \${B${i}:-alpine} AS s${i}\nRUN --mount=from=s${rng.int(i + 1)},target=/x true`,
    );
    f.Dockerfile = `${text(f)}\n${lines.join('\n')}\n`;
  },
  instructions(rng, f) {
    // random instructions with random bodies, many of them
    const n = reps(rng, 30);
    const out: string[] = [];
    for (let i = 0; i < Math.min(n, 30000); i++) out.push(`${rng.pick(KEYWORDS)} ${rng.chance(0.5) ? hostileShell(rng).slice(0, 200) : rng.word(rng.int(20))}`);
    f.Dockerfile = insertAt(rng, text(f), out.join('\n'));
  },
  longLine(rng, f) {
    const unit = rng.pick(['echo $(a b "c" ${x:-y}) && ', 'a', '"$x" ', "'q' ", '$((1+2)) ', '${a:-$(b)} ', 'x|', '\\ ']);
    f.Dockerfile = insertAt(rng, text(f), `RUN ${unit.repeat(reps(rng, unit.length, 700 * 1024))}`);
  },
  encoding(rng, f) {
    const s = text(f);
    switch (rng.int(6)) {
      case 0:
        f.Dockerfile = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]);
        break;
      case 1:
        f.Dockerfile = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
        break;
      case 2: {
        const b = Buffer.from(s);
        for (let k = rng.scale(5); k > 0 && b.length; k--) b[rng.int(b.length)] = rng.int(256);
        f.Dockerfile = b;
        break;
      }
      case 3:
        f.Dockerfile = s.replace(/\n/g, '\r\n');
        break;
      case 4:
        f.Dockerfile = s.replace(/\n/g, '\r');
        break;
      default:
        f.Dockerfile = s.slice(0, rng.int(s.length + 1));
    }
  },
  contextScript(rng, f) {
    const name = rng.pick(['docker-entrypoint.sh', 'entrypoint.sh', 'start.sh', 'bin/run']);
    let body = '#!/bin/sh\nset -e\n';
    for (let k = rng.range(1, 4); k > 0; k--) body += `${rng.chance(0.7) ? hostileShell(rng) : 'echo ok'}\n`;
    body += rng.chance(0.5) ? 'exec "$@"\n' : 'node server.js\n';
    if (rng.chance(0.2)) body = body.repeat(Math.min(rng.scale(8), 200));
    f[name] = body;
    f.Dockerfile = `${text(f).trimEnd()}\nCOPY ${name} /usr/local/bin/${name.split('/').pop()}\n${rng.pick([`ENTRYPOINT ["/usr/local/bin/${name.split('/').pop()}"]`, `ENTRYPOINT ["sh", "/usr/local/bin/${name.split('/').pop()}"]`, `CMD ["${name.split('/').pop()}"]`, `ENTRYPOINT ${name.split('/').pop()}`])}\n`;
  },
  dockerignore(rng, f) {
    const n = rng.scale(rng.chance(0.8) ? 4 : 12);
    const pats = ['*', '**', '**/*', '?', '!', '[', '[a-z]', '\\', '*.md', '!keep', '**/**/**/x', '.git', '/', '.', '..', '{a,b}', '*'.repeat(rng.scale(8)), `${'*/'.repeat(rng.scale(8))}x`, `${'a*'.repeat(rng.scale(8))}b`];
    f['.dockerignore'] = Array.from({ length: Math.min(n, 20000) }, () => rng.pick(pats)).join('\n');
    f.Dockerfile = `${text(f).trimEnd()}\nCOPY ${rng.pick(['.', 'a/b/c', `${'a'.repeat(rng.scale(7))}`, 'src/*.js', 'README.md'])} /app/\n`;
  },
  config(rng, f) {
    const d = rng.scale(rng.chance(0.7) ? 6 : 14);
    const bodies = [
      `failOn: error\nignore: [tags/no-digest]\n`,
      `ignore: ${nest(Math.min(d, 100000), '[', 'x', ']')}\n`,
      `ignore: ${nest(Math.min(d, 100000), '{a: ', '1', '}')}\n`,
      `${'- '.repeat(Math.min(d, 20000))}x\n`,
      `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n`,
      `overrides:\n${Array.from({ length: Math.min(d, 5000) }, (_, i) => `  "${'*'.repeat(Math.min(d, 5000))}${i}":\n    ignore: [tags]`).join('\n')}\n`,
      `overrides:\n  "${'**/'.repeat(Math.min(d, 20000))}x": {failOn: none}\n  "{${'a,'.repeat(Math.min(d, 20000))}}": {failOn: none}\n  "${'a*'.repeat(Math.min(d, 20000))}b": {ignore: [tags]}\n`,
      `severity:\n  ${'x'.repeat(Math.min(d * 100, 500000))}: error\n`,
      `settings: {allowedTools: [${'"nc", '.repeat(Math.min(d, 20000))}]}\n`,
      `\t${':'.repeat(d)}\n`,
    ];
    f['.shipshape.yaml'] = rng.pick(bodies);
  },
  plantSecrets(rng, f, ctx) {
    const a = secretAssignment(rng);
    const v = secretValue(rng);
    ctx.secrets.push(a.secret, v.secret);
    switch (rng.int(5)) {
      case 0:
        f.Dockerfile = insertAt(rng, text(f), `ENV ${a.text}`);
        break;
      case 1:
        f.Dockerfile = insertAt(rng, text(f), `ARG ${a.text}`);
        break;
      case 2:
        f.Dockerfile = insertAt(rng, text(f), `RUN git clone ${v.text} /src && curl -H "Authorization: ${v.text}" https://example.com`);
        break;
      case 3: {
        const k = privateKey(rng);
        ctx.secrets.push(k.secret);
        f.id_rsa = k.text;
        f.Dockerfile = insertAt(rng, text(f), 'COPY id_rsa /root/.ssh/id_rsa');
        break;
      }
      default:
        f['.env'] = `${a.text}\nTOKEN=${v.text}\n`;
        f.Dockerfile = insertAt(rng, text(f), `LABEL token="${v.text}"\nCOPY .env /app/.env`);
    }
  },
  bytes(rng, f) {
    const b = Buffer.from(text(f), 'utf8');
    for (let k = rng.scale(4); k > 0 && b.length; k--) {
      const at = rng.int(b.length);
      b[at] = rng.pick([0x0a, 0x5c, 0x22, 0x27, 0x24, 0x7b, 0x7d, 0x5b, 0x5d, 0x28, 0x29, 0x3c, 0x23, 0x20, 0x60, rng.int(128)]);
    }
    f.Dockerfile = b.toString('utf8');
  },
  keywordCase(rng, f) {
    f.Dockerfile = text(f).replace(/^(\s*)([A-Za-z]+)/gm, (_, sp: string, kw: string) => sp + (rng.chance(0.5) ? kw.toLowerCase() : rng.chance(0.5) ? kw.toUpperCase() : kw));
  },
};

const NAMES = Object.keys(MUTATORS);
const FORMATS = ['json', 'json', 'json', 'text', 'sarif', 'github', 'markdown'];

/** The input number `index` of the Dockerfile family. */
export function dockerfileInput(rng: Rng, seeds: readonly Seed[]): DirInput {
  const seed = rng.pick(seeds);
  const files: Files = { ...seed.files };
  const ctx: MutationContext = { seeds, secrets: [] };
  const recipe = [seed.name];
  const n = rng.chance(0.1) ? 0 : rng.range(1, 4);
  for (let i = 0; i < n; i++) {
    const m = rng.pick(NAMES);
    recipe.push(m);
    MUTATORS[m]!(rng, files, ctx);
  }
  // Most inputs stay under 1 MB (analysis cost is the point, not disk traffic); a few are left larger.
  const df = files.Dockerfile;
  if (df !== undefined && df.length > MAX_INPUT && !rng.chance(0.05)) files.Dockerfile = df.slice(0, MAX_INPUT);
  const format = rng.pick(FORMATS);
  const flags = ['--format', format];
  if (rng.chance(0.05)) flags.push('--min-severity', rng.pick(['error', 'warning', 'info']));
  if (rng.chance(0.05)) flags.push('--output', 'report.out');
  // Now and then the directory is the target (Dockerfile discovery), or the file is named otherwise.
  let target = 'Dockerfile';
  if (rng.chance(0.05)) target = '.';
  else if (rng.chance(0.05)) {
    const other = rng.pick(['app.Dockerfile', 'Containerfile', 'Dockerfile.dev', 'x.txt']);
    files[other] = files.Dockerfile!;
    delete files.Dockerfile;
    target = other;
  }
  return { family: 'dockerfile', files, target, flags, secrets: ctx.secrets, recipe };
}
