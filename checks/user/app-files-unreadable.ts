import { defineCheck } from '../../src/engine/types.js';
import { denied, describeMode, EXECUTE, READ, type Credentials } from '../../src/image/access.js';
import { resolveCommand } from '../../src/image/processes.js';
import { parseAccounts } from '../../src/image/users.js';
import type { EffectiveContainer } from '../../src/pair/effective.js';

/** Arguments that name the app's own files: `server.js`, `/app/main.py`, `app.jar`. */
const APP_FILE = /\.(js|mjs|cjs|py|rb|php|jar|war|pl|sh|lua|ts)$/;

/** The image's own user, as the runtime resolves it (name or `uid[:gid]`), or null when it cannot. */
function imageCredentials(c: EffectiveContainer): Credentials | null {
  const image = c.source?.image;
  if (!image || c.source!.user === null) return null;
  const [name = '', group] = c.source!.user.split(':');
  const accounts = parseAccounts(image.captured.get('/etc/passwd') ?? '');
  const entry = /^\d+$/.test(name) ? accounts.find((a) => a.uid === Number(name)) : name === '' ? { uid: 0, gid: 0 } : accounts.find((a) => a.name === name);
  const uid = /^\d+$/.test(name) ? Number(name) : entry?.uid;
  if (uid === undefined) return null;
  const gid = group !== undefined && /^\d+$/.test(group) ? Number(group) : (entry?.gid ?? 0);
  return { uid, groups: new Set([gid]) };
}

export default defineCheck({
  id: 'user/app-files-unreadable',
  title: 'runAsUser and runAsGroup can still run the image’s program',
  category: 'user',
  severity: 'error',
  messages: {
    exec: '{container} runs as {who}, which may not {what} {path} ({mode}) in {image}, though the image’s own user may: the container fails to start ("permission denied"); give the files a group the pod runs with (fsGroup does not apply to the image’s files), or make them readable by others',
    read: '{container} runs as {who}, which may not {what} {path} ({mode}) in {image}, though the image’s own user may: {program} fails when it opens it; give the files a group the pod runs with, or make them readable by others',
  },
  docs: {
    why: `\`runAsUser\` and \`runAsGroup\` replace the user and group the image was built to run as. Files
the Dockerfile made private to that user (\`COPY --chown=app:app\` with mode 0750 or 0640, an
\`/app\` of 0700) are then closed to the container's own process: the runtime cannot execute the
program (\`permission denied\`, the pod goes to \`CrashLoopBackOff\`), or the program cannot open its
own code. \`fsGroup\` does not help: it changes the group of mounted volumes, not of the image's files.

This check needs the image (the archive records each file's owner and mode). When the manifest sets
\`runAsUser\` or \`runAsGroup\`, it follows the effective launch to the program and the scripts
in front of it, and to the program's arguments that name the app's files (\`server.js\`,
\`app.jar\`…), and applies the kernel's rules (owner, then group, then others, with the
\`supplementalGroups\` and \`fsGroup\` the process also gets; every directory on the way needs
search permission). It reports only what the image's own user may do and the manifest's user may
not: a file nobody can use is the image's problem. UID 0 is not checked.`,
    bad: `FROM busybox:1.36
COPY --chown=10001:10001 --chmod=750 serve /app/serve
USER 10001:10001
CMD ["/app/serve"]
`,
    good: `FROM busybox:1.36
COPY --chmod=755 serve /app/serve
USER 10001:10001
CMD ["/app/serve"]
`,
    manifest: {
      bad: `apiVersion: v1
kind: Pod
metadata:
  name: private
spec:
  securityContext:
    runAsUser: 20000
    runAsGroup: 20000
  containers:
    - name: app
      image: shipshape-sample/k8s-private:1.0.0
`,
      good: `apiVersion: v1
kind: Pod
metadata:
  name: private
spec:
  securityContext:
    runAsUser: 20000
    runAsGroup: 10001
  containers:
    - name: app
      image: shipshape-sample/k8s-private:1.0.0
`,
      image: 'k8s-private.docker',
    },
    related: ['user/unknown-user', 'user/run-as-non-root'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const image = c.source?.image;
      const s = c.security;
      if (!image || (!s.runAsUser && !s.runAsGroup) || c.user.uid === null || c.user.uid === 0) continue;
      const own = imageCredentials(c);
      const who: Credentials = { uid: c.user.uid, groups: new Set([c.user.gid ?? 0, ...s.supplementalGroups, ...(s.fsGroup ? [s.fsGroup.value] : [])]) };
      const wants: { path: string; want: number }[] = [];
      for (const hop of c.launch?.hops ?? []) if (hop.script) wants.push({ path: hop.script.imagePath, want: READ | EXECUTE });
      const main = c.launch?.main;
      if (main) {
        const hit = resolveCommand(image, main.name);
        if (hit) wants.push({ path: hit.path, want: EXECUTE });
        const dir = c.container.workingDir?.value ?? c.source!.workdir ?? '/';
        for (const a of main.argv) if (APP_FILE.test(a) && !a.startsWith('-') && !a.includes('$')) wants.push({ path: a.startsWith('/') ? a : `${dir || '/'}/${a}`, want: READ });
      }
      const at = (s.runAsGroup ?? s.runAsUser)!.range;
      for (const w of wants) {
        const no = denied(image, w.path, who, w.want);
        if (!no || (own && denied(image, w.path, own, w.want))) continue;
        const what = no.want === EXECUTE && no.entry.type === 'dir' ? 'enter' : no.want & EXECUTE ? 'execute' : 'read';
        const data = { container: c.label, who: `UID ${who.uid}, GID ${[...who.groups].join(', ')}`, what, path: no.path, mode: describeMode(no.entry), image: c.source!.label, program: main?.base ?? 'the program' };
        ctx.report({ messageId: w.want & EXECUTE ? 'exec' : 'read', data, at, pairedWith: { file: c.source!.file, path: no.path, layer: no.entry.layer }, ...(w.want & EXECUTE ? {} : { severity: 'warning' as const }) });
        break;
      }
    }
  },
});
