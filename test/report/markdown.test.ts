/** The Markdown summary: counts and one table per target. */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { TargetResult } from '../../src/report/model.js';

describe('--format markdown', () => {
  it('renders counts, a table per target, clean and unreadable targets', () => {
    const results: TargetResult[] = [
      {
        path: 'Dockerfile', kind: 'dockerfile', error: null,
        findings: [
          { rule: 'pid1/shell-form-command', category: 'pid1', severity: 'warning', message: 'CMD a | b uses <shell>', messageId: 'x', location: { kind: 'dockerfile', range: { line: 7, column: 1, endLine: 7, endColumn: 12 } } },
          { rule: 'pid1/script-without-exec', category: 'pid1', severity: 'error', message: 'no exec', messageId: 'x', location: { kind: 'file', file: 'entrypoint.sh', range: { line: 9, column: 3, endLine: 9, endColumn: 9 } } },
        ],
      },
      { path: 'app.tar', kind: 'image', error: null, findings: [{ rule: 'tools/network-tools', category: 'tools', severity: 'info', message: 'nc', messageId: 'x', location: { kind: 'image', path: '/usr/bin/nc', layer: 2 } }] },
      { path: 'good/Dockerfile', kind: 'dockerfile', error: null, findings: [] },
      { path: 'bad/Dockerfile', kind: 'dockerfile', error: 'bad/Dockerfile: is a binary file', findings: [] },
    ];
    const md = renderMarkdown(results).split('\n');
    expect(md.slice(0, 3)).toEqual(['## shipshape', '', '**3 problems** (1 error, 1 warning, 1 info) in 3 targets; 1 target could not be read.']);
    expect(md).toContain('| severity | rule | line | message |');
    expect(md.find((l) => l.includes('pid1/shell-form-command'))).toMatch(/^\| 🟠 warning \| \[`pid1\/shell-form-command`\]\(https:\/\/\S+\/docs\/rules\/pid1\/shell-form-command\.md\) \| 7:1 \| CMD a \\\| b uses &lt;shell> \|$/);
    expect(md.find((l) => l.includes('pid1/script-without-exec'))).toContain('| `entrypoint.sh` 9:3 | no exec |');
    expect(md).toContain('| severity | rule | where | message |');
    expect(md.find((l) => l.includes('tools/network-tools'))).toContain('| 🔵 info |');
    expect(md.find((l) => l.includes('tools/network-tools'))).toContain('| layer 2 `/usr/bin/nc` | nc |');
    expect(md).toContain('✅ No problems.');
    expect(md).toContain('❌ Not analyzed: bad/Dockerfile: is a binary file');
  });

  it('says so when everything is clean', () => {
    expect(renderMarkdown([{ path: 'Dockerfile', kind: 'dockerfile', error: null, findings: [] }])).toContain('**No problems** in 1 target.');
  });
});
