import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { secretVariable } from '../../src/knowledge/secrets.js';
import { envOrigin } from '../../src/image/secrets.js';
import { baseSeverity } from '../../src/image/origin.js';

export default defineCheck({
  id: 'security/secret-in-arg-env',
  title: 'No secrets in ARG or ENV',
  category: 'security',
  severity: 'warning',
  aliases: ['DL3064', 'SecretsUsedInArgOrEnv', 'DS031', 'CIS-DI-0010'],
  messages: {
    envName: 'ENV {name} looks like a secret: it is stored in the image config, so anyone who can pull the image can read it; mount it with RUN --mount=type=secret instead',
    argName: 'ARG {name} looks like a secret: build arguments are recorded in the image history and build cache; mount it with RUN --mount=type=secret instead',
    value: '{keyword} {name} holds {kind} in plain text, so it ships in the Dockerfile and the image; revoke it and pass it with RUN --mount=type=secret',
    configValue: 'the image config sets {name}, which holds {kind} in plain text ({origin}), so anyone who can pull the image can read it; revoke it and pass it at run time',
    configName: 'the image config sets {name}, which looks like a secret ({origin}), so anyone who can pull the image can read it; pass it at run time (a secret store, an env file, a mounted secret)',
  },
  docs: {
    why: `\`ENV\` values are part of the image config: \`docker inspect\` shows them to anyone who can pull
the image, and every container inherits them. \`ARG\` values passed with \`--build-arg\` are recorded in
the image history and in the build cache. A token, password or key passed this way leaks. BuildKit's
secret mounts (\`RUN --mount=type=secret,id=…\`) expose the secret to one \`RUN\` only and leave no
trace in the image. A variable that only holds the path of a credential file is not reported.

In an image, the config's \`Env\` is checked the same way (empty values are skipped); the finding
names the history entry that set the variable, and a variable the base image set is info.`,
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
        const secret = secretVariable(p.name, p.value);
        if (secret?.by === 'value') ctx.report({ messageId: 'value', data: { keyword: ins.keyword, name: p.name, kind: secret.kind }, at: p.range });
        else if (secret) ctx.report({ messageId: ins.keyword === 'ENV' ? 'envName' : 'argName', data: { name: p.name }, at: p.range });
      }
    };
    return { ARG: visit, ENV: visit };
  },
  image: (ctx) => {
    for (const entry of ctx.image.config.env) {
      const eq = entry.indexOf('=');
      const name = eq < 0 ? entry : entry.slice(0, eq);
      const value = eq < 0 ? '' : entry.slice(eq + 1);
      const secret = value ? secretVariable(name, value) : null;
      if (!secret) continue;
      const o = envOrigin(ctx, name);
      const severity = baseSeverity(ctx, o);
      const common = { image: { field: `Env.${name}` }, ...(severity ? { severity } : {}) };
      if (secret.by === 'value') ctx.report({ messageId: 'configValue', data: { name, kind: secret.kind, origin: o.says }, ...common });
      else ctx.report({ messageId: 'configName', data: { name, origin: o.says }, ...common });
    }
  },
});
