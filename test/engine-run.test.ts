/**
 * The runner calls the visitors' hooks in a fixed order, and keeps its plan of calls across files
 * only while the same checks give visitors of the same shape.
 */
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../src/analyze.js';
import { defineCheck, type Check, type DockerfileVisitor, type RuleId } from '../src/engine/types.js';

const docs = { why: 'test', bad: 'FROM a\n', good: 'FROM a\n' };

/** A check made up for these tests: its id names no check file, hence the cast. */
function recorder(id: string, log: string[], visitor: (log: string[]) => DockerfileVisitor): Check {
  return defineCheck({ id: `correctness/${id}` as RuleId, title: id, category: 'correctness', severity: 'info', messages: { m: id }, docs, dockerfile: () => visitor(log) }) as Check;
}

describe('the runner', () => {
  it('calls hooks visitor by visitor: instruction, the keyword, then RUN with an ONBUILD RUN trigger; stage hooks around stages', async () => {
    const log: string[] = [];
    const a = recorder('a', log, (l) => ({
      instruction: (i) => void l.push(`a:instruction:${i.keyword}`),
      RUN: (i) => void l.push(`a:RUN:${i.keyword}`),
      stage: (s) => void l.push(`a:stage:${s.index}`),
      stageEnd: (s) => void l.push(`a:stageEnd:${s.index}`),
      end: () => void l.push('a:end'),
    }));
    const b = recorder('b', log, (l) => ({ ONBUILD: (i) => void l.push(`b:ONBUILD:${i.keyword}`), RUN: (i) => void l.push(`b:RUN:${i.keyword}`), end: () => void l.push('b:end') }));
    await analyzeDockerfile('FROM alpine:3.20\nRUN true\nONBUILD RUN make\nFROM scratch\n', { checks: [a, b] });
    expect(log).toEqual([
      'a:instruction:FROM',
      'a:stage:0',
      'a:instruction:RUN',
      'a:RUN:RUN',
      'b:RUN:RUN',
      'a:instruction:ONBUILD',
      'a:RUN:RUN', // the trigger, not the ONBUILD instruction
      'b:ONBUILD:ONBUILD',
      'b:RUN:RUN',
      'a:stageEnd:0',
      'a:instruction:FROM',
      'a:stage:1',
      'a:stageEnd:1',
      'a:end',
      'b:end',
    ]);
  });

  it('follows a visitor whose hooks differ from one file to the next, and a changed list of checks', async () => {
    // Hooks COPY when the file has a COPY, RUN otherwise.
    const shifty = defineCheck({
      id: 'correctness/shifty' as RuleId,
      title: 'shifty',
      category: 'correctness',
      severity: 'info',
      messages: { run: 'run', copy: 'copy' },
      docs,
      dockerfile: (ctx) =>
        ctx.facts.instructions.some((i) => i.keyword === 'COPY')
          ? { COPY: (i) => ctx.report({ messageId: 'copy', at: i }) }
          : { RUN: (i) => ctx.report({ messageId: 'run', at: i }) },
    }) as Check;
    const other = recorder('other', [], () => ({ RUN: () => undefined }));
    const ids = async (text: string, checks: Check[]): Promise<string[]> => (await analyzeDockerfile(text, { checks })).findings.map((f) => `${f.messageId}@${f.location.kind === 'dockerfile' ? f.location.range.line : 0}`);
    const runs = 'FROM a:1\nRUN x\nRUN y\n';
    const copies = 'FROM a:1\nRUN x\nCOPY a b\n';
    expect(await ids(runs, [shifty])).toEqual(['run@2', 'run@3']);
    expect(await ids(copies, [shifty])).toEqual(['copy@3']);
    expect(await ids(runs, [shifty])).toEqual(['run@2', 'run@3']);
    expect(await ids(copies, [other, shifty])).toEqual(['copy@3']);
    expect(await ids(runs, [other, shifty])).toEqual(['run@2', 'run@3']);
  });
});
