/** Robustness on ../shared/corpus/real: several hundred real Dockerfiles go through every check without a crash. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDockerfile, looksLikeDockerfile } from '../src/analyze.js';
import type { Finding } from '../src/engine/types.js';

const dir = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'real');
const present = existsSync(join(dir, 'manifest.json'));

/** Fixtures that real builders reject too (lint and secret-scanner test data, parser fixtures without FROM), with the reason. */
const BUILDER_REJECTS: Record<string, string> = {
  'bridgecrewio__checkov/tests__secrets__multiline_finding__Dockerfile.mine': 'a secret-scanner fixture of JavaScript text, no instructions',
  'bridgecrewio__checkov/tests__secrets__multiline_finding__Dockerfile.two_secrets': 'a secret-scanner fixture of key blocks, no instructions',
  'replicatedhq__dockerfilelint/test__examples__Dockerfile.misc': 'a lint fixture with a bare `this` line, which the builder rejects',
  'wagoodman__dive/cmd__dive__cli__testdata__invalid__Dockerfile': 'dive\'s fixture for an invalid Dockerfile (`INVALID` instruction)',
  'moby__buildkit/frontend__dockerfile__parser__testfiles__jeztah-invalid-json-json-inside-string-double__Dockerfile': 'a parser fixture without FROM (the builder stops with no build stage)',
  'moby__buildkit/frontend__dockerfile__parser__testfiles__jeztah-invalid-json-json-inside-string__Dockerfile': 'a parser fixture without FROM (the builder stops with no build stage)',
  'moby__buildkit/frontend__dockerfile__parser__testfiles__jeztah-invalid-json-single-quotes__Dockerfile': 'a parser fixture without FROM (the builder stops with no build stage)',
  'moby__buildkit/frontend__dockerfile__parser__testfiles__jeztah-invalid-json-unterminated-bracket__Dockerfile': 'a parser fixture without FROM (the builder stops with no build stage)',
  'moby__buildkit/frontend__dockerfile__parser__testfiles__jeztah-invalid-json-unterminated-string__Dockerfile': 'a parser fixture without FROM (the builder stops with no build stage)',
  'moby__buildkit/frontend__dockerfile__parser__testfiles__json__Dockerfile': 'a parser fixture without FROM (the builder stops with no build stage)',
};

/** Findings that would mean shipshape misread a file that real builders accept. */
const PARSE_RULES = new Set<Finding['rule']>(['correctness/unknown-instruction', 'correctness/empty-file', 'correctness/missing-from', 'correctness/instruction-before-from']);

describe.skipIf(!present)('real-world Dockerfiles', () => {
  it('analyzes every file with every check, without a crash or a parse error on valid files', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { file: string; note: string }[];
    expect(manifest.length).toBeGreaterThan(600);
    const crashes: string[] = [];
    const parseErrors: string[] = [];
    let shellBodies = 0;
    let shellErrors = 0;
    for (const m of manifest) {
      const text = readFileSync(join(dir, m.file), 'utf8');
      try {
        const { facts, findings } = await analyzeDockerfile(text, { path: m.file });
        const invalid = m.note.includes('intentionally invalid') || m.file in BUILDER_REJECTS;
        if (!invalid && !looksLikeDockerfile(facts)) parseErrors.push(`${m.file}: not recognised as a Dockerfile`);
        for (const f of findings) if (!invalid && PARSE_RULES.has(f.rule)) parseErrors.push(`${m.file}: ${f.rule} ${f.message}`);
        for (const i of facts.instructions) if (i.shell) {
          shellBodies++;
          if (i.shell.hasError) shellErrors++;
        }
      } catch (e) {
        crashes.push(`${m.file}: ${(e as Error).stack ?? String(e)}`);
      }
    }
    expect(crashes).toEqual([]);
    expect(parseErrors).toEqual([]);
    // A handful of RUN bodies are not valid shell (Windows cmd syntax, deliberately broken fixtures).
    expect(shellBodies).toBeGreaterThan(2000);
    expect(shellErrors / shellBodies).toBeLessThan(0.005);
  }, 120_000);
});
