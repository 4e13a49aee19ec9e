import { describe, expect, it } from 'vitest';
import { testCheck, findingsOf } from '../helpers/tester.js';
import shC from '../../checks/pid1/sh-c-without-exec.js';
import launcher from '../../checks/pid1/package-manager-launcher.js';
import script from '../../checks/pid1/script-without-exec.js';
import noInit from '../../checks/pid1/no-init.js';
import ignoresCmd from '../../checks/pid1/entrypoint-ignores-cmd.js';
import stopSignal from '../../checks/pid1/stop-signal.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { memoryReader } from '../../src/dockerfile/context.js';
import { packageLauncher } from '../../src/knowledge/launch.js';
import { dockerfileLaunch } from '../../src/dockerfile/launch.js';
import shellForm from '../../checks/pid1/shell-form-command.js';

const ENTRY = 'FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nUSER 1000\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["/app/server"]\n';
const script_ = (body: string) => ({ 'docker-entrypoint.sh': `#!/bin/sh\nset -e\n${body}` });

testCheck(shC, {
  valid: [
    'FROM alpine:3.20\nCMD ["sh", "-c", "migrate && exec server"]\n',
    { name: 'bash execs a lone command itself', code: 'FROM debian:12\nCMD ["bash", "-c", "java $JAVA_OPTS -jar app.jar"]\n' },
    { name: 'shell form is shell-form-command\'s', code: 'FROM alpine:3.20\nCMD migrate && server\n' },
    { name: 'a shell that must stay is no-init\'s', code: 'FROM alpine:3.20\nCMD ["sh", "-c", "worker & server & wait"]\n' },
    { name: 'branches that exec', code: 'FROM alpine:3.20\nCMD ["sh", "-c", "if [ -n \\"$X\\" ]; then exec a; else exec b; fi"]\n' },
    { name: 'not the final stage', code: 'FROM alpine:3.20 AS build\nCMD ["sh", "-c", "a; b"]\nFROM alpine:3.20\nCMD ["/app"]\n' },
    { name: 'busybox ash execs a lone command itself', code: 'FROM alpine:3.20\nCMD ["sh", "-c", "server --port $PORT"]\n' },
    { name: 'exec through gosu', code: 'FROM debian:12\nENTRYPOINT ["sh", "-c", "chown app /data && exec gosu app server"]\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nCMD ["sh", "-c", "migrate && server --port 80"]\n', errors: [{ messageId: 'several', line: 2, column: 30, endColumn: 46, severity: 'warning' }] },
    { name: 'after tini', code: 'FROM alpine:3.20\nENTRYPOINT ["/sbin/tini", "--"]\nCMD ["/bin/bash", "-c", "cd /app; ./server"]\n', errors: [{ messageId: 'several', line: 3, column: 35 }] },
    { name: 'dash keeps a lone command as its child', code: 'FROM debian:12\nCMD ["sh", "-c", "java $JAVA_OPTS -jar app.jar"]\n', errors: [{ messageId: 'lone', line: 2, severity: 'info' }] },
    { name: 'ENTRYPOINT and CMD joined', code: 'FROM alpine:3.20\nENTRYPOINT ["sh", "-c", "setup; \\"$@\\"", "--"]\nCMD ["server"]\n', errors: [{ messageId: 'several', line: 2 }] },
  ],
});

