import { testCheck } from '../helpers/tester.js';
import rootUser from '../../checks/user/root-user.js';
import copyWithoutChown from '../../checks/user/copy-without-chown.js';
import namedUser from '../../checks/user/named-user.js';
import unfixedUid from '../../checks/user/unfixed-uid.js';
import largeUid from '../../checks/user/large-uid-lastlog.js';
import chownAfterCopy from '../../checks/user/chown-after-copy.js';

testCheck(rootUser, {
  valid: [
    { name: 'root for the installs, then back to a user', code: 'FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001\n' },
    { name: 'chainguard image', code: 'FROM cgr.dev/chainguard/static:latest\nCOPY app /app\n' },
  ],
  invalid: [
    { name: 'switched back to root at the end', code: 'FROM debian:12\nUSER 10001\nRUN make\nUSER root\nCMD ["/app"]\n', errors: [{ messageId: 'switchedBack', line: 4, column: 1 }] },
    { name: 'root:group', code: 'FROM debian:12\nUSER root:staff\n', errors: [{ messageId: 'lastIsRoot', line: 2 }] },
  ],
});

testCheck(namedUser, {
  valid: [
    { name: 'Windows accounts have no UID', code: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerUser\nCMD ["cmd", "/c", "echo hi"]\n' },
    'FROM node:20-slim\nUSER 10001\n',
    'FROM node:20-slim\nUSER 10001:10001\n',
    { name: 'value from an ARG', code: 'FROM node:20-slim\nARG APP_USER=app\nUSER ${APP_USER}\n' },
    { name: 'a named USER in a build stage only', code: 'FROM node:20 AS build\nUSER node\nRUN npm ci\nFROM node:20-slim\nUSER 1000\n' },
    { name: 'a name for build steps, then a UID', code: 'FROM node:20-slim\nUSER node\nRUN npm ci\nUSER 1000\n' },
    { name: 'root is root-user\'s business', code: 'FROM node:20-slim\nUSER root\n' },
    { name: 'no USER at all', code: 'FROM node:20-slim\nCMD ["node"]\n' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nUSER node\nCMD ["node", "server.js"]\n', errors: [{ messageId: 'named', line: 2, column: 6, endColumn: 10 }] },
    { name: 'name with a group', code: 'FROM alpine:3.20\nUSER app:app\n', errors: [{ messageId: 'named', line: 2, column: 6 }] },
    { name: 'a file without FROM', code: 'USER foobar:barfoo\n', errors: [{ messageId: 'named', line: 1, column: 6 }] },
    { name: 'inherited from the parent stage', code: 'FROM alpine:3.20 AS base\nUSER nobody\nFROM base\nCMD ["x"]\n', errors: [{ messageId: 'named', line: 2, column: 6 }] },
  ],
});

testCheck(unfixedUid, {
  valid: [
    { name: 'usermod -u later in the same RUN', code: 'FROM debian:12\nRUN useradd --system app && usermod -u 10001 app && groupmod -g 10001 app\nUSER 10001\n' },
    'FROM debian:12\nRUN useradd -u 10001 -m app\n',
    'FROM debian:12\nRUN useradd --uid=10001 app && adduser --system --uid 10002 svc\n',
    'FROM alpine:3.20\nRUN adduser -D -u 10001 app\n',
    { name: 'UID from a variable', code: 'FROM debian:12\nARG UID=10001\nRUN useradd -u "$UID" app\n' },
    { name: 'adding a user to a group', code: 'FROM debian:12\nRUN adduser app docker\n' },
    { name: 'useradd -D changes defaults', code: 'FROM debian:12\nRUN useradd -D -s /bin/bash\n' },
    { name: 'in a build stage', code: 'FROM debian:12 AS build\nRUN useradd builder\nFROM debian:12\nUSER 1000\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nRUN addgroup -S app && adduser -S -G app app\n', errors: [{ messageId: 'noUid', line: 2, column: 42, endColumn: 45 }] },
    { name: 'useradd with options', code: 'FROM debian:12\nRUN useradd -m -s /bin/bash -G sudo app\n', errors: [{ messageId: 'noUid', line: 2, column: 37 }] },
    { name: 'Debian adduser', code: 'FROM debian:12\nRUN adduser --disabled-password --gecos "" web\n', errors: [{ messageId: 'noUid', line: 2, column: 44 }] },
  ],
});

testCheck(largeUid, {
  valid: [
    'FROM debian:12\nRUN useradd -u 10001 app\n',
    'FROM debian:12\nRUN useradd -l -u 1000000 app\n',
    'FROM debian:12\nRUN useradd --no-log-init --uid 123456789 app\n',
    { name: 'UID from a variable', code: 'FROM debian:12\nRUN useradd -u "$UID" app\n' },
    { name: 'adduser is not useradd', code: 'FROM alpine:3.20\nRUN adduser -D -u 1000000 app\n' },
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN useradd -u 1000000 -m app\n', errors: [{ messageId: 'lastlog', line: 2, column: 16, endColumn: 23 }] },
    { name: '--uid= in a build stage', code: 'FROM debian:12 AS b\nRUN useradd --uid=123456 app\nFROM scratch\n', errors: [{ messageId: 'lastlog', line: 2, column: 13 }] },
  ],
});

testCheck(chownAfterCopy, {
  valid: [
    'FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\n',
    { name: 'chown of a directory the COPY did not fill', code: 'FROM node:20-slim\nCOPY . /app\nRUN mkdir /data && chown -R node /data\n' },
    { name: 'chown in the same RUN that creates the files', code: 'FROM debian:12\nRUN mkdir -p /srv/www && tar -xf /tmp/site.tar -C /srv/www && chown -R www-data /srv/www\n' },
    { name: 'not recursive', code: 'FROM debian:12\nCOPY app.conf /etc/app.conf\nRUN chown app /etc/app.conf\n' },
    { name: 'chown in a build stage', code: 'FROM node:20 AS build\nCOPY . /src\nRUN chown -R node /src\nFROM node:20-slim\nCOPY --from=build --chown=node /src /app\n' },
    { name: 'a subdirectory of the copied tree', code: 'FROM node:20-slim\nCOPY . /app\nRUN chown -R node /app/uploads\n' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\n', errors: [{ messageId: 'chown', line: 4, column: 24, endColumn: 28 }] },
    { name: 'relative target, parent directory, ADD', code: 'FROM debian:12\nWORKDIR /opt\nADD app.tar.gz app/\nRUN chown --recursive app:app .\n', errors: [{ messageId: 'chown', line: 4, column: 31 }] },
    { name: 'copied from a stage', code: 'FROM golang:1.22 AS b\nRUN go build -o /out/app .\nFROM debian:12\nCOPY --from=b /out /opt/app\nRUN useradd -u 10001 app && chown -R 10001 /opt\n', errors: [{ messageId: 'chown', line: 5, column: 44 }] },
  ],
});

testCheck(rootUser, {
  valid: [
    'FROM alpine:3.20\nUSER 1000\n',
    'FROM alpine:3.20 AS build\nUSER root\nFROM alpine:3.20\nUSER 1000:1000\n',
    { name: 'a base image for others (no CMD, no ENTRYPOINT)', code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'a language image whose CMD is its REPL', code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ghc && rm -rf /var/lib/apt/lists/*\nCMD ["ghci"]\n' },
    { name: 'a build-tool image', code: 'FROM eclipse-temurin:21-jdk\nCOPY gradle /opt/gradle\nCMD ["gradle"]\n' },
    { name: 'Windows has no root', code: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY app.exe C:/app/app.exe\nENTRYPOINT ["C:/app/app.exe"]\n' },
    { name: '.NET chiseled images set a non-root user', code: 'FROM mcr.microsoft.com/dotnet/runtime:8.0-noble-chiseled\nCOPY app/ /app/\nENTRYPOINT ["/app/App"]\n' },
    { name: 'sudo in a RUN with no USER: the base user is not root', code: 'FROM example/ci-base:2024.01\nRUN sudo apt-get update\nCMD ["node", "server.js"]\n' },
    { name: 'ENV USER=root says root on purpose', code: 'FROM scratch\nCOPY builder /kaniko/builder\nENV USER=root\nENTRYPOINT ["/kaniko/builder"]\n' },
    { name: 'Docker-in-Docker', code: 'FROM docker:27-dind\nCOPY scan.sh /scan.sh\nENTRYPOINT ["/scan.sh"]\n' },
    { name: 'an SSH server configured as the purpose', code: 'FROM alpine:3.20\nRUN apk add --no-cache openssh-server\nCOPY sshd_config /etc/ssh/sshd_config\nEXPOSE 22\nCMD ["/usr/sbin/sshd", "-D", "-e"]\n' },
    { name: 'a server that switches itself to its own user', code: 'FROM alpine:3.20\nRUN apk add --no-cache mosquitto\nEXPOSE 1883\nCMD ["/usr/sbin/mosquitto", "-c", "/mosquitto/config/mosquitto.conf"]\n' },
    { name: 'a GitHub container action runs as root by design', code: 'FROM alpine:3.20\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n', context: { 'entrypoint.sh': '#!/bin/sh\ncd "$GITHUB_WORKSPACE"\nexec clang-format --dry-run src/*.c\n' } },
    { name: 'distroless nonroot sets its own user', code: 'FROM gcr.io/distroless/static:nonroot\nCOPY app /app\n' },
    { name: 'USER in the parent stage counts', code: 'FROM alpine:3.20 AS base\nUSER 1000\nFROM base\nCMD ["x"]\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nRUN true\nEXPOSE 8080\nCMD ["/app/server"]\n', errors: [{ messageId: 'noUser', line: 1, column: 1 }] },
    { code: 'FROM alpine:3.20\nUSER 1000\nUSER root\n', errors: [{ messageId: 'switchedBack', line: 3 }] },
    { name: 'an ARG that defaults to 0', code: 'FROM alpine:3.20\nARG USER_ID=0\nUSER "$USER_ID:$USER_ID"\nCMD ["/app/server"]\n', errors: [{ messageId: 'lastIsRoot', line: 3 }] },
    {
      name: 'the entrypoint steps down: reported where it does, as info',
      code: 'FROM debian:12-slim\nCOPY entrypoint.sh /entrypoint.sh\nEXPOSE 8080\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app/server\"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nchown -R app /data\nexec gosu app "$@"\n' },
      errors: [{ messageId: 'stepsDown', file: 'entrypoint.sh', line: 3, column: 1, severity: 'info' }],
    },
    {
      name: 'a step-down kept in a variable',
      code: 'FROM debian:12-slim\nCOPY entrypoint.sh /entrypoint.sh\nEXPOSE 8080\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app/server\"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\n[ "$(id -u)" -eq 0 ] && GOSU="gosu app" || GOSU=""\nexec $GOSU "$@"\n' },
      errors: [{ messageId: 'stepsDown', file: 'entrypoint.sh', line: 2, severity: 'info' }],
    },
    {
      name: 'a step-down to a user that defaults to 0 is no step-down',
      code: 'FROM debian:12-slim\nCOPY entrypoint.sh /entrypoint.sh\nEXPOSE 8080\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app/server\"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nPUID=${PUID:-0}\nif [ "$PUID" != 0 ]; then exec su-exec $PUID "$@"; fi\nexec "$@"\n' },
      errors: [{ messageId: 'noUser', line: 1 }],
    },
    { name: 'a one-off step as the user is no hand-off', code: 'FROM debian:12-slim\nCOPY entrypoint.sh /entrypoint.sh\nEXPOSE 8080\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app/server\"]\n', context: { 'entrypoint.sh': '#!/bin/sh\ngosu app mkdir -p /data/cache\nexec "$@"\n' }, errors: [{ messageId: 'noUser', line: 1 }] },
    { name: 'a server whose master stays root', code: 'FROM php:8.3-fpm-alpine\nCOPY app/ /var/www/html/\nCMD ["php-fpm"]\n', errors: [{ messageId: 'serverDrops', line: 1, severity: 'info' }] },
    { name: 'a process manager runs its services as their users', code: 'FROM debian:12\nRUN apt-get install -y supervisor nginx\nEXPOSE 80\nCMD ["supervisord", "-n"]\n', errors: [{ messageId: 'noUser', line: 1, severity: 'info' }] },
    { name: 'a toolchain image ending with USER root', code: 'FROM eclipse-temurin:21-jdk\nUSER gradle\nRUN gradle --version\nUSER root\nCMD ["gradle"]\n', errors: [{ messageId: 'switchedBack', line: 4, severity: 'info' }] },
    { name: 'a command-line tool image', code: 'FROM alpine:3.20\nCOPY jq /usr/local/bin/jq\nENTRYPOINT ["jq"]\n', errors: [{ messageId: 'notAnApp', line: 1, severity: 'info' }] },
    { code: 'FROM alpine:3.20\nUSER 0:0\n', errors: [{ messageId: 'lastIsRoot', line: 2 }] },
    { name: 'only the final stage decides', code: 'FROM alpine:3.20 AS a\nUSER 1000\nFROM alpine:3.20\nRUN true\nCMD ["/app/server"]\n', errors: [{ messageId: 'noUser', line: 3 }] },
  ],
});

testCheck(copyWithoutChown, {
  valid: [
    { name: 'copied as root, then USER', code: 'FROM node:20-slim\nCOPY data/ /srv/data/\nUSER node\nCMD ["node", "/srv/server.js", "--data-dir", "/srv/data"]\n' },
    { name: 'copied with --chown', code: 'FROM node:20-slim\nUSER node\nCOPY --chown=node:node data/ /srv/data/\nVOLUME /srv/data\n' },
    { name: 'code the program only reads', code: 'FROM node:20-slim\nUSER node\nCOPY app/ /srv/app/\nCMD ["node", "/srv/app/server.js"]\n' },
    { name: 'the directory exists already (WORKDIR under the user)', code: 'FROM node:20-slim\nUSER node\nWORKDIR /srv/data\nCOPY seed.json /srv/data\nVOLUME /srv/data\n' },
    { name: 'a later chown by root fixes it', code: 'FROM node:20-slim\nUSER node\nCOPY data/ /srv/data/\nUSER root\nRUN chown -R node /srv/data\nUSER node\nVOLUME /srv/data\n' },
    { name: 'copied with a mode others may write', code: 'FROM node:20-slim\nUSER node\nCOPY --chmod=777 data/ /srv/data/\nVOLUME /srv/data\n' },
    { name: 'USER root', code: 'FROM node:20-slim\nUSER root\nCOPY data/ /srv/data/\nVOLUME /srv/data\n' },
  ],
  invalid: [
    { name: 'a data directory the CMD names', code: 'FROM node:20-slim\nUSER node\nCOPY data/ /srv/data/\nCMD ["node", "/srv/server.js", "--data-dir", "/srv/data"]\n', errors: [{ messageId: 'rootOwned', line: 3, column: 1, severity: 'warning' }] },
    { name: 'a VOLUME inside the copied tree', code: 'FROM python:3.12-slim\nUSER 10001\nCOPY . /app\nVOLUME /app/uploads\nCMD ["python", "/app/main.py"]\n', errors: [{ messageId: 'rootOwned', line: 3 }] },
    { name: 'an ENV data directory', code: 'FROM node:20-slim\nUSER node\nCOPY --from=build /out /opt/app\nENV APP_DATA_DIR=/opt/app/var\nCMD ["node", "/opt/app/index.js"]\n', errors: [{ messageId: 'rootOwned', line: 3 }] },
    { name: 'the entrypoint edits a copied file', code: 'FROM nginx:1.27-alpine\nUSER nginx\nCOPY conf/app.conf /etc/app/app.conf\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n', context: { 'entrypoint.sh': '#!/bin/sh\nsed -i "s/PORT/$PORT/" /etc/app/app.conf\nexec nginx -g "daemon off;"\n', 'conf/app.conf': 'listen PORT;\n' }, errors: [{ messageId: 'rootOwned', line: 3 }] },
  ],
});

// A user created and never used (tally's user-created-but-never-used) sharpens root-user's finding: one finding per image.
testCheck(rootUser, {
  valid: [
    { name: 'created and switched to', code: 'FROM debian:12-slim\nRUN useradd -u 10001 app\nUSER 10001\nCMD ["/usr/local/bin/app"]\n' },
  ],
  invalid: [
    { name: 'created, never used', code: 'FROM debian:12-slim\nRUN useradd -r -u 10001 app\nEXPOSE 8080\nCMD ["/usr/local/bin/app"]\n', errors: [{ messageId: 'createdUnused', line: 1, severity: 'warning' }] },
    { name: 'created in the stage it is built on', code: 'FROM debian:12-slim AS base\nRUN groupadd -r grp && useradd -r -g grp app\nFROM base\nEXPOSE 8080\nCMD ["app"]\n', errors: [{ messageId: 'createdUnused', line: 3 }] },
    { name: 'given files with chown: used, so the plain message', code: 'FROM debian:12-slim\nRUN useradd app && mkdir /data && chown app /data\nEXPOSE 8080\nCMD ["/usr/local/bin/app"]\n', errors: [{ messageId: 'noUser', line: 1 }] },
    { name: 'given files with --chown: used', code: 'FROM debian:12-slim\nRUN useradd app\nCOPY --chown=app:app . /srv\nEXPOSE 8080\nCMD ["/srv/app"]\n', errors: [{ messageId: 'noUser', line: 1 }] },
    { name: 'nginx switches its workers to the user it was made for', code: 'FROM alpine:3.20\nRUN addgroup -S nginx && adduser -S -D -H -G nginx nginx && apk add --no-cache nginx\nEXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]\n', errors: [{ messageId: 'serverDrops', line: 1, severity: 'info' }] },
    { name: 'an entrypoint script the context does not hold may hand over', code: 'FROM debian:12-slim\nRUN groupadd -r mysql && useradd -r -g mysql mysql\nENTRYPOINT ["/entrypoint.sh"]\nEXPOSE 3306\nCMD ["mysqld"]\n', errors: [{ messageId: 'noUser', line: 1 }] },
    { name: 'a home directory path does not count as use', code: 'FROM debian:12-slim\nRUN useradd -m app && mkdir -p /home/app/.config\nEXPOSE 8080\nCMD ["/usr/local/bin/app"]\n', errors: [{ messageId: 'createdUnused', line: 1 }] },
  ],
});
