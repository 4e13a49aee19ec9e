import { defineCheck } from '../../src/engine/types.js';

export default defineCheck({
  id: 'tags/platform-flag',
  title: 'FROM --platform uses the build platform variables',
  category: 'tags',
  severity: 'warning',
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
    related: ['tags/unknown-base'],
  },
  dockerfile: (ctx) => ({
    FROM(ins) {
      const flag = ins.flags.find((f) => f.name === 'platform');
      const platform = flag?.value;
      if (!flag || !platform) return;
      if (/^\$(TARGETPLATFORM|\{TARGETPLATFORM\})$/.test(platform)) {
        ctx.report({ messageId: 'redundant', at: flag });
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
