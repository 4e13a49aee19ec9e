import { defineCheck } from '../../src/engine/types.js';

const RESERVED = ['com.docker.', 'io.docker.', 'org.dockerproject.'];
/** Keys Docker itself defines: Docker Desktop extensions, and buildx's git labels (BUILDX_GIT_LABELS). */
const DOCKER_DEFINED = ['com.docker.desktop.extension.', 'com.docker.extension.', 'com.docker.image.source.entrypoint'];

/** Why a label key breaks Docker's key conventions, or null when it follows them. */
function problem(key: string): string | null {
  if (RESERVED.some((p) => key.startsWith(p)) && !DOCKER_DEFINED.some((p) => key.startsWith(p))) return 'uses a namespace reserved for Docker';
  if (!/^[a-z]/.test(key)) return 'does not start with a lower-case letter';
  if (!/[a-z0-9]$/.test(key)) return 'does not end with a letter or digit';
  if (/[^a-z0-9./_-]/.test(key)) return 'has characters other than lower-case letters, digits, ".", "-", "_" and "/"';
  if (/\.\.|--/.test(key)) return 'has ".." or "--"';
  return null;
}

export default defineCheck({
  id: 'correctness/label-key',
  title: 'LABEL keys follow Docker\'s key format',
  category: 'correctness',
  severity: 'info',
  aliases: ['DL3048'],
  messages: {
    badKey: 'label key "{key}" {problem}; tools that read labels expect reverse-DNS keys such as org.opencontainers.image.source',
  },
  docs: {
    why: `Docker's label conventions ask for keys in lower-case reverse-DNS notation
(\`org.opencontainers.image.version\`): start with a lower-case letter, end with a letter or
digit, use only \`a-z 0-9 . - _ /\`, no \`..\` or \`--\`, and keep out of the namespaces Docker
reserves (\`com.docker.\`, \`io.docker.\`, \`org.dockerproject.\`; the keys Docker defines there for
Docker Desktop extensions, \`com.docker.desktop.extension.*\`, \`com.docker.extension.*\` and buildx's \`com.docker.image.source.entrypoint\`, are fine). Keys that follow it do not clash
with other tools' labels and are found by registries and scanners.`,
    bad: `FROM alpine:3.20
LABEL Version="1.4.2" com.docker.team="web"
`,
    good: `FROM alpine:3.20
LABEL org.opencontainers.image.version="1.4.2" com.example.team="web"
`,
  },
  dockerfile: (ctx) => ({
    LABEL(ins) {
      for (const p of ins.properties) {
        if (p.name.startsWith('$')) continue;
        const why = problem(p.name);
        if (why) ctx.report({ messageId: 'badKey', data: { key: p.name, problem: why }, at: p.range });
      }
    },
  }),
});
