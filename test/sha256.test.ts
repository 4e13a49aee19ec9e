import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsSha256Hex as sha256Hex, sha256Hex as switching } from '../src/util/sha256.js';

const node = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('sha256Hex (finding fingerprints without loading node:crypto)', () => {
  it('is the FIPS 180-4 digest of the known vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('equals node:crypto at every length around the block and padding edges, and on UTF-8 text', () => {
    for (let n = 0; n <= 200; n++) {
      const s = 'x'.repeat(n);
      expect(sha256Hex(s), `length ${n}`).toBe(node(s));
    }
    for (const s of ['é', 'ünïcödé RUN apt-get', '日本語のコメント', '🐳 FROM scratch', 'a\0b\0c', '\r\n\t']) expect(sha256Hex(s)).toBe(node(s));
  });

  it('equals node:crypto on random strings, long ones included', () => {
    for (let i = 0; i < 300; i++) {
      const s = randomBytes(1 + ((i * 7919) % 3000)).toString(i % 2 ? 'latin1' : 'base64');
      expect(sha256Hex(s)).toBe(node(s));
    }
    const big = 'RUN apt-get install -y curl\n'.repeat(40000);
    expect(sha256Hex(big)).toBe(node(big));
  });
});

describe('sha256Hex over many strings (it switches to node:crypto once that pays back)', () => {
  it('gives the same digests before and after the switch', () => {
    for (let i = 0; i < 1000; i++) {
      const s = `rule/x\0msg\0RUN step ${i} ${'é'.repeat(i % 7)}`;
      expect(switching(s)).toBe(node(s));
    }
  });
});
