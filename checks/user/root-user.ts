import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';
import { stageChain } from '../../src/dockerfile/stages.js';
import { isRootUser, baseRunsAsNonRoot } from '../../src/knowledge/users.js';
import { imageUser } from '../../src/image/users.js';
import { originDetail, settingOrigin } from '../../src/image/origin.js';

export default defineCheck({
  id: 'user/root-user',
  title: 'The final stage runs as a non-root user',
  category: 'user',
  severity: 'warning',
  aliases: ['DL3002', 'DS002'],
  messages: {
    noUser: 'the final stage never sets USER, so the container runs as root',
    lastIsRoot: 'the last USER of the final stage is {user}, so the container runs as root',
    imageNoUser: 'the image config sets no User, so the container runs as root: {origin}; add USER <uid> to the final stage',
    imageRoot: 'the image config User is {user}, so the container runs as root: {origin}',
  },
  docs: {
    why: `A process that runs as root inside a container is root on the host's kernel: one escape or
misconfigured mount away from the host. Set a non-root \`USER\` in the final stage, after the steps
that need root (package installs).

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
      const final: Stage | null = ctx.facts.finalStage;
      if (!final) return;
      let last: Instruction | undefined;
      for (const s of stageChain(final)) for (const i of s.instructions) if (i.keyword === 'USER') last = i;
      if (!last) {
        const root = stageChain(final)[0]!;
        if (root.image && baseRunsAsNonRoot(root.image)) return;
        ctx.report({ messageId: 'noUser', at: final.from });
        return;
      }
      const user = last.args[0]?.value ?? '';
      if (isRootUser(user)) ctx.report({ messageId: 'lastIsRoot', data: { user }, at: last });
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
});
