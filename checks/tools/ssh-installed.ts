import { defineCheck } from '../../src/engine/types.js';
import { findTools, toolReport } from '../../src/image/binaries.js';
import { SSH_CLIENTS, SSH_SERVERS } from '../../src/knowledge/tools.js';
import { shippedPackages, toolsLeft } from '../../src/dockerfile/tools.js';
import { isToolchainImage, sshServerIsPurpose, usedAtRuntime } from '../../src/dockerfile/runtime.js';

/** Packages whose programs use SSH as their transport: with one of them, the SSH client is the program's need. */
const SSH_TRANSPORT_PACKAGES = ['git', 'git-core', 'rsync', 'ansible', 'ansible-core', 'restic', 'borgbackup', 'borg', 'duplicity', 'mercurial', 'subversion', 'bzr', 'brz', 'sshfs', 'autossh', 'mosh'];

export default defineCheck({
  id: 'tools/ssh-installed',
  title: 'No SSH server or client in the shipped image',
  category: 'tools',
  severity: 'warning',
  messages: {
    server:
      'the final stage installs {package}, so the image carries an SSH server ({tool}): one more daemon, keys or passwords to manage, and a way in; use docker exec or kubectl exec',
    client:
      'the final stage installs {package}, so whoever gets a shell in the container can carry it to other hosts with {tool}; clone or fetch over SSH in a build stage',
    serverInImage:
      'the image has an SSH server ({tool}) at {path}, {origin}: one more daemon, keys or passwords to manage, and a way in; use docker exec or kubectl exec',
    clientInImage:
      'the image has an SSH client ({tool}) at {path}, {origin}, so whoever gets a shell in the container can carry it to other hosts',
  },
  docs: {
    why: `An SSH server in a container is a second way in beside the application, with its own keys,
passwords and CVEs, and a second long-running process that breaks the one-process model.
\`docker exec\` and \`kubectl exec\` (or \`kubectl debug\`) give a shell without it.

An SSH client is what an attacker uses to move from a broken container to the next host, or to copy
data out. Builds often need one to clone private repositories: do that in a build stage (with
\`RUN --mount=type=ssh\`) and copy the result. A client left in the final stage is reported as
info; \`allowedTools\` in the config keeps it where the application needs it (a CI agent). In an image,
\`sshd\`, \`dropbear\`, \`ssh\`, \`scp\` and \`sftp\` are found in the \`bin\` directories, with the layer
that added them.

It does not report an SSH server the image is for (it copies an \`sshd_config\` or starts \`sshd\`:
a git server's git-over-SSH, an SSH gateway), an SSH client next to a program that uses SSH as its
transport (git, rsync, Ansible, restic, borg) or that the container's scripts run, nor toolchain
and base images.`,
    bad: `FROM ubuntu:24.04
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 openssh-server \\
 && rm -rf /var/lib/apt/lists/*
COPY app.py /app/app.py
USER 10001
CMD ["python3", "/app/app.py"]
`,
    good: `FROM alpine:3.20 AS src
RUN apk add --no-cache git openssh-client
RUN --mount=type=ssh git clone git@github.com:acme/app.git /src

FROM ubuntu:24.04
COPY --from=src /src /app
USER 10001
CMD ["/app/run"]
`,
    related: ['security/expose-ssh', 'tools/network-tools'],
  },
  dockerfile: (ctx) => ({
    end() {
      const allowed = ctx.settings.allowedTools;
      if (isToolchainImage(ctx.facts)) return;
      // A git server's git-over-SSH, an SSH gateway: the server configured and started is the purpose.
      if (!sshServerIsPurpose(ctx.facts)) {
        for (const t of toolsLeft(ctx.facts, SSH_SERVERS.byPackage, allowed)) ctx.report({ messageId: 'server', data: { package: t.name, tool: t.tool }, at: t.word });
      }
      // The program reaches other hosts over SSH by design: git, rsync, Ansible, backup tools.
      const packages = shippedPackages(ctx.facts);
      if (SSH_TRANSPORT_PACKAGES.some((p) => packages.has(p)) || usedAtRuntime(ctx.facts, ['ssh', 'scp', 'sftp', 'ssh-agent', 'ssh-add', 'rsync', 'git', 'ansible', 'ansible-playbook', 'restic', 'borg'])) return;
      for (const t of toolsLeft(ctx.facts, SSH_CLIENTS.byPackage, allowed)) {
        ctx.report({ messageId: 'client', data: { package: t.name, tool: t.tool }, at: t.word, severity: 'info' });
      }
    },
  }),
  image: (ctx) => {
    const allowed = ctx.settings.allowedTools;
    for (const t of findTools(ctx.image, SSH_SERVERS.byCommand, allowed, SSH_SERVERS.order)) {
      ctx.report({ messageId: 'serverInImage', ...toolReport(ctx, t).report });
    }
    for (const t of findTools(ctx.image, SSH_CLIENTS.byCommand, allowed, SSH_CLIENTS.order)) {
      ctx.report({ messageId: 'clientInImage', ...toolReport(ctx, t).report, severity: 'info' });
    }
  },
});
