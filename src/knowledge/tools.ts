/**
 * The tool catalogue both sides read: for each tool an attacker (or a build) would use, the OS
 * packages that install it (Debian/Ubuntu, Alpine, Fedora/RHEL, SUSE, Arch) and the command names it
 * runs as (found in `bin` and `sbin` directories of an image). The Dockerfile side looks tools up by
 * package (`toolsLeft`), the image side by command (`findTools`); both get the same tool names.
 * Keep only data here.
 */

/** One tool: the packages that install it and the commands it provides. */
interface ToolSpec {
  readonly packages?: readonly string[];
  readonly commands?: readonly string[];
}

type NamePattern = { readonly pattern: RegExp; readonly tool: string };

/** A family of tools one check is about. */
export interface ToolFamily {
  /** The tool an OS package (name without version) installs, or null. */
  byPackage(name: string): string | null;
  /** The tool a command name is, or null. */
  byCommand(name: string): string | null;
  /** The command names a tool's packages provide (the tool's own name when none are listed). */
  commandsOf(tool: string): readonly string[];
  /** Preferred command names first, when one tool has several (`nc` before `nc.openbsd`). */
  readonly order: readonly string[];
  /** Regular files outside `bin` that are the tool (compiler internals), by path. */
  readonly paths: readonly NamePattern[];
}

function family(
  tools: Readonly<Record<string, ToolSpec>>,
  more: { packagePatterns?: readonly NamePattern[]; commandPatterns?: readonly NamePattern[]; order?: readonly string[]; paths?: readonly NamePattern[] } = {},
): ToolFamily {
  const byPackage = new Map<string, string>();
  const byCommand = new Map<string, string>();
  for (const [tool, spec] of Object.entries(tools)) {
    for (const p of spec.packages ?? []) if (!byPackage.has(p)) byPackage.set(p, tool);
    // A command two tools provide (wget2 also installs `wget`) is the tool named after it.
    for (const c of spec.commands ?? []) if (!byCommand.has(c)) byCommand.set(c, tool);
  }
  const match = (patterns: readonly NamePattern[] | undefined, name: string): string | null => patterns?.find((p) => p.pattern.test(name))?.tool ?? null;
  return {
    byPackage: (name) => byPackage.get(name) ?? match(more.packagePatterns, name),
    byCommand: (name) => byCommand.get(name) ?? match(more.commandPatterns, name),
    commandsOf: (tool) => tools[tool]?.commands ?? [tool],
    order: more.order ?? [],
    paths: more.paths ?? [],
  };
}

/** Tools that reach, scan or sniff the network: a shell in the container becomes a pivot point. */
export const NETWORK_TOOLS = family(
  {
    // netcat and its variants
    netcat: { packages: ['netcat', 'netcat-openbsd', 'netcat-traditional', 'openbsd-netcat', 'gnu-netcat', 'nc'], commands: ['nc', 'netcat', 'nc.openbsd', 'nc.traditional'] },
    ncat: { packages: ['ncat', 'nmap-ncat'], commands: ['ncat'] },
    // scanners and relays
    nmap: { packages: ['nmap'], commands: ['nmap'] },
    masscan: { packages: ['masscan'], commands: ['masscan'] },
    zmap: { packages: ['zmap'], commands: ['zmap'] },
    'arp-scan': { packages: ['arp-scan'], commands: ['arp-scan'] },
    hping3: { packages: ['hping3'], commands: ['hping3'] },
    socat: { packages: ['socat'], commands: ['socat'] },
    // clear-text remote shells and transfers
    telnet: { packages: ['telnet', 'inetutils-telnet', 'busybox-extras'], commands: ['telnet', 'telnet.netkit', 'inetutils-telnet'] },
    telnetd: { packages: ['telnetd', 'inetutils-telnetd', 'telnet-server'], commands: ['telnetd', 'in.telnetd'] },
    rsh: { packages: ['rsh-client', 'rsh-redone-client'], commands: ['rsh'] },
    tftp: { packages: ['tftp', 'tftp-hpa'], commands: ['tftp'] },
    // sniffers
    tcpdump: { packages: ['tcpdump'], commands: ['tcpdump'] },
    tshark: { packages: ['tshark', 'wireshark-cli', 'wireshark-common'], commands: ['tshark'] },
    termshark: { packages: ['termshark'], commands: ['termshark'] },
    ngrep: { packages: ['ngrep'], commands: ['ngrep'] },
    dsniff: { packages: ['dsniff'] },
    ettercap: { packages: ['ettercap', 'ettercap-text-only'], commands: ['ettercap'] },
    'netsniff-ng': { packages: ['netsniff-ng'] },
    // attack kits
    hydra: { packages: ['hydra'], commands: ['hydra'] },
    ncrack: { packages: ['ncrack'], commands: ['ncrack'] },
    john: { packages: ['john'], commands: ['john'] },
    sqlmap: { packages: ['sqlmap'], commands: ['sqlmap'] },
    nikto: { packages: ['nikto'], commands: ['nikto'] },
    'aircrack-ng': { packages: ['aircrack-ng'], commands: ['aircrack-ng'] },
  },
  { order: ['nc', 'netcat', 'ncat', 'telnet'] },
);

/** SSH servers: a daemon that accepts logins, with keys or passwords to manage. */
export const SSH_SERVERS = family({
  // Debian's `ssh` and Alpine's and Arch's `openssh` pull in both the server and the client
  sshd: { packages: ['openssh-server', 'openssh-server-pam', 'ssh', 'openssh'], commands: ['sshd'] },
  'sftp-server': { packages: ['openssh-sftp-server'] },
  dropbear: { packages: ['dropbear', 'dropbear-bin', 'dropbear-run'], commands: ['dropbear'] },
  tinysshd: { packages: ['tinysshd'], commands: ['tinysshd'] },
});

