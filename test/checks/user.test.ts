import { testCheck } from '../helpers/tester.js';
import rootUser from '../../checks/user/root-user.js';
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
    { name: 'switched back to root at the end', code: 'FROM debian:12\nUSER 10001\nRUN make\nUSER root\nCMD ["/app"]\n', errors: [{ messageId: 'lastIsRoot', line: 4, column: 1 }] },
    { name: 'root:group', code: 'FROM debian:12\nUSER root:staff\n', errors: [{ messageId: 'lastIsRoot', line: 2 }] },
  ],
});

testCheck(namedUser, {
  valid: [
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
    { name: 'distroless nonroot sets its own user', code: 'FROM gcr.io/distroless/static:nonroot\nCOPY app /app\n' },
    { name: 'USER in the parent stage counts', code: 'FROM alpine:3.20 AS base\nUSER 1000\nFROM base\nCMD ["x"]\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nRUN true\n', errors: [{ messageId: 'noUser', line: 1, column: 1 }] },
    { code: 'FROM alpine:3.20\nUSER 1000\nUSER root\n', errors: [{ messageId: 'lastIsRoot', line: 3 }] },
    { code: 'FROM alpine:3.20\nUSER 0:0\n', errors: [{ messageId: 'lastIsRoot', line: 2 }] },
    { name: 'only the final stage decides', code: 'FROM alpine:3.20 AS a\nUSER 1000\nFROM alpine:3.20\nRUN true\n', errors: [{ messageId: 'noUser', line: 3 }] },
  ],
});
