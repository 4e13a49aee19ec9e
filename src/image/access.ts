/**
 * File permissions as the kernel applies them to a process in the image: whether a UID with a set of
 * groups may read, execute or search a path of the merged file system. Owner bits when the UID owns
 * the file, else group bits when one of the groups does, else the other bits; UID 0 passes (it holds
 * CAP_DAC_OVERRIDE in a container's default capability set). Every directory on the way needs search
 * (x) permission.
 */
import { posix } from 'node:path';
import type { FileEntry, ImageFacts } from './facts.js';
import { resolveEntry } from './binaries.js';

export const READ = 4;
export const EXECUTE = 1;

/** Who a process is, for permission checks. */
export interface Credentials {
  uid: number;
  /** The primary GID and the supplementary ones. */
  groups: ReadonlySet<number>;
}

function allows(e: FileEntry, who: Credentials, want: number): boolean {
  if (who.uid === 0) return true;
  const bits = e.uid === who.uid ? (e.mode >> 6) & 7 : who.groups.has(e.gid) ? (e.mode >> 3) & 7 : e.mode & 7;
  return (bits & want) === want;
}

/** Why `who` cannot use `path` the way `want` says, or null when it can (or the path is not in the image). */
export function denied(image: ImageFacts, path: string, who: Credentials, want: number): { path: string; entry: FileEntry; want: number } | null {
  const norm = posix.normalize(path);
  const target = resolveEntry(image.files, norm);
  if (!target) return null;
  const parts = norm.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    const e = resolveEntry(image.files, dir);
    if (e && e.type === 'dir' && !allows(e, who, EXECUTE)) return { path: dir, entry: e, want: EXECUTE };
  }
  if (target.type === 'dir') return null;
  return allows(target, who, want) ? null : { path: norm, entry: target, want };
}

/** `0750 10001:10001`, for messages. */
export function describeMode(e: FileEntry): string {
  return `${(e.mode & 0o7777).toString(8).padStart(4, '0')} ${e.uid}:${e.gid}`;
}
