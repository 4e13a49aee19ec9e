import { defineCheck } from '../../src/engine/types.js';
import { unquote } from '../../src/dockerfile/words.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { replace, safeFix } from '../../src/fix/edits.js';
import { keywordLike } from '../../src/fix/dockerfile-edits.js';

/** Archives ADD unpacks into the destination (tar, optionally compressed). */
const ARCHIVE = /\.(tar|tar\.(gz|bz2|xz|zst|lz|lzma|Z)|tgz|tbz2?|tb2|txz|tlz|tZ|gz|bz2|xz|lz|lzma|Z|zst)$/i;
/** Sources ADD fetches: URLs and git repositories. */
const FETCHED = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;

export default defineCheck({
  id: 'security/add-local-file',
  title: 'COPY, not ADD, for local files',
  category: 'security',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3020', 'DS005', 'CKV_DOCKER_4', 'CIS-DI-0009'],
  messages: {
    useCopy: 'ADD of "{source}", which is neither an archive to unpack nor a URL: COPY does the same without ADD\'s implicit unpacking and fetching',
  },
  docs: {
    why: `\`ADD\` does more than copy: it unpacks local tar archives and fetches URLs and git repositories.
For a plain file or directory it behaves like \`COPY\`, but a reader cannot tell whether the magic
was wanted, and a later change of the file (renamed to \`.tar.gz\`) silently changes what lands in
the image. The CIS Docker Benchmark (4.9) asks for \`COPY\` unless \`ADD\`'s extras are needed.
ADD of an archive or a URL is left alone here (remote URLs have their own rule).`,
    bad: `FROM alpine:3.20
ADD target/app.jar /opt/app/app.jar
CMD ["java", "-jar", "/opt/app/app.jar"]
`,
    good: `FROM alpine:3.20
COPY target/app.jar /opt/app/app.jar
ADD vendor/assets.tar.gz /opt/app/
CMD ["java", "-jar", "/opt/app/app.jar"]
`,
    related: ['security/add-remote-url', 'size/extract-copied-archive'],
  },
  dockerfile: (ctx) => ({
    ADD(ins) {
      if (ins.heredocs.length) return;
      const words = ins.json ? ins.json.map((v) => ({ value: v, range: ins.range })) : ins.args.map((a) => ({ value: unquote(a.value, ctx.facts.escape), range: a.range }));
      // \`ADD file:<digest> in /\` is how image history records a base layer, not a Dockerfile line.
      if (words.some((w) => /^(file|multi):[0-9a-f]{16,}/.test(w.value))) return;
      for (const w of words.slice(0, -1)) {
        if (w.value.includes('$') || FETCHED.test(w.value) || ARCHIVE.test(w.value)) continue;
        ctx.report({ messageId: 'useCopy', data: { source: w.value }, at: w.range, fix: copyFix(ins, words) });
        return;
      }
    },
  }),
});

/** Flags only ADD takes: with them the instruction stays an ADD. */
const ADD_ONLY = new Set(['checksum', 'keep-git-dir', 'unpack']);

/** ADD -> COPY when every source is a local file that is no archive (COPY never unpacks or fetches). */
function copyFix(ins: Instruction, words: { value: string }[]) {
  if (ins.flags.some((f) => ADD_ONLY.has(f.name))) return null;
  if (words.slice(0, -1).some((w) => w.value.includes('$') || FETCHED.test(w.value) || ARCHIVE.test(w.value))) return null;
  // A relative destination without a WORKDIR before it is correctness/copy-relative-destination's case for COPY: left for the author.
  const dest = words[words.length - 1]?.value ?? '';
  if (!/^[/$]/.test(dest) && !stageHasWorkdir(ins)) return null;
  return safeFix('Use COPY', [replace(ins.keywordRange, keywordLike(ins, 'COPY'))]);
}

function stageHasWorkdir(ins: Instruction): boolean {
  for (let s = ins.stage; s; s = s.parent) if (s.instructions.some((i) => i.keyword === 'WORKDIR' && (s !== ins.stage || i.range.line < ins.range.line))) return true;
  return false;
}
