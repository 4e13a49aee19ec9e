import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { insecureOption, insecureSetting } from '../../src/knowledge/insecure.js';

export default defineCheck({
  id: 'security/verification-disabled',
  title: 'TLS and signature checks stay on',
  category: 'security',
  severity: 'warning',
  aliases: [
    'CKV2_DOCKER_2', 'CKV2_DOCKER_3', 'CKV2_DOCKER_4', 'CKV2_DOCKER_5', 'CKV2_DOCKER_6', 'CKV2_DOCKER_7', 'CKV2_DOCKER_8',
    'CKV2_DOCKER_9', 'CKV2_DOCKER_10', 'CKV2_DOCKER_11', 'CKV2_DOCKER_12', 'CKV2_DOCKER_13', 'CKV2_DOCKER_14', 'CKV2_DOCKER_15', 'CKV2_DOCKER_16',
  ],
  messages: {
    option: '{command} {option} stops checking {what}, so a man-in-the-middle can put its own code into the image',
    setting: '{keyword} {name}={value} stops checking {what} for every later command{scope}, so a man-in-the-middle can put its own code into the image',
    assignment: '{name}={value} stops checking {what} for {command}, so a man-in-the-middle can put its own code into the image',
  },
  docs: {
    why: `\`curl -k\`, \`wget --no-check-certificate\`, \`pip --trusted-host\`, \`npm config set strict-ssl false\`,
\`NODE_TLS_REJECT_UNAUTHORIZED=0\` turn off TLS certificate checks; \`apk --allow-untrusted\`,
\`apt-get --allow-unauthenticated\` or \`--force-yes\`, \`dnf --nogpgcheck\` and \`rpm --nosignature\` turn
off package signatures. Whoever sits on the network path of the build (a proxy, a hijacked mirror)
can then serve any content, and it is installed as root. Such settings in \`ENV\` also stay on in every
container started from the image. Install the missing CA certificate instead (\`ca-certificates\`, or
\`COPY\` your company CA and run \`update-ca-certificates\`), and import the repository's signing key.

A warning, not an error: nothing is certain to go wrong (the build passes, and no secret ships), and
a local package the vendor does not sign (\`apk add --allow-untrusted ./vendor.apk\`) is as safe as the
checksum check of its download.`,
    bad: `FROM python:3.12-slim
RUN pip install --no-cache-dir --trusted-host pypi.internal.example -i http://pypi.internal.example/simple app==1.2.0
`,
    good: `FROM python:3.12-slim
COPY internal-ca.crt /usr/local/share/ca-certificates/
RUN update-ca-certificates \\
 && pip install --no-cache-dir --cert /etc/ssl/certs/ca-certificates.crt -i https://pypi.internal.example/simple app==1.2.0
`,
  },
  dockerfile: (ctx) => {
    const variable = (ins: Instruction): void => {
      for (const p of ins.properties) {
        const what = insecureSetting(p.name, p.value);
        const scope = ins.keyword === 'ENV' ? ' and in every container run from the image' : '';
        if (what) ctx.report({ messageId: 'setting', data: { keyword: ins.keyword, name: p.name, value: p.value ?? '', what, scope }, at: p.range });
      }
    };
    return {
      ENV: variable,
      ARG: variable,
      RUN(ins) {
        for (const cmd of ins.shell?.commands ?? []) {
          for (const a of cmd.assignments) {
            const eq = a.indexOf('=');
            const what = insecureSetting(a.slice(0, eq), a.slice(eq + 1).replace(/^["']|["']$/g, ''));
            const data = { name: a.slice(0, eq), value: a.slice(eq + 1), what: what ?? '', command: cmd.base || 'the command' };
            if (what) ctx.report({ messageId: cmd.base === 'export' ? 'setting' : 'assignment', data: { ...data, keyword: 'export', scope: ' in this RUN' }, at: cmd });
          }
          if (cmd.base === 'export') {
            for (const w of cmd.args) {
              const eq = w.value.indexOf('=');
              const what = eq > 0 ? insecureSetting(w.value.slice(0, eq), w.value.slice(eq + 1)) : null;
              if (what) ctx.report({ messageId: 'setting', data: { keyword: 'export', name: w.value.slice(0, eq), value: w.value.slice(eq + 1), what, scope: ' in this RUN' }, at: w });
            }
          }
          const hit = insecureOption(cmd);
          if (hit) ctx.report({ messageId: 'option', data: { command: cmd.base, option: hit.option, what: hit.what }, at: hit.at });
        }
      },
    };
  },
});