testCheck(launcher, {
  valid: [
    'FROM node:20-slim\nCMD ["node", "server.js"]\n',
    { name: 'npm ci is not a launcher', code: 'FROM node:20-slim\nRUN npm ci\nCMD ["node", "server.js"]\n' },
    { name: 'poetry run execs', code: 'FROM python:3.12-slim\nCMD ["poetry", "run", "uvicorn", "app:app"]\n' },
    { name: 'only the final stage runs', code: 'FROM node:20 AS build\nCMD ["npm", "start"]\nFROM node:20-slim\nCMD ["node", "server.js"]\n' },
    { name: 'a script that execs node', code: ENTRY, context: script_('exec node server.js\n') },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nCMD ["npm", "start"]\n', errors: [{ messageId: 'launcher', line: 2, column: 1 }] },
    { name: 'shell form', code: 'FROM node:20-slim\nCMD yarn serve\n', errors: [{ messageId: 'launcher', line: 2, column: 5, endColumn: 15 }] },
    { name: 'after sh -c', code: 'FROM node:20-slim\nCMD ["sh", "-c", "npx prisma migrate deploy && exec pnpm start"]\n', errors: [{ messageId: 'launcher', line: 2, column: 53 }] },
    { name: 'the CMD a script hands over to', code: 'FROM node:20-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["npm", "run", "start:prod"]\n', context: script_('exec "$@"\n'), errors: [{ messageId: 'launcher', line: 4 }] },
    { name: 'exec npm in a script', code: ENTRY, context: script_('cd /app\nexec npm start\n'), errors: [{ messageId: 'launcher', line: 4, column: 6, file: 'docker-entrypoint.sh' }] },
  ],
});

testCheck(script, {
  valid: [
    { name: 'exec "$@"', code: ENTRY, context: script_('mkdir -p /tmp/app\nexec "$@"\n') },
    { name: 'branches that exec', code: ENTRY, context: script_('if [ "$1" = serve ]; then\n  exec gosu app /app/server\nfi\nexec "$@"\n') },
    { name: 'a trap is no-init\'s case', code: ENTRY, context: script_('trap "kill 0" TERM\n/app/worker &\n"$@"\n') },
    { name: 'no such file in the context', code: ENTRY, context: {} },
    { name: 'not a shell script', code: ENTRY, context: { 'docker-entrypoint.sh': '#!/usr/bin/env python3\nimport os\nos.system("server")\n' } },
    { name: 'a function definition at the end', code: ENTRY, context: script_('exec "$@"\nusage() { echo x; }\n') },
    { name: 'the last line calls a function that execs', code: ENTRY, context: script_('main() {\n  mkdir -p /run/app\n  exec /app/server\n}\nmain "$@"\n') },
    { name: 'a function whose branches exec', code: ENTRY, context: script_('run() {\n  if [ -e /use_a ]; then\n    exec /app/a\n  else\n    exec /app/b\n  fi\n}\nrun\n') },
  ],
  invalid: [
    { name: '"$@" without exec', code: ENTRY, context: script_('mkdir -p /tmp/app\n"$@"\n'), errors: [{ messageId: 'noExec', file: 'docker-entrypoint.sh', line: 4, column: 1, endColumn: 5 }] },
    { name: 'node last, exit after', code: ENTRY, context: script_('cd /app\nnode server.js --port 80\nexit $?\n'), errors: [{ messageId: 'noExec', file: 'docker-entrypoint.sh', line: 4, column: 1 }] },
    {
      name: 'the function the last line calls runs its program without exec',
      code: ENTRY,
      context: script_('start() {\n  cd /app\n  node server.js\n}\nstart "$@"\n'),
      errors: [{ messageId: 'noExec', file: 'docker-entrypoint.sh', line: 5, column: 3 }],
    },
    { name: 'run with sh from CMD', code: 'FROM alpine:3.20\nCOPY start.sh /start.sh\nCMD ["sh", "/start.sh"]\n', context: { 'start.sh': 'cd /app\n./server\n' }, errors: [{ messageId: 'noExec', file: 'start.sh', line: 2 }] },
  ],
});

