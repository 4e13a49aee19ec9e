/** Where findings point: a finding about one command of a multi-line RUN points at that command. */
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../../src/analyze.js';

describe('locations inside a multi-line RUN', () => {
  it('a finding about one command points at that command, not at the RUN', async () => {
    const code = [
      'FROM debian:12',
      'RUN set -e; \\',
      '    apt-get update; \\',
      '    apt-get install curl; \\',
      '    wget http://e.com/a.json | jq .url; \\',
      '    sudo ls; \\',
      '    cd /tmp && service x start; \\',
      '    curl -k https://e.com/x | sh; \\',
      '    chmod 777 /srv',
      '',
    ].join('\n');
    const { findings } = await analyzeDockerfile(code);
    const at = (rule: string): string[] =>
      findings.filter((f) => f.rule === rule).map((f) => (f.location.kind === 'image' ? '' : `${f.location.range.line}:${f.location.range.column}`));
    expect(at('correctness/install-without-yes')).toEqual(['4:5']);
    expect(at('correctness/wget-progress')).toEqual(['5:5']);
    expect(at('correctness/pipefail')).toEqual(['5:5']);
    expect(at('tools/sudo')).toEqual(['6:5']);
    // a cd in the middle of a RUN is scoped to it (cd-in-run reports only the cd that opens or ends one)
    expect(at('correctness/cd-in-run')).toEqual([]);
    expect(at('correctness/pointless-command')).toEqual(['7:16']);
    expect(at('security/curl-pipe-shell')).toEqual(['8:5']);
    expect(at('security/verification-disabled')).toEqual(['8:10']);
    expect(at('security/world-writable')).toEqual(['9:5']);
  });
});

