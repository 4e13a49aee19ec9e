/** ARG and ENV substitution, as the Dockerfile frontend does it for the forms it supports. */

/** ARGs every build defines without a declaration in the global scope. */
export const PLATFORM_ARGS = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
];

const VAR = /\\\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Substitutes `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alt}`. A variable with no known
 * value makes the result `unresolved`; it is replaced by the empty string.
 */
export function expand(text: string, vars: ReadonlyMap<string, string | null>): { value: string; unresolved: boolean; names: string[] } {
  let unresolved = false;
  const names: string[] = [];
  const value = text.replace(VAR, (m, braced: string | undefined, op: string | undefined, word: string | undefined, plain: string | undefined) => {
    if (m === '\\$') return '$';
    const name = (braced ?? plain)!;
    names.push(name);
    const v = vars.get(name);
    const set = v !== undefined && v !== null;
    const nonEmpty = set && v !== '';
    switch (op) {
      case ':-':
        return nonEmpty ? v : (word ?? '');
      case '-':
        return set ? v : (word ?? '');
      case ':+':
        return nonEmpty ? (word ?? '') : '';
      case '+':
        return set ? (word ?? '') : '';
      default:
        if (!set) unresolved = true;
        return set ? v : '';
    }
  });
  return { value, unresolved, names };
}
