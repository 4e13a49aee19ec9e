/**
 * A whole count with thousands separators, as messages print them (`494,419`). Not
 * `toLocaleString('en-US')`: its first call starts ICU, about 7 MB of resident memory for a comma.
 */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
