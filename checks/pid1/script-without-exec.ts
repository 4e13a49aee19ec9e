import { defineCheck } from '../../src/engine/types.js';
import { type Launch, type ShellHop } from '../../src/knowledge/launch.js';
import { dockerfileLaunch, dockerfileTarget, runByLine } from '../../src/dockerfile/launch.js';
import { imageTarget } from '../../src/image/launch.js';
import { baseSeverity } from '../../src/image/origin.js';
import { safeFix } from '../../src/fix/edits.js';
import { execPrefix } from '../../src/fix/launch-edits.js';
import { launchPlace, longRunning, manifestHop } from '../../src/pair/place.js';

/** Commands that end a script without being its program (the script is then not the long-running part). */
const NOT_A_PROGRAM = new Set(['echo', 'printf', 'true', 'false', ':', 'set', 'export', 'unset', 'cd', 'exit', 'return', 'shift', 'source', '.', 'umask', 'ulimit', 'chmod', 'chown', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'touch', 'sed', 'cat', 'test', '[', 'fi']);

function offending(launch: Launch | null | undefined): ShellHop[] {
  return (launch?.hops ?? []).filter((h) => h.kind === 'script' && h.script && !h.execs && !h.mustStay && !h.handlesSignals && h.last && h.lastWritten && !NOT_A_PROGRAM.has(h.last.base));
}

const programOf = (h: ShellHop): string => (h.passesArgs ? 'the command it is given ("$@")' : h.last!.name || 'its last command');

export default defineCheck({
  id: 'pid1/script-without-exec',
  title: 'An entrypoint script execs its final command',
  category: 'pid1',
  severity: 'warning',
  fixable: 'safe',
  messages: {
    noExec: '{script} runs {program} as its child, so the script stays PID 1 and SIGTERM never reaches the app; write `exec {written}`{runBy}',
  },
  docs: {
    why: `An entrypoint script that prepares the container and then runs the app as its last line keeps
the shell as PID 1 and the app as its child. \`docker stop\` sends SIGTERM to the shell, which does
not pass it on, so the app is killed with SIGKILL after the grace period. \`exec "$@"\` (or
\`exec node server.js\`) replaces the script with the app, which then gets the signal.

The script is read from the build context (the file the Dockerfile copies to the path ENTRYPOINT or
CMD runs) or, for an image, from the layer that holds it; the finding points at the line in the
script. A script that has to stay in front of the app (it traps signals, runs jobs in the background
or \`wait\`s) is \`pid1/no-init\`'s case.`,
    bad: `FROM alpine:3.20
COPY docker-entrypoint.sh /usr/local/bin/
USER 1000
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["/app/server"]
`,
    good: `FROM alpine:3.20
COPY entrypoint.sh /usr/local/bin/
USER 1000
ENTRYPOINT ["entrypoint.sh"]
CMD ["/app/server"]
`,
    context: {
      'docker-entrypoint.sh': '#!/bin/sh\nset -e\nmkdir -p /tmp/app\n"$@"\n',
      'entrypoint.sh': '#!/bin/sh\nset -e\nmkdir -p /tmp/app\nexec "$@"\n',
    },
    related: ['pid1/no-init', 'pid1/sh-c-without-exec'],
  },
  dockerfile: (ctx) => ({
    end() {
      for (const h of offending(dockerfileLaunch(ctx.facts))) {
        const line = runByLine(h.script!);
        const data = { script: h.script!.file, program: programOf(h), written: textOf(h), runBy: line ? ` (line ${line} runs it)` : '' };
        const file = ctx.facts.context.scripts.find((s) => s.path === h.script!.file);
        const fix = file ? safeFix(`Write exec ${data.written}`, [execPrefix(ctx.facts, h.lastWritten!, file)]) : null;
        ctx.report({ messageId: 'noExec', data, ...dockerfileTarget({ kind: 'script', script: h.script!, range: h.lastWritten!.range }), fix });
      }
    },
  }),
  image: (ctx) => {
    for (const h of offending(ctx.image.launch)) {
      const t = imageTarget(ctx, { kind: 'script', script: h.script!, range: h.lastWritten!.range });
      const run = imageTarget(ctx, h.script!.runBy);
      const data = { script: h.script!.imagePath, program: programOf(h), written: textOf(h), runBy: ` (${run.origin} runs it; the script is ${t.origin})` };
      const severity = baseSeverity(ctx, t);
      ctx.report({ messageId: 'noExec', data, image: t.image, ...(severity ? { severity } : {}), detail: { line: h.lastWritten!.range.line, entrypointFromBase: run.fromBase } });
    }
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      if (!longRunning(c)) continue;
      for (const h of offending(c.launch)) {
        if (!manifestHop(c, h)) continue;
        const place = launchPlace(c, { kind: 'script', script: h.script!, range: h.lastWritten!.range });
        const data = { script: h.script!.imagePath, program: programOf(h), written: textOf(h), runBy: ` (the ${h.at.kind === 'manifest' ? h.at.field : 'command'} of ${c.label} runs it)` };
        ctx.report({ messageId: 'noExec', data, ...place, ...(h.at.kind === 'manifest' ? { at: h.at.range } : {}) });
      }
    }
  },
});

/** The last command as written, on one line, shortened. */
function textOf(h: ShellHop): string {
  const w = h.lastWritten!;
  const words = [w.name.includes(' ') ? `"${w.name}"` : w.name, ...w.args.map((a) => a.text)].join(' ');
  const s = (w.name === '$@' || w.name === '$*' ? `"${w.name}"` : words).replace(/\s+/g, ' ');
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
