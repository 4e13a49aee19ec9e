import type { ImageRef } from './image-ref.js';

/** `root`, `0`, `root:x`, `0:x`. */
export function isRootUser(user: string): boolean {
  const name = user.split(':', 1)[0]!.trim();
  return name === 'root' || name === '0';
}

/**
 * Base images known to set a non-root USER themselves: distroless and other `:nonroot` tags,
 * Chainguard's images (but their `-dev` variants), .NET's chiseled images (user `app`, 1654),
 * Bitnami's (1001) and nginx's unprivileged image.
 */
export function baseRunsAsNonRoot(image: ImageRef): boolean {
  const tag = image.tag ?? '';
  const name = `${image.registry ?? ''}/${image.repository}`;
  if (/(^|-)(nonroot|rootless)($|-)/.test(tag)) return true;
  if (/^(cgr\.dev|chainguard)\//.test(name) && !/-dev$/.test(tag)) return true;
  if (/^mcr\.microsoft\.com\/dotnet\//.test(name) && /chiseled/.test(tag)) return true;
  if (/^(\/|docker\.io\/)?bitnami\//.test(name) || /^\/nginxinc\/nginx-unprivileged$/.test(name)) return true;
  return false;
}
