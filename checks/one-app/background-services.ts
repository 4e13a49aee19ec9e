import { defineCheck } from '../../src/engine/types.js';
import { finalCommands } from '../../src/dockerfile/launch.js';
import { servicesStarted, type ServiceStart } from '../../src/knowledge/processes.js';
import { imageScripts } from '../../src/image/processes.js';
import { baseSeverity, layerOrigin, originDetail, settingOrigin } from '../../src/image/origin.js';
import { launchPlace, manifestHop } from '../../src/pair/place.js';

const messageFor = (s: ServiceStart): 'service' | 'background' | 'daemon' => s.how;

/**
 * Daemons a one-shot tool needs beside it (a Docker-in-Docker daemon for a scanner, a virtual display
 * for a headless browser test): a sidecar is possible, but experts disagree, so they are info.
 */
const HELPER_DAEMONS = new Set(['dockerd', 'dockerd-entrypoint.sh', 'containerd', 'Xvfb', 'Xvnc', 'xvfb-run', 'dbus-daemon']);
const helper = (s: ServiceStart): { severity?: 'info' } => (HELPER_DAEMONS.has(s.program) ? { severity: 'info' } : {});

export default defineCheck({
  id: 'one-app/background-services',
  title: 'The command does not start services in the background',
  category: 'one-app',
  severity: 'warning',
  messages: {
    service: '{where} starts the service {program} in the background before the application; nothing restarts it if it dies and it is not stopped cleanly; run it in its own container',
    background: '{where} sends {program} to the background with & while another program runs; the container lives or dies with one of them only; run each in its own container',
    daemon: '{where} starts {program}, which forks into the background, and then runs another program; run {program} in its own container',
  },
  docs: {
    why: `\`CMD service nginx start && node server.js\`, \`/etc/init.d/cron start; exec app\`, \`nginx & node
server.js\` and \`a & b & wait\` all run several long-running programs in one container, with none
of them supervised. The runtime watches only PID 1: when the background service crashes, the
container stays up and healthy while half of it is gone; when the container stops, the background
programs get no SIGTERM forwarded and are killed. Servers that fork on their own (\`cron\`, \`nginx\`
without \`daemon off\`, \`sshd\` without \`-D\`) do the same without an \`&\`.

Run each long-running program as the single foreground process of its own container. A script
that runs one program in the background only to forward signals to it (\`"$@" & wait $!\`) runs
one program and is not reported; neither are one-shot steps before \`exec\` (migrations, config
rendering).`,
    bad: `FROM php:8.3-fpm
RUN apt-get update && apt-get install -y --no-install-recommends nginx && rm -rf /var/lib/apt/lists/*
COPY . /var/www/html
CMD service nginx start && php-fpm
`,
    good: `FROM php:8.3-fpm
COPY . /var/www/html
CMD ["php-fpm"]
`,
    related: ['one-app/process-manager', 'one-app/several-daemons', 'pid1/shell-form-command'],
  },
  dockerfile: (ctx) => ({
    end() {
      const { entrypoint, cmd } = finalCommands(ctx.facts);
      const commands = [entrypoint, cmd].filter((i) => i !== null);
      for (const ins of commands) {
        if (!ins.shell) continue;
        for (const s of servicesStarted(ins.shell)) {
          ctx.report({ messageId: messageFor(s), data: { where: ins.keyword, program: s.program }, at: s.command.nameRange, ...helper(s) });
        }
      }
      for (const script of ctx.facts.context.scripts) {
        if (script.role !== 'start') continue;
        if (!script.shell || !commands.includes(script.runBy)) continue;
        for (const s of servicesStarted(script.shell)) {
          ctx.report({ messageId: messageFor(s), data: { where: `the entrypoint script ${script.path}`, program: s.program }, file: script.path, at: s.command.nameRange, ...helper(s) });
        }
      }
    },
  }),
  image: (ctx) => {
    const img = ctx.image;
    for (const script of imageScripts(img)) {
      const o = script.layer === null ? settingOrigin(ctx, script.field === 'Cmd' ? 'CMD' : 'ENTRYPOINT') : layerOrigin(ctx, script.layer);
      const severity = baseSeverity(ctx, o);
      for (const s of servicesStarted(script.shell)) {
        const line = s.command.nameRange.line;
        const where = script.path === null ? `the image ${script.field} (${o.says})` : `the entrypoint script ${script.path} (line ${line}, ${o.says})`;
        ctx.report({
          messageId: messageFor(s),
          data: { where, program: s.program },
          image: script.path === null || script.layer === null ? { field: script.field } : { path: script.path, layer: script.layer },
          ...(severity ? { severity } : {}),
          detail: { ...originDetail(o), line },
        });
      }
    }
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      for (const hop of c.launch?.hops ?? []) {
        if (!manifestHop(c, hop) || c.container.role === 'init') continue;
        const where = hop.script ? `the script ${hop.script.imagePath} that ${c.label} runs` : `the command of ${c.label}`;
        for (const s of servicesStarted(hop.body)) {
          const at = hop.script ? { kind: 'script' as const, script: hop.script, range: s.command.nameRange } : { kind: 'manifest' as const, field: 'command' as const, range: s.command.nameRange };
          ctx.report({ messageId: messageFor(s), data: { where, program: s.program }, ...launchPlace(c, at) });
        }
      }
    }
  },
});
