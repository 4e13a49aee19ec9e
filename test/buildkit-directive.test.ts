/** BuildKit's `# check=…` directive and comments, honoured through the checks' BuildKit aliases. */
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../src/analyze.js';
import { parseCheckValue } from '../src/dockerfile/check-directive.js';
import fromAs from '../checks/correctness/from-as-casing.js';
import casing from '../checks/correctness/instruction-casing.js';
import legacy from '../checks/correctness/legacy-key-value.js';
import latestTag from '../checks/tags/latest-tag.js';
import type { Check } from '../src/engine/types.js';

const checks = [fromAs, casing, legacy, latestTag] as Check[];

async function lint(code: string, buildArgs?: Map<string, string>) {
  const { findings } = await analyzeDockerfile(code, { checks, ...(buildArgs ? { buildArgs } : {}) });
  return findings.map((f) => `${f.location.kind === 'image' ? -1 : f.location.range.line} ${f.rule} ${f.severity}`);
}

const body = 'FROM alpine:latest as base\ncopy a /a\nENV A 1\n';

describe('BuildKit check directive', () => {
  it('parses skip lists, all, error and experimental', () => {
    expect(parseCheckValue('skip=A, B;error=true;experimental=all')).toEqual({ skip: ['A', 'B'], skipAll: false, error: true, experimental: [], experimentalAll: true });
    expect(parseCheckValue('skip=all // because')).toMatchObject({ skipAll: true, error: false });
  });

  it('reports everything without a directive', async () => {
    expect(await lint(body)).toEqual(['1 tags/latest-tag warning', '1 correctness/from-as-casing info', '2 correctness/instruction-casing info', '3 correctness/legacy-key-value info']);
  });

  it('skip=Rule,Rule silences the checks aliased to those rules for the whole file', async () => {
    expect(await lint(`# check=skip=ConsistentInstructionCasing,FromAsCasing\n${body}`)).toEqual(['2 tags/latest-tag warning', '4 correctness/legacy-key-value info']);
  });

  it('skip=all silences every BuildKit-aliased check and nothing else', async () => {
    expect(await lint(`#check=skip=all\n${body}`)).toEqual(['2 tags/latest-tag warning']);
  });

  it('error=true raises the BuildKit-aliased findings to error', async () => {
    expect(await lint(`# check=skip=ConsistentInstructionCasing;error=true\n${body}`)).toEqual([
      '2 tags/latest-tag warning', '2 correctness/from-as-casing error', '4 correctness/legacy-key-value error',
    ]);
  });

  it('the BUILDKIT_DOCKERFILE_CHECK build argument overrides the file', async () => {
    expect(await lint(`#check=skip=all\n${body}`, new Map([['BUILDKIT_DOCKERFILE_CHECK', 'skip=FromAsCasing']]))).toEqual([
      '2 tags/latest-tag warning', '3 correctness/instruction-casing info', '4 correctness/legacy-key-value info',
    ]);
  });

  it('a check= comment above an instruction applies to that instruction only', async () => {
    const code = 'FROM alpine:3.20\n# check=skip=LegacyKeyValueFormat // allowed here\nENV A 1\nLABEL a b\n';
    expect(await lint(code)).toEqual(['4 correctness/legacy-key-value info']);
  });
});

describe('hadolint stage ignore', () => {
  it('# hadolint stage ignore=… above a FROM silences the rule in that whole stage only', async () => {
    const code = '# hadolint stage ignore=DL3007\nFROM alpine:latest AS a\nFROM a\nFROM alpine:latest\n';
    const { findings } = await analyzeDockerfile(code, { checks: [latestTag] as Check[] });
    expect(findings.map((f) => (f.location.kind === 'image' ? -1 : f.location.range.line))).toEqual([4]);
  });
});
