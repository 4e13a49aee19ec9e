/** A check's documentation page, rendered from the check module itself. */
import { inputsOf, type Check } from './types.js';

export function renderRuleDoc(c: Check): string {
  const lines = [
    `# ${c.id}`,
    '',
    `**${c.title}**`,
    '',
    `| category | default severity | inputs | peer ids |`,
    `|---|---|---|---|`,
    `| \`${c.category}\` | ${c.severity} | ${inputsOf(c).join(', ')} | ${(c.aliases ?? []).map((a) => `\`${a}\``).join(', ') || '—'} |`,
    '',
    '## Why',
    '',
    c.docs.why.trim(),
    '',
    '## Bad',
    '',
    '```dockerfile',
    c.docs.bad.trimEnd(),
    '```',
    '',
    '## Good',
    '',
    '```dockerfile',
    c.docs.good.trimEnd(),
    '```',
    '',
  ];
  if (c.docs.context && Object.keys(c.docs.context).length) {
    lines.push('## Build context of the examples', '');
    for (const [p, t] of Object.entries(c.docs.context)) lines.push(`\`${p}\`:`, '', '```sh', t.trimEnd(), '```', '');
  }
  lines.push('## Messages', '');
  for (const m of Object.values<string>(c.messages)) lines.push(`- ${m}`);
  lines.push('');
  if (c.docs.related?.length) lines.push('## Related', '', ...c.docs.related.map((r) => `- [${r}](../${r}.md)`), '');
  lines.push(`Silence it on one instruction with \`# shipshape ignore=${c.id}\` on the line above.`, '');
  return lines.join('\n');
}

/** docs/rules/<category>/<name>.md for every check. */
export function renderAllDocs(checks: readonly Check[]): Map<string, string> {
  return new Map(checks.map((c) => [`${c.id}.md`, renderRuleDoc(c)]));
}
