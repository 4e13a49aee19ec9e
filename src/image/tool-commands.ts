/**
 * Data for the image side of the tools and multi-stage checks: command names (as found in `bin` and
 * `sbin` directories) and the tool each one is, keyed by the same tool names as the package tables
 * in `src/dockerfile/tool-lists.ts`. Keep only data here.
 */

/** Network tools: netcat and kin, scanners, relays, clear-text shells, sniffers, attack kits. */
export const NETWORK_TOOL_COMMANDS: Readonly<Record<string, string>> = {
  nc: 'netcat',
  netcat: 'netcat',
  'nc.openbsd': 'netcat',
  'nc.traditional': 'netcat',
  ncat: 'ncat',
  nmap: 'nmap',
  masscan: 'masscan',
  zmap: 'zmap',
  'arp-scan': 'arp-scan',
  hping3: 'hping3',
  socat: 'socat',
  telnet: 'telnet',
  'telnet.netkit': 'telnet',
  'inetutils-telnet': 'telnet',
  telnetd: 'telnetd',
  'in.telnetd': 'telnetd',
  rsh: 'rsh',
  tftp: 'tftp',
  tcpdump: 'tcpdump',
  tshark: 'tshark',
  termshark: 'termshark',
  ngrep: 'ngrep',
  ettercap: 'ettercap',
  hydra: 'hydra',
  ncrack: 'ncrack',
  john: 'john',
  sqlmap: 'sqlmap',
  nikto: 'nikto',
  'aircrack-ng': 'aircrack-ng',
};
/** Preferred names first when one tool has several. */
export const NETWORK_TOOL_ORDER = ['nc', 'netcat', 'ncat', 'telnet'];

/** SSH servers. */
export const SSH_SERVER_COMMANDS: Readonly<Record<string, string>> = {
  sshd: 'sshd',
  dropbear: 'dropbear',
  tinysshd: 'tinysshd',
};

/** SSH clients and their file-copy companions. */
export const SSH_CLIENT_COMMANDS: Readonly<Record<string, string>> = {
  ssh: 'ssh',
  scp: 'ssh',
  sftp: 'ssh',
  slogin: 'ssh',
  dbclient: 'dbclient',
  sshpass: 'sshpass',
  autossh: 'autossh',
};
export const SSH_CLIENT_ORDER = ['ssh', 'scp', 'sftp'];

/** Privilege escalation. `gosu` and `su-exec` only drop privileges; `su` is the distribution's own. */
export const SUDO_COMMANDS_IN_IMAGE: Readonly<Record<string, string>> = { sudo: 'sudo', doas: 'doas' };

/** Debuggers and tracers. */
export const DEBUGGER_COMMANDS: Readonly<Record<string, string>> = {
  gdb: 'gdb',
  'gdb-multiarch': 'gdb',
  gdbserver: 'gdbserver',
  lldb: 'lldb',
  'lldb-server': 'lldb',
  strace: 'strace',
  ltrace: 'ltrace',
  valgrind: 'valgrind',
  perf: 'perf',
  bpftrace: 'bpftrace',
  sysdig: 'sysdig',
  stap: 'stap',
  r2: 'radare2',
  radare2: 'radare2',
};
export const DEBUGGER_PATTERNS_IN_IMAGE: readonly { pattern: RegExp; tool: string }[] = [{ pattern: /^lldb-\d+$/, tool: 'lldb' }];

/** Download tools (the tool names match `DOWNLOAD_TOOL_PACKAGES`). */
export const DOWNLOAD_COMMANDS: Readonly<Record<string, string>> = { curl: 'curl', wget: 'wget', wget2: 'wget2' };

/** Package managers, which install anything else an attacker wants. */
export const PACKAGE_MANAGER_COMMANDS: Readonly<Record<string, string>> = {
  apt: 'apt',
  'apt-get': 'apt',
  aptitude: 'apt',
  dpkg: 'dpkg',
  apk: 'apk',
  yum: 'yum',
  dnf: 'dnf',
  dnf5: 'dnf',
  microdnf: 'dnf',
  rpm: 'rpm',
  zypper: 'zypper',
  pacman: 'pacman',
  pip: 'pip',
  pip3: 'pip',
};
export const PACKAGE_MANAGER_PATTERNS: readonly { pattern: RegExp; tool: string }[] = [{ pattern: /^pip3\.\d+$/, tool: 'pip' }];
export const PACKAGE_MANAGER_ORDER = ['apt-get', 'apt', 'dpkg', 'apk', 'dnf', 'yum', 'rpm', 'pip', 'pip3'];

/** Compilers, SDK drivers and build tools, by the toolchain they belong to. */
export const BUILD_TOOL_COMMANDS: Readonly<Record<string, string>> = {
  gcc: 'a C/C++ compiler',
  'g++': 'a C/C++ compiler',
  cc: 'a C/C++ compiler',
  'c++': 'a C/C++ compiler',
  c89: 'a C/C++ compiler',
  c99: 'a C/C++ compiler',
  tcc: 'a C/C++ compiler',
  clang: 'a C/C++ compiler',
  'clang++': 'a C/C++ compiler',
  go: 'the Go toolchain',
  javac: 'a JDK (javac)',
  rustc: 'the Rust toolchain',
  cargo: 'the Rust toolchain',
  make: 'make',
  gmake: 'make',
  cmake: 'cmake',
  'node-gyp': 'node-gyp',
  mvn: 'maven',
  gradle: 'gradle',
};
export const BUILD_TOOL_PATTERNS: readonly { pattern: RegExp; tool: string }[] = [
  { pattern: /^((x86_64|aarch64|arm|i[3-6]86|powerpc64le|s390x|riscv64)[\w-]*-)?(gcc|g\+\+|clang|clang\+\+)(-\d+(\.\d+)*)?$/, tool: 'a C/C++ compiler' },
];
export const BUILD_TOOL_ORDER = ['gcc', 'cc', 'g++', 'c++', 'clang', 'go', 'javac', 'rustc', 'cargo', 'make'];

/** Compiler internals outside `bin`: the C and C++ compiler proper. */
export const COMPILER_INTERNALS = /^\/usr\/(lib|libexec)\/gcc\/[^/]+\/[^/]+\/(cc1|cc1plus)$/;

/**
 * The setuid and setgid files distributions ship in their base images (Debian, Ubuntu, Alpine,
 * Fedora/UBI, SUSE): not reported by security/setuid-files. `sudo` is here because tools/sudo reports
 * it; `pkexec` is not (CVE-2021-4034).
 */
export const USUAL_SETUID: ReadonlySet<string> = new Set([
  'su', 'passwd', 'mount', 'umount', 'chsh', 'chfn', 'newgrp', 'gpasswd', 'ping', 'ping6', 'unix_chkpwd',
  'expiry', 'chage', 'ssh-keysign', 'newuidmap', 'newgidmap', 'crontab', 'wall', 'write', 'bsd-write',
  'ssh-agent', 'fusermount', 'fusermount3', 'pam_extrausers_chkpwd', 'dotlockfile', 'sg', 'at',
  'dbus-daemon-launch-helper', 'mount.nfs', 'utempter', 'sudo', 'doas', 'Xorg.wrap', 'lockdev',
  'pam_timestamp_check', 'userhelper', 'grub2-set-bootflag', 'mount.cifs', 'chromium-sandbox',
]);
