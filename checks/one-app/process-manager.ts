import { defineCheck } from '../../src/engine/types.js';
import { finalCommands } from '../../src/dockerfile/launch.js';
import type { ShellCommand, ShellScript } from '../../src/shell/shell.js';
import { commandProcessManager, innermost, processManagerOf, unwrapArgv } from '../../src/knowledge/processes.js';
import { jsonWordAt, usesS6Overlay } from '../../src/dockerfile/processes.js';
import { hasS6Overlay, imageScripts, managedPrograms, type ManagedProgram } from '../../src/image/processes.js';
import { baseSeverity, layerOrigin, originDetail, settingOrigin } from '../../src/image/origin.js';
import { launchPlace, manifestMain } from '../../src/pair/place.js';

/**
 * The process manager the last statement of a script hands over to (`exec supervisord -n`), also
 * when that statement calls one of the script's functions (`start() { exec supervisord; }; start`).
 */
function finalManager(shell: ShellScript, s6: boolean, depth = 0): { command: ShellCommand; pm: string } | null {
  const last = Math.max(-1, ...shell.commands.filter((c) => !c.wrappedBy).map((c) => c.statement));
  for (const c of shell.commands) {
    if (c.wrappedBy || c.statement !== last || c.background) continue;
    const fn = depth < 8 && !c.nested ? shell.functions?.get(c.base) : undefined;
    if (fn) return finalManager({ ...fn, functions: shell.functions ?? new Map() }, s6, depth + 1);
    const prog = innermost(c, shell.commands);
    const pm = commandProcessManager(prog, s6);
    if (pm) return { command: prog, pm };
  }
  return null;
}

