/**
 * The fuzzer itself (`npm run fuzz`, test/fuzz/): an input it cannot make is recorded and reported,
 * and the campaign goes on to its end. Seed 14's campaign lost one worker loop to a generator error
 * and then hung at the end instead of judging; the fault is injected here the way it happened, in
 * the generator (SHIPSHAPE_FUZZ_GENERATOR_FAULT, read by test/fuzz/main.ts only).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

describe('npm run fuzz', () => {
  it('records an input its generator throws on, judges the others, ends and exits 1', () => {
    const out = mkdtempSync(join(tmpdir(), 'shipshape-fuzz-harness-'));
    try {
      const r = spawnSync(process.execPath, [join(root, 'scripts/fuzz.mjs'), '--seed', '1', '--dockerfiles', '6', '--archives', '2', '--quiet', '--out', out], {
        encoding: 'utf8',
        env: { ...process.env, SHIPSHAPE_FUZZ_GENERATOR_FAULT: 'dockerfile:1' },
        // Only a hang reaches this; the run takes a few seconds.
        timeout: 240_000,
      });
      expect(r.signal).toBeNull();
      expect(r.stdout).toContain('fuzzer errors: 1, inputs not judged (dockerfile:1); the fuzzer, not shipshape, failed on them');
      expect(r.stdout).toContain('contract violations: 0');
      expect(r.status).toBe(1);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { fuzzerErrors: { input: string; error: string }[]; families: Record<string, { runs: number }> };
      expect(summary.fuzzerErrors).toHaveLength(1);
      expect(summary.fuzzerErrors[0]).toMatchObject({ input: 'dockerfile:1', error: expect.stringContaining('injected generator fault at dockerfile:1') });
      expect(summary.families.dockerfile!.runs).toBe(5);
      expect(summary.families.archive!.runs).toBe(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
