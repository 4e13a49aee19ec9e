import { defineCheck } from '../../src/engine/types.js';
import { layersShip, stageChain } from '../../src/dockerfile/stages.js';
import { expand } from '../../src/dockerfile/vars.js';
import { labelValueFits, type LabelType } from '../../src/knowledge/label-values.js';

/** hadolint's rule for each kind of finding, and the message that says it. */
const FORMAT: Record<Exclude<LabelType, 'text'>, { id: string; messageId: 'url' | 'email' | 'rfc3339' | 'semver' | 'hash' | 'spdx' }> = {
  url: { id: 'DL3052', messageId: 'url' },
  rfc3339: { id: 'DL3053', messageId: 'rfc3339' },
  spdx: { id: 'DL3054', messageId: 'spdx' },
  hash: { id: 'DL3055', messageId: 'hash' },
  semver: { id: 'DL3056', messageId: 'semver' },
  email: { id: 'DL3058', messageId: 'email' },
};

export default defineCheck({
  id: 'correctness/label-schema',
  title: 'Labels follow the label schema of the repository\'s config',
  category: 'correctness',
  severity: 'warning',
  aliases: ['DL3049', 'DL3050', 'DL3051', 'DL3052', 'DL3053', 'DL3054', 'DL3055', 'DL3056', 'DL3058'],
  // Each finding carries hadolint's id for its kind, so `ignore: [DL3050]` leaves the others alone.
  findingIds: /^DL30(49|5[0-68])$/i,
  messages: {
    missing: 'the image has no `{label}` label, which the label schema of this repository requires; add `LABEL {label}=…` to the final stage (or a stage it is built on)',
    superfluous: 'label `{label}` is not in the label schema, and the config sets strictLabels: only the schema\'s labels may be set',
    empty: 'label `{label}` is empty; the label schema requires a value',
    url: 'label `{label}` is "{value}", not a URL (a scheme such as https: and no spaces), as the label schema requires',
    rfc3339: 'label `{label}` is "{value}", not an RFC 3339 date-time such as 2024-05-01T12:30:00Z, as the label schema requires',
    spdx: 'label `{label}` is "{value}", not an SPDX license identifier (such as Apache-2.0 or MIT) or expression, as the label schema requires',
    hash: 'label `{label}` is "{value}", not a git commit hash (7 or 40 lower-case hex digits), as the label schema requires',
    semver: 'label `{label}` is "{value}", not a semantic version such as 1.4.2, as the label schema requires',
    email: 'label `{label}` is "{value}", not an email address (local@domain), as the label schema requires',
  },
  docs: {
    why: `A team that reads its images' labels (who owns it, where its source is, which commit and version it
was built from, under which license) writes the labels it expects in its config, as hadolint's
\`label-schema\`: \`labelSchema\` in \`.shipshape.yaml\` (or \`label-schema\` in \`.hadolint.yaml\`, read when
there is no \`.shipshape.yaml\`) maps each label to the type of its value: \`text\`, \`url\`, \`email\`,
\`rfc3339\`, \`semver\`, \`hash\` (a git commit) or \`spdx\` (a license). With \`strictLabels: true\`
(\`strict-labels\`) no other label may be set. Without either setting this check reports nothing.

Each kind of finding has hadolint's id, so a hadolint config's \`ignored\` and \`# hadolint ignore=\`
keep working, one kind at a time: a schema label missing from the image (DL3049, info), a label
outside the schema under strict-labels (DL3050, info), an empty schema label (DL3051), and a value
that is not of its type: URL (DL3052), RFC 3339 date-time (DL3053), SPDX license (DL3054), git hash
(DL3055), semantic version (DL3056), email (DL3058).

Differences from hadolint, so that each finding is one you would act on: a label is required of the
image (the final stage, with the labels of the stages it is built on), not of every builder stage; a
label set through a variable (\`LABEL org.opencontainers.image.version=$VERSION\`) is checked with its
ARG or ENV default and not at all when the build passes it (hadolint checks the text \`$VERSION\`); labels
of stages that do not reach the image are not judged; an SPDX expression (\`MIT OR Apache-2.0\`, which
\`org.opencontainers.image.licenses\` is defined to hold) is accepted as well as a single id; an
email may carry a display name (\`Jane Doe <jane@example.com>\`, an RFC 5322 mailbox and the
\`maintainer\` label's custom). Labels the
base image sets are not seen: a label the base provides is reported missing, as hadolint does.`,
    bad: `FROM alpine:3.20
LABEL org.opencontainers.image.source="github.com/acme/app" \\
      org.opencontainers.image.version="v1.4"
`,
    good: `FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/acme/app" \\
      org.opencontainers.image.version="1.4.0" \\
      org.opencontainers.image.revision="4c5f2a1"
`,
    context: {
      '.shipshape.yaml': 'labelSchema:\n  org.opencontainers.image.source: url\n  org.opencontainers.image.version: semver\n  org.opencontainers.image.revision: hash\n',
    },
  },
  dockerfile: (ctx) => {
    const schema = ctx.settings.labelSchema ?? {};
    const strict = ctx.settings.strictLabels === true;
    if (!Object.keys(schema).length && !strict) return {};
    const has = (label: string): boolean => Object.hasOwn(schema, label);
    return {
      LABEL(ins) {
        if (!layersShip(ctx.facts, ins)) return;
        for (const p of ins.properties) {
          const label = p.name;
          if (!has(label)) {
            if (strict && !label.includes('$')) ctx.report({ messageId: 'superfluous', findingId: 'DL3050', severity: 'info', data: { label }, at: p.range });
            continue;
          }
          const v = expand(p.value ?? '', ins.vars);
          if (v.unresolved) continue;
          if (v.value === '') {
            ctx.report({ messageId: 'empty', findingId: 'DL3051', data: { label }, at: p.range });
            continue;
          }
          const type = schema[label]!;
          if (type === 'text' || labelValueFits(type, v.value)) continue;
          const f = FORMAT[type];
          ctx.report({ messageId: f.messageId, findingId: f.id, data: { label, value: v.value.slice(0, 80) }, at: p.range });
        }
      },
      end() {
        const final = ctx.facts.finalStage;
        if (!final) return;
        const set = new Set(stageChain(final).flatMap((s) => s.instructions.filter((i) => i.keyword === 'LABEL').flatMap((i) => i.properties.map((p) => p.name))));
        // A label whose key is a variable may be any of them.
        if ([...set].some((k) => k.includes('$'))) return;
        for (const label of Object.keys(schema)) {
          if (!set.has(label)) ctx.report({ messageId: 'missing', findingId: 'DL3049', severity: 'info', data: { label }, at: final.from });
        }
      },
    };
  },
});
