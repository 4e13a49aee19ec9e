/** sha256 on the worker equals sha256 in place, whatever the chunking, with several streams at once. */
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { Hasher, OFFLOAD_MIN } from '../../src/image/hasher.js';

const local = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('Hasher', () => {
  it('gives the same digests on the worker, for odd chunk sizes and interleaved streams', async () => {
    const hasher = new Hasher({ offload: true });
    try {
      const a = randomBytes(OFFLOAD_MIN + 12345);
      const b = randomBytes(3 * 1024 * 1024 + 7);
      const ha = hasher.create(a.length);
      const hb = hasher.create(OFFLOAD_MIN);
      const sizes = [1, 511, 256 * 1024, 1024 * 1024 + 3, 70_000];
      let oa = 0;
      let ob = 0;
      for (let i = 0; oa < a.length || ob < b.length; i++) {
        const n = sizes[i % sizes.length]!;
        if (oa < a.length) await ha.update(a.subarray(oa, (oa += n)));
        if (ob < b.length) await hb.update(b.subarray(ob, (ob += n)));
      }
      expect(await ha.digest()).toBe(local(a));
      expect(await hb.digest()).toBe(local(b));
      // An empty stream and a second use of the same worker.
      expect(await hasher.create(OFFLOAD_MIN).digest()).toBe(local(Buffer.alloc(0)));
    } finally {
      await hasher.close();
    }
  });

  it('hashes in place when offloading is off or the blob is small', async () => {
    const hasher = new Hasher({ offload: false });
    const data = randomBytes(OFFLOAD_MIN + 1);
    const h = hasher.create(data.length);
    expect(h.update(data)).toBeUndefined();
    expect(await h.digest()).toBe(local(data));
    await hasher.close();
  });
});