/** SSH clients and their file-copy companions: a way to carry a shell or data to other hosts. */
export const SSH_CLIENTS = family(
  {
    ssh: { packages: ['openssh-client', 'openssh-clients', 'openssh-client-default', 'openssh-client-common'], commands: ['ssh', 'scp', 'sftp', 'slogin'] },
    dbclient: { packages: ['dropbear-dbclient'], commands: ['dbclient'] },
    sshpass: { packages: ['sshpass'], commands: ['sshpass'] },
    autossh: { packages: ['autossh'], commands: ['autossh'] },
  },
  { order: ['ssh', 'scp', 'sftp'] },
);

/** Privilege escalation. `gosu` and `su-exec` only drop privileges, and `su` is the distribution's own, so they are not here. */
export const SUDO_TOOLS = family({
  sudo: { packages: ['sudo', 'sudo-ldap'], commands: ['sudo'] },
  doas: { packages: ['doas', 'opendoas'], commands: ['doas'] },
});

/**
 * Debuggers and tracers: they read and change the memory of other processes (secrets, keys) and
 * inject code. `lsof` and `procps` are left out: they only list what is open or running.
 */
export const DEBUGGERS = family(
  {
    gdb: { packages: ['gdb', 'gdb-minimal', 'gdb-multiarch'], commands: ['gdb', 'gdb-multiarch'] },
    gdbserver: { packages: ['gdbserver', 'gdb-gdbserver'], commands: ['gdbserver'] },
    lldb: { packages: ['lldb'], commands: ['lldb', 'lldb-server'] },
    strace: { packages: ['strace'], commands: ['strace'] },
    ltrace: { packages: ['ltrace'], commands: ['ltrace'] },
    valgrind: { packages: ['valgrind'], commands: ['valgrind'] },
    perf: { packages: ['linux-perf', 'perf'], commands: ['perf'] },
    bpftrace: { packages: ['bpftrace'], commands: ['bpftrace'] },
    bcc: { packages: ['bpfcc-tools', 'bcc-tools', 'bcc'] },
    sysdig: { packages: ['sysdig'], commands: ['sysdig'] },
    stap: { packages: ['systemtap'], commands: ['stap'] },
    radare2: { packages: ['radare2'], commands: ['r2', 'radare2'] },
  },
  {
    // Versioned packages and commands (`lldb-17`, `linux-tools-6.8.0-31-generic`).
    packagePatterns: [
      { pattern: /^lldb-\d+$/, tool: 'lldb' },
      { pattern: /^linux-tools-/, tool: 'perf' },
    ],
    commandPatterns: [{ pattern: /^lldb-\d+$/, tool: 'lldb' }],
  },
);

/** Download tools, needed by RUNs at build time and rarely by the application. */
export const DOWNLOAD_TOOLS = family({
  curl: { packages: ['curl'], commands: ['curl'] },
  wget: { packages: ['wget'], commands: ['wget'] },
  wget2: { packages: ['wget2'], commands: ['wget2', 'wget'] },
});

/** Package managers, which install anything else an attacker wants (found in images only). */
export const PACKAGE_MANAGERS = family(
  {
    apt: { commands: ['apt', 'apt-get', 'aptitude'] },
    dpkg: { commands: ['dpkg'] },
    apk: { commands: ['apk'] },
    yum: { commands: ['yum'] },
    dnf: { commands: ['dnf', 'dnf5', 'microdnf'] },
    rpm: { commands: ['rpm'] },
    zypper: { commands: ['zypper'] },
    pacman: { commands: ['pacman'] },
    pip: { commands: ['pip', 'pip3'] },
  },
  { commandPatterns: [{ pattern: /^pip3\.\d+$/, tool: 'pip' }], order: ['apt-get', 'apt', 'dpkg', 'apk', 'dnf', 'yum', 'rpm', 'pip', 'pip3'] },
);

/**
 * Compilers, SDK drivers and build tools in an image, by the toolchain they belong to (the Dockerfile
 * side tells build packages by name: `isBuildPackage` in `build-tools.ts`).
 */
export const BUILD_TOOLS = family(
  {
    'a C/C++ compiler': { commands: ['gcc', 'g++', 'cc', 'c++', 'c89', 'c99', 'tcc', 'clang', 'clang++'] },
    'the Go toolchain': { commands: ['go'] },
    'a JDK (javac)': { commands: ['javac'] },
    'the Rust toolchain': { commands: ['rustc', 'cargo'] },
    make: { commands: ['make', 'gmake'] },
    cmake: { commands: ['cmake'] },
    'node-gyp': { commands: ['node-gyp'] },
    maven: { commands: ['mvn'] },
    gradle: { commands: ['gradle'] },
  },
  {
    commandPatterns: [{ pattern: /^((x86_64|aarch64|arm|i[3-6]86|powerpc64le|s390x|riscv64)[\w-]*-)?(gcc|g\+\+|clang|clang\+\+)(-\d+(\.\d+)*)?$/, tool: 'a C/C++ compiler' }],
    order: ['gcc', 'cc', 'g++', 'c++', 'clang', 'go', 'javac', 'rustc', 'cargo', 'make'],
    // The C and C++ compiler proper, outside `bin`.
    paths: [{ pattern: /^\/usr\/(lib|libexec)\/gcc\/[^/]+\/[^/]+\/(cc1|cc1plus)$/, tool: 'a C/C++ compiler' }],
  },
);

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
