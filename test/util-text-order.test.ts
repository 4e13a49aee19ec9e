import { describe, expect, it } from 'vitest';
import { thousands } from '../src/util/count.js';
import { compareText } from '../src/util/order.js';

describe('thousands', () => {
  it('writes a whole count as toLocaleString("en-US") does, without starting ICU', () => {
    const counts = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10_000, 99_999, 100_000, 494_419, 999_999, 1_000_000, 1_048_576, 2 ** 31, Number.MAX_SAFE_INTEGER];
    for (let x = 1; x < 1e15; x = x * 7 + 3) counts.push(x);
    for (const n of counts) expect(thousands(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('compareText', () => {
  it('orders by code units whatever the locale: the same as sort() with no comparator', () => {
    const words = ['/usr/bin/z', '/usr/bin/ä', '/usr/bin/a', '/usr/bin/B', '/usr/bin/_x', '/usr/bin/a0', '/usr/bin/A', ''];
    expect([...words].sort(compareText)).toEqual([...words].sort());
    expect([...words].sort(compareText)).toEqual(['', '/usr/bin/A', '/usr/bin/B', '/usr/bin/_x', '/usr/bin/a', '/usr/bin/a0', '/usr/bin/z', '/usr/bin/ä']);
  });
});
