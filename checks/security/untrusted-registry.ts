import { defineCheck } from '../../src/engine/types.js';
import { stageNamed } from '../../src/dockerfile/stages.js';
import { parseImageRef } from '../../src/knowledge/image-ref.js';
import { expand } from '../../src/dockerfile/vars.js';
import type { ImageRef } from '../../src/dockerfile/model.js';
import type { Range } from '../../src/util/text.js';
import { globMatchesPrefix, type GlobToken } from '../../src/util/glob.js';

/** `registry/repository` with Docker Hub spelled out, as trusted-registry entries are written. */
function fullName(ref: ImageRef): string {
  const registry = ref.registry ?? 'docker.io';
  const repo = registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${registry}/${repo}`;
}

/** An entry (`ghcr.io/acme`, `*.example.com`, `docker.io`) covers the image when it matches its registry or a path prefix of it. */
function covers(entry: string, name: string): boolean {
  // `*` is any run of characters within one path segment; everything else is literal (no regular expression is built from the setting).
  const tokens = entry.replace(/\/+$/, '').split('*').flatMap((s, i): GlobToken[] => [...(i ? [{ t: 'star' } as const] : []), ...(s ? [{ t: 'lit', s } as const] : [])]);
  return globMatchesPrefix(tokens, name) || (entry === 'hub.docker.com' && name.startsWith('docker.io/'));
}

export default defineCheck({
  id: 'security/untrusted-registry',
  title: 'Images come from the registries the repository trusts',
  category: 'security',
  severity: 'warning',
  aliases: ['DL3026'],
  messages: {
    untrusted: '{image} comes from {registry}, which is not among the trusted registries of this repository ({trusted})',
  },
  docs: {
    why: `Every base image and every image a \`COPY --from\` reads ends up, in part, in what you ship. A
repository that lists the registries it trusts (\`trustedRegistries\` in \`.shipshape.yaml\`:
a registry such as \`ghcr.io\`, a prefix such as \`ghcr.io/acme\`, \`*\` wildcards allowed; an image
with no registry comes from \`docker.io\`) gets an error for any other source, so a typo-squatted
or personal image cannot slip in. Without that setting this check reports nothing.

A warning, not an error: the build succeeds and nothing secret ships; the default \`--fail-on warning\`
still fails CI on it.`,
    bad: `FROM randomuser/node:20
COPY --from=quay.io/someone/tools:1.0 /bin/tool /usr/local/bin/tool
RUN --mount=type=bind,from=quay.io/someone/certs:1,target=/certs cp /certs/ca.pem /etc/ssl/
`,
    good: `FROM ghcr.io/acme/node:20
COPY --from=ghcr.io/acme/tools:1.0 /bin/tool /usr/local/bin/tool
`,
    context: { '.shipshape.yaml': 'trustedRegistries: [ghcr.io/acme]\n' },
  },
  dockerfile: (ctx) => {
    const trusted = ctx.settings.trustedRegistries;
    const check = (ref: ImageRef, at: { range: Range }): void => {
      if (!trusted?.length || ref.unresolved || ref.repository === 'scratch') return;
      const name = fullName(ref);
      if (trusted.some((e) => covers(e, name))) return;
      ctx.report({ messageId: 'untrusted', data: { image: ref.resolved, registry: ref.registry ?? 'docker.io', trusted: trusted.join(', ') }, at });
    };
    /** A `--from` value that names an image rather than a stage, a stage index or a build context. */
    const image = (value: string, vars: ReadonlyMap<string, string | null>, at: { range: Range }): void => {
      if (!trusted?.length || /^\d+$/.test(value)) return;
      const v = expand(value, vars);
      if (stageNamed(ctx.facts, v.value.toLowerCase()) || !/[:/]/.test(v.value)) return;
      check(parseImageRef(value, v.value, v.unresolved), at);
    };
    return {
      stage(s) {
        if (s.image) check(s.image, s.from.args[0] ?? s.from);
      },
      COPY(ins) {
        const f = ins.flags.find((x) => x.name === 'from');
        if (f?.value) image(f.value, ins.vars, f);
      },
      RUN(ins) {
        for (const f of ins.flags) {
          const from = f.name === 'mount' && f.value ? /(?:^|,)from=([^,]+)/.exec(f.value)?.[1] : undefined;
          if (from) image(from, ins.vars, f);
        }
      },
    };
  },
});
