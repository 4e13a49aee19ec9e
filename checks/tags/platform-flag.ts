import { defineCheck } from '../../src/engine/types.js';
import { remove, safeFix, span } from '../../src/fix/edits.js';

export default defineCheck({
  id: 'tags/platform-flag',
  title: 'FROM --platform uses the build platform variables',
  category: 'tags',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3029', 'FromPlatformFlagConstDisallowed', 'DL3065', 'RedundantTargetPlatform'],
  messages: {
    constant:
      'FROM --platform={platform} pins the base to one platform, so a build for another target gets a {platform} image that fails to start or runs under emulation; use $BUILDPLATFORM or drop the flag',
    redundant: 'FROM --platform=$TARGETPLATFORM repeats the default (the target platform), so it only adds noise; drop the flag',
  },
  docs: {
    why: `The image a tag names depends on the platform: \`node:20\` is a list of images for amd64, arm64 and
more, and a build picks the one for its target. \`FROM --platform=linux/amd64\` overrides that, so a
build for arm64 silently ships an amd64 base: the container fails with "exec format error" or runs
slowly under emulation. Where a stage must run on the build machine (a cross-compiling build
stage), \`--platform=$BUILDPLATFORM\` says so; a stage named for its platform (\`AS build_amd64\`) is
taken as meant.

\`--platform=$TARGETPLATFORM\` is what the build does anyway, so it only adds noise.`,
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
      ctx.report({ messageId: 'constant', data: { platform }, at: flag });
    },
  }),
});
