import { defineCheck } from '../../src/engine/types.js';
import type { Stage } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { baseRunsAsNonRoot, isRootUser } from '../../src/knowledge/users.js';
import { PROCESS_MANAGERS } from '../../src/knowledge/launch.js';
import { baseUserIsNotRoot, declaresRoot, FULLY_DROPPING_SERVERS, sshServerIsPurpose, imageKind, isWindowsImage, lastUser, ROOT_DAEMONS, runtimeWords, SELF_DROPPING_SERVERS, stepDown, unusedUser } from '../../src/dockerfile/runtime.js';
import { imageUser } from '../../src/image/users.js';
import { originDetail, settingOrigin } from '../../src/image/origin.js';
import { settingPlace } from '../../src/pair/place.js';

export default defineCheck({
  id: 'user/root-user',
  title: 'The final stage runs as a non-root user',
  category: 'user',
  severity: 'warning',
  aliases: ['DL3002', 'DS002', 'CKV_DOCKER_3', 'CKV_DOCKER_8', 'CIS-DI-0001', 'tally/user-created-but-never-used'],
  messages: {
    noUser: 'the final stage never sets USER, so the container runs as root',
    createdUnused: 'the final stage creates user {user} (line {line}) but never switches to it: no USER, no --chown, no chown and no entrypoint hand-off names it, so the container runs as root; add USER {user} (by its numeric UID) after the steps that need root',
    lastIsRoot: 'the last USER of the final stage is {user}, so the container runs as root',
    switchedBack: 'the final stage switches back to USER {user} after a non-root USER, so the container runs as root; end with the non-root USER',
    stepsDown:
      'the container starts as root and this script hands the work to {user} here; only the setup runs as root, but PID 1 is root, so Kubernetes runAsNonRoot refuses the image; where the setup can be done at build time, set USER instead',
    serverDrops:
      'the final stage never sets USER: {program} starts as root and runs its workers as an unprivileged user itself, but its master (and any setup before it) runs as root; a non-root USER with an unprivileged port avoids that',
    notAnApp:
      'the final stage never sets USER, so the container runs as root; for a {kind} image people often pass --user, but a non-root default (USER <uid>) costs nothing',
    imageNoUser: 'the image config sets no User, so the container runs as root: {origin}; add USER <uid> to the final stage',
    imageRoot: 'the image config User is {user}, so the container runs as root: {origin}',
    runAsRoot: '{container} has runAsUser: 0 ({level} level), so it runs as root{image}; set a non-zero runAsUser',
  },
  docs: {
    why: `A process that runs as root inside a container is root on the host's kernel: one escape or
misconfigured mount away from the host. Set a non-root \`USER\` in the final stage, after the steps
that need root (package installs). Kubernetes' \`runAsNonRoot\` refuses an image whose user is root.

A \`USER\` is resolved with the ARG and ENV values in force (\`ARG UID=0\` then \`USER $UID\` is root).
A USER root that follows a non-root USER is reported as switching back by mistake. When the final
stage creates a user (\`useradd\`, \`adduser\`) that nothing uses (no USER, no \`--chown\`, no \`chown\`,
\`su\` or \`runuser\` naming it, no entrypoint hand-off such as \`gosu\`), the finding says so and names
the user: the author meant the image not to run as root and forgot the USER line (tally's
\`user-created-but-never-used\`, reported here so one image gets one finding). A server that switches
to its own account (nginx, php-fpm, mysqld) uses the user it was made for, and an ENTRYPOINT script
the build context does not hold may hand over to it: those keep the plain message, as do the info
cases below (a development or tool image's user is often the IDE's or the test suite's).

What it reports at \`info\` instead: an entrypoint script that hands the work to another user
(\`exec gosu app "$@"\`, \`su-exec\`, \`setpriv --reuid\`, \`s6-setuidgid\`, \`chroot --userspec\`,
\`runuser\`, \`su app -c\`, or such a command kept in a variable): the finding points at that line,
since only the setup runs as root there; a server whose master stays root while it runs its workers
as another user (nginx, Apache httpd, php-fpm, postfix); a process manager (supervisord, s6-svscan),
which starts as root to run its services as their users (one-app/process-manager reports the manager);
a command-line tool image (an ENTRYPOINT and no EXPOSE), which people often run with \`--user\`; a
toolchain image that ends with USER root.

What it does not report: a Dockerfile with no CMD or ENTRYPOINT of its own, or whose program is a
shell, an interpreter's REPL or a build tool, with no EXPOSE (a base, language or toolchain image
leaves USER to the images built from it); Windows images (no root, no numeric users); bases known to
set a non-root user (distroless and other \`:nonroot\` tags, Chainguard, .NET chiseled, Bitnami); a
stage whose RUNs use \`sudo\` with no USER of their own (the base's user is not root); \`ENV
USER=root\`; Docker-in-Docker bases and SSH servers that are the image's purpose; servers that switch
the whole process to their own user (mosquitto, unbound, dnsmasq); Toolbx images; GitHub container
actions (their scripts read \`GITHUB_*\` variables; GitHub runs them as root).

In an image, the config's \`User\` is read: empty, \`0\`, \`root\`, \`0:0\` or a name whose
\`/etc/passwd\` UID is 0 is root. The message says whether the base image set it, this build did,
or nothing did (from the history).`,
    bad: `FROM debian:bookworm-slim
RUN useradd -u 10001 app
CMD ["/usr/local/bin/app"]
`,
    good: `FROM debian:bookworm-slim
RUN useradd -u 10001 app
USER 10001
CMD ["/usr/local/bin/app"]
`,
    related: ['user/named-user'],
  },
  dockerfile: (ctx) => ({
    end() {
      const facts = ctx.facts;
      const final: Stage | null = facts.finalStage;
      // Windows has neither root nor numeric users (ContainerUser, ContainerAdministrator).
      if (!final || isWindowsImage(facts)) return;
      const last = lastUser(facts);
      if (last && !last.root) return;
      const chain = stageChain(final);
      const labels = chain.flatMap((st) => st.instructions.filter((i) => i.keyword === 'LABEL').flatMap((i) => i.properties));
      // A Toolbx image is always started as root inside a rootless user namespace.
      if (labels.some((p) => p.name === 'com.github.containers.toolbox' && p.value === 'true')) return;
      const words = runtimeWords(facts);
      // A GitHub Docker container action must run as the default (root) user; its scripts read GITHUB_* variables.
      if ([...words].some((w) => /^GITHUB_(WORKSPACE|EVENT_PATH|TOKEN|EVENT_NAME|REPOSITORY|ACTION)$/.test(w))) return;
      const kind = imageKind(facts);
      const root = chain[0]!;
      if (!last) {
        if ((root.image && baseRunsAsNonRoot(root.image)) || baseUserIsNotRoot(facts)) return;
        // Docker-in-Docker: dockerd needs root.
        if (root.image && /(^|[-/_])dind($|[-_])/.test(`${root.image.repository}-${root.image.tag ?? ''}`)) return;
        if ((kind.program && ROOT_DAEMONS.has(kind.program)) || sshServerIsPurpose(facts)) return;
      }
      // `ENV USER=root`: the image says it runs as root on purpose (an image builder such as kaniko).
      if (!last && declaresRoot(facts)) return;
      const down = stepDown(facts);
      if (down) {
        ctx.report({ messageId: 'stepsDown', data: { user: down.user }, file: down.script.path, at: down.at, severity: 'info' });
        return;
      }
      // A process manager starts as root to run its services as their own users (one-app/process-manager reports it).
      const manager = kind.program !== null && PROCESS_MANAGERS.has(kind.program);
      const lower = kind.notAnApp !== null || manager ? { severity: 'info' as const } : {};
      if (last) {
        if (last.afterNonRoot) ctx.report({ messageId: 'switchedBack', data: { user: last.value }, at: last.ins, ...lower });
        else ctx.report({ messageId: 'lastIsRoot', data: { user: last.value }, at: last.ins, ...lower });
        return;
      }
      if (manager) {
        ctx.report({ messageId: 'noUser', at: final.from, severity: 'info' });
        return;
      }
      // mosquitto, unbound…: the server switches itself to its own user; nothing of it stays root.
      if (kind.program && FULLY_DROPPING_SERVERS.has(kind.program)) return;
      if (kind.program && SELF_DROPPING_SERVERS.has(kind.program)) {
        ctx.report({ messageId: 'serverDrops', data: { program: kind.program }, at: final.from, severity: 'info' });
        return;
      }
      // A base, toolchain or language image leaves USER to the images built from it (they install packages as root).
      if (kind.notAnApp && kind.notAnApp !== 'tool' && !kind.exposes) return;
      if (kind.notAnApp) {
        ctx.report({ messageId: 'notAnApp', data: { kind: kind.notAnApp === 'base' ? 'base' : kind.notAnApp === 'interactive' ? 'shell or interpreter' : kind.notAnApp === 'toolchain' ? 'toolchain' : 'command-line tool' }, at: final.from, severity: 'info' });
        return;
      }
      // A user made and never used: the USER line was forgotten; say so, with the user to switch to. (Not
      // for the info cases above: a development or tool image's user is often the IDE's or the test suite's.)
      const unused = unusedUser(facts);
      if (unused) ctx.report({ messageId: 'createdUnused', data: { user: unused.user, line: unused.at.range.line }, at: final.from });
      else ctx.report({ messageId: 'noUser', at: final.from });
    },
  }),
  image: (ctx) => {
    const u = imageUser(ctx.image);
    if (!u.root) return;
    const o = settingOrigin(ctx, 'USER');
    const base = o.base ? ` ${o.base}` : '';
    const origin = !o.found || u.raw === ''
      ? o.found ? o.says.replace(/^set/, 'emptied') : ctx.image.layers.some((l) => l.fromBase) || o.base ? `nothing set it, neither the base image${base} nor this build has a USER` : 'no USER in its history'
      : o.says;
    const dockerfile = o.dockerfile ? { dockerfile: o.dockerfile } : {};
    const detail = { ...originDetail(o), user: u.raw, uid: 0 };
    if (u.raw === '') ctx.report({ messageId: 'imageNoUser', data: { origin }, image: { field: 'User' }, detail, ...dockerfile });
    const shown = u.numeric || u.user === 'root' ? u.raw : `${u.raw} (UID 0 in /etc/passwd)`;
    if (u.raw !== '') ctx.report({ messageId: 'imageRoot', data: { user: shown, origin }, image: { field: 'User' }, detail, ...dockerfile });
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const r = c.security.runAsUser;
      // With runAsNonRoot the kubelet refuses it: user/run-as-non-root says so.
      if (r?.value !== 0 || c.security.runAsNonRoot?.value === true) continue;
      const user = c.source?.user;
      const image = c.source && user && user !== '' && !isRootUser(user) ? `, whatever the USER of ${c.source.label} (${user}) says` : '';
      ctx.report({ messageId: 'runAsRoot', data: { container: c.label, level: r.level, image }, ...settingPlace(c, 'user', r.range) });
    }
  },
});
