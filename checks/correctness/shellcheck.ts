import { defineCheck, type Severity } from '../../src/engine/types.js';
import type { ShellcheckLevel } from '../../src/dockerfile/model.js';

/**
 * ShellCheck's comments as shipshape's severities: a syntax error (an SC1xxx `error`: the shell
 * cannot parse the RUN, so the build fails) and a feature the shell lacks (SC3xxx, reported only
 * where the base image's `/bin/sh` is known to be dash) are warnings; everything else is info. ShellCheck's other
 * errors and warnings are about scripts fed data they do not control, and in a RUN the words are the
 * Dockerfile's own: `make -j$(nproc)` unquoted, `for p in ${LIST[@]}`, `export GNUPGHOME="$(mktemp -d)"`
 * are not what a reviewer changes (judged on the review set, docs/precision.md). A team raises the
 * codes it wants with `severity: {SC2046: warning}`.
 */
function severityOf(level: ShellcheckLevel, code: string): Severity {
  if (level === 'error' && /^SC1\d{3}$/.test(code)) return 'warning';
  // SC3xxx are reported only where the shell is known to lack the feature (dash): `[[` there is "not found".
  return /^SC3\d{3}$/.test(code) ? 'warning' : 'info';
}

export default defineCheck({
  id: 'correctness/shellcheck',
  title: 'RUN bodies and entrypoint scripts pass ShellCheck',
  category: 'correctness',
  severity: 'info',
  // Each finding is reported as shellcheck/SC2086, ShellCheck's code, as hadolint users know it.
  findingIds: /^SC\d{4}$/i,
  findingRules: { prefix: 'shellcheck', tool: 'ShellCheck', helpUri: 'https://www.shellcheck.net/wiki/{id}', shape: 'SCnnnn', example: 'SC2086' },
  needs: ['shellcheck'],
  messages: {
    comment: '{message}',
  },
  docs: {
    why: `A RUN body is a shell script, and so is an entrypoint script: the same quoting and portability
mistakes ShellCheck finds in scripts break builds and containers. When \`shellcheck\` is on the PATH
(or named with \`--shellcheck PATH\`; \`shellcheck: auto|on|off\` in the config, \`--shellcheck off\` on the
command line), shipshape gives it every shell-form RUN (ONBUILD RUN triggers too) and every entrypoint
script it reads from the build context, in one ShellCheck process per Dockerfile, and reports each of
its comments at its line and column in the Dockerfile (or the script). Each finding's rule id is
ShellCheck's code under \`shellcheck/\` (\`shellcheck/SC2086\`), as hadolint users know them, in every
format (JSON's \`rule\`, SARIF's \`ruleId\`, an editor's diagnostic code), with \`check:
correctness/shellcheck\` beside it in JSON; each links to ShellCheck's page for the code
(\`https://www.shellcheck.net/wiki/SC2086\`).

Each RUN is checked in the shell it runs in: the SHELL instruction of its stage (or of the stage it
is built on), else the base image's \`/bin/sh\` (dash on Debian and Ubuntu, so \`[[\` and \`source\` are
reported; BusyBox's ash on Alpine, whose extensions ShellCheck 0.9 cannot tell apart, so POSIX
portability warnings are not reported there; bash on the Red Hat family; POSIX sh, without portability
warnings, when the image does not say). The ARG and ENV names declared before the RUN are defined
(so \`$VERSION\` is not "referenced but not assigned"), with their values where the Dockerfile gives
them, as are BuildKit's proxy variables; an ONBUILD trigger gets only the
ENV names, since it runs in another build. Entrypoint scripts get the image's ENV names.

Severities: a syntax error (ShellCheck's SC1xxx errors: the shell cannot parse the body, so the
build fails) and a feature the shell lacks (SC3xxx, such as \`[[\` in dash, which fails with "not
found") are warnings; every other comment is info, since in a RUN the words are the
Dockerfile's own (\`\${LIST[@]}\` of package names unquoted is not what a reviewer changes). The
config sets one code's severity (\`severity: {shellcheck/SC2086: warning}\`) or all of them
(\`severity: {correctness/shellcheck: warning}\`). One code is skipped with \`ignore: [shellcheck/SC2086]\`
(or \`--ignore shellcheck/SC2086\`, or hadolint's \`ignored: [SC2086]\`), one RUN's with
\`# shipshape ignore=shellcheck/SC2086\` or \`# hadolint ignore=SC2086\` above it; everywhere a code is
named, the bare code (\`SC2086\`) works too, and \`correctness/shellcheck\` names every code.

Not reported: SC1090 and SC1091 (a \`source\` of a file ShellCheck cannot follow; a Dockerfile has no
way to point it there) and SC2187 (ash read as dash), as hadolint excludes them; ShellCheck's style notes
(\`! -z\` for \`-n\`, backticks, a useless cat), which change nothing a container does; SC2016 (a
\`$VAR\` in single quotes is how Dockerfiles and entrypoints write config files and envsubst
templates), SC2223 (\`: \${VAR:=default}\`, the entrypoint idiom), SC2119 and SC2120 (a function reading
\`"$@"\` called without arguments: wrappers such as \`popd() { command popd "$@"; }\`) and SC1010 (\`mix do deps.get,
compile\` is Elixir's \`do\`); and in RUN bodies (not in scripts) SC2086 and
SC2046, word splitting of an unquoted variable or \`$(…)\`: a RUN splits the Dockerfile's own values,
on purpose (\`apt-get install $buildDeps\`, \`make -j$(nproc)\`), and quoting them would break the
build, while an entrypoint script splits what the image's user passes; and SC2155 in RUN bodies
(\`export GNUPGHOME="$(mktemp -d)"\`, the official images' idiom). Windows Dockerfiles (a
Windows base, \`USER ContainerAdministrator\`, \`# hadolint shell=powershell\`) and bodies in a
shell ShellCheck does not read (PowerShell, zsh) are not checked. Where the base image's \`/bin/sh\`
is unknown (a private image, a variable) or is BusyBox's ash, features POSIX lacks (SC3xxx) are not
reported. Without ShellCheck installed the check reports nothing.`,
    bad: `FROM debian:bookworm-slim
RUN [[ -f /etc/os-release ]] && echo found
`,
    good: `FROM debian:bookworm-slim
RUN [ -f /etc/os-release ] && echo found
`,
    related: ['correctness/pipefail'],
  },
  dockerfile: (ctx) => ({
    end() {
      for (const c of ctx.facts.shellcheck?.comments ?? []) {
        ctx.report({ messageId: 'comment', findingId: c.code, data: { code: c.code, message: c.message.replace(/\.$/, '') }, at: c.range, ...(c.file !== null ? { file: c.file } : {}), severity: severityOf(c.level, c.code) });
      }
    },
  }),
});
