/**
 * Fake credentials planted in generated inputs. Each has the shape a secret scanner knows (an AWS key,
 * a GitHub token, a private key, a password in a URL) or a secret-named variable's value; the
 * contract is that none of them is ever printed whole.
 */
import type { Rng } from './rng.js';

export interface Planted {
  /** Text to put in the input. */
  text: string;
  /** The part that must never appear in the output. */
  secret: string;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A credential value (the text is the value itself). */
export function secretValue(rng: Rng): Planted {
  switch (rng.int(7)) {
    case 0: {
      const v = `AKIA${rng.word(16, UPPER)}`;
      return { text: v, secret: v };
    }
    case 1: {
      const v = `ghp_${rng.word(36)}`;
      return { text: v, secret: v };
    }
    case 2: {
      const v = `glpat-${rng.word(20)}`;
      return { text: v, secret: v };
    }
    case 3: {
      const v = `sk_live_${rng.word(24)}`;
      return { text: v, secret: v };
    }
    case 4: {
      const v = `npm_${rng.word(36)}`;
      return { text: v, secret: v };
    }
    case 5: {
      const pw = `Pw${rng.word(14)}`;
      return { text: `https://deploy:${pw}@git.example.com/repo.git`, secret: pw };
    }
    default: {
      const v = `xoxb-${rng.word(12)}-${rng.word(12)}`;
      return { text: v, secret: v };
    }
  }
}

/** A PEM private key; its body lines must never be printed. */
export function privateKey(rng: Rng): Planted {
  const line = rng.word(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
  return { text: `-----BEGIN RSA PRIVATE KEY-----\n${line}\n${rng.word(64)}\n-----END RSA PRIVATE KEY-----\n`, secret: line };
}

const SECRET_NAMES = ['DB_PASSWORD', 'API_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'SECRET_KEY', 'NPM_TOKEN', 'PRIVATE_KEY', 'MYSQL_ROOT_PASSWORD'];

/** `NAME=value` for a secret-named variable with a random value. */
export function secretAssignment(rng: Rng): Planted & { name: string; value: string } {
  const name = rng.pick(SECRET_NAMES);
  const value = rng.chance(0.5) ? secretValue(rng).text : `v${rng.word(18)}`;
  const secret = /https:\/\/deploy:([^@]+)@/.exec(value)?.[1] ?? value;
  return { name, value, text: `${name}=${value}`, secret };
}
