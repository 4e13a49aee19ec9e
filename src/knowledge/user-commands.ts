/** `useradd` and `adduser` commands, for the `user` checks: which user they create and with which UID. */
import { hasOption, positionals, type ShellCommand, type Word } from '../shell/shell.js';

/** A user created by `useradd` (shadow-utils) or `adduser` (Debian's or BusyBox's). */
export interface UserCreation {
  /** The user name word; null when it is not given. */
  user: Word | null;
  /** The UID word (`-u 10001`, `--uid=10001`, `-u10001`); null when the UID is left to the tool. */
  uid: Word | null;
  /** The UID as a number, when the word is a literal. */
  uidValue: number | null;
  /** `-l`/`--no-log-init`: useradd does not reserve a lastlog/faillog entry for the UID. */
  noLogInit: boolean;
  /** Debian's `adduser` (long options), which takes `--uid`, not `-u`. */
  debian: boolean;
}

const USERADD_VALUES = [
  '-b', '-c', '-d', '-e', '-f', '-g', '-G', '-k', '-K', '-p', '-s', '-u', '-R', '-P', '-Z',
  '--base-dir', '--comment', '--home-dir', '--expiredate', '--inactive', '--gid', '--groups', '--skel',
  '--key', '--password', '--shell', '--uid', '--root', '--prefix', '--selinux-user',
];
const ADDUSER_VALUES = [
  '-h', '-g', '-s', '-G', '-u', '-k', '-c', '--home', '--shell', '--ingroup', '--gid', '--uid', '--gecos',
  '--comment', '--firstuid', '--lastuid', '--firstgid', '--lastgid', '--conf', '--add-extra-groups',
];

function uidWord(cmd: ShellCommand): Word | null {
  for (let i = 0; i < cmd.args.length; i++) {
    const w = cmd.args[i]!;
    if (w.value === '-u' || w.value === '--uid') return cmd.args[i + 1] ?? null;
    if (w.value.startsWith('--uid=')) return { ...w, value: w.value.slice(6) };
    if (/^-u\S/.test(w.value)) return { ...w, value: w.value.slice(2) };
    if (/^-[a-zA-Z]*u$/.test(w.value) && cmd.base === 'useradd' && !w.value.startsWith('--')) return cmd.args[i + 1] ?? null;
  }
  return null;
}

/** The user a command creates, or null when it creates none (`useradd -D`, `adduser user group`). */
export function userCreation(cmd: ShellCommand): UserCreation | null {
  if (cmd.base !== 'useradd' && cmd.base !== 'adduser') return null;
  if (hasOption(cmd, '', '--help', '--version')) return null;
  const useradd = cmd.base === 'useradd';
  if (useradd && cmd.argv.some((a) => a === '-D' || a === '--defaults')) return null;
  const names = positionals(cmd, useradd ? USERADD_VALUES : ADDUSER_VALUES);
  // `adduser user group` adds an existing user to a group
  if (!useradd && names.length >= 2) return null;
  const uid = uidWord(cmd);
  return {
    user: (useradd ? names[names.length - 1] : names[0]) ?? null,
    uid,
    uidValue: uid?.literal && /^\d+$/.test(uid.value) ? Number(uid.value) : null,
    noLogInit: useradd && hasOption(cmd, 'l', '--no-log-init'),
    debian: !useradd && cmd.argv.some((a) => a.startsWith('--')),
  };
}
