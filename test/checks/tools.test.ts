import { testCheck } from '../helpers/tester.js';
import networkTools from '../../checks/tools/network-tools.js';
import ssh from '../../checks/tools/ssh-installed.js';
import sudo from '../../checks/tools/sudo.js';
import debuggers from '../../checks/tools/debuggers.js';
import downloadTools from '../../checks/tools/download-tools-left.js';

testCheck(networkTools, {
  valid: [
    { name: 'an entrypoint copied to a WORKDIR named by a variable', code: 'FROM python:3.12-slim\nRUN apt-get install -y netcat-openbsd\nENV APP_HOME=/home/app/web\nWORKDIR $APP_HOME\nCOPY ./entrypoint.sh .\nENTRYPOINT ["/home/app/web/entrypoint.sh"]\n', context: { 'entrypoint.sh': '#!/bin/sh\nwhile ! nc -z "$SQL_HOST" 5432; do sleep 1; done\nexec "$@"\n' } },
    { name: 'netcat the entrypoint waits for the database with', code: 'FROM debian:12\nRUN apt-get install -y netcat-openbsd\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["/app/server"]\n', context: { 'entrypoint.sh': '#!/bin/sh\nwhile ! nc -z "$DB_HOST" 5432; do sleep 1; done\nexec "$@"\n' } },
    { name: 'netcat a health-check script uses', code: 'FROM debian:12\nRUN apt-get install -y netcat-openbsd\nCOPY healthcheck.sh /usr/local/bin/healthcheck.sh\nHEALTHCHECK CMD /usr/local/bin/healthcheck.sh\nCMD ["/app/server"]\n', context: { 'healthcheck.sh': '#!/bin/sh\necho PING | nc -q1 localhost 6379 | grep -q PONG\n' } },
    { name: 'socat kept in a variable a start script runs', code: 'FROM alpine:3.20\nRUN apk add --no-cache socat\nCOPY start.sh /start.sh\nCMD ["/start.sh"]\n', context: { 'start.sh': '#!/bin/sh\nCMD="socat TCP4-LISTEN:8080,fork TCP4:backend:8080"\n$CMD &\nexec /app/server\n' } },
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\n',
    { name: 'in a builder stage only', code: 'FROM debian:bookworm AS probe\nRUN apt-get install -y netcat-openbsd nmap\nFROM debian:bookworm-slim\nCOPY --from=probe /etc/hosts /x\n' },
    { name: 'removed later in the final stage', code: 'FROM alpine:3.20\nRUN apk add --no-cache socat\nRUN ./wait-for-db.sh\nRUN apk del socat\n' },
    { name: 'apk virtual group deleted', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .probe netcat-openbsd && ./check && apk del .probe\n' },
    { name: 'a pip package with the same name is not the tool', code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir telnet==0.1\n' },
    { name: 'a version of a similar-named package', code: 'FROM debian:12\nRUN apt-get install -y netcat-openbsd-docs\n' },
  ],
  invalid: [
    {
      code: 'FROM debian:bookworm-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends ca-certificates netcat-openbsd \\\n && rm -rf /var/lib/apt/lists/*\n',
      errors: [{ messageId: 'networkTool', line: 3, column: 64, endColumn: 78 }],
    },
    {
      name: 'several tools, versions and managers',
      code: 'FROM alpine:3.20\nRUN apk add --no-cache nmap=7.95-r0 socat tcpdump\n',
      errors: [
        { messageId: 'networkTool', line: 2, column: 24 },
        { messageId: 'networkTool', line: 2, column: 37 },
        { messageId: 'networkTool', line: 2, column: 43 },
      ],
    },
    { name: 'ncat on RHEL', code: 'FROM registry.access.redhat.com/ubi9/ubi\nRUN dnf install -y nmap-ncat telnet && dnf clean all\n', errors: [{ messageId: 'networkTool', line: 2, column: 20 }, { messageId: 'networkTool', line: 2, column: 30 }] },
    { name: 'installed in the stage the final one is built from', code: 'FROM ubuntu:24.04 AS base\nRUN apt-get install -y netcat-traditional\nFROM base\nCMD ["app"]\n', errors: [{ messageId: 'networkTool', line: 2, column: 24 }] },
    { name: 'removed only in another stage', code: 'FROM debian:12 AS a\nRUN apt-get install -y socat\nFROM debian:12\nRUN apt-get install -y socat\nFROM a\nRUN apt-get purge -y curl\n', errors: [{ messageId: 'networkTool', line: 2, column: 24 }] },
    { name: 'ONBUILD RUN', code: 'FROM debian:12\nONBUILD RUN apt-get install -y busybox-extras\n', errors: [{ messageId: 'networkTool', line: 2, column: 32 }] },
  ],
});

testCheck(ssh, {
  valid: [
    { name: 'an SSH server the image configures (git over SSH)', code: 'FROM alpine:3.20\nRUN apk add --no-cache openssh-server git\nCOPY sshd_config /etc/ssh/sshd_config\nCMD ["/app/gitserver"]\n' },
    { name: 'the client next to git, which uses it', code: 'FROM debian:12\nRUN apt-get install -y git openssh-client\nCMD ["/app/server"]\n' },
    { name: 'the client used by the entrypoint', code: 'FROM debian:12\nRUN apt-get install -y openssh-client\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["/app/sync"]\n', context: { 'entrypoint.sh': '#!/bin/sh\nssh-keyscan "$HOST" >> ~/.ssh/known_hosts\nexec "$@"\n' } },
    { name: 'client in a builder stage', code: 'FROM alpine:3.20 AS src\nRUN apk add --no-cache git openssh-client\nFROM alpine:3.20\nCOPY --from=src /src /src\n' },
    'FROM ubuntu:24.04\nRUN apt-get install -y --no-install-recommends git\n',
    { name: 'server purged in the same RUN', code: 'FROM debian:12\nRUN apt-get install -y openssh-server && ssh-keygen -A && apt-get purge -y openssh-server\n' },
  ],
  invalid: [
    { code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends openssh-server\nCMD ["/app/server"]\n', errors: [{ messageId: 'server', line: 2, column: 66, endColumn: 80, severity: 'warning' }] },
    { name: 'client as info', code: 'FROM debian:12\nRUN apt-get install -y curl openssh-client\nCMD ["/app/server"]\n', errors: [{ messageId: 'client', line: 2, column: 29, severity: 'info' }] },
    { name: 'alpine openssh and dropbear', code: 'FROM alpine:3.20\nRUN apk add --no-cache openssh dropbear\nCMD ["/app/server"]\n', errors: [{ messageId: 'server', line: 2, column: 24 }, { messageId: 'server', line: 2, column: 32 }] },
    { name: 'RHEL clients package', code: 'FROM rockylinux:9\nRUN yum install -y openssh-clients-8.7p1\nCMD ["/app/server"]\n', errors: [{ messageId: 'client', line: 2, column: 20 }] },
  ],
});

testCheck(sudo, {
  valid: [
    { name: 'kept, but the container runs as root anyway', code: 'FROM ubuntu:24.04\nRUN apt-get install -y --no-install-recommends sudo\nCMD ["/app/server"]\n' },
    'FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001\n',
    { name: 'gosu drops privileges', code: 'FROM debian:12\nRUN apt-get install -y gosu\nENTRYPOINT ["gosu", "app", "/app"]\n' },
    { name: 'sudo installed in a builder stage', code: 'FROM debian:12 AS b\nRUN apt-get install -y sudo\nFROM debian:12\nCOPY --from=b /x /x\n' },
    { name: 'the word sudo as an argument', code: 'FROM debian:12\nRUN echo sudo > /tmp/x && grep sudo /etc/group\n' },
  ],
  invalid: [
    { code: 'FROM debian:12\nUSER app\nRUN sudo apt-get update\n', errors: [{ messageId: 'used', line: 3, column: 5, endColumn: 9 }] },
    { name: 'in a builder stage too', code: 'FROM golang:1.22 AS b\nRUN go build -o /app . && sudo cp /app /usr/bin/\nFROM scratch\nCOPY --from=b /app /app\n', errors: [{ messageId: 'used', line: 2, column: 27 }] },
    { name: 'inside sh -c', code: 'FROM debian:12\nRUN sh -c "sudo chown app /srv"\n', errors: [{ messageId: 'used', line: 2 }] },
    { name: 'installed and kept', code: 'FROM ubuntu:24.04\nRUN apt-get install -y --no-install-recommends sudo\nUSER 10001\nCMD ["/app/server"]\n', errors: [{ messageId: 'installed', line: 2, column: 48 }] },
    { name: 'doas on alpine, used too', code: 'FROM alpine:3.20\nRUN apk add --no-cache doas\nUSER app\nRUN doas apk add git\nCMD ["/app/server"]\n', errors: [{ messageId: 'installed', line: 2, column: 24 }, { messageId: 'used', line: 4, column: 5 }] },
    { name: 'ONBUILD', code: 'FROM debian:12\nONBUILD RUN sudo make install\n', errors: [{ messageId: 'used', line: 2, column: 13 }] },
  ],
});

testCheck(debuggers, {
  valid: [
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir gunicorn\n',
    { name: 'a debug stage that does not ship', code: 'FROM python:3.12-slim AS release\nCMD ["python"]\nFROM release AS debug\nRUN apt-get install -y gdb\nFROM release\n' },
    { name: 'lsof is not a debugger', code: 'FROM debian:12\nRUN apt-get install -y lsof procps\n' },
  ],
  invalid: [
    { code: 'FROM python:3.12-slim\nRUN apt-get install -y --no-install-recommends gdb strace\n', errors: [{ messageId: 'debugger', line: 2, column: 48, endColumn: 51 }, { messageId: 'debugger', line: 2, column: 52 }] },
    { name: 'versioned and pattern packages', code: 'FROM ubuntu:24.04\nRUN apt-get install -y lldb-17 linux-tools-6.8.0-31-generic valgrind=1:3.22\n', errors: [{ messageId: 'debugger', line: 2, column: 24 }, { messageId: 'debugger', line: 2, column: 32 }, { messageId: 'debugger', line: 2, column: 61 }] },
    { name: 'alpine', code: 'FROM alpine:3.20\nRUN apk add --no-cache ltrace\n', errors: [{ messageId: 'debugger', line: 2, column: 24 }] },
  ],
});

testCheck(downloadTools, {
  valid: [
    { name: 'a runtime install after the build used it', code: 'FROM debian:12\nRUN apt-get install -y wget && wget -q -O /x https://example.com/x && apt-get purge -y wget\nRUN apt-get install -y wget gosu tini\nCMD ["/x"]\n' },
    { name: '--version is no use', code: 'FROM debian:12\nRUN apt-get install -y wget && wget --version\nCMD ["/app"]\n' },
    { name: 'a toolchain image offers it', code: 'FROM debian:12\nRUN apt-get install -y curl && curl -fsSL -o /opt/tool.tgz https://example.com/tool.tgz\nCMD ["gradle"]\n' },
    { name: 'needed by HEALTHCHECK', code: 'FROM debian:12\nRUN apt-get install -y curl\nRUN curl -o /app https://example.com/app\nHEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\n' },
    { name: 'needed by an exec-form HEALTHCHECK', code: 'FROM debian:12\nRUN apt-get install -y wget && wget -q https://example.com/x\nHEALTHCHECK CMD ["wget", "-q", "--spider", "http://localhost/"]\n' },
    { name: 'needed by the entrypoint script', code: 'FROM debian:12\nRUN apt-get install -y curl && curl -o /x https://example.com/x\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n', context: { 'entrypoint.sh': '#!/bin/sh\ncurl -fsS "$CONFIG_URL" -o /etc/app.conf\nexec app\n' } },
    { name: 'purged in the same RUN', code: 'FROM debian:12\nRUN apt-get install -y curl && curl -o /x https://example.com/x && apt-get purge -y --auto-remove curl\n' },
    { name: 'never used by the build (maybe by the app)', code: 'FROM debian:12\nRUN apt-get install -y curl\nCMD ["/app"]\n' },
    { name: 'downloaded in a build stage', code: 'FROM debian:12 AS fetch\nRUN apt-get install -y curl && curl -o /x https://example.com/x\nFROM debian:12\nCOPY --from=fetch /x /x\n' },
  ],
  invalid: [
    {
      code: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl\nRUN curl -fsSL -o /app https://example.com/app\nCMD ["/app"]\n',
      errors: [{ messageId: 'leftBehind', line: 2, column: 82, endColumn: 86 }],
    },
    { name: 'wget on alpine, same RUN, not removed', code: 'FROM alpine:3.20\nRUN apk add --no-cache wget && wget -q -O /x https://example.com/x\nCMD ["/x"]\n', errors: [{ messageId: 'leftBehind', line: 2, column: 24 }] },
    { name: 'removed only by rm of a file', code: 'FROM debian:12\nRUN apt-get install -y curl && curl -o /x https://example.com/x && rm -rf /var/lib/apt/lists/*\nCMD ["/x"]\n', errors: [{ messageId: 'leftBehind', line: 2, column: 24 }] },
  ],
});
