/**
 * Shrinks a failing input to a minimal one that fails the same way: files dropped, then lines and
 * characters removed in halving chunks (ddmin's complement step) while the failure stays. Archive
 * inputs are reduced through their recipe (a JSON tree): array elements dropped, numbers halved,
 * strings shortened, and the archive rebuilt from what is left.
 */
import type { DirInput } from './dockerfiles.js';

export interface Budget {
  tries: number;
  deadline: number;
}

type Pred<T> = (candidate: T) => Promise<boolean>;

/** Removes chunks of a list, halving the chunk size, while `fails` holds. */
async function shrinkList<T>(items: T[], fails: Pred<T[]>, budget: Budget): Promise<T[]> {
  let cur = items;
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1; chunk = chunk === 1 ? 0 : Math.max(1, chunk >> 1)) {
    for (let i = 0; i < cur.length; ) {
      if (budget.tries <= 0 || Date.now() > budget.deadline) return cur;
      const cand = [...cur.slice(0, i), ...cur.slice(i + chunk)];
      budget.tries--;
      if (cand.length < cur.length && (await fails(cand))) cur = cand;
      else i += chunk;
    }
  }
  return cur;
}

/** Lines, then characters. */
async function shrinkText(s: string, fails: Pred<string>, budget: Budget): Promise<string> {
  const lines = await shrinkList(s.split('\n'), (l) => fails(l.join('\n')), budget);
  const t = lines.join('\n');
  // Characters one chunk at a time, over code units (a reproducer of a few KB is the goal).
  const chars = await shrinkList([...t], (c) => fails(c.join('')), budget);
  return chars.join('');
}

/** Reduces a Dockerfile-family input (files as text). */
export async function reduceFiles(input: DirInput, fails: Pred<DirInput>, budget: Budget): Promise<DirInput> {
  let cur: DirInput = { ...input, files: { ...input.files } };
  // Files other than the target, one at a time.
  for (const name of Object.keys(cur.files)) {
    if (name === cur.target || budget.tries <= 0) continue;
    const files = { ...cur.files };
    delete files[name];
    budget.tries--;
    if (await fails({ ...cur, files })) cur = { ...cur, files };
  }
  for (const name of Object.keys(cur.files)) {
    const v = cur.files[name]!;
    if (typeof v !== 'string') continue;
    const s = await shrinkText(v, (t) => fails({ ...cur, files: { ...cur.files, [name]: t } }), budget);
    cur = { ...cur, files: { ...cur.files, [name]: s } };
  }
  return cur;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Reduces a JSON tree: arrays shrink, numbers halve, strings shorten, depth first. */
export async function reduceTree(tree: Json, fails: Pred<Json>, budget: Budget): Promise<Json> {
  let root = tree;
  // Walk paths breadth-first; each step replaces the value at one path.
  const at = (t: Json, path: (string | number)[]): Json => path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, t);
  const set = (t: Json, path: (string | number)[], val: Json): Json => {
    if (path.length === 0) return val;
    const copy = Array.isArray(t) ? [...t] : { ...(t as Record<string, Json>) };
    (copy as Record<string | number, Json>)[path[0]!] = set((t as Record<string | number, Json>)[path[0]!]!, path.slice(1), val);
    return copy;
  };
  const queue: (string | number)[][] = [[]];
  while (queue.length) {
    if (budget.tries <= 0 || Date.now() > budget.deadline) break;
    const path = queue.shift()!;
    const v = at(root, path);
    if (Array.isArray(v)) {
      const kept = await shrinkList(v, (c) => fails(set(root, path, c)), budget);
      root = set(root, path, kept);
      kept.forEach((_, i) => queue.push([...path, i]));
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) queue.push([...path, k]);
    } else if (typeof v === 'number' && v > 1 && Number.isInteger(v)) {
      let n = v;
      while (n > 1 && budget.tries > 0) {
        budget.tries--;
        const half = Math.floor(n / 2);
        if (await fails(set(root, path, half))) {
          root = set(root, path, half);
          n = half;
        } else break;
      }
    } else if (typeof v === 'string' && v.length > 1) {
      let s = v;
      while (s.length > 1 && budget.tries > 0) {
        budget.tries--;
        const half = s.slice(0, s.length >> 1);
        if (await fails(set(root, path, half))) {
          root = set(root, path, half);
          s = half;
        } else break;
      }
    }
  }
  return root;
}
