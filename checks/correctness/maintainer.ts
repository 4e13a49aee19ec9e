import { defineCheck } from '../../src/engine/types.js';
import type { DockerfileFacts, Instruction } from '../../src/dockerfile/model.js';
import { replace, safeFix } from '../../src/fix/edits.js';
import { keywordLike, quoteValue } from '../../src/fix/dockerfile-edits.js';

export default defineCheck({
  id: 'correctness/maintainer',
  title: 'No MAINTAINER (deprecated)',
  category: 'correctness',
  severity: 'info',
  fixable: 'safe',
  aliases: ['DL4000', 'DS022', 'CKV_DOCKER_6', 'MaintainerDeprecated'],
  messages: {
    deprecated: 'MAINTAINER is deprecated and only sets a legacy config field that tools ignore; use LABEL org.opencontainers.image.authors="{value}"',
  },
  docs: {
    why: `\`MAINTAINER\` has been deprecated since Docker 1.13. It fills the legacy \`Author\` field of the image
config, which registries and scanners ignore, and BuildKit warns about it. The OCI label
\`org.opencontainers.image.authors\` carries the same information where tools look for it.`,
    bad: `FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.com>
`,
    good: `FROM alpine:3.20
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
`,
  },
  dockerfile: (ctx) => ({
    MAINTAINER(ins) {
      ctx.report({ messageId: 'deprecated', data: { value: ins.body.replace(/"/g, '\\"') }, at: ins, fix: labelFix(ctx.facts, ins) });
    },
  }),
});

/** `MAINTAINER x` -> `LABEL org.opencontainers.image.authors="x"` (MAINTAINER expands no variables: `$` stays literal). */
function labelFix(facts: DockerfileFacts, ins: Instruction) {
  if (ins.range.line !== ins.range.endLine || ins.body === '') return null;
  const text = `${keywordLike(ins, 'LABEL')} org.opencontainers.image.authors=${quoteValue(ins.body, facts.escape, true)}`;
  return safeFix('Replace MAINTAINER with the authors label', [replace(ins, text)]);
}
