import type { ImageRef } from './image-ref.js';

/** `root`, `0`, `root:x`, `0:x`. */
export function isRootUser(user: string): boolean {
  const name = user.split(':', 1)[0]!.trim();
  return name === 'root' || name === '0';
}

/** Base images known to set a non-root USER themselves. */
export function baseRunsAsNonRoot(image: ImageRef): boolean {
  const tag = image.tag ?? '';
  if (/(^|-)nonroot($|-)/.test(tag)) return true;
  if (/^(cgr\.dev|chainguard)\//.test(`${image.registry ?? ''}/${image.repository}`) && !/-dev$/.test(tag)) return true;
  return false;
}
