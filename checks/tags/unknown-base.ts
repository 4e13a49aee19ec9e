import { defineCheck } from '../../src/engine/types.js';
import { stageNamed } from '../../src/dockerfile/stages.js';
import type { Range } from '../../src/util/text.js';
import { expand } from '../../src/dockerfile/vars.js';
import { declaredGlobalArgs, isValidReference, nearestName } from '../../src/dockerfile/from-args.js';

export default defineCheck({
  id: 'tags/unknown-base',
  title: 'FROM variables are declared and have usable defaults',
  category: 'tags',
  severity: 'warning',
  aliases: ['UndefinedArgInFrom', 'InvalidDefaultArgInFrom'],
  messages: {
    undeclared:
      'FROM uses ${name}, which no ARG before the first FROM declares, so it is always empty and a build argument cannot set it{hint}',
    noDefault:
      'the image becomes "{resolved}" without build arguments, which names no image, so a plain docker build fails and the Dockerfile alone does not say which base ships; give {names} a default, or document that the build passes it',
  },
  docs: {
    why: `Variables in \`FROM\` come only from \`ARG\`s declared before the first \`FROM\`. A name that is not
declared there (a typo, or an ARG declared inside a stage) is always empty, whatever build arguments
are passed. A declared ARG without a default is empty unless every build passes it: \`FROM
busybox:$VERSION\` then names \`busybox:\`, and the build fails, or worse, a CI job and a laptop build
different bases. Either way the Dockerfile alone no longer says which base image ships.

Declare every variable a \`FROM\` uses before the first \`FROM\` and give it a default that names a
real image (\`ARG NODE_VERSION=20.11\`), or use \`\${VAR:-default}\`. An empty default is fine where
the image is still valid without it (\`FROM node:20\${VARIANT}\`).

An undeclared variable is a warning: no build argument can ever set it. A declared ARG without a
default is info, reported once per ARG: the build fails loudly without it, and many projects pass it
on purpose from a Makefile or CI (a matrix of bases). The platform ARGs (\`TARGETARCH\`,
\`BUILDPLATFORM\`…) are filled by BuildKit even when declared without a default, so \`ARG TARGETARCH\`
then \`FROM base-\${TARGETARCH}\` is not reported.`,
    bad: `ARG TAG
FROM busybox:\${TAG}
CMD ["sh"]
`,
    good: `ARG TAG=1.36
FROM busybox:\${TAG}
CMD ["sh"]
`,
    related: ['tags/latest-tag', 'tags/no-digest'],
  },
  dockerfile: (ctx) => {
    const declared = declaredGlobalArgs(ctx.facts);
    const checkUndeclared = (text: string, at: Range): boolean => {
      for (const name of expand(text, declared).names) {
        if (declared.has(name)) continue;
        const near = nearestName(name, declared.keys());
        ctx.report({ messageId: 'undeclared', data: { name, hint: near ? ` (did you mean ${near}?)` : '' }, at });
        return true;
      }
      return false;
    };
    const reported = new Set<string>();
    return {
      FROM(ins) {
        const platform = ins.flags.find((f) => f.name === 'platform');
        if (platform?.value) checkUndeclared(platform.value, platform.range);
        const arg = ins.args[0];
        if (!arg || !arg.value.includes('$')) return;
        if (checkUndeclared(arg.value, arg.range)) return;
        const expanded = expand(arg.value, declared);
        const names = expanded.names;
        // the frontend removes quotes from the image word: `debian:"${RELEASE}-slim"`
        const value = expanded.value.replace(/["']/g, '');
        const isStage = stageNamed(ctx.facts, value.toLowerCase()) !== undefined;
        // `…:latest-${GOARCH}` with GOARCH unset is a well-formed reference to a tag nobody publishes.
        const tag = /:([^/@]*)(@|$)/.exec(value)?.[1];
        const dangling = tag !== undefined && /^[-._]|[-._]$/.test(tag);
        if ((isValidReference(value) && !dangling) || isStage) return;
        const unset = [...new Set(names.filter((n) => declared.get(n) === null))];
        const fresh = (unset.length > 0 ? unset : names).filter((n) => !reported.has(n));
        if (fresh.length === 0) return;
        for (const n of fresh) reported.add(n);
        ctx.report({ messageId: 'noDefault', data: { resolved: value, names: fresh.join(', ') }, at: arg, severity: 'info' });
      },
    };
  },
});
