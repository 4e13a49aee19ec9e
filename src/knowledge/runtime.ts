/**
 * What programs need from the container they run in, as far as an orchestrator's settings can take
 * it away: paths they write at run time (a read-only root file system breaks them), an account in
 * `/etc/passwd` (a UID without one has no name and `HOME=/`), and the signal that stops them gracefully.
 */

/**
 * Paths a program writes while it runs, by program base name, with what it writes there. `sure`:
 * the program fails to start without them; otherwise only some uses of it write there (a JVM app
 * that serves HTTP through embedded Tomcat, PHP code that keeps sessions).
 */
export const WRITE_PATHS: ReadonlyMap<string, readonly { path: string; what: string; sure: boolean }[]> = new Map([
  ['nginx', [{ path: '/var/cache/nginx', what: 'its request-body and proxy temp files', sure: true }, { path: '/var/run', what: 'nginx.pid', sure: true }]],
  ['openresty', [{ path: '/usr/local/openresty/nginx', what: 'its temp files and pid', sure: true }]],
  ['php-fpm', [{ path: '/tmp', what: 'sessions and uploads', sure: false }]],
  ['httpd', [{ path: '/usr/local/apache2/logs', what: 'httpd.pid', sure: true }]],
  ['httpd-foreground', [{ path: '/usr/local/apache2/logs', what: 'httpd.pid', sure: true }]],
  ['apache2', [{ path: '/var/run/apache2', what: 'apache2.pid', sure: true }, { path: '/var/lock/apache2', what: 'its lock files', sure: true }]],
  ['apache2-foreground', [{ path: '/var/run/apache2', what: 'apache2.pid', sure: true }, { path: '/var/lock/apache2', what: 'its lock files', sure: true }]],
  ['java', [{ path: '/tmp', what: 'java.io.tmpdir (embedded Tomcat and Jetty work directories, uploads)', sure: false }]],
  ['catalina.sh', [{ path: '/usr/local/tomcat/temp', what: 'Tomcat temp files', sure: true }, { path: '/usr/local/tomcat/work', what: 'compiled JSPs', sure: true }, { path: '/usr/local/tomcat/logs', what: 'its logs', sure: true }]],
  ['gunicorn', [{ path: '/tmp', what: 'worker heartbeat files (--worker-tmp-dir)', sure: true }]],
  ['postgres', [{ path: '/var/run/postgresql', what: 'its socket and lock file', sure: true }]],
  ['mysqld', [{ path: '/var/run/mysqld', what: 'its socket and pid', sure: true }]],
  ['mariadbd', [{ path: '/run/mysqld', what: 'its socket and pid', sure: true }]],
]);

/** Commands in an entrypoint script that write the path they name (`mkdir -p /x`, `sed -i … /x`). */
export const WRITING_COMMANDS: ReadonlySet<string> = new Set(['mkdir', 'touch', 'cp', 'mv', 'ln', 'tee', 'install', 'chown', 'chmod', 'rm', 'sed']);

/**
 * Programs that write under `$HOME` (caches, config) when they run: with a UID that has no passwd
 * entry the runtime sets `HOME=/`, which a non-root user cannot write.
 */
export const WRITES_HOME: ReadonlyMap<string, string> = new Map([
  ['npm', '~/.npm'],
  ['npx', '~/.npm'],
  ['yarn', '~/.yarn and ~/.cache/yarn'],
  ['pnpm', '~/.local/share/pnpm'],
  ['pip', '~/.cache/pip'],
  ['pip3', '~/.cache/pip'],
  ['poetry', '~/.cache/pypoetry'],
  ['go', '~/.cache/go-build'],
  ['gradle', '~/.gradle'],
  ['gradlew', '~/.gradle'],
  ['mvn', '~/.m2'],
  ['composer', '~/.composer'],
  ['helm', '~/.cache/helm'],
  ['kubectl', '~/.kube/cache'],
  ['jupyter', '~/.local/share/jupyter'],
  ['jupyter-lab', '~/.local/share/jupyter'],
  ['code-server', '~/.local/share/code-server'],
]);

/** Programs that look their own UID up and stop when it has no name, with what they say. */
export const NEEDS_ACCOUNT: ReadonlyMap<string, string> = new Map([
  ['postgres', 'postgres stops: "could not look up effective user ID: user does not exist"'],
  ['initdb', 'initdb stops: "could not look up effective user ID: user does not exist"'],
  ['pg_ctl', 'pg_ctl stops: "could not look up effective user ID: user does not exist"'],
  ['sshd', 'sshd refuses logins for a UID it cannot name'],
  ['whoami', 'whoami fails: "cannot find name for user ID"'],
]);

/** Tags that move to new builds by design: pulling them once per node keeps whichever build came first. */
export const MOVING_TAGS: ReadonlySet<string> = new Set(['latest', 'main', 'master', 'dev', 'develop', 'development', 'edge', 'nightly', 'snapshot', 'stable', 'canary', 'staging', 'prod', 'production', 'head', 'trunk', 'current', 'release', 'unstable', 'testing']);

/** The signal a server stops gracefully on, when it is not SIGTERM (by program base name). */
export const GRACEFUL_SIGNALS: ReadonlyMap<string, string> = new Map([
  ['nginx', 'SIGQUIT'],
  ['openresty', 'SIGQUIT'],
  ['php-fpm', 'SIGQUIT'],
  ['httpd', 'SIGWINCH'],
  ['httpd-foreground', 'SIGWINCH'],
  ['apache2', 'SIGWINCH'],
  ['apache2ctl', 'SIGWINCH'],
]);

/** `SIGQUIT`, `QUIT`, `3` -> `SIGQUIT` (null for a name it does not know). */
export function signalName(s: string): string | null {
  const t = s.trim().toUpperCase();
  const numbers: Record<string, string> = { '1': 'SIGHUP', '2': 'SIGINT', '3': 'SIGQUIT', '9': 'SIGKILL', '10': 'SIGUSR1', '12': 'SIGUSR2', '15': 'SIGTERM', '28': 'SIGWINCH' };
  if (/^\d+$/.test(t)) return numbers[t] ?? null;
  if (/^(SIG)?[A-Z0-9+]+$/.test(t)) return t.startsWith('SIG') ? t : `SIG${t}`;
  return null;
}
