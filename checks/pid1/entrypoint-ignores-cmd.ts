import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { settingOrigin } from '../../src/image/origin.js';
import { settingPlace } from '../../src/pair/place.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
/** The script reads its arguments (`$0`, `$1`, `"$@"`), so the CMD words do reach something. */
const USES_ARGS = /\$(\{)?[0-9@*#]/;

/** `["sh", "-c", script]` with nothing after the script: the CMD words become `$0`, `$1`… of a script that ignores them. */
function closedShC(argv: readonly string[]): string | null {
  if (argv.length !== 3 || !SHELLS.has(argv[0]!.split('/').pop()!) || !/^-\w*c\w*$/.test(argv[1]!)) return null;
  return USES_ARGS.test(argv[2]!) ? null : argv[2]!;
}

export default defineCheck({
  id: 'pid1/entrypoint-ignores-cmd',
  title: 'ENTRYPOINT does not silently drop CMD',
  category: 'pid1',
  severity: 'warning',
  messages: {
    shellForm: 'ENTRYPOINT in shell form ignores CMD (line {cmdLine}): Docker runs `/bin/sh -c "…"` and the CMD words only become $0 and arguments nobody reads; use the exec form',
    shC: 'ENTRYPOINT `{shell} -c` with a script that reads no arguments ignores CMD (line {cmdLine}); end the script with `exec "$@"` and add a `$0` word, or move the command into CMD',
    image: 'Entrypoint `{shell} -c …` reads no arguments, so Cmd ({cmd}) is never run; Entrypoint {origin}',
    args: '{container}: args ({args}) go to {what}, which reads no arguments: they are never used; {fix}',
  },
  docs: {
    why: `With ENTRYPOINT in shell form (\`ENTRYPOINT /app/run --port 80\`) Docker starts
\`/bin/sh -c "/app/run --port 80"\` and appends the CMD words after the script, where they become
\`$0\`, \`$1\`… of a script that never reads them. The CMD (and \`docker run IMAGE args\`) is dropped
without a word, which usually surprises whoever wrote it. The exec form (\`ENTRYPOINT ["/app/run"]\`)
passes CMD on as arguments. The same holds for an exec-form \`["sh", "-c", "script"]\` whose script
reads no arguments. hadolint and BuildKit have no rule for this: their shell-form rules (DL3025,
JSONArgsRecommended) are \`pid1/shell-form-command\`.`,
    bad: `FROM alpine:3.20
COPY app /app/run
USER 1000
ENTRYPOINT /app/run
CMD ["--port", "8080"]
`,
    good: `FROM alpine:3.20
COPY app /app/run
USER 1000
ENTRYPOINT ["/app/run"]
CMD ["--port", "8080"]
`,
    related: ['pid1/shell-form-command'],
  },
  dockerfile: (ctx) => {
    let entrypoint: Instruction | null = null;
    let cmd: Instruction | null = null;
    return {
      stage() {
        entrypoint = null;
        cmd = null;
      },
      ENTRYPOINT(ins) {
        entrypoint = ins;
      },
      CMD(ins) {
        cmd = ins;
      },
      stageEnd() {
        if (!entrypoint || !cmd || entrypoint.nonPosixShell) return;
        const cmdLine = cmd.range.line;
        if (entrypoint.json === null && entrypoint.body !== '') ctx.report({ messageId: 'shellForm', data: { cmdLine }, at: entrypoint });
        else if (entrypoint.json && closedShC(entrypoint.json) !== null) ctx.report({ messageId: 'shC', data: { cmdLine, shell: entrypoint.json[0]! }, at: entrypoint });
      },
    };
  },
  image: (ctx) => {
    const { entrypoint, cmd } = ctx.image.config;
    if (!entrypoint || !cmd || cmd.length === 0 || closedShC(entrypoint) === null) return;
    const o = settingOrigin(ctx, 'ENTRYPOINT');
    const shown = cmd.join(' ');
    ctx.report({
      messageId: 'image',
      data: { shell: entrypoint[0]!, cmd: shown.length > 60 ? `${shown.slice(0, 59)}…` : shown, origin: o.says },
      image: { field: 'Entrypoint' },
      ...(o.dockerfile ? { dockerfile: o.dockerfile } : {}),
      detail: { fromBase: o.fromBase },
    });
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const args = c.container.args;
      if (!args || args.items.length === 0) continue;
      const shown = args.items.map((w) => w.value).join(' ');
      const data = { container: c.label, args: shown.length > 40 ? `${shown.slice(0, 39)}…` : shown };
      const command = c.container.command?.items.map((w) => w.value);
      if (command) {
        if (closedShC(command) !== null) ctx.report({ messageId: 'args', data: { ...data, what: `its command \`${command[0]} -c …\``, fix: 'put them in the command script, or end it with `exec "$@"` and pass a `$0` word' }, at: args.key });
        continue;
      }
      const ep = c.source?.entrypoint;
      if (!ep || closedShC(ep) === null) continue;
      const shellForm = ep[0] === '/bin/sh' && ep.length === 3 && (c.source!.image ? true : c.source!.dockerfile !== null);
      ctx.report({ messageId: 'args', data: { ...data, what: `the ENTRYPOINT of ${c.source!.label} (\`${ep[0]} -c …\`${shellForm ? ', the shell form' : ''})`, fix: 'set command: as well, or make the ENTRYPOINT exec form' }, ...settingPlace(c, 'entrypoint', args.key) });
    }
  },
});
