/**
 * SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, as lowercase hex. Finding fingerprints use it: a
 * run hashes a short string per finding, and loading `node:crypto` (about twenty internal modules)
 * cost a short CLI run more than all its hashing. A run that hashes many (a repository's worth of
 * findings) switches to `node:crypto`, which is faster per string, once that pays back. The two give
 * the same digest on every input (test/sha256.test.ts compares them).
 */

const primes = (n: number): number[] => {
  const out: number[] = [];
  for (let c = 2; out.length < n; c++) if (out.every((p) => c % p !== 0)) out.push(c);
  return out;
};
/** The first 32 bits of the fractional part of x. */
const frac32 = (x: number): number => ((x - Math.floor(x)) * 0x100000000) >>> 0;
// The round constants: cube roots of the first 64 primes; the initial hash: square roots of the first 8.
const P = primes(64);
const K = Int32Array.from(P, (p) => frac32(Math.cbrt(p)));
const H0 = Int32Array.from(P.slice(0, 8), (p) => frac32(Math.sqrt(p)));
const W = new Int32Array(64);
const encoder = new TextEncoder();


/** Hashes done in JavaScript before switching to node:crypto. */
const SWITCH_AFTER = 256;
let done = 0;
let native: ((text: string) => string) | null = null;

export function sha256Hex(text: string): string {
  if (native) return native(text);
  if (++done > SWITCH_AFTER) {
    // Node >= 20.16; an older Node keeps the JavaScript version.
    const crypto = (process as unknown as { getBuiltinModule?: (id: string) => typeof import('node:crypto') | undefined }).getBuiltinModule?.('node:crypto');
    if (crypto) {
      native = (t) => crypto.createHash('sha256').update(t).digest('hex');
      return native(text);
    }
  }
  return jsSha256Hex(text);
}

/** The JavaScript version (exported for the test). Plain locals and byte arithmetic: a short run calls it before V8 optimizes it. */
export function jsSha256Hex(text: string): string {
  const data = encoder.encode(text);
  const n = data.length;
  // Message, a 1 bit, zeros, and the length in bits as a 64-bit big-endian number, in 64-byte blocks.
  const blocks = Math.ceil((n + 9) / 64);
  const buf = new Uint8Array(blocks * 64);
  buf.set(data);
  buf[n] = 0x80;
  const hi = Math.floor(n / 0x20000000);
  const lo = (n * 8) >>> 0;
  const end = buf.length;
  buf[end - 8] = hi >>> 24;
  buf[end - 7] = (hi >>> 16) & 0xff;
  buf[end - 6] = (hi >>> 8) & 0xff;
  buf[end - 5] = hi & 0xff;
  buf[end - 4] = lo >>> 24;
  buf[end - 3] = (lo >>> 16) & 0xff;
  buf[end - 2] = (lo >>> 8) & 0xff;
  buf[end - 1] = lo & 0xff;
  let h0 = H0[0]!, h1 = H0[1]!, h2 = H0[2]!, h3 = H0[3]!, h4 = H0[4]!, h5 = H0[5]!, h6 = H0[6]!, h7 = H0[7]!;
  for (let off = 0; off < end; off += 64) {
    for (let t = 0; t < 16; t++) {
      const i = off + t * 4;
      W[t] = (buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const x = W[t - 15]!;
      const y = W[t - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  return hex8(h0) + hex8(h1) + hex8(h2) + hex8(h3) + hex8(h4) + hex8(h5) + hex8(h6) + hex8(h7);
}

const hex8 = (x: number): string => (x >>> 0).toString(16).padStart(8, '0');
