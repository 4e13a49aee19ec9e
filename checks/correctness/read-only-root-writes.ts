import { defineCheck } from '../../src/engine/types.js';
import { WRITE_PATHS, WRITING_COMMANDS } from '../../src/knowledge/runtime.js';
import { positionals } from '../../src/shell/shell.js';
import { under, type EffectiveContainer } from '../../src/pair/effective.js';

/** Paths that are never the image's file system in a container. */
const KERNEL = /^\/(dev|proc|sys)(\/|$)/;

/** Where the container writes at run time, with why it is known. */
function writes(c: EffectiveContainer): { path: string; why: string; sure: boolean }[] {
  const out: { path: string; why: string; sure: boolean }[] = [];
  const main = c.launch?.main;
  if (main) for (const w of WRITE_PATHS.get(main.base) ?? []) out.push({ path: w.path, why: `${main.base} ${w.sure ? 'writes' : 'may write'} ${w.what} there`, sure: w.sure });
  for (const hop of c.launch?.hops ?? []) {
    const name = hop.kind === 'script' ? (hop.script?.imagePath ?? 'its script') : `its \`${hop.shellName} -c\``;
    for (const cmd of hop.body.commands) {
      if (!WRITING_COMMANDS.has(cmd.base) || (cmd.base === 'sed' && !cmd.argv.some((a) => /^-\w*i/.test(a)))) continue;
      const pos = positionals(cmd);
      // cp, mv, ln and install write their last operand; chmod and chown take a mode or owner first; sed's first operand is its script.
      const targets = /^(cp|mv|ln|install)$/.test(cmd.base) ? pos.slice(-1) : cmd.base === 'chmod' || cmd.base === 'chown' || (cmd.base === 'sed' && !cmd.argv.includes('-e')) ? pos.slice(1) : pos;
      for (const t of targets) {
        if (t.literal && t.value.startsWith('/') && !KERNEL.test(t.value)) out.push({ path: t.value, why: `${name} runs \`${cmd.base}\` on it`, sure: !cmd.nested });
      }
    }
  }
  for (const v of c.source?.volumes ?? []) out.push({ path: v, why: `${c.source!.label} declares it a VOLUME`, sure: true });
  return out;
}

export default defineCheck({
  id: 'correctness/read-only-root-writes',
  title: 'A read-only root file system leaves the paths the image writes writable',
  category: 'correctness',
  severity: 'warning',
  messages: {
    writes:
      '{container} has readOnlyRootFilesystem: true, but {path} is on the root file system with no volume mounted there, and {why}{more}: the write fails ("Read-only file system"); mount an emptyDir at {path}',
  },
  docs: {
    why: `\`readOnlyRootFilesystem: true\` is good hardening: nothing the attacker of a process can write
survives, and nothing can be planted in the image's directories. But programs write at run time:
nginx its temp files under \`/var/cache/nginx\` and its pid file, PHP and the JVM under \`/tmp\`,
Tomcat under its \`temp\`, \`work\` and \`logs\`, entrypoint scripts render configuration with
\`envsubst\`, \`sed -i\` or \`mkdir\`. On a read-only root those writes fail and the container crashes at
start or on its first request. Every such path needs a volume (an \`emptyDir\` is enough).

Neither side shows it alone: the manifest says read-only, the image says what runs and where it
writes. This check follows the effective launch (the manifest's command over the image's
ENTRYPOINT and CMD) to the program and the scripts in front of it, and reports a path that no
writable \`volumeMount\` covers when the program is one known to write there (nginx, openresty,
php-fpm, Apache httpd, java, Tomcat's catalina.sh, gunicorn, postgres, mysqld), when a script in
the chain runs \`mkdir\`, \`touch\`, \`cp\`, \`mv\`, \`ln\`, \`tee\`, \`install\`, \`chmod\`, \`chown\`, \`rm\`
or \`sed -i\` on an absolute path, or when the image declares a VOLUME (containerd gives such a path
a volume of its own, CRI-O by default does not). Output redirections (\`> /etc/app.conf\`) are not
seen. One finding per container, naming the first path.`,
    bad: `FROM nginx:1.27-alpine
COPY site/ /usr/share/nginx/html/
`,
    good: `FROM nginx:1.27-alpine
COPY site/ /usr/share/nginx/html/
`,
    manifest: {
      bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: site
spec:
  template:
    spec:
      containers:
        - name: nginx
          image: ghcr.io/acme/site:3.1.0
          command: ["nginx", "-g", "daemon off;"]
          securityContext:
            readOnlyRootFilesystem: true
`,
      good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: site
spec:
  template:
    spec:
      containers:
        - name: nginx
          image: ghcr.io/acme/site:3.1.0
          command: ["nginx", "-g", "daemon off;"]
          securityContext:
            readOnlyRootFilesystem: true
          volumeMounts:
            - { name: cache, mountPath: /var/cache/nginx }
            - { name: run, mountPath: /var/run }
      volumes:
        - { name: cache, emptyDir: {} }
        - { name: run, emptyDir: {} }
`,
    },
    related: ['user/app-files-unreadable'],
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const ro = c.security.readOnlyRootFilesystem;
      if (ro?.value !== true) continue;
      const mounts = c.container.volumeMounts.filter((m) => !m.readOnly).map((m) => m.mountPath);
      // A sure write first; only writes some uses of the program make are info.
      const all = writes(c).sort((a, b) => Number(b.sure) - Number(a.sure));
      const open: typeof all = [];
      for (const w of all) {
        // One path each: a path under one already named needs no volume of its own.
        if (mounts.some((m) => under(w.path, m)) || open.some((o) => under(w.path, o.path))) continue;
        open.push(w);
      }
      const first = open[0];
      if (!first) continue;
      const more = open.length > 1 ? ` (and ${open.length - 1} more: ${open.slice(1, 4).map((w) => w.path).join(', ')}${open.length > 4 ? '…' : ''})` : '';
      ctx.report({ messageId: 'writes', data: { container: c.label, path: first.path, why: first.why, more }, at: ro.key, ...(first.sure ? {} : { severity: 'info' as const }), ...(c.source ? { pairedWith: c.source.place('entrypoint') } : {}) });
    }
  },
});
