/** GitHub workflow-command annotations. */
import { describe, expect, it } from 'vitest';
import { renderGithub } from '../../src/report/github.js';
import type { TargetResult } from '../../src/report/model.js';

describe('--format github', () => {
  it('prints one workflow command per finding, with positions, title and escapes', () => {
    const results: TargetResult[] = [
      {
        path: './svc/Dockerfile', kind: 'dockerfile', error: null,
        findings: [
          { rule: 'pid1/shell-form-command', category: 'pid1', severity: 'warning', message: 'CMD uses shell form, so 100% of signals: lost\nreally', messageId: 'shellForm', location: { kind: 'dockerfile', range: { line: 7, column: 1, endLine: 7, endColumn: 12 } } },
          { rule: 'reproducibility/unpinned-package', category: 'reproducibility', severity: 'info', message: 'pin it', messageId: 'x', location: { kind: 'dockerfile', range: { line: 3, column: 5, endLine: 5, endColumn: 2 } } },
          { rule: 'pid1/script-without-exec', category: 'pid1', severity: 'error', message: 'no exec', messageId: 'x', location: { kind: 'file', file: 'entrypoint.sh', range: { line: 9, column: 1, endLine: 9, endColumn: 1 } } },
        ],
      },
      {
        path: 'app.tar', kind: 'image', error: null,
        findings: [{ rule: 'tools/network-tools', category: 'tools', severity: 'warning', message: 'nc stays', messageId: 'x', location: { kind: 'image', path: '/usr/bin/nc', layer: 2 } }],
      },
      { path: 'nope/Dockerfile', kind: 'dockerfile', error: 'nope/Dockerfile: no such file or directory', findings: [] },
    ];
    expect(renderGithub(results).split('\n')).toEqual([
      '::warning file=svc/Dockerfile,line=7,col=1,endColumn=12,title=pid1/shell-form-command (warning)::CMD uses shell form, so 100%25 of signals: lost%0Areally',
      '::notice file=svc/Dockerfile,line=3,col=5,endLine=5,title=reproducibility/unpinned-package (info)::pin it',
      '::error file=svc/entrypoint.sh,line=9,col=1,title=pid1/script-without-exec (error)::no exec',
      '::warning file=app.tar,title=tools/network-tools (warning)::layer 2 /usr/bin/nc: nc stays',
      '::error file=nope/Dockerfile,title=shipshape%3A target not analyzed::nope/Dockerfile: no such file or directory',
      '',
    ]);
  });

  it('prints nothing when there is nothing to report', () => {
    expect(renderGithub([{ path: 'Dockerfile', kind: 'dockerfile', error: null, findings: [] }])).toBe('');
  });
});
