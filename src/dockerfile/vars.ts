/** ARG and ENV substitution, as the Dockerfile frontend does it for the forms it supports. */
import { firstAbove } from '../util/search.js';

/** ARGs every build defines without a declaration in the global scope. */
export const PLATFORM_ARGS = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
];

const VAR = /\\\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * At most this many characters of variable values are substituted into one text. Values that
 * refer to each other (`ENV B=$A$A`, `ENV C=$B$B`…) double with each line; past this bound a value
 * is not computed (the result is `tooLong`, and `unresolved`) instead of running out of memory.
 */
export const MAX_SUBSTITUTED = 4096;

/**
 * At most this many characters, over a whole Dockerfile, that substitution adds to the ARG/ENV
 * values the model keeps (100k `ENV An=$A{n-1}x` lines would otherwise keep 100k values of up to
 * 4 KB each); past it a value computed by substitution is unknown (null).
 */
export const MAX_EXPANDED_VALUES = 16 * 1024 * 1024;

/**
 * Substitutes `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alt}`. A variable with no known
 * value makes the result `unresolved`; it is replaced by the empty string. So is a value that would
 * take the substituted text past MAX_SUBSTITUTED characters (`tooLong` says so).
 */
export function expand(text: string, vars: ReadonlyMap<string, string | null>): { value: string; unresolved: boolean; names: string[]; tooLong: boolean } {
  let unresolved = false;
  let tooLong = false;
  let budget = MAX_SUBSTITUTED;
  const names: string[] = [];
  const pick = (v: string): string => {
    if (v.length <= budget) {
      budget -= v.length;
      return v;
    }
    tooLong = unresolved = true;
    return '';
  };
  const value = text.replace(VAR, (m, braced: string | undefined, op: string | undefined, word: string | undefined, plain: string | undefined) => {
    if (m === '\\$') return '$';
    const name = (braced ?? plain)!;
    names.push(name);
    const v = vars.get(name);
    const set = v !== undefined && v !== null;
    const nonEmpty = set && v !== '';
    switch (op) {
      case ':-':
        return nonEmpty ? pick(v) : (word ?? '');
      case '-':
        return set ? pick(v) : (word ?? '');
      case ':+':
        return nonEmpty ? (word ?? '') : '';
      case '+':
        return set ? (word ?? '') : '';
      default:
        if (!set) unresolved = true;
        return set ? pick(v) : '';
    }
  });
  return { value, unresolved, names, tooLong };
}

/**
 * The ARG/ENV values of one stage as they change instruction by instruction. `view()` is a
 * read-only map of the values in force now that later `set`s do not change, and costs O(1): a
 * Dockerfile with n ARG/ENV instructions keeps n values, not a copy of every variable per
 * instruction (100k ARGs once took 4 GB and a minute). A stage built on another starts from the
 * other's last view without copying it (a few levels deep; then its values are copied once).
 */
export class VarTimeline {
  private version = 0;
  private readonly history = new Map<string, History>();
  private readonly base: VarView | null = null;

  /** Starts from `start`'s values: a view of another timeline is shared, any other map copied. */
  constructor(start: ReadonlyMap<string, string | null> = new Map()) {
    if (start instanceof VarView && start.depth < MAX_DEPTH) this.base = start;
    else for (const [k, v] of start) this.set(k, v);
  }

  set(name: string, value: string | null): void {
    this.version++;
    const h = this.history.get(name);
    if (h) {
      h.versions.push(this.version);
      h.values.push(value);
    } else this.history.set(name, { versions: [this.version], values: [value] });
  }

  view(): ReadonlyMap<string, string | null> {
    return new VarView(this.history, this.version, this.base);
  }
}

interface History {
  versions: number[];
  values: (string | null)[];
}

/** How many timelines a view may look through before a new stage copies its values. */
const MAX_DEPTH = 16;

class VarView implements ReadonlyMap<string, string | null> {
  readonly depth: number;

  constructor(
    private readonly history: ReadonlyMap<string, History>,
    private readonly version: number,
    private readonly base: VarView | null,
  ) {
    this.depth = base ? base.depth + 1 : 0;
  }

  /** Index of the value in force at this view's version, -1 if the name was not set yet. */
  private at(h: History | undefined): number {
    if (!h) return -1;
    const vs = h.versions;
    const last = vs.length - 1;
    if (vs[last]! <= this.version) return last;
    // The last version at or before this view's.
    return firstAbove(vs, this.version, (v) => v) - 1;
  }

  get(name: string): string | null | undefined {
    const h = this.history.get(name);
    const i = this.at(h);
    if (i >= 0) return h!.values[i];
    return this.base?.get(name);
  }

  has(name: string): boolean {
    return this.at(this.history.get(name)) >= 0 || (this.base?.has(name) ?? false);
  }

  get size(): number {
    let n = 0;
    for (const _ of this.entries()) n++;
    return n;
  }

  /** In Map order: names first set in the base, then the others in the order first set. */
  *entries(): MapIterator<[string, string | null]> {
    if (this.base) {
      for (const [k, v] of this.base.entries()) {
        const h = this.history.get(k);
        const i = this.at(h);
        yield [k, i >= 0 ? h!.values[i]! : v];
      }
    }
    for (const [k, h] of this.history) {
      const i = this.at(h);
      if (i >= 0 && !this.base?.has(k)) yield [k, h.values[i]!];
    }
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<string | null> {
    for (const [, v] of this.entries()) yield v;
  }

  forEach(fn: (value: string | null, key: string, map: ReadonlyMap<string, string | null>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }

  [Symbol.iterator](): MapIterator<[string, string | null]> {
    return this.entries();
  }
}
