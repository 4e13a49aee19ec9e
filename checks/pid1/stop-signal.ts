import { defineCheck } from '../../src/engine/types.js';
import { type Launch } from '../../src/knowledge/launch.js';
import { dockerfileLaunch, dockerfileTarget } from '../../src/dockerfile/launch.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { imageTarget } from '../../src/image/launch.js';
import { launchPlace, manifestMain } from '../../src/pair/place.js';

/** Servers whose graceful stop is not SIGTERM (SIGTERM makes them drop connections at once). */
const GRACEFUL: { test: RegExp; server: string; signal: string; images: RegExp }[] = [
  { test: /^nginx$|^openresty$/, server: 'nginx', signal: 'SIGQUIT', images: /^(library\/)?(nginx|openresty\/openresty)$|^nginxinc\// },
  { test: /^php-fpm[\d.]*$/, server: 'php-fpm', signal: 'SIGQUIT', images: /^(library\/)?php$/ },
  { test: /^(httpd|apache2|apache2ctl|httpd-foreground)$/, server: 'Apache httpd', signal: 'SIGWINCH', images: /^(library\/)?httpd$/ },
];

/** Signals a process cannot catch: it gets no chance to stop cleanly. */
const UNCATCHABLE = /^(SIG)?(KILL|STOP)$|^(9|19)$/i;

function server(launch: Launch | null | undefined): (typeof GRACEFUL)[number] | null {
  const base = launch?.main?.base;
  return base ? GRACEFUL.find((g) => g.test.test(base)) ?? null : null;
}

export default defineCheck({
  id: 'pid1/stop-signal',
  title: 'The stop signal lets the main process stop gracefully',
  category: 'pid1',
  severity: 'info',
  messages: {
    uncatchable: 'STOPSIGNAL {signal} cannot be caught, so `docker stop` gives the process no chance to finish requests, flush data or release locks{what}; use SIGTERM (the default) or the graceful signal of the program',
    signal: '{server} stops gracefully on {signal}, but the stop signal is SIGTERM, on which it drops open connections at once; add `STOPSIGNAL {signal}`{origin}',
  },
  docs: {
    why: `\`docker stop\` (and Kubernetes) sends the image's stop signal, SIGTERM by default. nginx and php-fpm
treat SIGTERM as "stop now" and close open connections; their graceful stop is SIGQUIT. Apache httpd's
is SIGWINCH. \`STOPSIGNAL SIGQUIT\` lets in-flight requests finish within the grace period. The
official nginx, php (\`-fpm\`) and httpd images set it already, so an image built FROM them inherits
it; this check reports a server started as the main process with no STOPSIGNAL in the final stage
and a base image not known to set one (info).

It also reports a stop signal no process can catch (a warning): \`STOPSIGNAL SIGKILL\` (or \`9\`) kills
the process at once on every \`docker stop\`, and \`SIGSTOP\` (\`19\`) only freezes it until the grace
period ends in SIGKILL; either way nothing is flushed or closed. A STOPSIGNAL in a stage that does not
ship (a builder stage) is not reported: it does not reach the image.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx && rm -rf /var/lib/apt/lists/*
CMD ["nginx", "-g", "daemon off;"]
`,
    good: `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx && rm -rf /var/lib/apt/lists/*
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
`,
    related: ['pid1/shell-form-command'],
  },
  dockerfile: (ctx) => ({
    end() {
      // The last STOPSIGNAL of the final stage's chain is the image's.
      const last = ctx.facts.finalStage ? stageChain(ctx.facts.finalStage).flatMap((s) => s.instructions).filter((i) => i.keyword === 'STOPSIGNAL').at(-1) : undefined;
      const written = last?.body.trim() ?? '';
      if (last && UNCATCHABLE.test(written)) {
        const stop = /STOP$|^19$/i.test(written);
        ctx.report({ messageId: 'uncatchable', data: { signal: written, what: stop ? ' (SIGSTOP freezes it until the grace period ends in SIGKILL)' : '' }, at: last, severity: 'warning' });
      }
      const launch = dockerfileLaunch(ctx.facts);
      const g = server(launch);
      const final = ctx.facts.finalStage;
      if (!g || !final || !launch?.main) return;
      const chain = stageChain(final);
      if (chain.some((s) => s.instructions.some((i) => i.keyword === 'STOPSIGNAL'))) return;
      const base = chain[0]?.image;
      if (!base || base.unresolved || g.images.test(base.repository)) return;
      ctx.report({ messageId: 'signal', data: { server: g.server, signal: g.signal, origin: '' }, ...dockerfileTarget(launch.main.at) });
    },
  }),
  image: (ctx) => {
    const launch = ctx.image.launch;
    const g = server(launch);
    if (!g || !launch?.main || ctx.image.config.stopSignal) return;
    const t = imageTarget(ctx, launch.main.at);
    ctx.report({ messageId: 'signal', data: { server: g.server, signal: g.signal, origin: ` (${t.origin})` }, image: t.image, detail: { fromBase: t.fromBase } });
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const g = server(c.launch);
      const side = c.source;
      // The image's STOPSIGNAL (containerd and CRI-O send it) or the pod's lifecycle.stopSignal decides.
      if (!g || !side || !c.launch?.main || !manifestMain(c) || side.stopSignal || c.container.stopSignal || c.container.role === 'init') continue;
      if (side.base && g.images.test(side.base.repository)) continue;
      ctx.report({ messageId: 'signal', data: { server: g.server, signal: g.signal, origin: ` (${c.label}: its command starts ${g.server}, and ${side.label} sets no STOPSIGNAL; in Kubernetes 1.33+ lifecycle.stopSignal: ${g.signal} also does)` }, ...launchPlace(c, c.launch.main.at) });
    }
  },
});
