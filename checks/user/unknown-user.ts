import { defineCheck } from '../../src/engine/types.js';
import { imageUser } from '../../src/image/users.js';
import { layerOrigin, originDetail, settingOrigin } from '../../src/image/origin.js';
import { NEEDS_ACCOUNT, WRITES_HOME } from '../../src/knowledge/runtime.js';
import type { EffectiveContainer } from '../../src/pair/effective.js';

export default defineCheck({
  id: 'user/unknown-user',
  title: "The image's user exists in its /etc/passwd",
  category: 'user',
  severity: 'error',
  messages: {
    missingName:
      'the image config User is {user}, {origin}, but /etc/passwd, {passwd}, has no such user: the container cannot start ("unable to find user {name}"); create it in the same build or use a UID',
    noPasswd: 'the image config User is {user}, {origin}, but the image has no /etc/passwd to resolve the name: the container cannot start; use a numeric UID',
    missingGroup: 'the image config User is {user}, {origin}, but /etc/group has no group {group}: the container cannot start; use a numeric GID',
    runAsUserHome:
      '{container} has runAsUser: {uid}, which has no entry in the /etc/passwd of {image}: it runs with HOME=/ and no user name, and {program} writes {where} under HOME, which UID {uid} cannot create in /; add the user to the image, or set HOME to a writable directory in env:',
    runAsUserName:
      '{container} has runAsUser: {uid}, which has no entry in the /etc/passwd of {image}: {what}; add the user to the image, or run as a UID it has',
    missingUid:
      'the image config User is {user}, {origin}, but /etc/passwd, {passwd}, has no entry for UID {uid}: it runs with HOME=/ and no name, which breaks tools that look the user up (whoami, ssh, git, pip --user)',
  },
  docs: {
    why: `The runtime resolves the image's user through the image's own \`/etc/passwd\` and \`/etc/group\`.
A name that is not there stops the container before it starts ("unable to find user app: no
matching entries in passwd file"), which a Dockerfile review cannot see: the account may come from
the base image, from a \`useradd\` in a build stage that was not copied, or from nowhere. A numeric
UID with no entry does start, but with \`HOME=/\` and no name, and programs that look the user up
(\`whoami\`, ssh, git, Python's \`getpass\`) fail. Create the account in the final stage (or copy
\`/etc/passwd\` from the stage that made it) and prefer a numeric \`USER\`.

This check reads images only: the config's \`User\` against the \`/etc/passwd\` and \`/etc/group\` of
the final file system. Unlike dockle, which skips its passwd checkpoints (DKL-LI-0001/0002) when the
image has no \`/etc/passwd\`, a user *name* in an image without one is reported: the runtime has
nothing to resolve it with (dockle's own \`scratch\` fixture, \`USER scratch\` on \`FROM scratch\`,
does not start).`,
    bad: `FROM busybox:1.36
COPY serve /app/serve
USER ghost
CMD ["/app/serve"]
`,
    good: `FROM busybox:1.36
RUN adduser -D -u 10001 app
COPY serve /app/serve
USER 10001
CMD ["/app/serve"]
`,
    related: ['user/named-user', 'user/root-user'],
  },
  image: (ctx) => {
    const u = ctx.image.config.user.trim() === '' ? null : imageUser(ctx.image);
    if (!u || u.raw.includes('$')) return;
    const o = settingOrigin(ctx, 'USER');
    const origin = o.found ? o.says : 'from the base image';
    const extra = { ...(o.dockerfile ? { dockerfile: o.dockerfile } : {}) };
    const passwd = ctx.image.files.get('/etc/passwd');
    const where = passwd ? layerOrigin(ctx, passwd.layer).says : 'not found';
    const detail = { ...originDetail(o), user: u.raw };
    if (!u.numeric && !u.hasPasswd) {
      ctx.report({ messageId: 'noPasswd', data: { user: u.raw, origin }, image: { field: 'User' }, detail, ...extra });
      return;
    }
    if (!u.numeric && !u.entry && u.user !== 'root') {
      ctx.report({ messageId: 'missingName', data: { user: u.raw, origin, passwd: where, name: u.user }, image: { path: '/etc/passwd', ...(passwd ? { layer: passwd.layer } : {}), field: 'User' }, detail, ...extra });
      return;
    }
    if (u.groupMissing) {
      ctx.report({ messageId: 'missingGroup', data: { user: u.raw, origin, group: u.group ?? '' }, image: { path: '/etc/group', field: 'User' }, detail, ...extra });
      return;
    }
    if (u.numeric && u.hasPasswd && !u.entry && u.uid !== 0) {
      ctx.report({ messageId: 'missingUid', severity: 'info', data: { user: u.raw, origin, passwd: where, uid: u.user }, image: { path: '/etc/passwd', ...(passwd ? { layer: passwd.layer } : {}), field: 'User' }, detail, ...extra });
    }
  },
  container: (ctx) => {
    for (const c of ctx.containers) {
      const r = c.security.runAsUser;
      const image = c.source?.image;
      if (!r || r.value === 0 || !image || c.user.hasPasswd !== true || c.user.entry) continue;
      const programs = programsOf(c);
      const needs = programs.find((p) => NEEDS_ACCOUNT.has(p));
      const data = { container: c.label, uid: r.value, image: c.source!.label };
      const pairedWith = { file: c.source!.file, path: '/etc/passwd', ...(image.files.get('/etc/passwd') ? { layer: image.files.get('/etc/passwd')!.layer } : {}) };
      if (needs) {
        ctx.report({ messageId: 'runAsUserName', data: { ...data, what: NEEDS_ACCOUNT.get(needs)! }, at: r.range, pairedWith });
        continue;
      }
      const home = programs.find((p) => WRITES_HOME.has(p));
      if (home && !c.env.has('HOME')) ctx.report({ messageId: 'runAsUserHome', severity: 'warning', data: { ...data, program: home, where: WRITES_HOME.get(home)! }, at: r.range, pairedWith });
    }
  },
});

/** The programs the container runs: its main program and the commands of the shells in front of it. */
function programsOf(c: EffectiveContainer): string[] {
  const out = new Set<string>();
  if (c.launch?.main) out.add(c.launch.main.base);
  for (const h of c.launch?.hops ?? []) for (const cmd of h.body.commands) out.add(cmd.base);
  return [...out];
}
