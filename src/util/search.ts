/** Binary search over lists kept in ascending order. */

/** The index of the first element whose key is greater than `value`, or the list's length when none is. */
export function firstAbove<T>(list: readonly T[], value: number, key: (x: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]!) > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
