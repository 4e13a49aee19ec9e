import { defineCheck } from '../../src/engine/types.js';
import { remove, safeFix, span } from '../../src/fix/edits.js';
import type { Stage } from '../../src/dockerfile/model.js';
import { shippedStages } from '../../src/dockerfile/stages.js';

/** Words that name each architecture in URLs, package sources and file names. */
const ARCH_WORDS: Record<string, RegExp> = {
  amd64: /\b(amd64|x86_64|x86-64|x64)\b/i,
  arm64: /\b(arm64|aarch64)\b/i,
  arm: /\b(armhf|armv7l?|armel)\b/i,
  '386': /\b(i386|i686|x86_32)\b/i,
  ppc64le: /\bppc64le\b/i,
  s390x: /\bs390x\b/i,
};

/**
 * The stage is written for that one architecture: its RUNs name it (`arch=amd64`, a `linux-x64`
 * tarball) and no other. Such a stage cannot be built
 * for another platform, so the pin states a fact.
 */
function builtForOnly(stage: Stage, arch: string): boolean {
  const own = ARCH_WORDS[arch];
  if (!own) return false;
  const text = stage.instructions.filter((i) => i.keyword === 'RUN' || i.keyword === 'ADD' || i.keyword === 'ENV' || i.keyword === 'ARG').map((i) => i.body + i.heredocs.map((h) => h.body).join('\n')).join('\n');
  return own.test(text) && Object.entries(ARCH_WORDS).every(([a, re]) => a === arch || !re.test(text));
}
import { samePlatform } from '../../src/image/supply-chain.js';

export default defineCheck({
  id: 'tags/platform-flag',
  title: 'FROM --platform uses the build platform variables',
  category: 'tags',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3029', 'FromPlatformFlagConstDisallowed', 'DL3065', 'RedundantTargetPlatform'],
  messages: {
    builder:
      'FROM --platform={platform} runs this stage on {platform} for every target; its output is only copied, so this is right for architecture-independent files, but on other build machines it runs under emulation; use $BUILDPLATFORM to run it natively',
    constant:
      'FROM --platform={platform} pins the base to one platform, so a build for another target gets a {platform} image that fails to start or runs under emulation; use $BUILDPLATFORM or drop the flag',
    redundant: 'FROM --platform=$TARGETPLATFORM repeats the default (the target platform), so it only adds noise; drop the flag',
    imageNotAsked:
      'the image is built for {have}, not for {want} as --platform asks, so on a {want} host it fails with "exec format error" or runs slowly under emulation; build it with --platform {want}',
    indexMismatch:
      'the index lists this image for {listed}, but its config says {have}: a {listed} host that pulls it gets a {have} image, which fails with "exec format error" or runs under emulation; a FROM --platform pinned to one platform in a multi-platform build does this',
  },
  docs: {
    why: `The image a tag names depends on the platform: \`node:20\` is a list of images for amd64, arm64 and
more, and a build picks the one for its target. \`FROM --platform=linux/amd64\` overrides that, so a
build for arm64 silently ships an amd64 base: the container fails with "exec format error" or runs
slowly under emulation. Where a stage must run on the build machine (a cross-compiling build
stage), \`--platform=$BUILDPLATFORM\` says so; a stage named for its platform (\`AS build_amd64\`) is
taken as meant, and so is a stage written for that one architecture (its RUNs fetch \`arch=amd64\`
packages or a \`linux-x64\` tarball and name no other architecture): it could not be built for
another. A pinned stage that does not ship (only copied from) is info: its files may well be
architecture-independent, and \`$BUILDPLATFORM\` only avoids emulation.

\`--platform=$TARGETPLATFORM\` is what the build does anyway, so it only adds noise.

Given an image, the check compares the platform its config records with the one asked for with
\`shipshape --platform\` (an image built on an arm64 laptop and shipped to amd64 servers), and with
the one its index lists it under (a multi-platform build whose final stage pins \`FROM
--platform=linux/amd64\` lists amd64 images as arm64 ones).`,
    bad: `FROM --platform=linux/amd64 node:20-slim
COPY . /app
CMD ["node", "/app/server.js"]
`,
    good: `FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
`,
    fix: 'Only the redundant case is fixed: `FROM --platform=$TARGETPLATFORM image` loses the flag (a stage builds for the target platform anyway). A constant platform is a choice the fix cannot make.',
    related: ['tags/unknown-base'],
  },
  dockerfile: (ctx) => ({
    FROM(ins) {
      const flag = ins.flags.find((f) => f.name === 'platform');
      const platform = flag?.value;
      if (!flag || !platform) return;
      if (/^\$(TARGETPLATFORM|\{TARGETPLATFORM\})$/.test(platform)) {
        // The flag and the blank after it go: a stage builds for the target platform anyway.
        const next = ins.flags[ins.flags.indexOf(flag) + 1] ?? ins.args[0];
        const fix = next && next.range.line === flag.range.line ? safeFix('Remove --platform', [remove(span(flag, { ...next.range, endLine: next.range.line, endColumn: next.range.column }))]) : null;
        ctx.report({ messageId: 'redundant', at: flag, fix });
        return;
      }
      if (platform.includes('$')) return;
      const [os = '', arch = ''] = platform.toLowerCase().split('/');
      const name = ins.stage?.name ?? '';
      if (name && ((os && name.includes(os)) || (arch && name.includes(arch)))) return;
      const stage = ins.stage;
      if (stage && builtForOnly(stage, arch)) return;
      if (stage && !shippedStages(ctx.facts).has(stage)) ctx.report({ messageId: 'builder', data: { platform }, at: flag, severity: 'info' });
      else ctx.report({ messageId: 'constant', data: { platform }, at: flag });
    },
  }),
  image: (ctx) => {
    const have = ctx.image.platform;
    if (!have) return;
    const want = ctx.image.platformAsked;
    if (want && !samePlatform(have, want)) {
      ctx.report({ messageId: 'imageNotAsked', data: { have, want }, image: { field: 'architecture' }, detail: { platform: have, asked: want } });
      return;
    }
    const listed = ctx.image.manifest.indexPlatform;
    if (listed && !samePlatform(have, listed)) ctx.report({ messageId: 'indexMismatch', data: { have, listed }, image: { field: 'architecture' }, detail: { platform: have, listed } });
  },
});
