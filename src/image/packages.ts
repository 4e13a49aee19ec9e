/** The OS packages a captured package database lists as installed: dpkg `status` (and `status.d/`), apk `installed`. */

/** Paths of the package databases the reader captures. */
export const PACKAGE_DATABASES = /^\/(var\/lib\/dpkg\/status(\.d\/[^/]+)?|lib\/apk\/db\/installed)$/;

/**
 * Names of the packages a database body lists as installed. dpkg stanzas need `Status: install ok
 * installed` (distroless `status.d/` files carry no Status line and count as installed); apk stanzas
 * are `P:name` lines.
 */
export function installedPackages(path: string, text: string): Set<string> {
  const out = new Set<string>();
  if (path.endsWith('/lib/apk/db/installed')) {
    for (const m of text.matchAll(/^P:(\S+)$/gm)) out.add(m[1]!);
    return out;
  }
  for (const stanza of text.split(/\n\s*\n/)) {
    const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
    if (!name) continue;
    const status = /^Status:\s*(.*)$/m.exec(stanza)?.[1];
    if (status === undefined || (/\binstalled$/.test(status.trim()) && !/not-installed|config-files/.test(status))) out.add(name);
  }
  return out;
}
