import { describe, expect, it } from 'vitest';
import { findingsOf, testCheck } from '../helpers/tester.js';
import processManager from '../../checks/one-app/process-manager.js';
import severalDaemons from '../../checks/one-app/several-daemons.js';
import backgroundServices from '../../checks/one-app/background-services.js';

testCheck(processManager, {
  valid: [
    { name: 'one program under exec', code: 'FROM python:3.12-slim\nCMD exec gunicorn -b 0.0.0.0:8000 app:app\n' },
    { name: 'tini in front of one program', code: 'FROM node:20-slim\nENTRYPOINT ["tini", "--"]\nCMD ["node", "server.js"]\n' },
    { name: 'tini wrapping the app in one array', code: 'FROM node:20-slim\nENTRYPOINT ["/sbin/tini", "--", "node", "server.js"]\n' },
    { name: 'supervisord in a build stage that does not ship', code: 'FROM debian:12 AS test\nRUN apt-get install -y supervisor\nCMD ["supervisord", "-n"]\nFROM debian:12-slim\nCMD ["/app"]\n' },
    { name: 'a CMD overridden later', code: 'FROM debian:12\nCMD ["supervisord"]\nCMD ["/app"]\n' },
    { name: 'pm2-runtime with one script', code: 'FROM node:20\nCMD ["pm2-runtime", "server.js"]\n' },
    { name: 'honcho with one process type', code: 'FROM python:3.12\nCMD ["honcho", "start", "web"]\n' },
    { name: '/init without s6-overlay is a script', code: 'FROM debian:12\nCOPY init /init\nENTRYPOINT ["/init"]\n' },
    { name: 'supervisorctl is a client', code: 'FROM debian:12\nHEALTHCHECK CMD supervisorctl status\nCMD ["/app"]\n' },
    {
      name: 'an entrypoint script that execs the app',
      code: 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["/app"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n' },
    },
  ],
  invalid: [
    {
      name: 'a process manager in one branch only is info',
      code: 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["/app"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nif [ "$SUPERVISED" = true ]; then\n  exec supervisord -c /etc/all.conf\nelse\n  exec "$@"\nfi\n' },
      errors: [{ messageId: 'script', line: 3, file: 'entrypoint.sh', severity: 'info' }],
    },
    {
      name: 'exec supervisord inside a function the script ends by calling',
      code: 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nstart() {\n  envsubst < /t > /etc/all.conf\n  exec supervisord -n -c /etc/all.conf\n}\nstart "$@"\n' },
      errors: [{ messageId: 'script', line: 4, column: 8, file: 'entrypoint.sh' }],
    },
    { name: 'exec form', code: 'FROM debian:12\nCMD ["/usr/bin/supervisord", "-n", "-c", "/etc/supervisord.conf"]\n', errors: [{ messageId: 'command', line: 2, column: 6, endColumn: 28 }] },
    { name: 'shell form', code: 'FROM debian:12\nCMD supervisord -n\n', errors: [{ messageId: 'command', line: 2, column: 5, endColumn: 16 }] },
    { name: 'through sh -c', code: 'FROM debian:12\nCMD ["sh", "-c", "envsubst < t > c && exec supervisord -n"]\n', errors: [{ messageId: 'command', line: 2, column: 44 }] },
    { name: 'behind tini', code: 'FROM debian:12\nENTRYPOINT ["tini", "--", "runsvdir", "/etc/service"]\n', errors: [{ messageId: 'command', line: 2, column: 27 }] },
    { name: 's6-overlay /init', code: 'FROM debian:12\nADD https://github.com/just-containers/s6-overlay/releases/download/v3.2.0.2/s6-overlay-noarch.tar.xz /tmp\nENTRYPOINT ["/init"]\n', errors: [{ messageId: 'command', line: 3, column: 13 }] },
    { name: 'systemd as CMD', code: 'FROM fedora:40\nCMD ["/usr/sbin/init"]\n', errors: [{ messageId: 'command', line: 2, column: 6 }] },
    { name: 'pm2-runtime with an ecosystem file', code: 'FROM node:20\nCMD ["pm2-runtime", "ecosystem.config.js"]\n', errors: [{ messageId: 'command', line: 2, column: 6 }] },
    { name: 'foreman over a Procfile', code: 'FROM ruby:3.3\nCMD foreman start\n', errors: [{ messageId: 'command', line: 2, column: 5 }] },
    { name: 'inherited from the stage the final one is built on', code: 'FROM debian:12 AS base\nCMD ["circusd", "/etc/circus.ini"]\nFROM base\nRUN true\n', errors: [{ messageId: 'command', line: 2, column: 6 }] },
    {
      name: 'an entrypoint script whose last command is one',
      code: 'FROM debian:12\nCOPY docker/start.sh /usr/local/bin/start.sh\nCMD ["/usr/local/bin/start.sh"]\n',
      context: { 'docker/start.sh': '#!/bin/bash\nset -e\nenvsubst < /tmpl > /etc/app.conf\nexec /usr/bin/supervisord -n -c /etc/supervisor/supervisord.conf\n' },
      errors: [{ messageId: 'script', line: 4, column: 6, file: 'docker/start.sh' }],
    },
  ],
});

testCheck(severalDaemons, {
  valid: [
    { name: 'nginx alone', code: 'FROM debian:12-slim\nRUN apt-get install -y --no-install-recommends nginx\nCMD ["nginx", "-g", "daemon off;"]\n' },
    { name: 'two servers of one role', code: 'FROM debian:12-slim\nRUN apt-get install -y nginx nginx-extras\n' },
    { name: 'database client only', code: 'FROM python:3.12-slim\nRUN apt-get install -y postgresql-client redis-tools\n' },
    { name: 'servers in a build stage', code: 'FROM debian:12 AS test\nRUN apt-get install -y postgresql redis-server\nRUN make test\nFROM debian:12-slim\nCOPY --from=test /app /app\n' },
    { name: 'the second server removed again', code: 'FROM debian:12\nRUN apt-get install -y nginx cron\nRUN apt-get purge -y cron\n' },
    { name: 'FROM nginx and nothing else', code: 'FROM nginx:1.27\nRUN apt-get install -y --no-install-recommends nginx-extras\n' },
  ],
  invalid: [
    {
      name: 'web server, database and cache in one RUN',
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y \\\n    nginx postgresql redis-server\n',
      errors: [{ messageId: 'installed', line: 3, column: 5, endColumn: 10 }],
    },
    { name: 'inherited stage counts', code: 'FROM alpine:3.20 AS base\nRUN apk add --no-cache nginx\nFROM base\nRUN apk add --no-cache dcron\n', errors: [{ messageId: 'installed', line: 2, column: 24 }] },
    { name: 'a web server in front of php-fpm is info', code: 'FROM alpine:3.20\nRUN apk add --no-cache nginx php83-fpm\n', errors: [{ messageId: 'installed', line: 2, column: 24, severity: 'info' }] },
    { name: 'a database base image plus sshd', code: 'FROM postgres:16\nRUN apt-get install -y openssh-server\n', errors: [{ messageId: 'installed', line: 2, column: 24 }] },
    { name: 'versioned packages on RHEL', code: 'FROM rockylinux:9\nRUN dnf install -y httpd-2.4.57 mariadb-server && dnf clean all\n', errors: [{ messageId: 'installed', line: 2, column: 20 }] },
  ],
});

testCheck(backgroundServices, {
  valid: [
    { name: 'exec one program', code: 'FROM python:3.12\nCMD exec gunicorn app:app\n' },
    { name: 'one-shot steps before exec', code: 'FROM python:3.12\nCMD python manage.py migrate && exec gunicorn app:app\n' },
    { name: 'nginx alone in the foreground', code: 'FROM nginx:1.27\nCMD nginx -t && nginx -g "daemon off;"\n' },
    { name: 'cron alone in the foreground', code: 'FROM debian:12\nCMD ["cron", "-f"]\n' },
    { name: 'one program in the background to forward signals', code: 'FROM debian:12\nCMD ["sh", "-c", "trap \'kill $pid\' TERM; /app & pid=$!; wait $pid"]\n' },
    { name: 'service start in a RUN is not the command', code: 'FROM debian:12\nRUN service postgresql start && psql -c "create database app" && service postgresql stop\nCMD ["/app"]\n' },
    { name: 'a non-final stage', code: 'FROM debian:12 AS t\nCMD service nginx start && app\nFROM debian:12\nCMD ["/app"]\n' },
    { name: 'tini -- app', code: 'FROM debian:12\nENTRYPOINT ["tini", "--", "/app"]\n' },
    { name: 'sshd in the foreground alone', code: 'FROM debian:12\nCMD ssh-keygen -A && exec /usr/sbin/sshd -D -e\n' },
    { name: 'log streaming in the background is not a service', code: 'FROM debian:12\nCMD tail -F /var/log/app.log & exec /app\n' },
    {
      name: 'an entrypoint script that only prepares and execs',
      code: 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["/app"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nset -e\nif [ "$1" = app ]; then chown -R app /data; fi\nexec gosu app "$@"\n' },
    },
    {
      name: 'one program in the background per branch of an if',
      code: 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app\"]\n',
      context: { 'entrypoint.sh': '#!/bin/bash\ntrap \'kill -TERM "$pid"\' TERM\nif [ "$MODE" = a ]; then\n  /app/server --a &\n  pid=$!\n  wait "$pid"\nelse\n  /app/server --b &\n  pid=$!\n  wait "$pid"\nfi\n' },
    },
    {
      name: 'servers exec\'d in the branches of a function',
      code: 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app\"]\n',
      context: { 'entrypoint.sh': '#!/bin/bash\nrun() {\n  /app/migrate\n  if [ -e /use_apache ]; then\n    exec /usr/sbin/apache2 -D FOREGROUND\n  elif [ -e /use_fpm ]; then\n    exec php-fpm\n  fi\n}\nrun\n' },
    },
    {
      name: 'the temporary server of a database entrypoint',
      code: 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app\"]\n',
      context: { 'entrypoint.sh': '#!/bin/bash\n"$@" --skip-networking &\npid="$!"\n/app/setup.sh\nkill "$pid"\nwait "$pid"\nexec "$@"\n' },
    },
  ],
  invalid: [
    { name: 'service x start && app', code: 'FROM debian:12\nCMD service nginx start && php-fpm -F\n', errors: [{ messageId: 'service', line: 2, column: 5, endColumn: 12 }] },
    { name: 'init.d script then exec', code: 'FROM debian:12\nCMD /etc/init.d/cron start; exec /app/server\n', errors: [{ messageId: 'service', line: 2, column: 5 }] },
    { name: 'nginx & node', code: 'FROM node:20\nCMD nginx & node server.js\n', errors: [{ messageId: 'background', line: 2, column: 5 }] },
    { name: 'cron && app', code: 'FROM debian:12\nCMD cron && /app/server\n', errors: [{ messageId: 'daemon', line: 2, column: 5 }] },
    { name: 'php-fpm -D then nginx in the foreground', code: 'FROM php:8.3-fpm\nCMD php-fpm -D && nginx -g "daemon off;"\n', errors: [{ messageId: 'daemon', line: 2, column: 5, endColumn: 12 }] },
    { name: 'sshd forks, then the app', code: 'FROM debian:12\nCMD ["bash", "-c", "/usr/sbin/sshd; exec java -jar /app.jar"]\n', errors: [{ messageId: 'daemon', line: 2, column: 21 }] },
    { name: 'a & b & wait', code: 'FROM debian:12\nCMD ["/bin/sh", "-c", "/app/api & /app/worker & wait"]\n', errors: [{ messageId: 'background', line: 2, column: 24 }, { messageId: 'background', line: 2, column: 35 }] },
    { name: 'nohup in the background', code: 'FROM debian:12\nENTRYPOINT nohup redis-server & exec node app.js\n', errors: [{ messageId: 'background', line: 2, column: 18 }] },
    {
      name: 'an entrypoint script from the context',
      code: 'FROM php:8.3-fpm\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]\nCMD ["php-fpm"]\n',
      context: { 'docker-entrypoint.sh': '#!/bin/sh\nset -e\nservice nginx start\nexec "$@"\n' },
      errors: [{ messageId: 'service', line: 3, column: 1, file: 'docker-entrypoint.sh' }],
    },
    {
      name: 'two programs in one branch still run together',
      code: 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app\"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nif [ "$MODE" = both ]; then\n  /app/a &\n  /app/b &\n  wait\nfi\n' },
      errors: [{ messageId: 'background', line: 3, column: 3, file: 'entrypoint.sh' }, { messageId: 'background', line: 4, column: 3, file: 'entrypoint.sh' }],
    },
    {
      name: 'a Docker daemon beside a one-shot tool is info',
      code: 'FROM docker:27-dind\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\ndockerd &\nuntil docker info >/dev/null 2>&1; do sleep 1; done\n/usr/local/bin/scan "$@"\n' },
      errors: [{ messageId: 'background', line: 2, file: 'entrypoint.sh', severity: 'info' }],
    },
  ],
});

describe('one-app messages', () => {
  it('name the program and the servers beside it', async () => {
    const [pm] = await findingsOf(processManager, 'FROM debian:12\nCMD ["supervisord", "-n"]\n');
    expect(pm?.message).toContain('CMD starts the process manager supervisord');
    const d = await findingsOf(severalDaemons, 'FROM debian:12\nRUN apt-get install -y nginx mariadb-server\n');
    expect(d.map((f) => f.message)).toEqual(['nginx puts nginx (web server) in the final stage beside mariadb (database); run each server in its own container']);
    const [b] = await findingsOf(backgroundServices, 'FROM debian:12\nCMD service nginx start && php-fpm -F\n');
    expect(b?.message).toMatch(/^CMD starts the service nginx in the background/);
  });

  it('point into the entrypoint script with a file location', async () => {
    const fs = await findingsOf(backgroundServices, 'FROM debian:12\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n', { 'run.sh': '#!/bin/bash\ncron\nnginx -g "daemon off;" &\nexec /app\n' });
    expect(fs.map((f) => [f.messageId, f.location])).toEqual([
      ['daemon', { kind: 'file', file: 'run.sh', range: { line: 2, column: 1, endLine: 2, endColumn: 5 } }],
      ['background', { kind: 'file', file: 'run.sh', range: { line: 3, column: 1, endLine: 3, endColumn: 6 } }],
    ]);
    expect(fs[0]!.message).toContain('the entrypoint script run.sh starts cron');
  });
});
