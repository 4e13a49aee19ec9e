import { defineCheck } from '../../src/engine/types.js';
import { emptyPasswords } from '../../src/image/users.js';
import { layerOrigin } from '../../src/image/origin.js';

export default defineCheck({
  id: 'security/empty-password',
  title: 'No account has an empty password',
  category: 'security',
  severity: 'warning',
  aliases: ['DKL-LI-0001'],
  messages: {
    empty:
      '{file} gives {accounts} an empty password ({origin}), so anyone with a shell in the container, as any user, becomes {who} with su and no password; lock it with passwd -l (or usermod -p \'*\')',
  },
  docs: {
    why: `An empty password field in \`/etc/shadow\` (\`root::19000:0:::::\`) is not a locked account: it is an
account that logs in with no password. In a container that means any process that gets a shell, as
an unprivileged user, becomes root with \`su\` and nothing to type, which undoes \`USER app\`.
Alpine's images shipped root this way for years (CVE-2019-5021). A locked account has \`!\` or \`*\`
there.

The check reads the final file system's \`/etc/shadow\` (and \`/etc/passwd\` entries whose password
field is empty rather than \`x\`). It reads images only.`,
    bad: `FROM alpine:3.20
RUN passwd -d root
USER 10001
`,
    good: `FROM alpine:3.20
RUN passwd -l root
USER 10001
`,
    related: ['user/root-user', 'tools/sudo'],
  },
  image: (ctx) => {
    for (const [path, passwd] of [['/etc/shadow', false], ['/etc/passwd', true]] as const) {
      const text = ctx.image.captured.get(path);
      const layer = ctx.image.files.get(path)?.layer;
      if (text === undefined || layer === undefined) continue;
      const accounts = emptyPasswords(text, passwd);
      if (!accounts.length) continue;
      const o = layerOrigin(ctx, layer);
      ctx.report({
        messageId: 'empty',
        data: { file: path, accounts: accounts.join(', '), origin: o.says, who: accounts.includes('root') ? 'root' : accounts[0]! },
        image: { path, layer },
        detail: { accounts: accounts.join(',') },
      });
    }
  },
});
