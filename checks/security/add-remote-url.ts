import { defineCheck } from '../../src/engine/types.js';
import { unquote } from '../../src/dockerfile/words.js';
import { expand } from '../../src/dockerfile/vars.js';
import { entryInstruction } from '../../src/image/history.js';
import { entryIsBase } from '../../src/image/origin.js';

/** A URL ADD fetches (not a Git source, which BuildKit clones at a ref). */
const isRemote = (url: string): boolean => /^https?:\/\//i.test(url) && !/\.git([#?]|$)/.test(url);

export default defineCheck({
  id: 'security/add-remote-url',
  title: 'ADD of a URL is checksummed',
  category: 'security',
  severity: 'warning',
  messages: {
    unchecked: 'ADD downloads {url} without --checksum, so whatever the server returns goes into the image unverified',
    imageUnchecked: 'layer {layer} was made by ADD {url} without --checksum, so whatever the server returned went into the image unverified',
  },
  docs: {
    why: `\`ADD https://…\` puts whatever the server returns into the image: nothing checks that it is the file
you meant, and a changed or compromised download changes the image without a trace in the Dockerfile.
Pin the content with \`ADD --checksum=sha256:…\` (Dockerfile syntax 1.6 and later), or download with
\`curl\` and check the file with \`sha256sum -c\` in the same \`RUN\`. Git sources (\`ADD https://…git#ref\`)
are not reported.

A source given by a variable (\`ADD $TINI_URL /tini\`) is judged by the value its ARG or ENV holds.

Given an image without its Dockerfile, the check reads the image's history (CIS Docker Benchmark
4.9): BuildKit and kaniko record \`ADD <url> <dest>\`, and an entry of this build that fetches a URL
without \`--checksum\` is reported on its layer. The classic builder and buildah record only the
downloaded file's digest (\`ADD file:3f1c… in /tini\`), so their remote ADDs cannot be told apart from
local ones; the base image's entries are not reported.`,
    bad: `FROM alpine:3.20
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
`,
    good: `FROM alpine:3.20
ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \\
    https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
`,
  },
  dockerfile: (ctx) => ({
    ADD(ins) {
      if (ins.flags.some((f) => f.name === 'checksum')) return;
      const args = ins.args.slice(0, -1);
      args.forEach((a, i) => {
        const written = ins.json ? (ins.json[i] ?? '') : unquote(a.value, ctx.facts.escape);
        // `ADD $TINI_URL /tini`: the variable's value (an ARG or ENV default) is the URL.
        const url = written.includes('$') ? expand(written, ins.vars).value : written;
        if (!isRemote(url) || /^git@/.test(url)) return;
        ctx.report({ messageId: 'unchecked', data: { url }, at: ins.json ? ins : a });
      });
    },
  }),
  image: (ctx) => {
    if (ctx.dockerfile) return;
    ctx.image.history.forEach((h, i) => {
      const ins = entryInstruction(h);
      if (ins?.keyword !== 'ADD' || h.layer === undefined || entryIsBase(ctx, i)) return;
      const words = ins.body.split(/\s+/).filter(Boolean);
      if (words.some((w) => w.startsWith('--checksum'))) return;
      const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1).map((w) => w.replace(/^\[?["']?|["']?,?\]?$/g, ''));
      for (const url of sources.filter(isRemote)) ctx.report({ messageId: 'imageUnchecked', data: { url, layer: h.layer }, image: { layer: h.layer } });
    });
  },
});
