import { defineCheck } from '../../src/engine/types.js';
import { positionals } from '../../src/shell/shell.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { redactSecrets } from '../../src/knowledge/secrets.js';
import { baseSeverity, layerOrigin } from '../../src/image/origin.js';
import { USUAL_SETUID } from '../../src/knowledge/tools.js';

/** A chmod mode that sets the setuid or setgid bit: `4755`, `u+s`, `g=rxs`. */
function setsId(mode: string): boolean {
  if (/^[0-7]{4,5}$/.test(mode)) return (Number(mode.at(-4)) & 6) !== 0;
  return mode.split(',').some((clause) => /^[ugoa]*[+=][rwxXst]*s/.test(clause));
}

export default defineCheck({
  id: 'security/setuid-files',
  title: 'No setuid or setgid files beyond the distribution’s usual ones',
  category: 'security',
  severity: 'warning',
  aliases: ['CIS-DI-0008'],
  messages: {
    chmod: '{command} {mode} makes {path} setuid or setgid, so any user in the container runs it with raised privileges: one bug in it is a privilege escalation',
    setuid:
      '{path} is {bits} (mode {mode}), {origin}, so any user in the container runs it with raised privileges: one bug in it is a privilege escalation',
  },
  docs: {
    why: `A setuid file runs as its owner (usually root) whoever starts it, and a setgid file with its group. A
container that runs as a non-root user is only as safe as its setuid binaries: a bug in any of them,
or one that can be told to run another program, gives root back. Container runtimes can block this
with \`--security-opt no-new-privileges\`, but the image should not need it.

Distributions ship a few (\`su\`, \`passwd\`, \`mount\`, \`umount\`, \`chsh\`, \`chfn\`, \`newgrp\`,
\`gpasswd\`, \`ping\`, \`unix_chkpwd\`, \`expiry\`, \`chage\`, \`ssh-keysign\`, \`newuidmap\`,
\`newgidmap\`, \`crontab\`, \`wall\`, \`write\`, \`ssh-agent\`, \`fusermount\`…): those are not reported
(strip them with \`find / -perm /6000 -type f -exec chmod a-s {} +\` for a hardened image). Any other
regular file with the setuid or setgid bit in the image's merged file system is reported with its
path, mode and layer; \`sudo\` is left to tools/sudo. Files the base image brought are info. In a
Dockerfile, \`chmod\` modes and \`COPY --chmod\` modes that set the bits (\`4755\`, \`u+s\`, \`g+s\`)
are reported.`,
    bad: `FROM debian:bookworm-slim
COPY helper /usr/local/bin/helper
RUN chmod u+s /usr/local/bin/helper
USER 10001
`,
    good: `FROM debian:bookworm-slim
COPY --chmod=755 helper /usr/local/bin/helper
USER 10001
`,
    related: ['tools/sudo', 'user/root-user'],
  },
  dockerfile: (ctx) => {
    const copy = (ins: Instruction): void => {
      const flag = ins.flags.find((f) => f.name === 'chmod');
      if (flag?.value && setsId(flag.value)) ctx.report({ messageId: 'chmod', data: { command: `${ins.keyword} --chmod`, mode: flag.value, path: 'the copied files' }, at: flag });
    };
    return {
      COPY: copy,
      ADD: copy,
      RUN(ins) {
        for (const cmd of ins.shell?.commands ?? []) {
          if (cmd.base !== 'chmod') continue;
          const [mode, ...rest] = positionals(cmd, ['--reference']);
          if (!mode?.literal || !setsId(mode.value)) continue;
          ctx.report({ messageId: 'chmod', data: { command: 'chmod', mode: mode.value, path: rest.map((w) => w.value).join(' ') || 'the files' }, at: cmd });
        }
      },
    };
  },
  image: (ctx) => {
    for (const f of ctx.image.files.values()) {
      if (f.type !== 'file' || (f.mode & 0o6000) === 0) continue;
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);
      if (USUAL_SETUID.has(name)) continue;
      const bits = [f.mode & 0o4000 ? `setuid ${f.uid === 0 ? 'root' : `uid ${f.uid}`}` : '', f.mode & 0o2000 ? `setgid ${f.gid === 0 ? 'root' : `gid ${f.gid}`}` : ''].filter(Boolean).join(' and ');
      const o = layerOrigin(ctx, f.layer);
      const severity = baseSeverity(ctx, o);
      ctx.report({
        messageId: 'setuid',
        data: { path: f.path, bits, mode: (f.mode & 0o7777).toString(8).padStart(4, '0'), origin: redactSecrets(o.says) },
        image: { path: f.path, layer: f.layer },
        ...(severity ? { severity } : {}),
      });
    }
  },
});
