import { defineCheck } from '../../src/engine/types.js';
import { isWindowsImage } from '../../src/dockerfile/runtime.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { isRootUser } from '../../src/knowledge/users.js';
import { imageUser } from '../../src/image/users.js';
import { originDetail, settingOrigin } from '../../src/image/origin.js';
import type { Arg, DockerfileFacts } from '../../src/dockerfile/model.js';
import type { KnownImage } from '../../src/engine/types.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { userCreation } from '../../src/knowledge/user-commands.js';
import { replace, safeFix } from '../../src/fix/edits.js';
import { builtImage, knownImageFor } from '../../src/fix/known.js';

export default defineCheck({
  id: 'user/named-user',
  title: 'The final USER is a numeric UID',
  category: 'user',
  severity: 'info',
  fixable: 'safe',
  aliases: ['DL3066'],
  messages: {
    named:
      'USER {user} names the user instead of its UID, so Kubernetes runAsNonRoot cannot verify the container is not root and refuses to start it; write USER {hint}',
    imageNamed:
      'the image config User is {user}, a name rather than a UID, {origin}; Kubernetes runAsNonRoot cannot verify the container is not root and refuses to start it; set User to {hint}',
  },
  docs: {
    why: `The runtime resolves a user name through the image's \`/etc/passwd\`, which the orchestrator cannot
see. Kubernetes' \`runAsNonRoot: true\` (and the restricted Pod Security Standard that requires it)
therefore refuses to start a container whose image user is a name: "image has non-numeric user
(app), cannot verify user is non-root". A numeric UID (\`USER 10001\`, or \`USER 10001:10001\`) can be
checked without the image, and does not depend on which UID the base image gave the name.

A USER whose value comes from a build argument is not reported. Only the USER the container runs
with (the last one of the final stage) matters; earlier ones only affect build steps. In an image,
the config's \`User\` is read, and the hint gives the UID the image's \`/etc/passwd\` assigns the name.

Windows images are not reported: their accounts (\`ContainerUser\`) have no numeric UID, and
Kubernetes' \`runAsNonRoot\` does not apply to Windows pods (it uses \`runAsUserName\`).`,
    bad: `FROM node:20-slim
RUN useradd -u 10001 -m app
USER app
CMD ["node", "server.js"]
`,
    good: `FROM node:20-slim
RUN useradd -u 10001 -m app
USER 10001
CMD ["node", "server.js"]
`,
    related: ['user/root-user', 'user/unfixed-uid'],
  },
  dockerfile: (ctx) => ({
    end() {
      const final = ctx.facts.finalStage;
      // Windows accounts have no numeric UID (ContainerUser), and runAsNonRoot does not apply to Windows pods.
      if (isWindowsImage(ctx.facts)) return;
      // without a FROM there is no stage, but the USER still says what the file means to run as
      const instructions = final ? stageChain(final).flatMap((s) => s.instructions) : ctx.facts.instructions;
      let last: Instruction | undefined;
      for (const i of instructions) if (i.keyword === 'USER') last = i;
      const arg = last?.args[0];
      if (!arg || arg.value.includes('$') || isRootUser(arg.value)) return;
      const [user = '', group] = arg.value.split(':');
      if (user === '' || /^\d+$/.test(user)) return;
      const hint = group === undefined ? '<uid>' : /^\d+$/.test(group) ? `<uid>:${group}` : '<uid>:<gid>';
      ctx.report({ messageId: 'named', data: { user: arg.value, hint }, at: arg, fix: uidFix(ctx.facts, ctx.settings.knownImages, instructions, arg, user, group) });
    },
  }),
  image: (ctx) => {
    const u = imageUser(ctx.image);
    if (u.raw === '' || u.numeric || u.root || u.raw.includes('$')) return;
    const o = settingOrigin(ctx, 'USER');
    const gid = u.group === null ? '' : /^\d+$/.test(u.group) ? `:${u.group}` : ':<gid>';
    const hint = u.entry ? `${u.entry.uid}${gid} (its UID in /etc/passwd)` : `<uid>${gid}`;
    ctx.report({
      messageId: 'imageNamed',
      data: { user: u.raw, origin: o.found ? o.says : 'from the base image', hint },
      image: { field: 'User' },
      detail: { ...originDetail(o), user: u.raw },
      ...(o.dockerfile ? { dockerfile: o.dockerfile } : {}),
    });
  },
});

/**
 * `USER app` -> `USER 10001`, the UID from a `useradd -u`/`adduser -u` of the stages, or from the
 * /etc/passwd of an image given in the same run (the one built from this file, or the final stage's
 * base). Without a written group the runtime still takes the primary and supplementary groups from
 * /etc/passwd and /etc/group, as it did for the name; a written group is kept, or its GID written
 * when a `groupadd -g` gives it.
 */
function uidFix(facts: DockerfileFacts, known: readonly KnownImage[] | undefined, instructions: readonly Instruction[], arg: Arg, user: string, group: string | undefined) {
  if (arg.value !== (group === undefined ? user : `${user}:${group}`)) return null;
  let uid: number | null = null;
  let gid: number | null = null;
  for (const i of instructions) {
    for (const c of runCommands(i)) {
      const u = userCreation(c);
      if (u?.user?.value === user && u.uidValue !== null) uid = u.uidValue;
      if (group !== undefined && c.base === 'groupadd' && c.argv[c.argv.length - 1] === group) {
        const g = c.argv.findIndex((a) => a === '-g' || a === '--gid');
        if (g >= 0 && /^\d+$/.test(c.argv[g + 1] ?? '')) gid = Number(c.argv[g + 1]);
      }
    }
  }
  const root = facts.finalStage ? stageChain(facts.finalStage)[0]?.image : null;
  const image = builtImage(known) ?? (root ? knownImageFor(root, known) : null);
  uid ??= image?.users.get(user)?.uid ?? null;
  if (uid === null) return null;
  const text = group === undefined ? `${uid}` : `${uid}:${gid ?? group}`;
  return safeFix(`Write USER ${text}`, [replace(arg, text)]);
}
