/**
 * Facts for the `one-app` checks, shared by the Dockerfile and image sides: which commands are
 * process managers, which packages and binaries are long-running servers (and of which role), and
 * which commands in a CMD, ENTRYPOINT or entrypoint script start services beside the application.
 * Data and pure functions over parsed commands only: nothing here parses text.
 */
import { exclusive, type ShellCommand, type ShellScript } from '../shell/shell.js';

/** Wrappers in front of the real program (init shims, privilege droppers), with how many words they take. */
const ARGV_WRAPPERS: Record<string, { valueOptions: string[]; positionals: number }> = {
  tini: { valueOptions: ['-p', '-e', '-l'], positionals: 0 },
  'tini-static': { valueOptions: ['-p', '-e', '-l'], positionals: 0 },
  'dumb-init': { valueOptions: ['-r', '--rewrite'], positionals: 0 },
  'docker-init': { valueOptions: [], positionals: 0 },
  catatonit: { valueOptions: [], positionals: 0 },
  gosu: { valueOptions: [], positionals: 1 },
  'su-exec': { valueOptions: [], positionals: 1 },
  exec: { valueOptions: ['-a'], positionals: 0 },
  env: { valueOptions: ['-u', '--unset', '-C', '--chdir'], positionals: 0 },
  nohup: { valueOptions: [], positionals: 0 },
  chpst: { valueOptions: ['-u', '-U', '-e', '-n', '-l', '-L', '-m', '-d', '-o', '-p', '-f', '-c', '-r', '-t'], positionals: 0 },
};

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** The argv an exec-form command line really runs, init shims and `gosu user` removed. */
export function unwrapArgv(argv: readonly string[]): string[] {
  let rest = [...argv];
  for (let guard = 0; guard < 8; guard++) {
    const spec = ARGV_WRAPPERS[base(rest[0] ?? '')];
    if (!spec) break;
    let i = 1;
    let skip = spec.positionals;
    while (i < rest.length) {
      const a = rest[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (base(rest[0]!) === 'env' && /^[A-Za-z_]\w*=/.test(a)) i++;
      else if (a.startsWith('-') && a.length > 1) i += spec.valueOptions.includes(a) ? 2 : 1;
      else if (skip > 0) {
        skip--;
        i++;
      } else break;
    }
    rest = rest.slice(i);
  }
  return rest;
}

/** A process manager a command line starts, by display name; null when it starts none. */
export function processManagerOf(name: string, argv: readonly string[], s6Overlay = false): string | null {
  const b = base(name);
  const positional = argv.filter((a) => !a.startsWith('-'));
  switch (b) {
    case 'supervisord':
    case 's6-svscan':
    case 'runsvdir':
    case 'circusd':
    case 'multirun':
    case 'hivemind':
    case 'my_init':
    case 's6-rc-init':
      return b;
    case 'systemd':
      return 'systemd';
    case 'init':
      if (name === '/init') return s6Overlay ? 's6-overlay /init' : null;
      return name === '/sbin/init' || name === '/usr/sbin/init' || name === '/lib/systemd/systemd' ? `init (${name})` : null;
    case 'runit':
    case 'runit-init':
      return 'runit';
    case 'monit':
      return argv.includes('-I') ? 'monit' : null;
    case 'pm2':
    case 'pm2-runtime':
    case 'pm2-docker': {
      // One script under pm2-runtime is a restart loop for one app; an ecosystem file may start several.
      const file = positional.find((a) => !['start', 'startOrReload', 'startOrRestart'].includes(a));
      return file !== undefined && /(^|\/)(ecosystem|process)[\w.-]*\.(c?js|json|ya?ml|config\.js)$|\.config\.c?js$|\.(json|ya?ml)$/.test(file) ? `${b} ${file}` : null;
    }
    case 'honcho':
    case 'foreman':
    case 'forego':
    case 'goreman':
    case 'overmind':
    case 'nf': {
      // `honcho start` runs every Procfile entry; `honcho start web` runs one.
      const sub = positional[0];
      if (sub !== 'start' && sub !== 's' && !(b === 'overmind' && sub === undefined)) return null;
      return positional.length <= 1 ? `${b} start` : null;
    }
    default:
      return null;
  }
}

/** A process manager started by a parsed command. */
export function commandProcessManager(c: ShellCommand, s6Overlay = false): string | null {
  if (!c.name) return null;
  return processManagerOf(c.name, c.argv, s6Overlay);
}

export type DaemonRole = 'web server' | 'application server' | 'database' | 'cache' | 'message broker' | 'scheduler' | 'SSH server' | 'mail server' | 'search engine' | 'log daemon';

export interface Daemon {
  role: DaemonRole;
  /** Where its binary lives in a distribution's file system; `*` matches one path component. */
  binaries: string[];
}

/** Long-running servers, by daemon name. */
export const DAEMONS: Readonly<Record<string, Daemon>> = {
  nginx: { role: 'web server', binaries: ['/usr/sbin/nginx', '/usr/local/nginx/sbin/nginx', '/usr/local/openresty/nginx/sbin/nginx'] },
  apache2: { role: 'web server', binaries: ['/usr/sbin/apache2', '/usr/sbin/httpd', '/usr/local/apache2/bin/httpd'] },
  lighttpd: { role: 'web server', binaries: ['/usr/sbin/lighttpd'] },
  caddy: { role: 'web server', binaries: ['/usr/bin/caddy'] },
  'php-fpm': { role: 'application server', binaries: ['/usr/sbin/php-fpm*', '/usr/local/sbin/php-fpm'] },
  uwsgi: { role: 'application server', binaries: ['/usr/bin/uwsgi'] },
  tomcat: { role: 'application server', binaries: ['/usr/share/tomcat*/bin/catalina.sh', '/usr/local/tomcat/bin/catalina.sh'] },
  postgresql: { role: 'database', binaries: ['/usr/lib/postgresql/*/bin/postgres', '/usr/bin/postgres', '/usr/local/bin/postgres', '/usr/local/pgsql/bin/postgres'] },
  mysql: { role: 'database', binaries: ['/usr/sbin/mysqld', '/usr/bin/mysqld', '/usr/local/mysql/bin/mysqld'] },
  mariadb: { role: 'database', binaries: ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'] },
  mongodb: { role: 'database', binaries: ['/usr/bin/mongod'] },
  'redis-server': { role: 'cache', binaries: ['/usr/bin/redis-server', '/usr/local/bin/redis-server'] },
  memcached: { role: 'cache', binaries: ['/usr/bin/memcached'] },
  rabbitmq: { role: 'message broker', binaries: ['/usr/lib/rabbitmq/bin/rabbitmq-server', '/usr/sbin/rabbitmq-server'] },
  mosquitto: { role: 'message broker', binaries: ['/usr/sbin/mosquitto'] },
  cron: { role: 'scheduler', binaries: ['/usr/sbin/cron', '/usr/sbin/crond'] },
  sshd: { role: 'SSH server', binaries: ['/usr/sbin/sshd', '/usr/sbin/dropbear'] },
  postfix: { role: 'mail server', binaries: ['/usr/sbin/postfix'] },
  exim: { role: 'mail server', binaries: ['/usr/sbin/exim4', '/usr/sbin/exim'] },
  dovecot: { role: 'mail server', binaries: ['/usr/sbin/dovecot'] },
  elasticsearch: { role: 'search engine', binaries: ['/usr/share/elasticsearch/bin/elasticsearch'] },
  rsyslog: { role: 'log daemon', binaries: ['/usr/sbin/rsyslogd'] },
};

/** OS packages (Debian/Ubuntu, Alpine, Fedora/RHEL, SUSE) that install one of the daemons, by package name. */
export const DAEMON_PACKAGES: Readonly<Record<string, string>> = {
  nginx: 'nginx', 'nginx-full': 'nginx', 'nginx-light': 'nginx', 'nginx-extras': 'nginx', 'nginx-core': 'nginx', openresty: 'nginx',
  apache2: 'apache2', httpd: 'apache2', apache2_4: 'apache2', lighttpd: 'lighttpd', caddy: 'caddy',
  'php-fpm': 'php-fpm', 'php7.4-fpm': 'php-fpm', 'php8.1-fpm': 'php-fpm', 'php8.2-fpm': 'php-fpm', 'php8.3-fpm': 'php-fpm', 'php8.4-fpm': 'php-fpm',
  'php81-fpm': 'php-fpm', 'php82-fpm': 'php-fpm', 'php83-fpm': 'php-fpm', 'php84-fpm': 'php-fpm', 'php7-fpm': 'php-fpm', 'php8-fpm': 'php-fpm',
  uwsgi: 'uwsgi', tomcat9: 'tomcat', tomcat10: 'tomcat', tomcat: 'tomcat',
  postgresql: 'postgresql', 'postgresql-server': 'postgresql', 'postgresql-12': 'postgresql', 'postgresql-13': 'postgresql', 'postgresql-14': 'postgresql',
  'postgresql-15': 'postgresql', 'postgresql-16': 'postgresql', 'postgresql-17': 'postgresql', postgresql14: 'postgresql', postgresql15: 'postgresql', postgresql16: 'postgresql', postgresql17: 'postgresql',
  'mysql-server': 'mysql', 'mysql-community-server': 'mysql', 'default-mysql-server': 'mysql', 'percona-server-server': 'mysql',
  'mariadb-server': 'mariadb', mariadb: 'mariadb',
  'mongodb-org': 'mongodb', 'mongodb-org-server': 'mongodb', 'mongodb-server': 'mongodb', mongodb: 'mongodb',
  'redis-server': 'redis-server', redis: 'redis-server', 'valkey-server': 'redis-server', valkey: 'redis-server', memcached: 'memcached',
  'rabbitmq-server': 'rabbitmq', rabbitmq: 'rabbitmq', mosquitto: 'mosquitto',
  cron: 'cron', cronie: 'cron', dcron: 'cron', 'cronie-noanacron': 'cron',
  'openssh-server': 'sshd', openssh: 'sshd', 'openssh-server-pam': 'sshd', dropbear: 'sshd',
  postfix: 'postfix', exim4: 'exim', 'exim4-daemon-light': 'exim', exim: 'exim', 'dovecot-core': 'dovecot', dovecot: 'dovecot',
  elasticsearch: 'elasticsearch', rsyslog: 'rsyslog',
};

/** The daemon an OS package installs (a key of `DAEMONS`), or null. */
export function daemonOfPackage(name: string): string | null {
  if (Object.hasOwn(DAEMON_PACKAGES, name)) return DAEMON_PACKAGES[name]!;
  // php-fpm by version, as each distribution names it (php8.3-fpm, php83-fpm, php85-fpm…)
  return /^php\d+(\.\d+)?-fpm$/.test(name) ? 'php-fpm' : null;
}

/** Official images whose one job is one of the daemons (`FROM nginx`, `FROM postgres:16`). */
export const DAEMON_IMAGES: Readonly<Record<string, string>> = {
  nginx: 'nginx', 'nginxinc/nginx-unprivileged': 'nginx', httpd: 'apache2', caddy: 'caddy', postgres: 'postgresql', mysql: 'mysql',
  mariadb: 'mariadb', mongo: 'mongodb', redis: 'redis-server', valkey: 'redis-server', memcached: 'memcached', rabbitmq: 'rabbitmq',
  elasticsearch: 'elasticsearch', tomcat: 'tomcat',
};

/** How a service manager starts a service in the background: `service nginx start`, `/etc/init.d/cron start`. */
export function serviceStart(c: ShellCommand): string | null {
  const verb = (v: string | undefined): boolean => v === 'start' || v === 'restart' || v === 'reload' || v === 'force-reload';
  if ((c.base === 'service' || c.base === 'rc-service' || c.base === 'invoke-rc.d') && c.argv[0] && verb(c.argv[1])) return c.argv[0];
  if (c.base === 'systemctl' && verb(c.argv.find((a) => !a.startsWith('-')))) return c.argv.filter((a) => !a.startsWith('-'))[1] ?? null;
  if (/^\/etc\/(rc\.d\/)?init\.d\//.test(c.name) && verb(c.argv[0])) return c.base;
  if ((c.base === 'apachectl' || c.base === 'apache2ctl' || c.base === 'pg_ctl' || c.base === 'pg_ctlcluster') && c.argv.includes('start')) return c.base;
  return null;
}

/**
 * Servers that fork into the background by default, with the words that keep them in the
 * foreground or make the call a one-shot (a config test, a signal to a running server).
 */
const SELF_DAEMONIZING: Record<string, RegExp> = {
  nginx: /^(-[tTvVh?]+|-s|-g.*daemon off|daemon off)/,
  cron: /^-[a-zA-Z]*f/,
  crond: /^-[a-zA-Z]*f/,
  sshd: /^-[a-zA-Z]*[DtTe]/,
  dropbear: /^-[a-zA-Z]*[FE]/,
  'php-fpm': /^(-[a-zA-Z]*[FtvVi]|--nodaemonize|--test|--version)/,
  httpd: /^(-DFOREGROUND|-[tvVSM]$|-k)/,
  apache2: /^(-DFOREGROUND|-[tvVSM]$|-k)/,
  mysqld_safe: /^--version/,
  rsyslogd: /^-[a-zA-Z]*n/,
  dockerd: /^--version/,
  'redis-server': /^(?!--daemonize)/,
  memcached: /^(?!-d$)/,
  postfix: /^(?!start$)/,
};

function daemonizes(c: ShellCommand): boolean {
  const key = /^php-?fpm[\d.]*$/.test(c.base) ? 'php-fpm' : c.base;
  const stay = SELF_DAEMONIZING[key];
  if (!stay) return false;
  if (key === 'redis-server') return c.argv.some((a, i) => a === '--daemonize' && c.argv[i + 1] === 'yes');
  if (key === 'memcached') return c.argv.includes('-d');
  if (key === 'postfix') return c.argv.includes('start');
  // `apache2 -D FOREGROUND`: the define is the next word.
  if ((key === 'httpd' || key === 'apache2') && c.argv.some((a, i) => a === '-D' && c.argv[i + 1] === 'FOREGROUND')) return false;
  return !c.argv.some((a) => stay.test(a));
}

/** Programs compared pairwise for `if`/`case` exclusivity, at most. */
const MAX_COMPARED = 500;

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/** Commands that do not count as a second process when backgrounded or run last. */
const NOT_A_SERVICE = new Set(['wait', 'sleep', 'tail', 'true', 'false', ':', 'exit', 'echo', 'printf', 'cat', 'trap', 'kill', 'read']);

const wrappedMemo = new WeakMap<readonly ShellCommand[], Map<ShellCommand, ShellCommand>>();

/** For each wrapper (`exec`, `nohup`, `gosu app`), the first command it wraps; built once per list. */
function firstWrapped(all: readonly ShellCommand[]): Map<ShellCommand, ShellCommand> {
  let m = wrappedMemo.get(all);
  if (!m) {
    m = new Map();
    for (const x of all) if (x.wrappedBy && !m.has(x.wrappedBy)) m.set(x.wrappedBy, x);
    wrappedMemo.set(all, m);
  }
  return m;
}

/** The innermost program a command runs (`nohup nginx` -> nginx, `exec gosu app node` -> node). */
export function innermost(c: ShellCommand, all: readonly ShellCommand[]): ShellCommand {
  const wrapped = firstWrapped(all);
  let cur = c;
  for (let guard = 0; guard < 8; guard++) {
    const inner = wrapped.get(cur);
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

/** A service a CMD, ENTRYPOINT or entrypoint script starts beside the application. */
export interface ServiceStart {
  /** The command to point at. */
  command: ShellCommand;
  /** The program (`nginx`, `cron`, or the service name for `service x start`). */
  program: string;
  how: 'service' | 'background' | 'daemon';
}

/**
 * The services a script starts besides its main process: `service x start` and init scripts always;
 * a command sent to the background with `&`, or a server that forks itself (`cron`, `nginx`), when
 * another long-running process runs too (a second one in the background, or a last command that is
 * not `wait`). `"$@" & wait $!` (one program in the background so the shell can forward signals)
 * starts one process and is not reported.
 */
export function servicesStarted(script: ShellScript): ServiceStart[] {
  const all = script.commands;
  const out: ServiceStart[] = [];
  const running: ServiceStart[] = [];
  // A program started in the background and stopped again later (`"$@" --skip-networking & pid=$!;
  // …; kill "$pid"; wait "$pid"`): the temporary server of a database entrypoint's setup.
  // Exclusivity is compared in pairs: past MAX_COMPARED² pairs, any later kill counts.
  const kills = all.filter((k) => k.base === 'kill');
  const pairwise = kills.length * all.length <= MAX_COMPARED * MAX_COMPARED;
  const killedAfter = (c: ShellCommand): boolean =>
    kills.some((k) => (k.range.line > c.range.line || (k.range.line === c.range.line && k.range.column > c.range.column)) && (!pairwise || !exclusive(k, c)));
  // The commands of `sh -c "…"` are the script's own.
  const top = (c: ShellCommand): boolean => !c.wrappedBy || SHELLS.has(c.wrappedBy.base);
  let lastStatement = -1;
  for (const c of all) if (top(c) && c.statement > lastStatement) lastStatement = c.statement;
  let finalProgram: ShellCommand | null = null;
  for (const c of all) {
    if (!top(c) || (SHELLS.has(c.base) && firstWrapped(all).has(c))) continue;
    const prog = innermost(c, all);
    const svc = serviceStart(prog);
    if (svc) {
      out.push({ command: prog, program: svc, how: 'service' });
      continue;
    }
    if (NOT_A_SERVICE.has(prog.base) || commandProcessManager(prog) !== null) continue;
    // `exec server`: the script ends there, nothing follows it.
    const execd = c.base === 'exec' || prog.wrappedBy?.base === 'exec';
    if (c.background) {
      if (!killedAfter(c)) running.push({ command: prog, program: prog.base || 'a program', how: 'background' });
    } else if (!execd && daemonizes(prog) && (c.statement < lastStatement || c.after === '&&' || c.after === ';')) running.push({ command: prog, program: prog.base, how: 'daemon' });
    else if (c.statement === lastStatement) finalProgram = prog;
  }
  const finalRuns = finalProgram !== null && !NOT_A_SERVICE.has(finalProgram.base);
  // Programs in different branches of one `if` or `case` never run together. Compared in pairs, so
  // past MAX_COMPARED programs (a script of thousands of `cmd &`) they are all taken as running together.
  const together = running.length > MAX_COMPARED ? running : running.filter((r) => running.some((o) => o !== r && !exclusive(o.command, r.command)) || (finalRuns && !exclusive(finalProgram!, r.command)));
  for (const r of together) out.push(r);
  return out.sort((a, b) => a.command.range.line - b.command.range.line || a.command.range.column - b.command.range.column);
}
