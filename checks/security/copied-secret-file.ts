import { defineCheck } from '../../src/engine/types.js';
import type { Instruction, Stage } from '../../src/dockerfile/model.js';
import { unquote } from '../../src/dockerfile/words.js';
import { CREDENTIAL_FILE_VARS, redactSecrets, secretFileKind, secretInFile, secretNameStrength } from '../../src/knowledge/secrets.js';
import { baseSeverity, layerOrigin } from '../../src/image/origin.js';
import { layersShip } from '../../src/dockerfile/stages.js';

/** Without a WORKDIR a relative path starts at `/`, so `./app/x` and `/app/x` are compared as `app/x`. */
const norm = (p: string): string => p.replace(/^\.?\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');

export default defineCheck({
  id: 'security/copied-secret-file',
  title: 'No keys or credential files copied into the image',
  category: 'security',
  severity: 'error',
  aliases: ['DS031', 'CIS-DI-0010'],
  messages: {
    secretFile: '{keyword} copies {path}, which {what}, into a layer: the image keeps it even if a later RUN deletes it; mount it with RUN --mount=type=secret (or type=ssh) instead',
    secretFileBuild: '{keyword} copies {path}, which {what}, into a stage that does not ship: it stays in that stage\'s build cache (and any cache exported from it); mount it with RUN --mount=type=secret instead',
    notChecked: '{keyword} copies {path}, named like {kind}; it is not in the build context, so its content was not checked: if the build writes a credential there (echo "$TOKEN" > .npmrc), it ships in this layer; mount it with RUN --mount=type=secret instead',
    fromStage: '{keyword} copies {path}, named like {kind}, from {from}: if it holds a credential, it ships in this layer; mount it with RUN --mount=type=secret in the stage that needs it instead',
    toCredentialVar: '{keyword} writes to ${name}, where credentials are read from, so the credential ships in the image',
    credentialPath: '{name} points at {path}, which the COPY on line {line} put into the image, so the credential ships with it',
    inImage: '{path} {what}, {origin}, so anyone who can pull the image can read it; revoke it and mount it with RUN --mount=type=secret instead',
    deletedInImage:
      '{path} {what}, {origin}; layer {hiddenBy} {how} it, but it still ships in layer {layer}, so anyone who can pull the image can read it; revoke it and mount it with RUN --mount=type=secret instead',
  },
  docs: {
    why: `Whatever \`COPY\` or \`ADD\` puts into a layer stays in the image: a later \`RUN rm\` only hides it in
a newer layer, and \`docker save\` or any registry pull gets it back. SSH keys copied to clone private
repositories, \`.npmrc\` or \`.pypirc\` files with tokens, \`.env\` files and cloud credentials are the
usual leaks.

The file is read from the build context, and its content decides: a \`.pem\` only with a
\`PRIVATE KEY\` block (certificates and DH parameters are public), an \`.npmrc\` only with a token or
password, an \`.env\` only when a secret-named variable in it has a value, a \`.docker\` directory only
when it holds a \`config.json\` with credentials (many projects keep their Docker assets in a folder of
that name). A confirmed credential in a stage that ships is an error; in a stage that does not ship
(a builder the final stage only copies files from) it is info, since it stays in the build cache
only. A file named like a credential that is not in the context cannot be confirmed: a strongly
named one (\`id_rsa\`, \`.npmrc\`, \`.git-credentials\`, a keystore) is a warning saying it was not
checked, an ambiguous one (\`*.pem\`, a directory) is not reported. A copy from another stage is a
warning for strongly named files only (a \`mkdir\`'d \`.docker\` directory is not a credential). BuildKit mounts them for one \`RUN\` without writing them to a layer:
\`RUN --mount=type=ssh\` for SSH, \`RUN --mount=type=secret,id=…,target=…\` for files.

In an image, every layer is searched, including files a later layer deleted or replaced: they still
ship in their layer, and the finding says which layer hid them. Reported are private keys, \`.env\`
files, credential files (\`.aws/credentials\`, \`.docker/config.json\` with \`auths\`, \`.npmrc\` with
an \`_authToken\`, \`.git-credentials\`, \`.netrc\`, \`.pypirc\`, keystores) and tokens (AWS \`AKIA…\`,
GitHub \`ghp_…\`, Slack \`xox…\`, private keys, passwords in URLs) in small configuration files and
scripts. Only the first 4 KiB of a file is read, and the heads of at most 2 MiB of small configuration
files and 4 MiB of files named like secrets in all: past that, a note says how many files the scan
did not see. Secrets in the base image's layers are info.`,
    bad: `FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci && rm .npmrc
`,
    good: `FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
`,
    related: ['security/secret-in-arg-env'],
  },
  dockerfile: (ctx) => {
    const destinations = new Map<Stage | null, { dest: string; line: number }[]>();
    const copy = (ins: Instruction): void => {
      const paths = ins.json ?? ins.args.map((a) => unquote(a.value, ctx.facts.escape));
      if (paths.length < 2 || ins.heredocs.length) return;
      const dest = paths[paths.length - 1]!;
      const v = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(dest);
      if (v && CREDENTIAL_FILE_VARS.has(v[1]!)) {
        ctx.report({ messageId: 'toCredentialVar', data: { keyword: ins.keyword, name: v[1]! }, at: ins.args[ins.args.length - 1] ?? ins });
      }
      const ships = layersShip(ctx.facts, ins);
      // Copied to a public key's name (`/war/jenkins-key.pub`, a keyring): what it holds is public.
      if (/\.(pub|asc|gpg)$|keyring|trusted\.gpg/i.test(dest)) return;
      const from = ins.flags.find((f) => f.name === 'from')?.value ?? null;
      const read = ctx.facts.context.root !== null ? ctx.facts.context.copiedSecrets.get(ins) ?? [] : null;
      let reported = false;
      paths.slice(0, -1).forEach((src, i) => {
        const kind = /^[a-z]+:\/\//i.test(src) ? null : secretFileKind(src);
        if (!kind) return;
        const at = (ins.json ? undefined : ins.args[i]) ?? ins;
        const data = { keyword: ins.keyword, path: src, kind };
        const strong = secretNameStrength(src) === 'strong';
        if (from !== null) {
          if (!strong || !ships) return;
          reported = true;
          ctx.report({ messageId: 'fromStage', data: { ...data, from: /^\d+$/.test(from) || ctx.facts.stages.some((st) => st.name === from.toLowerCase()) ? `stage ${from}` : from }, at, severity: 'warning' });
          return;
        }
        const seen = read?.find((r) => r.index === i);
        if (seen?.state === 'clean') return;
        if (seen?.state === 'secret') {
          const what = seen.file && seen.file !== src.replace(/^\.?\/+/, '').replace(/\/+$/, '') ? `holds ${seen.file}, which ${seen.what}` : seen.what!;
          reported = true;
          if (ships) ctx.report({ messageId: 'secretFile', data: { ...data, what }, at });
          else ctx.report({ messageId: 'secretFileBuild', data: { ...data, what }, at, severity: 'info' });
          return;
        }
        // Not in the context (or no context): the name alone decides, and it cannot be certain.
        if (!strong) return;
        reported = true;
        ctx.report({ messageId: 'notChecked', data, at, severity: ships ? 'warning' : 'info' });
      });
      // A variable naming a path a copy filled: context copies may carry a credential file; a stage's copy only when it was reported.
      if (from !== null && !reported) return;
      const list = destinations.get(ins.stage) ?? [];
      list.push({ dest: norm(dest), line: ins.range.line });
      destinations.set(ins.stage, list);
    };
    const variable = (ins: Instruction): void => {
      for (const p of ins.properties) {
        if (!CREDENTIAL_FILE_VARS.has(p.name) || !p.value) continue;
        const path = norm(p.value);
        const hit = (destinations.get(ins.stage) ?? []).find((d) => d.dest === '' || path === d.dest || path.startsWith(`${d.dest}/`));
        if (hit) ctx.report({ messageId: 'credentialPath', data: { name: p.name, path: p.value, line: hit.line }, at: p.range });
      }
    };
    return { COPY: copy, ADD: copy, ENV: variable, ARG: variable };
  },
  image: (ctx) => {
    const img = ctx.image;
    for (const c of img.captures) {
      const what = secretInFile(c.path, c.text);
      if (!what) continue;
      // A later layer that rewrote the same bytes (a chmod, a second COPY) ships them again: one finding for the visible copy.
      if (!c.visible && img.captures.some((v) => v.visible && v.path === c.path && v.text === c.text)) continue;
      const o = layerOrigin(ctx, c.layer);
      const severity = baseSeverity(ctx, o);
      const data = { path: c.path, what, origin: redactSecrets(o.says), layer: c.layer };
      const image = { path: c.path, layer: c.layer };
      const hidden = c.visible ? undefined : img.shadowed.find((s) => s.path === c.path && s.layer === c.layer);
      const how = hidden?.how === 'overwritten' ? 'replaced' : 'deleted';
      if (c.visible) ctx.report({ messageId: 'inImage', data, image, ...(severity ? { severity } : {}) });
      else ctx.report({ messageId: 'deletedInImage', data: { ...data, hiddenBy: hidden?.hiddenBy ?? 'a later layer', how }, image, ...(severity ? { severity } : {}) });
    }
  },
});
