/**
 * Data for the `tools` checks: OS package names (Debian/Ubuntu, Alpine, Fedora/RHEL, SUSE, Arch)
 * that put a tool an attacker would use into an image, keyed by package name, giving the tool it
 * installs. Keep the lists here, and only data here.
 */

/** Tools that reach, scan or sniff the network: a shell in the container becomes a pivot point. */
export const NETWORK_TOOL_PACKAGES: Readonly<Record<string, string>> = {
  // netcat and its variants
  netcat: 'netcat',
  'netcat-openbsd': 'netcat',
  'netcat-traditional': 'netcat',
  'openbsd-netcat': 'netcat',
  'gnu-netcat': 'netcat',
  nc: 'netcat',
  ncat: 'ncat',
  'nmap-ncat': 'ncat',
  // scanners and relays
  nmap: 'nmap',
  masscan: 'masscan',
  zmap: 'zmap',
  'arp-scan': 'arp-scan',
  hping3: 'hping3',
  socat: 'socat',
  // clear-text remote shells and transfers
  telnet: 'telnet',
  'inetutils-telnet': 'telnet',
  telnetd: 'telnetd',
  'inetutils-telnetd': 'telnetd',
  'telnet-server': 'telnetd',
  'busybox-extras': 'telnet',
  'rsh-client': 'rsh',
  'rsh-redone-client': 'rsh',
  tftp: 'tftp',
  'tftp-hpa': 'tftp',
  // sniffers
  tcpdump: 'tcpdump',
  tshark: 'tshark',
  'wireshark-cli': 'tshark',
  'wireshark-common': 'tshark',
  termshark: 'termshark',
  ngrep: 'ngrep',
  dsniff: 'dsniff',
  ettercap: 'ettercap',
  'ettercap-text-only': 'ettercap',
  'netsniff-ng': 'netsniff-ng',
  // attack kits
  hydra: 'hydra',
  ncrack: 'ncrack',
  john: 'john',
  sqlmap: 'sqlmap',
  nikto: 'nikto',
  'aircrack-ng': 'aircrack-ng',
};

/** SSH servers: a daemon that accepts logins, with keys or passwords to manage. */
export const SSH_SERVER_PACKAGES: Readonly<Record<string, string>> = {
  'openssh-server': 'sshd',
  'openssh-server-pam': 'sshd',
  'openssh-sftp-server': 'sftp-server',
  // Debian's `ssh` and Alpine's and Arch's `openssh` pull in both the server and the client
  ssh: 'sshd',
  openssh: 'sshd',
  dropbear: 'dropbear',
  'dropbear-bin': 'dropbear',
  'dropbear-run': 'dropbear',
  tinysshd: 'tinysshd',
};

/** SSH clients: a way to carry a shell or data from the container to other hosts. */
export const SSH_CLIENT_PACKAGES: Readonly<Record<string, string>> = {
  'openssh-client': 'ssh',
  'openssh-clients': 'ssh',
  'openssh-client-default': 'ssh',
  'openssh-client-common': 'ssh',
  'dropbear-dbclient': 'dbclient',
  sshpass: 'sshpass',
  autossh: 'autossh',
};

/** Privilege escalation helpers. `gosu` and `su-exec` only drop privileges, so they are not here. */
export const SUDO_PACKAGES: Readonly<Record<string, string>> = {
  sudo: 'sudo',
  'sudo-ldap': 'sudo',
  doas: 'doas',
  opendoas: 'doas',
};

/** Commands that raise privileges inside a RUN. */
export const SUDO_COMMANDS: ReadonlySet<string> = new Set(['sudo', 'doas']);

/**
 * Debuggers and tracers: they read and change the memory of other processes (secrets, keys) and
 * inject code. `lsof` and `procps` are left out: they only list what is open or running.
 */
export const DEBUGGER_PACKAGES: Readonly<Record<string, string>> = {
  gdb: 'gdb',
  'gdb-minimal': 'gdb',
  'gdb-multiarch': 'gdb',
  gdbserver: 'gdbserver',
  'gdb-gdbserver': 'gdbserver',
  lldb: 'lldb',
  strace: 'strace',
  ltrace: 'ltrace',
  valgrind: 'valgrind',
  'linux-perf': 'perf',
  perf: 'perf',
  bpftrace: 'bpftrace',
  'bpfcc-tools': 'bcc',
  'bcc-tools': 'bcc',
  bcc: 'bcc',
  sysdig: 'sysdig',
  systemtap: 'stap',
  radare2: 'radare2',
};

/** Versioned debugger packages (`lldb-17`, `linux-tools-6.8.0-31-generic`). */
export const DEBUGGER_PATTERNS: readonly { pattern: RegExp; tool: string }[] = [
  { pattern: /^lldb-\d+$/, tool: 'lldb' },
  { pattern: /^linux-tools-/, tool: 'perf' },
];

/** Download tools, needed by RUNs at build time and rarely by the application. */
export const DOWNLOAD_TOOL_PACKAGES: Readonly<Record<string, string>> = {
  curl: 'curl',
  wget: 'wget',
  wget2: 'wget2',
};

/** The commands each download tool provides. */
export const DOWNLOAD_TOOL_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  curl: ['curl'],
  wget: ['wget'],
  wget2: ['wget2', 'wget'],
};
