/**
 * Compilers, SDKs, build tools and headers in an image's merged file system, for the image side of
 * the multi-stage checks: one result per toolchain and layer, with the path to name.
 */
import type { ImageFacts } from './facts.js';
import { findFiles, findTools, type ToolFound } from './binaries.js';
import { installedPackages, PACKAGE_DATABASES } from './packages.js';
import { BUILD_TOOLS } from '../knowledge/tools.js';

/** Fewer C headers than this under /usr/include come with runtime packages; more mean a -dev toolchain. */
export const MANY_HEADERS = 50;
/** Meta-packages that pull in a whole C toolchain. */
const BUILD_METAPACKAGES = ['build-essential', 'build-base', 'alpine-sdk'];

/** Toolchains in the image: compiler commands (and `cc1`), headers under /usr/include, build meta-packages. */
export function toolchainsIn(image: ImageFacts, allowed: readonly string[] = []): ToolFound[] {
  const out = findTools(image, BUILD_TOOLS.byCommand, allowed, BUILD_TOOLS.order);
  const c = 'a C/C++ compiler';
  if (!allowed.includes('gcc') && !allowed.includes(c)) {
    for (const t of BUILD_TOOLS.paths.flatMap((p) => findFiles(image, p.pattern, p.tool))) {
      const same = out.find((o) => o.tool === c && o.layer === t.layer);
      if (same) for (const x of t.commands) same.commands.push(x);
      else out.push(t);
    }
  }
  const headers = new Map<number, number>();
  for (const f of image.files.values()) {
    if (f.type === 'file' && f.path.startsWith('/usr/include/') && /\.(h|hh|hpp)$/.test(f.path)) headers.set(f.layer, (headers.get(f.layer) ?? 0) + 1);
  }
  const total = [...headers.values()].reduce((a, b) => a + b, 0);
  if (total >= MANY_HEADERS && !allowed.includes('headers')) {
    const [layer] = [...headers.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
    out.push({ tool: `C headers (${total} files)`, layer, commands: [{ path: '/usr/include', name: 'include', layer, file: '/usr/include' }] });
  }
  // The layer that installed a meta-package: the first whose database lists it, if the final one still does.
  const dbs = image.captures.filter((c) => PACKAGE_DATABASES.test(c.path));
  for (const pkg of BUILD_METAPACKAGES) {
    if (allowed.includes(pkg)) continue;
    const final = dbs.filter((d) => d.visible).some((d) => installedPackages(d.path, d.text).has(pkg));
    const first = final ? dbs.find((d) => installedPackages(d.path, d.text).has(pkg)) : undefined;
    if (first) out.push({ tool: `${pkg} (the package database lists it)`, layer: first.layer, commands: [{ path: first.path, name: pkg, layer: first.layer, file: first.path }] });
  }
  return out.sort((a, b) => a.layer - b.layer);
}
