import { defineCheck } from '../../src/engine/types.js';
import { unquote } from '../../src/dockerfile/words.js';
import { settingOrigin } from '../../src/image/origin.js';

/** The kernel's file systems and the Docker socket: a volume there means the host's, mounted in. */
function sensitive(path: string): 'kernel' | 'socket' | null {
  const p = path.replace(/\/+$/, '') || '/';
  if (/^\/(proc|sys|dev)(\/|$)/.test(p)) return 'kernel';
  if (/^\/(var\/)?run\/docker\.sock$|^\/(var\/)?run\/docker$/.test(p)) return 'socket';
  return null;
}

export default defineCheck({
  id: 'security/sensitive-volume',
  title: 'No VOLUME over /proc, /sys, /dev or the Docker socket',
  category: 'security',
  severity: 'warning',
  aliases: ['DKL-DI-0002'],
  messages: {
    kernel:
      'VOLUME {path} asks for a volume where the runtime mounts the kernel\'s own {root}: a volume there hides it, and an image built to have the host\'s {root} mounted in gets control over the host; drop it and read what the container needs from its own {root}',
    socket:
      'VOLUME {path} marks the Docker socket\'s path as a volume: the image expects the host\'s Docker socket mounted there, which gives whoever controls the container root on the host; drop it, and mount the socket only where a tool must have it',
    imageKernel:
      'the image declares a volume at {path} ({origin}), where the runtime mounts the kernel\'s own {root}: a volume there hides it, and an image built to have the host\'s {root} mounted in gets control over the host',
    imageSocket:
      'the image declares a volume at {path}, the Docker socket\'s path ({origin}): it expects the host\'s Docker socket mounted there, which gives whoever controls the container root on the host',
  },
  docs: {
    why: `\`VOLUME\` names a path whose content lives outside the container's file system. Over \`/proc\`,
\`/sys\` or \`/dev\`, where the runtime mounts the kernel's own file systems, it either hides them or
says the image wants the host's mounted there, which takes the container's isolation away; over
the Docker socket (\`/var/run/docker.sock\`) it says the image wants the host's Docker daemon, which
is root on the host for whoever controls the container. Neither belongs in an image: mount such a
thing at run time, for the one container that needs it, and knowingly.

Both the Dockerfile's \`VOLUME\` and an image's config \`Volumes\` are read.`,
    bad: `FROM alpine:3.20
VOLUME /var/run/docker.sock
CMD ["sh"]
`,
    good: `FROM alpine:3.20
VOLUME /data
CMD ["sh"]
`,
    related: ['security/world-writable'],
  },
  dockerfile: (ctx) => ({
    VOLUME(ins) {
      const paths = ins.json ?? ins.args.map((a) => unquote(a.value, ctx.facts.escape));
      paths.forEach((path, i) => {
        const kind = sensitive(path);
        if (!kind) return;
        const at = ins.json ? ins : (ins.args[i] ?? ins);
        ctx.report({ messageId: kind, data: { path, root: path.split('/')[1] === 'dev' ? 'devices' : `/${path.split('/')[1]}` }, at });
      });
    },
  }),
  image: (ctx) => {
    for (const path of ctx.image.config.volumes) {
      const kind = sensitive(path);
      if (!kind) continue;
      const o = settingOrigin(ctx, 'VOLUME');
      ctx.report({
        messageId: kind === 'kernel' ? 'imageKernel' : 'imageSocket',
        data: { path, origin: o.says, root: path.split('/')[1] === 'dev' ? 'devices' : `/${path.split('/')[1]}` },
        image: { field: 'Volumes' },
        ...(o.dockerfile ? { dockerfile: o.dockerfile } : {}),
      });
    }
  },
});
