import { defineCheck } from '../../src/engine/types.js';
import type { Instruction } from '../../src/dockerfile/model.js';
import { secretVariable, shownName } from '../../src/knowledge/secrets.js';
import { envOrigin } from '../../src/image/secrets.js';
import { baseSeverity } from '../../src/image/origin.js';
import { layersShip } from '../../src/dockerfile/stages.js';
import { expand } from '../../src/dockerfile/vars.js';

export default defineCheck({
  id: 'security/secret-in-arg-env',
  title: 'No secrets in ARG or ENV',
  category: 'security',
  severity: 'warning',
  aliases: ['DL3064', 'SecretsUsedInArgOrEnv', 'DS031', 'CIS-DI-0010'],
  messages: {
    envName: 'ENV {name} looks like a secret: it is stored in the image config, so anyone who can pull the image can read it; mount it with RUN --mount=type=secret instead',
    argName: 'ARG {name} looks like a secret: build arguments are recorded in the image history and build cache; mount it with RUN --mount=type=secret instead',
    argBuildOnly: 'ARG {name} looks like a secret: this stage does not ship, but a value passed with --build-arg stays in its build cache and history; mount it with RUN --mount=type=secret instead',
    configTelemetry: 'the image config sets {name}, an analytics or telemetry key ({origin}); such keys are usually public by design, but check it grants nothing beyond sending events',
    telemetry: '{keyword} {name} bakes an analytics or telemetry key into the image{where}; such keys are usually public by design, but check it grants nothing beyond sending events',
    value: '{keyword} {name} holds {kind} in plain text, so it ships in the Dockerfile and the image; revoke it and pass it with RUN --mount=type=secret',
    configValue: 'the image config sets {name}, which holds {kind} in plain text ({origin}), so anyone who can pull the image can read it; revoke it and pass it at run time',
    configName: 'the image config sets {name}, which looks like a secret ({origin}), so anyone who can pull the image can read it; pass it at run time (a secret store, an env file, a mounted secret)',
  },
  docs: {
    why: `\`ENV\` values are part of the image config: \`docker inspect\` shows them to anyone who can pull
the image, and every container inherits them. \`ARG\` values passed with \`--build-arg\` are recorded in
the image history and in the build cache. A token, password or key passed this way leaks. BuildKit's
secret mounts (\`RUN --mount=type=secret,id=…\`) expose the secret to one \`RUN\` only and leave no
trace in the image.

Not reported, because nothing secret is stored: a variable that only holds the path of a credential
file; an empty \`ENV\` (\`ENV API_KEY=""\`, a placeholder filled with \`docker run -e\`); yes/no and
0/1 flags (\`APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE=1\`); a public key id or fingerprint in a variable
named only \`…KEY\` (\`GPG_KEY\`, \`*_SIGNING_KEY\`, \`*_RELEASE_KEY\` that \`gpg --recv-keys\` fetches);
settings that name a provider, method or location (\`AUTH_PROVIDERS\`, \`*_URL\`); a password in a URL
to a local database that is the user name or a placeholder (\`mysql://app:app@127.0.0.1/app\`). In a
stage that does not ship (a builder the final stage only copies files from) an \`ENV\` is not in the
image config, and an \`ARG\` with a default is a stand-in the build needs: neither is reported; an
\`ARG\` without a default there is info, since a passed value stays in that stage's build cache. Keys
of telemetry and analytics services are info: they are public by design.

In an image, the config's \`Env\` is checked the same way (empty values are skipped); the finding
names the history entry that set the variable, and a variable the base image set is info.`,
    bad: `FROM node:20-slim
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
`,
    good: `FROM node:20-slim
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
`,
    related: ['security/copied-secret-file', 'security/secret-in-run'],
  },
  dockerfile: (ctx) => {
    const visit = (ins: Instruction): void => {
      const ships = layersShip(ctx.facts, ins);
      for (const p of ins.properties) {
        // `ENV SIGNING_KEY=$SIGNING_KEY` holds what its ARG default holds, when that default is known.
        const known = p.value?.includes('$') ? expand(p.value, ins.vars) : null;
        const secret = secretVariable(p.name, known && !known.unresolved && known.value !== '' ? known.value : p.value);
        if (!secret) continue;
        if (secret.by === 'value') {
          ctx.report({ messageId: 'value', data: { keyword: ins.keyword, name: shownName(p.name), kind: secret.kind }, at: p.range });
          continue;
        }
        const given = p.value !== null && p.value !== '';
        // ENV X="" is a placeholder for `docker run -e`; a builder's ENV is not in the image config.
        if (ins.keyword === 'ENV' && (!given || !ships)) continue;
        // A builder's ARG default is a stand-in the build needs; only a value passed in can leak, into its cache.
        if (ins.keyword === 'ARG' && !ships && (given || secret.telemetry)) continue;
        if (secret.telemetry) {
          ctx.report({ messageId: 'telemetry', data: { keyword: ins.keyword, name: shownName(p.name), where: ins.keyword === 'ENV' ? ' config' : ' history' }, at: p.range, severity: 'info' });
        } else if (ins.keyword === 'ARG' && !ships) {
          ctx.report({ messageId: 'argBuildOnly', data: { name: shownName(p.name) }, at: p.range, severity: 'info' });
        } else ctx.report({ messageId: ins.keyword === 'ENV' ? 'envName' : 'argName', data: { name: shownName(p.name) }, at: p.range });
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
      else if (secret.telemetry) ctx.report({ messageId: 'configTelemetry', data: { name, origin: o.says }, ...common, severity: 'info' });
      else ctx.report({ messageId: 'configName', data: { name, origin: o.says }, ...common });
    }
  },
});
