import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Property, Stage } from '../../src/dockerfile/model.js';
import { layersShip } from '../../src/dockerfile/stages.js';
import { runCommands } from '../../src/dockerfile/run.js';
import { credentialUses, secretValueKind, secretVariable, type CredentialUse } from '../../src/knowledge/secrets.js';

const HOW: Record<CredentialUse, string> = {
  url: 'puts ${name} into a URL as its credentials',
  header: 'sends ${name} in an authorization header',
  setting: 'writes ${name} as a credential setting',
  option: 'passes ${name} as a password or token',
  named: 'uses ${name}',
};

/** Where a variable got its value: the last ARG or ENV that set it. */
interface Source {
  keyword: string;
  prop: Property;
  at: Instruction;
}

/** The ARG and ENV lines of one stage, and of the stage it is built on, as the file is visited. */
interface Scope {
  parent: Scope | null;
  own: Map<string, Source>;
}

function lookup(scope: Scope | null, name: string): Source | null {
  for (let s = scope; s; s = s.parent) {
    const found = s.own.get(name);
    if (found) return found;
  }
  return null;
}

/** Variables a RUN gives its own value: a secret mount's `env=NAME`, or a shell assignment (`TOKEN=$(cat /run/secrets/t)`). */
function setInRun(ins: Instruction): Set<string> {
  const out = new Set<string>();
  for (const f of ins.flags) if (f.name === 'mount' && f.value && /(^|,)type=secret(,|$)/.test(f.value)) for (const m of f.value.matchAll(/(?:^|,)env=([A-Za-z_]\w*)/g)) out.add(m[1]!);
  for (const m of ins.body.matchAll(/(?:^|[\s;&|(])([A-Za-z_]\w*)=/g)) out.add(m[1]!);
  for (const c of runCommands(ins)) if (c.base === 'read') for (const a of c.argv) out.add(a);
  return out;
}

export default defineCheck({
  id: 'security/secret-in-run',
  title: 'Credentials reach a RUN through a secret mount, not a build argument',
  category: 'security',
  severity: 'warning',
  messages: {
    arg: 'this RUN {how}, which comes from ARG {name} (line {line}): the value of every build argument in scope is recorded in the image history of each RUN, so anyone who pulls the image can read it; drop the ARG and add --mount=type=secret,id={id},env={name} to this RUN (build with --secret id={id},env={name})',
    argBuildOnly: 'this RUN {how}, which comes from ARG {name} (line {line}): this stage does not ship, but the value stays in its build cache and in provenance attestations; drop the ARG and add --mount=type=secret,id={id},env={name} to this RUN',
    env: 'this RUN {how}, which ENV {name} (line {line}) sets: the value is in the image config and history of the image; drop the ENV and add --mount=type=secret,id={id},env={name} to this RUN',
  },
  docs: {
    why: `A credential passed with \`--build-arg\` is not secret: BuildKit and the classic builder record
the build arguments in scope in the history entry of every \`RUN\` (\`RUN |1 NPM_TOKEN=npm_… /bin/sh -c …\`,
which \`docker history\` shows), and an \`ENV\` puts it in the image config. A secret mount
(\`RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN …\`, or read from \`/run/secrets/<id>\`) gives the
value to that one \`RUN\` and leaves no trace in the image, its history or its cache key.

This check points at the \`RUN\` that uses a build variable as a credential: in a URL's user
information (\`git clone https://$GITHUB_TOKEN@github.com/…\`, \`--index-url https://user:$PASS@…\`), in
an authorization header (\`curl -H "Authorization: Bearer $TOKEN"\`), after a credential key
(\`_authToken=\${NPM_TOKEN}\`, \`password=$PASS\`), as a password or token option (\`--password\`,
\`curl -u user:$PASS\`, \`mysql -p$PASS\`), or anywhere when the variable's name says it is a secret.
The ARG or ENV line itself is \`security/secret-in-arg-env\`'s finding when its name looks like a
secret; this finding is the RUN that changes to a secret mount, and it also catches credentials in
variables whose names do not look secret (\`ARG GH_PAT\` in a clone URL).

Not reported: a variable the RUN sets itself (\`TOKEN=$(cat /run/secrets/token)\`) or gets from a
secret mount's \`env=\`; an ENV with a literal value that is no credential (a placeholder); proxy
variables (BuildKit leaves them out of the history); \`test -n "$TOKEN"\`. In a stage that does not ship,
the finding is info: only the build cache and provenance keep the value.`,
    bad: `FROM node:20-slim
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
`,
    good: `FROM node:20-slim
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \\
    echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
`,
    related: ['security/secret-in-arg-env', 'security/literal-password'],
  },
  dockerfile: (ctx) => {
    const ends = new Map<Stage, Scope>();
    let scope: Scope | null = null;
    const define = (ins: Instruction): void => {
      if (!scope || ins.onbuild) return;
      for (const prop of ins.properties) scope.own.set(prop.name, { keyword: ins.keyword, prop, at: ins });
    };
    return {
      stage(st) {
        scope = { parent: (st.parent && ends.get(st.parent)) ?? null, own: new Map() };
      },
      stageEnd(st) {
        if (scope) ends.set(st, scope);
      },
      ARG: define,
      ENV: define,
      RUN(ins) {
        if (ins.onbuild || !ins.stage) return;
        const accept = (name: string): boolean => ins.vars.has(name) && !/_proxy$/i.test(name);
        let own: Set<string> | null = null;
        const reported = new Set<string>();
        for (const cmd of runCommands(ins)) {
          for (const use of credentialUses(cmd, accept)) {
            own ??= setInRun(ins);
            if (reported.has(use.name) || own.has(use.name)) continue;
            const src = lookup(scope, use.name);
            if (!src) continue;
            // `ENV API_KEY=changeme`: a value written out in the Dockerfile, no credential passed in.
            if (src.keyword === 'ENV' && !(src.prop.value ?? '').includes('$') && !secretValueKind(src.prop.value ?? '')) continue;
            // Named like a secret but holding none: a public key's fingerprint (`GHC_RELEASE_KEY`), a path, a flag.
            if (use.how === 'named' && !secretVariable(use.name, ins.vars.get(use.name) ?? null)) continue;
            reported.add(use.name);
            const data = { how: HOW[use.how].replace('${name}', `$${use.name}`), name: use.name, line: src.at.range.line, id: use.name.toLowerCase() };
            if (src.keyword === 'ENV') ctx.report({ messageId: 'env', data, at: use.word });
            else if (layersShip(ctx.facts, ins)) ctx.report({ messageId: 'arg', data, at: use.word });
            else ctx.report({ messageId: 'argBuildOnly', data, at: use.word, severity: 'info' });
          }
        }
      },
    };
  },
});
