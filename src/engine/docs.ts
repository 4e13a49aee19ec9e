/** A check's documentation page, rendered from the check module itself. */
import { inputsOf, type Check, type FindingRules } from './types.js';

/** A bad example after its fixes: the Dockerfile and the context files they changed. */
export interface FixedExample {
  dockerfile: string;
  files: Record<string, string>;
}

/** An example: the Dockerfile, and for a check of Kubernetes containers the manifest that runs its image. */
function example(title: string, dockerfile: string, manifest: string | undefined, image: string | undefined): string[] {
  const out = [`## ${title}`, ''];
  if (image) out.push(`The image built from [\`sample-images/images/${image.replace(/\.(docker|oci)$/, '')}/\`](../../../sample-images/images/${image.replace(/\.(docker|oci)$/, '')}/Dockerfile), run by this manifest:`, '');
  else if (dockerfile.trim()) out.push('```dockerfile', dockerfile.trimEnd(), '```', '');
  if (manifest) {
    if (!image && dockerfile.trim()) out.push('run by this manifest:', '');
    out.push('```yaml', manifest.trimEnd(), '```', '');
  }
  return out;
}

/**
 * A check's page. `fixed`: the bad example after `--fix-unsafe` with only this check (from
 * scripts/fix-examples.ts; the engine runs no fixes itself), shown under "Fix".
 */
export function renderRuleDoc(c: Check, fixed?: FixedExample): string {
  const ids = c.findingRules;
  const lines = [
    `# ${c.id}`,
    '',
    `**${c.title}**`,
    '',
    `| category | default severity | inputs | peer ids | fixable |`,
    `|---|---|---|---|---|`,
    `| \`${c.category}\` | ${c.severity} | ${inputsOf(c).join(', ')} | ${(c.aliases ?? []).map((a) => `\`${a}\``).join(', ') || '—'} | ${c.fixable ?? 'none'} |`,
    '',
    ...(ids ? [`Its findings are reported under ${ids.tool}'s codes: rule id \`${ids.prefix}/${ids.shape}\` (\`${ids.prefix}/${ids.example}\`), each explained at ${ids.tool}'s page for the code (${ids.helpUri.replace('{id}', ids.example)}).`, ''] : []),
    '## Why',
    '',
    c.docs.why.trim(),
    '',
    ...example('Bad', c.docs.manifest?.dockerfile ?? c.docs.bad, c.docs.manifest?.bad, c.docs.manifest?.image),
    ...example('Good', c.docs.manifest?.dockerfile ?? c.docs.good, c.docs.manifest?.good, c.docs.manifest?.image),
  ];
  if (c.docs.context && Object.keys(c.docs.context).length) {
    lines.push('## Build context of the examples', '');
    for (const [p, t] of Object.entries(c.docs.context)) lines.push(`\`${p}\`:`, '', '```sh', t.trimEnd(), '```', '');
  }
  if (c.fixable) {
    const how = c.fixable === 'safe' ? '`shipshape --fix` applies it (safe: the image builds and runs the same program)' : '`shipshape --fix-unsafe` applies it (suggested: it changes behaviour you should review)';
    lines.push('## Fix', '', `${how}.${c.docs.fix ? ` ${c.docs.fix.trim()}` : ''}`, '');
    if (fixed && fixed.dockerfile !== c.docs.bad) lines.push('The bad example, fixed:', '', '```dockerfile', fixed.dockerfile.trimEnd(), '```', '');
    for (const [p, t] of Object.entries(fixed?.files ?? {})) lines.push(`\`${p}\` of its build context, fixed:`, '', '```sh', t.trimEnd(), '```', '');
  }
  lines.push('## Messages', '');
  if (ids) lines.push(`- \`${ids.prefix}/${ids.shape}\`: the message ${ids.tool} gives for the code`);
  else for (const m of Object.values<string>(c.messages)) lines.push(`- ${m}`);
  lines.push('');
  if (c.docs.related?.length) lines.push('## Related', '', ...c.docs.related.map((r) => `- [${r}](../${r}.md)`), '');
  lines.push(ids ? silenceCodes(c, ids, (s) => `\`${s}\``) : c.dockerfile || c.image ? `Silence it on one instruction with \`# shipshape ignore=${c.id}\` on the line above.` : `Silence it for one container with \`# shipshape ignore=${c.id}\` on the line above the container's \`- name:\`, or in \`ignore:\` of .shipshape.yaml.`, '');
  return lines.join('\n');
}

/** How to silence the findings of a check that reports a peer's codes: one code, or all of them. */
function silenceCodes(c: Check, ids: FindingRules, code: (s: string) => string): string {
  const one = `${ids.prefix}/${ids.example}`;
  return `Silence one code on one instruction with ${code(`# shipshape ignore=${one}`)} on the line above (the bare ${code(ids.example)} works too, as in ${code(`# hadolint ignore=${ids.example}`)}), every code with ${code(`# shipshape ignore=${c.id}`)}; for the whole run, ${code(`--ignore ${one}`)} or ${code(`ignore: [${one}]`)} in .shipshape.yaml.`;
}

/** docs/rules/<category>/<name>.md for every check; `fixed` holds each fixable check's bad example after its fixes. */
export function renderAllDocs(checks: readonly Check[], fixed: ReadonlyMap<string, FixedExample> = new Map()): Map<string, string> {
  return new Map(checks.map((c) => [`${c.id}.md`, renderRuleDoc(c, fixed.get(c.id))]));
}

/** Markdown inline markup as plain text: links keep their text, emphasis and code marks go. */
function plain(s: string): string {
  return s.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1');
}

/** A check's documentation as plain text for a terminal (`shipshape explain`); `bold` marks the headings. */
export function renderRuleText(c: Check, bold: (s: string) => string = (s) => s): string {
  const indent = (text: string, by: string): string => text.trimEnd().split('\n').map((l) => (l ? by + l : l)).join('\n');
  const aliases = c.aliases ?? [];
  const ids = c.findingRules;
  const lines = [
    `${bold(c.id)}: ${c.title}`,
    `category ${c.category}, default severity ${c.severity}, reads ${inputsOf(c).join(' and ')}${aliases.length ? `; covers ${aliases.join(', ')}` : ''}${ids ? `; findings reported as ${ids.prefix}/${ids.shape}` : ''}`,
    '',
    bold('Why'),
    indent(plain(c.docs.why.trim()), '  '),
    '',
    bold('Bad'),
    indent(c.docs.bad, '    '),
    '',
    bold('Good'),
    indent(c.docs.good, '    '),
    '',
  ];
  if (c.docs.context && Object.keys(c.docs.context).length) {
    lines.push(bold('Build context of the examples'));
    for (const [p, t] of Object.entries(c.docs.context)) lines.push(`  ${p}:`, indent(t, '    '));
    lines.push('');
  }
  lines.push(bold('Messages'), ...(ids ? [`  - ${ids.prefix}/${ids.shape}: the message ${ids.tool} gives for the code`] : Object.values<string>(c.messages).map((m) => `  - ${plain(m)}`)), '');
  if (c.docs.related?.length) lines.push(bold('Related'), ...c.docs.related.map((r) => `  shipshape explain ${r}`), '');
  lines.push(ids ? silenceCodes(c, ids, (s) => s) : `Silence it on one instruction with # shipshape ignore=${c.id} on the line above.`, '');
  return lines.join('\n');
}