testCheck(noInit, {
  valid: [
    'FROM alpine:3.20\nCMD ["server"]\n',
    { name: 'tini in front', code: 'FROM alpine:3.20\nENTRYPOINT ["tini", "--", "sh", "-c", "worker & server & wait"]\n' },
    { name: 'dumb-init in front of a script', code: 'FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["dumb-init", "--", "docker-entrypoint.sh"]\n', context: script_('trap "kill 0" TERM\n/app/worker &\n/app/server\n') },
    { name: 'a script that execs tini', code: 'FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["sh", "-c", "worker & server & wait"]\n', context: script_('exec /sbin/tini -- "$@"\n') },
    { name: 'a shell that could exec is the exec checks\' case', code: 'FROM alpine:3.20\nCMD ["sh", "-c", "a; b"]\n' },
    { name: 'a trap for TERM and wait: the shell handles the signal', code: ENTRY, context: script_('trap \'kill $pid\' TERM\n/app/server &\npid=$!\nwait\n') },
    { name: 'a loop that exits on TERM', code: ENTRY, context: script_('trap "exit 0" TERM INT\nwhile :; do /app/job; sleep 60; done\n') },
    { name: 'a process manager is one-app\'s', code: 'FROM alpine:3.20\nCMD ["/usr/bin/supervisord", "-n"]\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nCMD ["sh", "-c", "worker & server & wait"]\n', errors: [{ messageId: 'noInit', line: 2, column: 37, endColumn: 41 }] },
    { name: 'shell form ending in a pipeline', code: 'FROM alpine:3.20\nCMD server | tee /var/log/server.log\n', errors: [{ messageId: 'noInit', line: 2, column: 14 }] },
    { name: 'a script with a trap', code: ENTRY, context: script_('trap "kill 0" TERM\n/app/worker &\n"$@"\n'), errors: [{ messageId: 'noInit', file: 'docker-entrypoint.sh', line: 3, column: 1 }] },
    { name: 'a loop', code: ENTRY, context: script_('while true; do /app/job; sleep 60; done\n'), errors: [{ messageId: 'noInit', file: 'docker-entrypoint.sh', line: 3 }] },
  ],
});

testCheck(ignoresCmd, {
  valid: [
    'FROM alpine:3.20\nENTRYPOINT ["/app/run"]\nCMD ["--port", "80"]\n',
    { name: 'no CMD', code: 'FROM alpine:3.20\nENTRYPOINT /app/run --port 80\n' },
    { name: 'the script reads its arguments', code: 'FROM alpine:3.20\nENTRYPOINT ["sh", "-c", "exec /app/run \\"$@\\"", "--"]\nCMD ["--port", "80"]\n' },
    { name: 'CMD in another stage', code: 'FROM alpine:3.20 AS a\nCMD ["x"]\nFROM alpine:3.20\nENTRYPOINT /app/run\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nENTRYPOINT /app/run\nCMD ["--port", "80"]\n', errors: [{ messageId: 'shellForm', line: 2, column: 1, endColumn: 20 }] },
    { name: 'CMD before ENTRYPOINT', code: 'FROM alpine:3.20\nCMD ["--port", "80"]\nENTRYPOINT exec /app/run\n', errors: [{ messageId: 'shellForm', line: 3 }] },
    { name: 'exec-form sh -c that reads no arguments', code: 'FROM alpine:3.20\nENTRYPOINT ["sh", "-c", "exec /app/run"]\nCMD ["--port", "80"]\n', errors: [{ messageId: 'shC', line: 2 }] },
  ],
});

describe('the launch facts', () => {
  it('follow tini, sh -c, the script and its "$@" to the program', async () => {
    const facts = await parseDockerfile('FROM alpine:3.20\nCOPY e.sh /e.sh\nENTRYPOINT ["/sbin/tini", "-g", "--", "/e.sh"]\nCMD ["sh", "-c", "exec gosu app node server.js"]\n', { reader: memoryReader({ 'e.sh': '#!/bin/sh\nexec "$@"\n' }) });
    const l = dockerfileLaunch(facts)!;
    expect(l.init?.name).toBe('tini');
    expect(l.hops.map((h) => [h.kind, h.execs, h.passesArgs])).toEqual([['script', true, true], ['sh-c', true, false]]);
    expect(l.main).toMatchObject({ name: 'node', argv: ['server.js'] });
  });

  it('names package-manager launchers, not package management', () => {
    expect(packageLauncher('npm', ['start'])).toBe('npm start');
    expect(packageLauncher('npm', ['ci'])).toBeNull();
    expect(packageLauncher('yarn', ['serve'])).toBe('yarn serve');
    expect(packageLauncher('yarn', ['install'])).toBeNull();
    expect(packageLauncher('pnpm', ['--filter', 'x', 'start'])).toBe('pnpm start');
    expect(packageLauncher('npx', ['next', 'start'])).toBe('npx');
    expect(packageLauncher('poetry', ['run', 'app'])).toBeNull();
  });

  it('the docs examples of script-without-exec differ only in the script', async () => {
    const fs = await findingsOf(script, ENTRY, script_('"$@"\n'));
    expect(fs[0]?.message).toContain('(line 4 runs it)');
  });
});

