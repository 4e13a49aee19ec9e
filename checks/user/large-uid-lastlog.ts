import { defineCheck } from '../../src/engine/types.js';
import { userCreation } from '../../src/knowledge/user-commands.js';
import { insertAfter, safeFix } from '../../src/fix/edits.js';
import { written } from '../../src/fix/dockerfile-edits.js';

export default defineCheck({
  id: 'user/large-uid-lastlog',
  title: 'useradd with a large UID passes -l',
  category: 'user',
  severity: 'warning',
  fixable: 'safe',
  aliases: ['DL3046'],
  messages: {
    lastlog:
      'useradd -u {uid} without -l reserves a lastlog and faillog entry at offset {uid}, so the layer can grow by gigabytes of zeros that the image keeps; add -l (--no-log-init)',
  },
  docs: {
    why: `\`useradd\` records every user in \`/var/log/lastlog\` and \`/var/log/faillog\`, files indexed by UID.
Creating UID 123456789 makes them sparse files hundreds of gigabytes long. The filesystem hides
that, but a layer is a tar archive and the image builder stores the zeros: the build slows to a
crawl, the layer balloons, and pushes and pulls follow (moby/moby#5419).

\`useradd -l\` (\`--no-log-init\`) skips those entries. The check looks at literal UIDs of six digits
or more.`,
    bad: `FROM debian:bookworm-slim
RUN useradd -u 1000000 -m app
USER 1000000
`,
    good: `FROM debian:bookworm-slim
RUN useradd -l -u 1000000 -m app
USER 1000000
`,
    related: ['user/unfixed-uid'],
  },
  dockerfile: (ctx) => ({
    RUN(ins) {
      for (const c of ins.shell?.commands ?? []) {
        if (c.base !== 'useradd') continue;
        const u = userCreation(c);
        if (!u?.uid || u.noLogInit || u.uidValue === null || u.uid.value.length <= 5) continue;
        const fix = written(ctx.facts, c.nameRange) === c.name ? safeFix('Add -l', [insertAfter(c.nameRange, ' -l')]) : null;
        ctx.report({ messageId: 'lastlog', data: { uid: u.uid.value }, at: u.uid, fix });
      }
    },
  }),
});
