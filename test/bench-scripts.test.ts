/**
 * `npm run bench` is not run by CI (it takes most of an hour and wants a quiet machine), so a bench
 * script that no longer parses would be found only by the next person who measures. At df3af16 an
 * apostrophe in the prose of bench/image-scaling.mjs ended its string, and the scaling bench died at
 * start with a SyntaxError while every test passed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const bench = join(import.meta.dirname, '..', 'bench');

describe('the bench scripts', () => {
  const scripts = readdirSync(bench).filter((f) => f.endsWith('.mjs'));

  it('are all found (npm run bench runs bench/run.mjs)', () => {
    expect(scripts).toContain('run.mjs');
    expect(scripts).toContain('image-scaling.mjs');
  });

  it.each(scripts)('bench/%s parses', (name) => {
    const r = spawnSync(process.execPath, ['--check', join(bench, name)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