testCheck(stopSignal, {
  valid: [
    { name: 'the official nginx image sets SIGQUIT', code: 'FROM nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]\n' },
    { name: 'STOPSIGNAL set', code: 'FROM debian:12\nSTOPSIGNAL SIGQUIT\nCMD ["nginx", "-g", "daemon off;"]\n' },
    { name: 'php official fpm image', code: 'FROM php:8.3-fpm\nCMD ["php-fpm"]\n' },
    { name: 'another program', code: 'FROM debian:12\nCMD ["node", "server.js"]\n' },
    { name: 'SIGKILL in a builder stage does not reach the image', code: 'FROM debian:12 AS build\nSTOPSIGNAL SIGKILL\nFROM debian:12\nCMD ["node", "server.js"]\n' },
    { name: 'a later STOPSIGNAL replaces SIGKILL', code: 'FROM debian:12\nSTOPSIGNAL SIGKILL\nSTOPSIGNAL SIGTERM\nCMD ["node", "server.js"]\n' },
    { name: 'SIGINT can be caught', code: 'FROM debian:12\nSTOPSIGNAL SIGINT\nCMD ["node", "server.js"]\n' },
  ],
  invalid: [
    { code: 'FROM debian:12\nCMD ["nginx", "-g", "daemon off;"]\n', errors: [{ messageId: 'signal', line: 2, column: 1, severity: 'info' }] },
    { name: 'SIGKILL cannot be caught', code: 'FROM debian:12\nSTOPSIGNAL SIGKILL\nCMD ["node", "server.js"]\n', errors: [{ messageId: 'uncatchable', line: 2, column: 1, severity: 'warning' }] },
    { name: 'by number, in the stage built on', code: 'FROM debian:12 AS base\nSTOPSIGNAL 9\nFROM base\nCMD ["node", "server.js"]\n', errors: [{ messageId: 'uncatchable', line: 2, severity: 'warning' }] },
    { name: 'SIGSTOP only freezes it', code: 'FROM debian:12\nstopsignal sigstop\nCMD ["node", "server.js"]\n', errors: [{ messageId: 'uncatchable', line: 2, severity: 'warning' }] },
    { name: 'php-fpm exec\'d by a script', code: 'FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n', context: script_('exec php-fpm82 -F\n'), errors: [{ messageId: 'signal', line: 3, column: 6, file: 'docker-entrypoint.sh' }] },
  ],
});

testCheck(shellForm, {
  valid: [
    'FROM alpine:3.20\nCMD ["sleep", "1"]\n',
    'FROM alpine:3.20\nENTRYPOINT ["/app"]\nCMD ["--port", "80"]\n',
    { name: 'powershell is not a POSIX shell', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nCMD Start-Service foo\n' },
    { name: 'behind dumb-init, which signals the whole group', code: 'FROM node:20-alpine\nENTRYPOINT ["dumb-init", "--"]\nCMD if [ -n "$TRACE" ]; then node -r ./trace.js server.js; else node server.js; fi\n' },
    { name: 'behind tini -g', code: 'FROM node:20-alpine\nENTRYPOINT ["/sbin/tini", "-g", "--"]\nCMD node server.js\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nCMD sleep 1\n', errors: [{ messageId: 'shellForm', line: 2, column: 1, endColumn: 12 }] },
    { name: 'continuation lines', code: 'FROM alpine:3.20\nENTRYPOINT exec \\\n  /app --port 80\n', errors: [{ messageId: 'shellForm', line: 2, column: 1, endLine: 3 }] },
    { name: 'malformed JSON runs as shell', code: "FROM alpine:3.20\nCMD ['sleep', '1']\n", errors: [{ messageId: 'shellForm', line: 2 }] },
  ],
});
