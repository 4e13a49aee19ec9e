import { defineCheck } from '../../src/engine/types.js';
import { DAEMONS, DAEMON_IMAGES, daemonOfPackage } from '../../src/knowledge/processes.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { toolsLeft } from '../../src/dockerfile/tools.js';
import { daemonBinaries } from '../../src/image/processes.js';
import { baseSeverity, layerOrigin, originDetail } from '../../src/image/origin.js';

const roleOf = (daemon: string): string => DAEMONS[daemon]?.role ?? 'server';
const describe = (daemon: string): string => `${daemon} (${roleOf(daemon)})`;

export default defineCheck({
  id: 'one-app/several-daemons',
  title: 'The final image holds servers of one role only',
  category: 'one-app',
  severity: 'warning',
  messages: {
    installed: '{package} puts {daemon} in the final stage beside {others}; run each server in its own container',
    present: '{path} ({role} {daemon}, {origin}) ships beside {others}; run each server in its own container',
  },
  docs: {
    why: `A web server, a database, a cache, cron and an SSH server installed into one image are meant to
run together in one container. They have different lifecycles: the database needs its data on a
volume and a careful shutdown, the web server scales with traffic, cron runs on one replica only. In
one container none of that can be set for one of them, a crash of one is invisible while another
keeps PID 1 alive, and every upgrade of any of them rebuilds and restarts all.

Ship each server as its own image (the official \`nginx\`, \`postgres\` and \`redis\` images exist for
this) and connect them with Compose or a pod. Two servers of the same role (nginx with a module
package) are not reported, nor are servers installed in a build stage that does not ship.`,
    bad: `FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends nginx postgresql redis-server \\
 && rm -rf /var/lib/apt/lists/*
COPY site /var/www/html
CMD ["nginx", "-g", "daemon off;"]
`,
    good: `FROM nginx:1.27-alpine
COPY site /usr/share/nginx/html
`,
    related: ['one-app/process-manager', 'one-app/background-services'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final = ctx.facts.finalStage;
      if (!final) return;
      const left = toolsLeft(ctx.facts, daemonOfPackage, ctx.settings.allowedTools);
      // A base image whose one job is a server (`FROM nginx`) counts as that server.
      const fromImage = stageChain(final)
        .map((s) => s.image && DAEMON_IMAGES[s.image.repository.replace(/^library\//, '')])
        .filter((d): d is string => typeof d === 'string');
      const roles = new Set([...left.map((t) => roleOf(t.tool)), ...fromImage.map(roleOf)]);
      if (roles.size < 2) return;
      const daemons = [
        ...fromImage.map((d) => ({ daemon: d, label: `${describe(d)} from the base image` })),
        ...left.map((t) => ({ daemon: t.tool, label: describe(t.tool) })),
      ];
      // One finding for the stage, at the first server it installs: one change (a container each) answers it.
      const t = left[0];
      if (!t) return;
      const others = [...new Set(daemons.filter((d) => roleOf(d.daemon) !== roleOf(t.tool)).map((d) => d.label))];
      // A web server in front of the FastCGI/WSGI server of the same application (nginx + php-fpm) is a
      // widespread single unit: splitting it means sharing the static files; experts disagree.
      const pair = roles.size === 2 && roles.has('web server') && roles.has('application server');
      ctx.report({ messageId: 'installed', data: { package: t.name, daemon: describe(t.tool), others: others.join(', ') }, at: t.word, ...(pair ? { severity: 'info' as const } : {}) });
    },
  }),
  image: (ctx) => {
    const img = ctx.image;
    const found = daemonBinaries(img);
    const roles = new Set(found.map((d) => roleOf(d.daemon)));
    if (roles.size < 2) return;
    for (const d of found) {
      const others = found.filter((o) => roleOf(o.daemon) !== roleOf(d.daemon)).map((o) => `${describe(o.daemon)} at ${o.path}`);
      const o = layerOrigin(ctx, d.layer);
      const severity = baseSeverity(ctx, o);
      ctx.report({
        messageId: 'present',
        data: { path: d.path, role: roleOf(d.daemon), daemon: d.daemon, origin: o.says, others: others.join(', ') },
        image: { path: d.path, layer: d.layer },
        ...(severity ? { severity } : {}),
        detail: originDetail(o),
      });
    }
  },
});
