import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { isPathValue, isSecretName, secretValueKind } from '../../src/dockerfile/secrets.js';

export default defineCheck({
  id: 'security/secret-in-arg-env',
  title: 'No secrets in ARG or ENV',
  category: 'security',
  severity: 'warning',
  aliases: ['DL3064', 'SecretsUsedInArgOrEnv', 'DS031'],
  messages: {
    envName: 'ENV {name} looks like a secret: it is stored in the image config, so anyone who can pull the image can read it; mount it with RUN --mount=type=secret instead',
    argName: 'ARG {name} looks like a secret: build arguments are recorded in the image history and build cache; mount it with RUN --mount=type=secret instead',
    value: '{keyword} {name} holds {kind} in plain text, so it ships in the Dockerfile and the image; revoke it and pass it with RUN --mount=type=secret',
  },
  docs: {
    why: `\`ENV\` values are part of the image config: \`docker inspect\` shows them to anyone who can pull
the image, and every container inherits them. \`ARG\` values passed with \`--build-arg\` are recorded in
the image history and in the build cache. A token, password or key passed this way leaks. BuildKit's
secret mounts (\`RUN --mount=type=secret,id=…\`) expose the secret to one \`RUN\` only and leave no
trace in the image. A variable that only holds the path of a credential file is not reported.`,
    bad: `FROM node:20-slim
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
`,
    good: `FROM node:20-slim
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
`,
    related: ['security/copied-secret-file'],
  },
  dockerfile: (ctx) => {
    const visit = (ins: Instruction): void => {
      for (const p of ins.properties) {
        const kind = p.value ? secretValueKind(p.value) : null;
        if (kind) {
          ctx.report({ messageId: 'value', data: { keyword: ins.keyword, name: p.name, kind }, at: p.range });
          continue;
        }
        // A path names where the secret is; yes/no flags (`ALLOW_EMPTY_PASSWORD=no`) hold none.
        if (!isSecretName(p.name) || (p.value !== null && (isPathValue(p.value) || /^(yes|no|true|false|on|off)$/i.test(p.value)))) continue;
        ctx.report({ messageId: ins.keyword === 'ENV' ? 'envName' : 'argName', data: { name: p.name }, at: p.range });
      }
    };
    return { ARG: visit, ENV: visit };
  },
});
