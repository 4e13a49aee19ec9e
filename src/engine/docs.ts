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

/** Markdown inline markup as plain text: links keep their text, emphasis and code marks go. */
function plain(s: string): string {
  return s.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1');
}

/** A check's documentation as plain text for a terminal (`shipshape explain`); `bold` marks the headings. */
export function renderRuleText(c: Check, bold: (s: string) => string = (s) => s): string {
  const indent = (text: string, by: string): string => text.trimEnd().split('\n').map((l) => (l ? by + l : l)).join('\n');
  const aliases = c.aliases ?? [];
  const lines = [
    `${bold(c.id)}: ${c.title}`,
    `category ${c.category}, default severity ${c.severity}, reads ${inputsOf(c).join(' and ')}${aliases.length ? `; covers ${aliases.join(', ')}` : ''}`,
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
  lines.push(bold('Messages'), ...Object.values<string>(c.messages).map((m) => `  - ${plain(m)}`), '');
  if (c.docs.related?.length) lines.push(bold('Related'), ...c.docs.related.map((r) => `  shipshape explain ${r}`), '');
  lines.push(`Silence it on one instruction with # shipshape ignore=${c.id} on the line above.`, '');
  return lines.join('\n');
}
