import { defineCheck } from '../../src/engine/types.js';
import { positionals, type ShellCommand } from '../../src/shell/shell.js';

const FETCHERS = new Set(['curl', 'wget', 'fetch']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php']);

/** The command runs a program it reads from stdin (`sh`, `bash -s`, `python3 -`), not one named on its command line. */
function runsStdin(cmd: ShellCommand): boolean {
  if (SHELLS.has(cmd.base)) return !cmd.argv.includes('-c') && (cmd.argv.includes('-s') || (positionals(cmd)[0]?.value ?? '-') === '-');
  if (INTERPRETERS.has(cmd.base) || /^python\d(\.\d+)?$/.test(cmd.base)) {
    if (cmd.argv.some((a) => a === '-c' || a === '-e' || a === '-m' || a === '-r')) return false;
    // `php -- --install-dir=…`: what follows `--` are the stdin script's own arguments.
    const script = cmd.argv.find((a) => a === '--' || a === '-' || !a.startsWith('-'));
    return script === undefined || script === '--' || script === '-';
  }
  return false;
}

export default defineCheck({
  id: 'security/curl-pipe-shell',
  title: 'Downloads are not piped into a shell',
  category: 'security',
  severity: 'warning',
  messages: {
    piped: '{fetcher} output is piped into {shell}, so whatever the server returns runs as root in the build, unchecked',
    substituted: '{shell} runs a script that {fetcher} downloads, so whatever the server returns runs as root in the build, unchecked',
  },
  docs: {
    why: `\`curl … | sh\` runs whatever the server sends, as root, with no checksum or signature check. A
compromised server, a hijacked domain or a truncated download (the shell runs half a script) all
change what ends up in the image, and the build cannot be reproduced. Download the script to a file,
verify its checksum (or a signature), then run it; or install the tool from a package repository.

Interpreters reading the program from stdin count as shells: \`curl … | php -- --install-dir=…\`,
\`curl … | perl -\`, \`curl … | python3 -\`. A download saved to a file and run is not reported here:
security/unverified-download looks at whether it is checked first.`,
    bad: `FROM debian:12-slim
RUN curl -fsSL https://get.example.com/install.sh | sh
`,
    good: `FROM debian:12-slim
ARG INSTALL_SHA256=2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \\
 && echo "\${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \\
 && sh /tmp/install.sh && rm /tmp/install.sh
`,
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      const cmds = ins.shell?.commands ?? [];
      cmds.forEach((cmd, k) => {
        const host = cmd.wrappedBy ?? cmd;
        if (runsStdin(cmd) && host.pipeline && host.pipeline.index > 0) {
          // Walk back through the same pipeline to the downloader.
          for (let j = cmds.indexOf(host) - 1; j >= 0; j--) {
            const c = cmds[j]!;
            if (c.nested !== host.nested || c.wrappedBy || !c.pipeline) continue;
            if (c.statement !== host.statement) break;
            if (FETCHERS.has(c.base)) {
              const at = { line: c.range.line, column: c.range.column, endLine: host.range.endLine, endColumn: host.range.endColumn };
              ctx.report({ messageId: 'piped', data: { fetcher: c.base, shell: cmd.base }, at });
              return;
            }
            if (c.pipeline.index === 0) break;
          }
        }
        if (!SHELLS.has(cmd.base)) return;
        const inner = cmds.find((c, j) => j !== k && c.nested && FETCHERS.has(c.base) && inside(c.range, cmd.range));
        if (inner) ctx.report({ messageId: 'substituted', data: { fetcher: inner.base, shell: cmd.base }, at: cmd });
      });
    },
  }),
});

function inside(a: ShellCommand['range'], b: ShellCommand['range']): boolean {
  const before = (l1: number, c1: number, l2: number, c2: number): boolean => l1 < l2 || (l1 === l2 && c1 <= c2);
  return before(b.line, b.column, a.line, a.column) && before(a.endLine, a.endColumn, b.endLine, b.endColumn);
}
