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
const K = Uint32Array.from(P, (p) => frac32(Math.cbrt(p)));
const H0 = Uint32Array.from(P.slice(0, 8), (p) => frac32(Math.sqrt(p)));
const W = new Uint32Array(64);
const encoder = new TextEncoder();

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

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

/** The JavaScript version (exported for the test). */
export function jsSha256Hex(text: string): string {
  const data = encoder.encode(text);
  const bits = data.length * 8;
  // Message, a 1 bit, zeros, and the length in bits as a 64-bit big-endian number, in 64-byte blocks.
  const blocks = Math.ceil((data.length + 9) / 64);
  const buf = new Uint8Array(blocks * 64);
  buf.set(data);
  buf[data.length] = 0x80;
  const view = new DataView(buf.buffer);
  view.setUint32(buf.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(buf.length - 4, bits >>> 0);
  const h = H0.slice();
  for (let off = 0; off < buf.length; off += 64) {
    for (let t = 0; t < 16; t++) W[t] = view.getUint32(off + t * 4);
    for (let t = 16; t < 64; t++) {
      const a = W[t - 15]!;
      const b = W[t - 2]!;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
    h[5] = h[5]! + f;
    h[6] = h[6]! + g;
    h[7] = h[7]! + hh;
  }
  let hex = '';
  for (const x of h) hex += x.toString(16).padStart(8, '0');
  return hex;
}
