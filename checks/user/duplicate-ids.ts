import { defineCheck } from '../../src/engine/types.js';
import { duplicateAccounts } from '../../src/image/users.js';
import { layerOrigin } from '../../src/image/origin.js';

export default defineCheck({
  id: 'user/duplicate-ids',
  title: 'Each user and group has its own ID and name',
  category: 'user',
  severity: 'warning',
  aliases: ['DKL-LI-0002'],
  messages: {
    sharedRoot: '{file} gives UID 0 to {names} ({origin}), so {others} is root under another name, which audits and USER checks keyed on "root" do not see; remove it or give it its own ID',
    sharedId: '{file} gives {kind} {id} to {names} ({origin}), so files and processes of one are the other\'s and ps, ls and audits name either; give each its own ID',
    twice: '{file} lists {names} twice ({origin}): lookups take the first entry and ignore the second, which the author of the later line did not mean; keep one',
  },
  docs: {
    why: `Two accounts with one UID are one account with two names: each owns the other's files, can
signal the other's processes, and \`ps\` or \`ls\` show whichever name comes first. A second UID 0 is
a root account that a check for "root" misses. A name listed twice (a \`useradd\` run again, or a
line appended to \`/etc/passwd\` by hand) takes its first entry everywhere, which is rarely what the
later line meant.

The check reads the final file system's \`/etc/passwd\` and \`/etc/group\` (images only). A shared
UID 0 is a warning; other shared IDs, which some distributions ship on purpose, are \`info\`.`,
    bad: `FROM alpine:3.20
RUN echo 'toor:x:0:0:root:/root:/bin/sh' >> /etc/passwd
USER 10001
`,
    good: `FROM alpine:3.20
RUN adduser -D -u 10001 app
USER 10001
`,
    related: ['user/root-user', 'user/unknown-user'],
  },
  image: (ctx) => {
    for (const [file, kind] of [['/etc/passwd', 'UID'], ['/etc/group', 'GID']] as const) {
      const text = ctx.image.captured.get(file);
      const layer = ctx.image.files.get(file)?.layer;
      if (text === undefined || layer === undefined) continue;
      const { ids, names } = duplicateAccounts(text);
      const origin = layerOrigin(ctx, layer).says;
      for (const d of ids) {
        const root = kind === 'UID' && d.id === 0;
        ctx.report({
          messageId: root ? 'sharedRoot' : 'sharedId',
          data: { file, kind, id: d.id, names: d.names.join(', '), others: d.names.filter((n) => n !== 'root').join(', '), origin },
          image: { path: file, layer },
          ...(root ? {} : { severity: 'info' as const }),
          detail: { id: d.id, names: d.names.join(',') },
        });
      }
      if (names.length) ctx.report({ messageId: 'twice', data: { file, names: names.join(', '), origin }, image: { path: file, layer }, detail: { names: names.join(',') } });
    }
  },
});
