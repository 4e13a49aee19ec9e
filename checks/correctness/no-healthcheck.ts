import { defineCheck } from '../../src/engine/types.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { settingOrigin } from '../../src/image/origin.js';
import { isShellLessBase } from '../../src/knowledge/image-ref.js';
import { unpinnableBase } from '../../src/dockerfile/from-args.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { commentsByLine } from '../../src/util/comments.js';

/** Shells and REPLs: a container started with one alone waits for a person, not a probe. */
const INTERACTIVE = new Set(['bash', 'sh', 'zsh', 'ash', 'fish', 'irb', 'pry', 'python', 'python3', 'node', 'R', 'iex', 'erl', 'ghci', 'jshell', 'psql']);

export default defineCheck({
  id: 'correctness/no-healthcheck',
  title: 'A server image declares a HEALTHCHECK (or HEALTHCHECK NONE)',
  category: 'correctness',
  severity: 'info',
  aliases: ['DL3057', 'DS026', 'CKV_DOCKER_2', 'CIS-DI-0006'],
  messages: {
    missing: 'the final stage exposes {port} but has no HEALTHCHECK, so Docker and Compose report the container as running even when the server inside has stopped answering',
    imageMissing: 'the image exposes {ports} ({origin}) but its config has no Healthcheck, so Docker and Compose report the container as running even when the server inside has stopped answering',
  },
  docs: {
    why: `Docker, Compose and Swarm run an image's \`HEALTHCHECK\` to tell a container that is up from one
that is merely running: \`depends_on: condition: service_healthy\`, rolling updates and restarts
use it. Without one, a hung server looks healthy. Kubernetes ignores \`HEALTHCHECK\` (it uses its
own probes), so this is advice, reported as \`info\`; write \`HEALTHCHECK NONE\` to say the image
has none on purpose. A HEALTHCHECK in a stage the final stage is built on counts.

Only images that \`EXPOSE\` a port are reported: a server has something to probe, while an image
for a command-line tool, a batch job or a base image for others has not. (hadolint's DL3057,
Trivy's DS026 and Checkov's CKV_DOCKER_2 report every Dockerfile without one.) On an image, the
config's \`ExposedPorts\` and \`Healthcheck\` say the same (dockle's CIS-DI-0006).

Not reported either: a final image on \`scratch\`, distroless or Chainguard's \`static\` (no shell or HTTP
client to run a probe with), or on a build-argument base whose default is a stand-in (its tools are
unknown); an image whose command is an interactive shell or REPL (\`CMD ["/bin/bash"]\`: the server is
started by hand); a port whose \`EXPOSE\` a comment right above says is for tests.`,
    bad: `FROM nginx:1.27-alpine
COPY site/ /usr/share/nginx/html/
EXPOSE 80
`,
    good: `FROM nginx:1.27-alpine
COPY site/ /usr/share/nginx/html/
EXPOSE 80
HEALTHCHECK --interval=30s --timeout=3s CMD wget -q --spider http://localhost/ || exit 1
`,
    related: ['correctness/multiple-healthcheck'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final = ctx.facts.finalStage;
      if (!final) return;
      const comments = commentsByLine(ctx.facts);
      const forTests = (i: Instruction): boolean => /\btest/i.test(comments.get(i.range.line - 1) ?? '');
      const chain = stageChain(final).flatMap((s) => s.instructions);
      if (chain.some((i) => i.keyword === 'HEALTHCHECK')) return;
      // No shell, no HTTP client (scratch, distroless), or a base chosen at build time: no probe can be written here.
      const rootStage = stageChain(final)[0]!;
      const root = rootStage.image;
      if (!root || root.unresolved || isShellLessBase(root) || unpinnableBase(ctx.facts, rootStage) === 'placeholder') return;
      // An interactive shell or REPL as the command: the server is started by hand, if at all.
      const command = [...chain].reverse().find((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
      const argv = command?.json ?? command?.body.trim().split(/\s+/) ?? [];
      if (argv.length === 1 && INTERACTIVE.has(argv[0]!.split('/').pop()!)) return;
      // Only a server has something to probe: images for tools, jobs and bases are left alone.
      const expose = chain.find((i) => i.keyword === 'EXPOSE' && !forTests(i));
      if (expose) ctx.report({ messageId: 'missing', data: { port: expose.args[0]?.value ?? '' }, at: final.from.keywordRange });
    },
  }),
  image: (ctx) => {
    const { exposedPorts, healthcheck } = ctx.image.config;
    // With the Dockerfile given too, its side reports this at the FROM line.
    if (ctx.dockerfile || healthcheck || exposedPorts.length === 0) return;
    const o = settingOrigin(ctx, 'EXPOSE');
    ctx.report({ messageId: 'imageMissing', data: { ports: exposedPorts.join(', '), origin: o.says }, image: { field: 'Healthcheck' }, detail: { fromBase: o.fromBase } });
  },
});
