/** The user an image runs as (config `User`), resolved against its captured `/etc/passwd` and `/etc/group`. */
import type { ImageFacts } from './facts.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/** Entries of a passwd (`name:x:uid:gid:…`) or group (`name:x:gid:…`) file; malformed lines skipped. */
export function parseAccounts(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const f = line.split(':');
    const uid = Number(f[2]);
    if (!f[0] || f.length < 3 || !/^\d+$/.test(f[2] ?? '')) continue;
    out.push({ name: f[0], uid, gid: /^\d+$/.test(f[3] ?? '') ? Number(f[3]) : uid });
  }
  return out;
}

export interface ImageUser {
  /** The config's `User` as written ('' when unset). */
  raw: string;
  /** The user part (before `:`); '' when unset. */
  user: string;
  /** The group part (after `:`), null when absent. */
  group: string | null;
  /** The user part is a number. */
  numeric: boolean;
  /** The UID the runtime will use: the number, the passwd entry's UID, 0 when unset; null when a name cannot be resolved. */
  uid: number | null;
  /** The container runs as root: unset, `0`, `root`, or a name whose passwd UID is 0. */
  root: boolean;
  /** `/etc/passwd` is in the final file system (and was captured). */
  hasPasswd: boolean;
  /** The user's passwd entry; null when it has none (or there is no passwd). */
  entry: PasswdEntry | null;
  /** The group is given and neither a number nor a name in `/etc/group`. */
  groupMissing: boolean;
}

/** The config user of `image`, resolved through the image's own account files. */
export function imageUser(image: ImageFacts): ImageUser {
  const raw = image.config.user.trim();
  const [user = '', group] = raw.split(':');
  const passwdText = image.captured.get('/etc/passwd');
  const groupText = image.captured.get('/etc/group');
  const accounts = passwdText === undefined ? [] : parseAccounts(passwdText);
  const numeric = /^\d+$/.test(user);
  const entry = (numeric ? accounts.find((a) => a.uid === Number(user)) : accounts.find((a) => a.name === user)) ?? null;
  const uid = user === '' ? 0 : numeric ? Number(user) : (entry?.uid ?? null);
  let groupMissing = false;
  if (group !== undefined && group !== '' && !/^\d+$/.test(group)) {
    groupMissing = groupText === undefined || !parseAccounts(groupText).some((g) => g.name === group);
  }
  return {
    raw,
    user,
    group: group ?? null,
    numeric,
    uid,
    root: uid === 0 || user === 'root',
    hasPasswd: passwdText !== undefined,
    entry,
    groupMissing,
  };
}

/** Accounts whose password field is empty in a shadow (`name::…`) or passwd (`name::uid:…`) file: they log in, `su` included, with no password. */
export function emptyPasswords(text: string, passwd = false): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    if (f.length < (passwd ? 4 : 2) || !f[0]) continue;
    if (f[1] === '') out.push(f[0]);
  }
  return out;
}

/** IDs several entries of a passwd or group file share, and names listed twice. */
export function duplicateAccounts(text: string): { ids: { id: number; names: string[] }[]; names: string[] } {
  const entries = parseAccounts(text);
  const byId = new Map<number, string[]>();
  const seen = new Set<string>();
  const names: string[] = [];
  for (const e of entries) {
    if (seen.has(e.name)) {
      if (!names.includes(e.name)) names.push(e.name);
      continue;
    }
    seen.add(e.name);
    byId.set(e.uid, [...(byId.get(e.uid) ?? []), e.name]);
  }
  return { ids: [...byId].filter(([, n]) => n.length > 1).map(([id, n]) => ({ id, names: n })), names };
}
