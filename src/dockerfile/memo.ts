/**
 * Facts computed once per object of the model (a Dockerfile, a stage, an instruction, a shell
 * command) and asked for by several checks. Kept on the object itself as a hidden (non-enumerable)
 * property, not in module-level WeakMaps: V8's young-generation collector does not clear WeakMap
 * entries, so each such memo held its file's whole model until the next full collection, and the
 * scavenges copied and promoted it (measured: a third of the corpus run's GC time).
 */
const MEMO = Symbol('shipshape.memo');

/** The memo record of an object (created on first use). */
export function memoOf(owner: object): Record<string, unknown> {
  const o = owner as { [MEMO]?: Record<string, unknown> };
  let m = o[MEMO];
  if (!m) Object.defineProperty(o, MEMO, { value: (m = {}) });
  return m;
}

/** `compute()` once per owner and key; later calls return the same value. */
export function memoized<T>(owner: object, key: string, compute: () => T): T {
  const m = memoOf(owner);
  if (key in m) return m[key] as T;
  const v = compute();
  m[key] = v;
  return v;
}