export default defineCheck({
  id: 'one-app/process-manager',
  title: 'No process manager as the container command',
  category: 'one-app',
  severity: 'warning',
  messages: {
    command: '{keyword} starts the process manager {program}, which runs several programs in one container; give each program its own container',
    script: 'the entrypoint script ends by starting the process manager {program}, which runs several programs in one container; give each program its own container',
    container: 'the command of {container} starts the process manager {program}, which runs several programs in one container; give each program its own container',
    imageCommand: 'the image {field} ({origin}) starts the process manager {program}, which runs several programs in one container; give each program its own container',
    imageScript: 'the entrypoint script {path} ({origin}) ends by starting the process manager {program}; give each program its own container',
    configs: '{path} ({origin}) configures {count} programs for {manager}: {names}; each belongs in its own container',
  },
  docs: {
    why: `A container is meant to hold one application: the runtime starts it, watches it, restarts it
and stops it, and its logs, health and resources are that application's. A process manager as the
command (supervisord, s6-overlay's \`/init\`, runit's \`runsvdir\`, circus, \`pm2-runtime\` with an
ecosystem file, honcho/foreman over a Procfile, systemd) hides several programs behind one PID: the
orchestrator sees a healthy container while a program inside crash-loops, the programs cannot be
scaled, updated or given resources separately, and their logs mix in one stream.

Run each program in its own container (a Compose service, a Kubernetes container in the same pod
when they must share a network namespace). If all you need is zombie reaping and signal forwarding
for one program, use a minimal init: \`tini\`, \`dumb-init\` or \`docker run --init\`. A process
manager in a build stage that does not ship is fine.`,
    bad: `FROM python:3.12-slim
RUN pip install --no-cache-dir supervisor gunicorn celery
COPY supervisord.conf /etc/supervisord.conf
CMD ["supervisord", "-n", "-c", "/etc/supervisord.conf"]
`,
    good: `FROM python:3.12-slim
RUN pip install --no-cache-dir gunicorn
COPY . /app
WORKDIR /app
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
`,
    related: ['one-app/several-daemons', 'one-app/background-services', 'pid1/no-init'],
  },
  dockerfile: (ctx) => ({
    end() {
      const s6 = usesS6Overlay(ctx.facts);
      const { entrypoint, cmd } = finalCommands(ctx.facts);
      const commands = [entrypoint, cmd].filter((i) => i !== null);
      const started = new Set<string>();
      for (const ins of commands) {
        if (ins.shell) {
          const hit = ins.shell.commands.map((c) => ({ c, pm: commandProcessManager(c, s6) })).find((x) => x.pm && !x.c.background);
          if (hit?.pm) ctx.report({ messageId: 'command', data: { keyword: ins.keyword, program: hit.pm }, at: hit.c.nameRange });
          if (hit?.pm) started.add(hit.pm);
        } else if (ins.json) {
          const argv = unwrapArgv(ins.json);
          const pm = argv[0] === undefined ? null : processManagerOf(argv[0], argv.slice(1), s6);
          if (pm) ctx.report({ messageId: 'command', data: { keyword: ins.keyword, program: pm }, at: jsonWordAt(ins, argv[0]!) });
          if (pm) started.add(pm);
        }
      }
      for (const script of ctx.facts.context.scripts) {
        if (script.role !== 'start') continue;
        if (!script.shell || !commands.includes(script.runBy)) continue;
        const hit = finalManager(script.shell, s6);
        // The script's fallback for the manager the CMD starts anyway is the same finding.
        if (!hit || started.has(hit.pm)) continue;
        // Started in one branch of an if or case only (an opt-in mode): experts disagree whether that counts.
        ctx.report({ messageId: 'script', data: { program: hit.pm }, file: script.path, at: hit.command.nameRange, ...(hit.command.branches ? { severity: 'info' as const } : {}) });
      }
    },
  }),
  image: (ctx) => {
    const img = ctx.image;
    const s6 = hasS6Overlay(img);
    const entrypoint = img.config.entrypoint ?? [];
    const cmd = img.config.cmd ?? [];
    // The whole command line, and Cmd alone for an entrypoint that ends with `exec "$@"`.
    const lines: { field: 'Entrypoint' | 'Cmd'; argv: string[] }[] = [{ field: entrypoint.length ? 'Entrypoint' : 'Cmd', argv: [...entrypoint, ...cmd] }];
    if (entrypoint.length && cmd.length) lines.push({ field: 'Cmd', argv: cmd });
    let reported = false;
    const command = (field: 'Entrypoint' | 'Cmd', program: string): void => {
      const o = settingOrigin(ctx, field === 'Cmd' ? 'CMD' : 'ENTRYPOINT');
      const severity = baseSeverity(ctx, o);
      ctx.report({ messageId: 'imageCommand', data: { field, program, origin: o.says }, image: { field }, ...(severity ? { severity } : {}), detail: originDetail(o) });
    };
    for (const { field, argv } of lines) {
      const run = unwrapArgv(argv);
      const pm = run[0] === undefined || reported ? null : processManagerOf(run[0], run.slice(1), s6);
      if (!pm) continue;
      reported = true;
      command(field, pm);
    }
    for (const script of imageScripts(img)) {
      if (reported) break;
      const hit = finalManager(script.shell, s6);
      if (!hit) continue;
      reported = true;
      if (script.path === null || script.layer === null) command(script.field, hit.pm);
      else {
        const o = layerOrigin(ctx, script.layer);
        const severity = baseSeverity(ctx, o);
        ctx.report({ messageId: 'imageScript', data: { path: script.path, origin: o.says, program: hit.pm }, image: { path: script.path, layer: script.layer }, ...(severity ? { severity } : {}), detail: originDetail(o) });
      }
    }
    const byManager = new Map<string, ManagedProgram[]>();
    for (const p of managedPrograms(img)) byManager.set(p.manager, [...(byManager.get(p.manager) ?? []), p]);
    for (const [manager, programs] of byManager) {
      const names = [...new Set(programs.map((p) => p.name))].sort();
      if (names.length < 2) continue;
      // Point at the config the latest layer wrote: the one that made it several.
      const newest = [...programs].sort((a, b) => a.layer - b.layer || (a.path < b.path ? -1 : 1)).at(-1)!;
      const o = layerOrigin(ctx, newest.layer);
      const severity = programs.every((p) => layerOrigin(ctx, p.layer).fromBase) ? baseSeverity(ctx, o) : undefined;
      ctx.report({
        messageId: 'configs',
        data: { path: newest.path, origin: o.says, count: names.length, manager, names: names.join(', ') },
        image: { path: newest.path, layer: newest.layer },
        ...(severity ? { severity } : {}),
        detail: originDetail(o),
      });
    }
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const main = c.launch?.main;
      if (!main || !manifestMain(c) || c.container.role === 'init') continue;
      const pm = processManagerOf(main.name, main.argv, c.source?.image ? hasS6Overlay(c.source.image) : false);
      if (pm) ctx.report({ messageId: 'container', data: { container: c.label, program: pm }, ...launchPlace(c, main.at) });
    }
  },
});
