import { testCheck } from '../helpers/tester.js';
import secretArgEnv from '../../checks/security/secret-in-arg-env.js';
import copiedSecret from '../../checks/security/copied-secret-file.js';
import curlPipe from '../../checks/security/curl-pipe-shell.js';
import worldWritable from '../../checks/security/world-writable.js';
import addRemote from '../../checks/security/add-remote-url.js';
import exposeSsh from '../../checks/security/expose-ssh.js';
import verification from '../../checks/security/verification-disabled.js';
import setuidFiles from '../../checks/security/setuid-files.js';
import addLocal from '../../checks/security/add-local-file.js';
import untrusted from '../../checks/security/untrusted-registry.js';
import literalPassword from '../../checks/security/literal-password.js';
import unverified from '../../checks/security/unverified-download.js';
import endOfLife from '../../checks/security/end-of-life.js';
import pipExtraIndex from '../../checks/security/pip-extra-index.js';
import sensitiveVolume from '../../checks/security/sensitive-volume.js';
import secretInRun from '../../checks/security/secret-in-run.js';

// End-of-life dates are compared with today: the table below is written for this day.
process.env.SHIPSHAPE_TODAY = '2026-12-06';

testCheck(unverified, {
  valid: [
    { name: 'checked with sha256sum -c', code: 'FROM debian:12-slim\nARG SHA=00\nRUN curl -fsSLo /tmp/t.tgz https://example.com/t-1.0.tgz && echo "$SHA  /tmp/t.tgz" | sha256sum -c - && tar -xzf /tmp/t.tgz -C /opt\n' },
    { name: 'checked with gpg --verify', code: 'FROM debian:12-slim\nRUN wget -q https://example.com/t-1.0.tgz https://example.com/t-1.0.tgz.asc && gpg --batch --verify t-1.0.tgz.asc t-1.0.tgz && tar -xzf t-1.0.tgz\n' },
    { name: 'the signature fetched here, checked in a later RUN', code: 'FROM golang:1.22\nRUN curl -s https://example.com/mc -o /go/bin/mc && curl -s https://example.com/mc.minisig -o /go/bin/mc.minisig && chmod +x /go/bin/mc\nRUN minisign -Vqm /go/bin/mc -x /go/bin/mc.minisig -P RWTx\n' },
    { name: 'a file the RUN does not unpack, install or run', code: 'FROM debian:12-slim\nRUN curl -fsSLo /etc/app/config.yaml https://example.com/config.yaml\n' },
    { name: 'a URL at a git commit', code: 'FROM alpine:3.20\nENV DIND_COMMIT=8d9e3502aba39127e4d12196dae16d306f76993d\nRUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/docker/docker/${DIND_COMMIT}/hack/dind" && chmod +x /usr/local/bin/dind\n' },
    { name: 'verified with rpmkeys', code: 'FROM rockylinux:9\nRUN curl -Lf -o /tmp/x.rpm https://example.com/x-1.0.rpm && rpmkeys --checksig /tmp/x.rpm && rpm -i /tmp/x.rpm\n' },
  ],
  invalid: [
    { name: 'downloaded and unpacked', code: 'FROM debian:12-slim\nRUN curl -fsSLo /tmp/t.tgz https://example.com/t-1.0.tgz && tar -xzf /tmp/t.tgz -C /opt\n', errors: [{ messageId: 'unchecked', line: 2, column: 5, severity: 'warning' }] },
    { name: 'an installer run', code: 'FROM debian:12-slim\nRUN wget https://example.com/Miniforge3-Linux-x86_64.sh -O miniforge3.sh && bash miniforge3.sh -b -p /opt/conda\n', errors: [{ messageId: 'unchecked', line: 2 }] },
    { name: 'a binary made executable', code: 'FROM debian:12-slim\nRUN curl -sSL https://example.com/app-linux-amd64 -o /usr/bin/app && chmod +x /usr/bin/app\n', errors: [{ messageId: 'unchecked', line: 2 }] },
    { name: 'downloaded, then installed by a later RUN', code: 'FROM ubuntu:22.04\nRUN wget http://example.com/tool_1.0_amd64.deb\nRUN dpkg -i tool_1.0_amd64.deb\n', errors: [{ messageId: 'uncheckedLater', line: 2, column: 5 }] },
    { name: 'streamed into tar', code: 'FROM debian:12-slim\nRUN curl -fsSL https://example.com/t-1.0.tgz | tar -xz -C /opt\n', errors: [{ messageId: 'piped', line: 2, column: 5 }] },
  ],
});

testCheck(literalPassword, {
  valid: [
    { name: 'a password from a variable', code: 'FROM debian:bookworm-slim\nARG APP_PASSWORD\nRUN useradd -m app && echo "app:$APP_PASSWORD" | chpasswd\n' },
    { name: 'a locked account', code: 'FROM debian:bookworm-slim\nRUN useradd -m -p "*" app && passwd -l app\n' },
    { name: 'echo into something else', code: 'FROM debian:bookworm-slim\nRUN echo "app:x:1000:" >> /etc/group\n' },
  ],
  invalid: [
    { name: 'chpasswd fed a written password', code: 'FROM php:8.3-fpm-alpine\nRUN echo "root:Docker!" | chpasswd\n', errors: [{ messageId: 'chpasswd', line: 2, column: 5, severity: 'warning' }] },
    { name: 'passwd --stdin', code: 'FROM rockylinux:9\nRUN useradd app && echo s3cret | passwd --stdin app\n', errors: [{ messageId: 'chpasswd', line: 2, column: 20 }] },
    { name: 'useradd -p with a hash made from a written password', code: 'FROM debian:bookworm-slim\nRUN useradd -m -p "$(echo docker | openssl passwd -1 -stdin)" docker\n', errors: [{ messageId: 'option', line: 2, column: 19 }] },
  ],
});

testCheck(secretArgEnv, {
  valid: [
    'FROM alpine:3.20\nENV foobar=barfoo\n',
    'FROM alpine:3.20\nENV PUBLIC_KEY=abc\nARG public_token\nARG AUTH_MODULE_VERSION\nENV password_file=/run/secrets/pw\n',
    { name: 'a GPG key fingerprint is public', code: 'FROM python:3.12\nENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305\n' },
    { name: 'flags about passwords hold none', code: 'FROM bitnami/minideb:bookworm\nENV ALLOW_EMPTY_PASSWORD=no MARIADB_SKIP_TEST_DB=no PASSWORD_MIN_LENGTH=12\n' },
    { name: 'a path to a credential file is not the credential', code: 'FROM alpine:3.20\nENV GOOGLE_APPLICATION_CREDENTIALS=/credentials/sa.json\n' },
    { name: 'secret mounts', code: 'FROM alpine:3.20\nRUN --mount=type=secret,id=aws,env=AWS_ACCESS_KEY_ID aws s3 ls\n' },
    { name: 'an empty ENV is a placeholder for docker run -e', code: 'FROM python:3.12-slim\nENV ADMIN_PASSWORD="" API_TOKEN=\n' },
    {
      name: 'public key ids and fingerprints named KEY',
      code: 'FROM debian:12-slim\nARG TOOL_RELEASE_KEY=\'0123456789ABCDEF0123456789ABCDEF01234567\'\nENV RELEASE_SIGNING_KEY_ID=0x1234ABCD5678EF90 BUILD_SIGNING_KEY=ABCD1234\nRUN gpg --batch --recv-keys "$TOOL_RELEASE_KEY"\n',
    },
    { name: 'flags and settings', code: 'FROM debian:12-slim\nENV APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE=1 AUTH_PROVIDERS=credentials,oidc\n' },
    { name: 'a local placeholder database URL', code: 'FROM php:8.3-fpm\nENV DATABASE_URL="mysql://app:app@127.0.0.1:3306/app" CACHE_URL=redis://default:changeme@localhost:6379\n' },
    {
      name: 'a builder stage that does not ship: its ENV and its ARG defaults',
      code: 'FROM node:20-slim AS build\nARG APP_ENCRYPTION_KEY=dummy\nENV APP_ENCRYPTION_KEY=$APP_ENCRYPTION_KEY\nARG NEXT_PRIVATE_TELEMETRY_KEY=""\nRUN npm run build\nFROM node:20-slim\nCOPY --from=build /app/dist /app\n',
    },
  ],
  invalid: [
    { code: 'ARG AWS_ACCESS_KEY_ID\nFROM alpine:3.20\n', errors: [{ messageId: 'argName', line: 1, column: 5, endColumn: 22 }] },
    { code: 'FROM alpine:3.20\nENV FOO=test GITHUB_TOKEN=test\n', errors: [{ messageId: 'envName', line: 2, column: 14 }] },
    { name: 'legacy ENV form', code: 'FROM alpine:3.20\nENV my_password hunter2\n', errors: [{ messageId: 'envName', line: 2, column: 5 }] },
    { name: 'camelCase and prefixes', code: 'FROM alpine:3.20\nARG openaiApiKey\nARG VITE_AWS_SECRET_ACCESS_KEY\n', errors: [{ messageId: 'argName', line: 2 }, { messageId: 'argName', line: 3 }] },
    {
      name: 'a credential in the value, whatever the name',
      code: 'FROM alpine:3.20\nENV DATABASE_URL=postgres://app:hunter2@db/app\nARG K=AKIAABCDEFGHIJKLMNOP\n',
      errors: [{ messageId: 'value', line: 2, column: 5 }, { messageId: 'value', line: 3, column: 5 }],
    },
    { name: 'a password for a remote host is no placeholder', code: 'FROM alpine:3.20\nENV DATABASE_URL=postgres://app:app@db.example.com/app\n', errors: [{ messageId: 'value', line: 2 }] },
    { name: 'a hex value named TOKEN is still a token', code: 'FROM alpine:3.20\nENV GITHUB_TOKEN=0123456789abcdef0123456789abcdef01234567\n', errors: [{ messageId: 'envName', line: 2 }] },
    {
      name: 'a build argument without default in a builder stays in its cache: info',
      code: 'FROM node:20-alpine AS build\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\nRUN npm ci\nFROM node:20-alpine\nCOPY --from=build /app /app\n',
      errors: [{ messageId: 'argBuildOnly', line: 2, severity: 'info' }],
    },
    {
      name: 'a telemetry key baked in on purpose: info',
      code: 'FROM node:20-slim\nARG NEXT_PRIVATE_TELEMETRY_KEY=""\nENV NEXT_PRIVATE_TELEMETRY_KEY="$NEXT_PRIVATE_TELEMETRY_KEY"\n',
      errors: [{ messageId: 'telemetry', line: 2, severity: 'info' }, { messageId: 'telemetry', line: 3, severity: 'info' }],
    },
  ],
});

const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

testCheck(copiedSecret, {
  valid: [
    'FROM alpine:3.20\nCOPY app.py requirements.txt /app/\n',
    'FROM alpine:3.20\nCOPY .env.example certs/ca.pem /app/\n',
    { name: 'repository signing keys are public', code: 'FROM debian:12\nADD nodesource-repo.gpg.key yarn-pubkey.key /tmp/\n' },
    { name: 'credential path outside what was copied', code: 'FROM alpine:3.20\nCOPY /src /src\nENV GOOGLE_APPLICATION_CREDENTIALS=./app/sa.json\n' },
    {
      name: 'files read from the context that hold no credential',
      code: 'FROM nginx:1.27-alpine\nCOPY dhparams.pem /etc/nginx/dhparams.pem\nCOPY .npmrc .env.production /app/\n',
      context: {
        'dhparams.pem': '-----BEGIN DH PARAMETERS-----\nMIIBCAKCAQEA\n-----END DH PARAMETERS-----\n',
        '.npmrc': '# registry settings moved elsewhere\nregistry=https://registry.npmjs.org/\n',
        '.env.production': 'APP_NAME=Example\nDB_CONNECTION=sqlite\nAPP_KEY=\n',
      },
    },
    {
      name: 'a project folder called .docker holds Docker assets, not credentials',
      code: 'FROM php:8.3-apache\nCOPY .docker/vhost.conf /etc/apache2/sites-available/000-default.conf\nCOPY .docker /assets\n',
      context: { '.docker/vhost.conf': '<VirtualHost *:80></VirtualHost>\n', '.docker/entrypoint.sh': '#!/bin/sh\nexec "$@"\n' },
    },
    {
      name: 'a .docker directory another stage only made',
      code: 'FROM alpine:3.20 AS prep\nRUN mkdir -p /out/.docker\nFROM scratch\nCOPY --from=prep /out/.docker /app/.docker\nENV DOCKER_CONFIG=/app/.docker\n',
    },
    { name: 'a .pem name that is not in the context is most likely a certificate', code: 'FROM alpine:3.20\nCOPY target/shared/ffdhe4096.pem /etc/dovecot/dh.pem\n', context: { 'Dockerfile': 'x' } },
  ],
  invalid: [
    { name: 'a private key read from the context', code: 'FROM alpine:3.20\nCOPY id_rsa /root/.ssh/id_rsa\n', context: { id_rsa: PRIVATE_KEY }, errors: [{ messageId: 'secretFile', line: 2, column: 6, endColumn: 12, severity: 'error' }] },
    {
      name: 'an .npmrc with a token, and a .pem with a private key',
      code: 'FROM node:20\nCOPY package.json .npmrc ./\nCOPY tls/server.pem /etc/tls/\n',
      context: { '.npmrc': '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n', 'tls/server.pem': PRIVATE_KEY.replace(/OPENSSH /g, '') },
      errors: [{ messageId: 'secretFile', line: 2, column: 19 }, { messageId: 'secretFile', line: 3, column: 6 }],
    },
    { name: 'an .env with a secret value', code: 'FROM node:20\nCOPY .env /app/.env\n', context: { '.env': 'PORT=3000\nDB_PASSWORD=s3cr3t-value\n' }, errors: [{ messageId: 'secretFile', line: 2 }] },
    {
      name: 'a .docker directory with a config.json that holds auths',
      code: 'FROM alpine:3.20\nCOPY .docker /root/.docker\n',
      context: { '.docker/config.json': '{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}\n' },
      errors: [{ messageId: 'secretFile', line: 2, column: 6 }],
    },
    { name: 'not in the context: not checked, a warning', code: 'FROM alpine:3.20\nADD .aws/credentials server.key /root/\n', errors: [{ messageId: 'notChecked', line: 2, column: 5, severity: 'warning' }, { messageId: 'notChecked', line: 2, column: 22 }] },
    {
      name: 'a credential in a stage that does not ship: info',
      code: 'FROM node:20 AS build\nCOPY .npmrc ./\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\n',
      context: { '.npmrc': '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n' },
      errors: [{ messageId: 'secretFileBuild', line: 2, severity: 'info' }],
    },
    { name: 'a credential file copied from a stage', code: 'FROM alpine:3.20 AS creds\nRUN echo x\nFROM alpine:3.20\nCOPY --from=creds /root/.npmrc /root/.npmrc\n', errors: [{ messageId: 'fromStage', line: 4, severity: 'warning' }] },
    { code: 'FROM alpine:3.20\nCOPY ./config $AWS_CONFIG_FILE\n', errors: [{ messageId: 'toCredentialVar', line: 2, column: 15 }] },
    { code: 'FROM alpine:3.20\nCOPY . .\nENV GOOGLE_APPLICATION_CREDENTIALS="./sa.json"\n', errors: [{ messageId: 'credentialPath', line: 3, column: 5 }] },
  ],
});

testCheck(curlPipe, {
  valid: [
    'FROM alpine:3.20\nRUN curl -fsSL https://x/a.tgz | tar xz\n',
    'FROM alpine:3.20\nRUN curl -s https://x/v.json | python3 -c "import json,sys; print(json.load(sys.stdin))"\n',
    'FROM alpine:3.20\nRUN curl -fsSLo /tmp/i.sh https://x/i.sh && sh /tmp/i.sh\n',
  ],
  invalid: [
    { name: 'an interpreter reading the program from stdin', code: 'FROM php:8.3-cli\nRUN curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin --filename=composer\n', errors: [{ messageId: 'piped', line: 2 }] },
    { code: 'FROM alpine:3.20\nRUN apk add curl && curl -fsSL https://x/i.sh | sh\n', errors: [{ messageId: 'piped', line: 2, column: 21, endColumn: 51 }] },
    { name: 'through sudo, with arguments', code: 'FROM alpine:3.20\nRUN wget -qO- https://x | sudo bash -s -- -y\n', errors: [{ messageId: 'piped', line: 2, column: 5 }] },
    { name: 'multi-line RUN points at the pipeline', code: 'FROM alpine:3.20\nRUN set -eux; \\\n    curl -fsSL https://x | bash\n', errors: [{ messageId: 'piped', line: 3, column: 5, endLine: 3 }] },
    { name: 'command substitution', code: 'FROM alpine:3.20\nRUN sh -c "$(curl -fsSL https://x/i.sh)"\n', errors: [{ messageId: 'substituted', line: 2, column: 5 }] },
    { name: 'process substitution', code: 'FROM alpine:3.20\nRUN bash <(curl -s https://x)\n', errors: [{ messageId: 'substituted', line: 2 }] },
  ],
});

testCheck(worldWritable, {
  valid: [
    'FROM alpine:3.20\nRUN chmod 755 /app && chmod 1777 /tmp && chmod u+w f && chmod a+rwx,o-w g\n',
    'FROM alpine:3.20\nRUN mkdir -m 750 /d\n',
    { name: 'ugo+rwx,o+t is 1777', code: 'FROM alpine:3.20\nRUN mkdir -p /shared && chmod ugo+rwx,o+t /shared\n' },
    { name: 'g=u gives others nothing', code: 'FROM alpine:3.20\nRUN chmod -R g=u /app\n' },
  ],
  invalid: [
    { name: 'go=u copies the owner\'s write bit to others', code: 'FROM elixir:1.17\nRUN chmod -R go=u /app\n', errors: [{ messageId: 'chmod', line: 2, severity: 'warning' }] },
    { name: 'a state directory opened for any UID: info', code: 'FROM node:20-slim\nWORKDIR /app\nRUN mkdir -p /app/.cache && chmod 777 /app/.cache\nUSER node\n', errors: [{ messageId: 'chmod', line: 3, severity: 'info' }] },
    { name: 'a cache tree of an image with no fixed user: info', code: 'FROM debian:bookworm-slim\nRUN mkdir -p /opt/sdk/cache && chmod -R 777 /opt/sdk/cache\nENTRYPOINT ["/bin/sh"]\n', errors: [{ messageId: 'chmod', line: 2, severity: 'info' }] },
    { name: 'a state tree of an image that runs as a fixed user: warning', code: 'FROM eclipse-temurin:21-jre\nRUN mkdir -p /opt/java/.scc/cache && chmod -R 0777 /opt/java/.scc/cache\nUSER 1001\n', errors: [{ messageId: 'chmod', line: 2, severity: 'warning' }] },
    { code: 'FROM alpine:3.20\nRUN chmod -R 777 /app\n', errors: [{ messageId: 'chmod', line: 2, column: 5, endColumn: 22 }] },
    { code: 'FROM alpine:3.20\nRUN set -e && \\\n  chmod a+rwx /data\n', errors: [{ messageId: 'chmod', line: 3, column: 3 }] },
    { code: 'FROM alpine:3.20\nRUN mkdir -p -m 0777 /cache && chmod o+w /x\n', errors: [{ messageId: 'chmod', line: 2, column: 5 }, { messageId: 'chmod', line: 2, column: 32 }] },
  ],
});

testCheck(addRemote, {
  valid: [
    'FROM alpine:3.20\nADD --checksum=sha256:00 https://example.com/a.tgz /a\n',
    'FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.14.0 /src\n',
    'FROM alpine:3.20\nADD app.tar.gz /app\n',
  ],
  invalid: [
    { name: 'a URL held in a variable', code: 'FROM alpine:3.20\nARG TINI_URL=https://github.com/krallin/tini/releases/download/v0.19.0/tini-static\nADD ${TINI_URL} /tini\n', errors: [{ messageId: 'unchecked', line: 3 }] },
    { code: 'FROM alpine:3.20\nADD https://example.com/a.tgz /a\n', errors: [{ messageId: 'unchecked', line: 2, column: 5, endColumn: 30 }] },
    { code: 'FROM alpine:3.20\nADD --chown=1:1 local.txt http://example.com/b /b/\n', errors: [{ messageId: 'unchecked', line: 2, column: 27 }] },
  ],
});

testCheck(exposeSsh, {
  valid: [
    { name: 'sshd is the product: its config is copied', code: 'FROM alpine:3.20\nRUN apk add --no-cache openssh-server\nCOPY sshd_config /etc/ssh/sshd_config\nEXPOSE 22\nCMD ["/usr/sbin/sshd", "-D", "-e"]\n' },
    { name: 'sshd is a service of the image', code: 'FROM alpine:3.20\nRUN apk add --no-cache openssh s6\nCOPY docker /app/docker\nEXPOSE 22 3000\nCMD ["/usr/bin/s6-svscan", "/app/docker/s6/"]\n', context: { 'docker/s6/openssh/run': '#!/bin/sh\nexec /usr/sbin/sshd -D\n', 'docker/s6/app/run': '#!/bin/sh\nexec /app/server\n' } },'FROM alpine:3.20\nEXPOSE 8080\n', 'FROM alpine:3.20\nEXPOSE 2222 22/udp\n'],
  invalid: [
    { code: 'FROM alpine:3.20\nEXPOSE 80 22\n', errors: [{ messageId: 'ssh', line: 2, column: 11, endColumn: 13 }] },
    { code: 'FROM alpine:3.20\nEXPOSE 22/tcp\n', errors: [{ messageId: 'ssh', line: 2, column: 8 }] },
    { name: 'through an ARG', code: 'FROM alpine:3.20\nARG SSH_PORT=22\nEXPOSE ${SSH_PORT}\n', errors: [{ messageId: 'ssh', line: 3, column: 8 }] },
  ],
});

testCheck(verification, {
  valid: [
    'FROM alpine:3.20\nRUN curl -fsSL -o out https://x && wget -q https://y && pip install --no-cache-dir a==1\n',
    'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=1\nRUN npm config set strict-ssl true\n',
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nRUN curl -fsSLk https://x -o y\n', errors: [{ messageId: 'option', line: 2, column: 10, endColumn: 16 }] },
    { code: 'FROM alpine:3.20\nRUN wget --no-check-certificate https://x\n', errors: [{ messageId: 'option', line: 2, column: 10 }] },
    { code: 'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n', errors: [{ messageId: 'setting', line: 2, column: 5 }] },
    { code: 'FROM node:20\nRUN npm config set strict-ssl false\n', errors: [{ messageId: 'option', line: 2, column: 20 }] },
    { code: 'FROM node:20\nRUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci\n', errors: [{ messageId: 'assignment', line: 2, column: 5 }] },
    {
      name: 'package signatures',
      code: 'FROM fedora:40\nRUN dnf install -y --nogpgcheck x && rpm -i --nodigest y.rpm\nRUN apt-get install -y --allow-unauthenticated z && apk add --allow-untrusted w.apk\n',
      errors: [{ messageId: 'option', line: 2, column: 20 }, { messageId: 'option', line: 2, column: 45 }, { messageId: 'option', line: 3, column: 24 }, { messageId: 'option', line: 3, column: 61 }],
    },
    { code: 'FROM alpine:3.20\nENV GIT_SSL_NO_VERIFY=1 PYTHONHTTPSVERIFY=0\n', errors: [{ messageId: 'setting', line: 2, column: 5 }, { messageId: 'setting', line: 2, column: 25 }] },
  ],
});

testCheck(setuidFiles, {
  valid: [
    'FROM alpine:3.20\nRUN chmod 755 /usr/local/bin/app && chmod -R g+w /data\n',
    { name: 'removing the bits is the fix', code: 'FROM debian:bookworm-slim\nRUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +\n' },
    { name: 'the sticky bit is not setuid', code: 'FROM alpine:3.20\nRUN chmod 1777 /scratch\nCOPY --chmod=0755 app /app\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nRUN chmod u+s /usr/local/bin/helper\n', errors: [{ messageId: 'chmod', line: 2, column: 5 }] },
    { code: 'FROM alpine:3.20\nRUN apk add x && chmod 4755 /usr/bin/x\n', errors: [{ messageId: 'chmod', line: 2, column: 18 }] },
    { code: 'FROM alpine:3.20\nRUN chmod g=rxs,o= /usr/bin/mailer\n', errors: [{ messageId: 'chmod', line: 2, column: 5 }] },
    { code: 'FROM alpine:3.20\nCOPY --chmod=2755 mailer /usr/bin/mailer\n', errors: [{ messageId: 'chmod', line: 2, column: 6 }] },
  ],
});

testCheck(addLocal, {
  valid: [
    'FROM alpine:3.20\nADD app.tar.gz /opt/\n',
    'FROM alpine:3.20\nADD https://example.com/a.txt /a.txt\n',
    'FROM alpine:3.20\nADD git@github.com:user/repo.git /src/\n',
    'FROM alpine:3.20\nADD "file.tgz" /opt/\n',
    'FROM alpine:3.20\nADD $ARCHIVE /opt/\n',
    { name: 'a base layer line from image history', code: 'FROM alpine:3.20\nADD file:8b8864b3e02a33a579dc216fd51b28a6047bc8eeaa03045b258980fe0cf7fcb3 in /xyz\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nADD target/app.jar /app.jar\n', errors: [{ messageId: 'useCopy', line: 2, column: 5, endColumn: 19 }] },
    { name: 'zip is not unpacked by ADD', code: 'FROM alpine:3.20\nADD "file.zip" /opt/\n', errors: [{ messageId: 'useCopy', line: 2 }] },
    { name: 'one finding per ADD', code: 'FROM alpine:3.20\nADD a b /opt/\n', errors: [{ messageId: 'useCopy', line: 2, column: 5 }] },
  ],
});

testCheck(untrusted, {
  valid: [
    { name: 'without trustedRegistries nothing is reported', code: 'FROM randomuser/node:20\n' },
    { code: 'FROM ghcr.io/acme/node:20\nFROM scratch\n', context: { '.shipshape.yaml': 'trustedRegistries: [ghcr.io/acme]\n' } },
    { name: 'docker.io covers images without a registry', code: 'FROM node:20\n', context: { '.shipshape.yaml': 'trustedRegistries: [docker.io]\n' } },
    { name: 'wildcards', code: 'FROM eu.registry.example.com/x:1\n', context: { '.shipshape.yaml': "trustedRegistries: ['*.registry.example.com']\n" } },
    { name: 'a stage is not an image', code: 'FROM ghcr.io/acme/node:20 AS b\nFROM b\nCOPY --from=b /a /a\n', context: { '.shipshape.yaml': 'trustedRegistries: [ghcr.io/acme]\n' } },
  ],
  invalid: [
    {
      code: 'FROM node:20\nCOPY --from=quay.io/x/tools:1 /t /t\nRUN --mount=type=bind,from=quay.io/x/certs:1,target=/c true\nFROM ghcr.io/acmecorp/x:1\n',
      context: { '.shipshape.yaml': 'trustedRegistries: [ghcr.io/acme]\n' },
      errors: [{ messageId: 'untrusted', line: 1, column: 6, endColumn: 13 }, { messageId: 'untrusted', line: 2, column: 6 }, { messageId: 'untrusted', line: 3, column: 5 }, { messageId: 'untrusted', line: 4 }],
    },
  ],
});

testCheck(endOfLife, {
  valid: [
    'FROM node:24-alpine\nCMD ["node"]\n',
    { name: 'a tag that names no release moves on by itself', code: 'FROM node:lts\nFROM python:3\nFROM ubuntu:latest\nFROM debian:stable-slim\nFROM alpine\n' },
    { name: 'a release the table has with an end still to come', code: 'FROM python:3.12-slim-bookworm\nFROM golang:1.25\nFROM ubuntu:24.04\nFROM alpine:3.22\n' },
    { name: 'Java LTS releases are left to their vendors', code: 'FROM eclipse-temurin:17-jre\nFROM openjdk:8-jdk\n' },
    { name: 'a version newer than the table knows', code: 'FROM python:3.15\nFROM alpine:3.40\n' },
    { name: 'an unresolved variable and a stage', code: 'ARG V\nFROM node:${V} AS build\nFROM build\n' },
    { name: 'an image the table has no entry for', code: 'FROM nginx:1.19\nFROM redis:5\n' },
    { name: 'a codename-like word that is not a tag component', code: 'FROM myorg/busterapp:2\nFROM myorg/app:jammy2\n' },
  ],
  invalid: [
    { code: 'FROM node:14-alpine\nCMD ["node"]\n', errors: [{ messageId: 'fromEol', line: 1, column: 6, endColumn: 20, severity: 'warning' }] },
    { name: 'the runtime and the distribution a tag names', code: 'FROM python:3.6-slim-buster\n', errors: [{ messageId: 'fromEol', line: 1 }, { messageId: 'fromEol', line: 1 }] },
    { name: 'node:lts-buster: only the distribution', code: 'FROM node:lts-buster\n', errors: [{ messageId: 'fromEol', line: 1 }] },
    { name: 'distributions by number and by codename', code: 'FROM ubuntu:18.04\nFROM ubuntu:bionic-20210416\nFROM debian:buster-slim\nFROM debian:9\nFROM alpine:3.12.1\nFROM centos:7\nFROM centos:centos6\nFROM amazonlinux:2018.03\n', errors: [1, 2, 3, 4, 5, 6, 7, 8].map((line) => ({ messageId: line < 8 ? 'buildStageEol' : 'fromEol', line })) },
    { name: 'python:2 is Python 2.7', code: 'FROM python:2\n', errors: [{ messageId: 'fromEol', line: 1 }] },
    { name: 'other registries: .NET and UBI', code: 'FROM mcr.microsoft.com/dotnet/aspnet:6.0\nFROM registry.access.redhat.com/ubi7/ubi-minimal\nFROM mcr.microsoft.com/dotnet/core/sdk:3.1-buster\n', errors: [{ messageId: 'buildStageEol', line: 1 }, { messageId: 'buildStageEol', line: 2 }, { messageId: 'fromEol', line: 3 }, { messageId: 'fromEol', line: 3 }] },
    { name: 'Go, Ruby, PHP, a Java feature release, a Node.js codename', code: 'FROM golang:1.15.15-alpine3.14\nFROM ruby:2.7\nFROM php:7.4-fpm\nFROM openjdk:14-jdk\nFROM node:fermium\n', errors: [{ messageId: 'buildStageEol', line: 1 }, { messageId: 'buildStageEol', line: 1 }, { messageId: 'buildStageEol', line: 2 }, { messageId: 'buildStageEol', line: 3 }, { messageId: 'buildStageEol', line: 4 }, { messageId: 'fromEol', line: 5 }] },
    { name: 'a distribution in another image\'s tag', code: 'FROM nvidia/cuda:11.0-base-ubuntu18.04\nFROM postgres:13-alpine3.14\n', errors: [{ messageId: 'buildStageEol', line: 1 }, { messageId: 'fromEol', line: 2 }] },
    { name: 'an ARG default is read', code: 'ARG NODE=16\nFROM node:${NODE}-slim\n', errors: [{ messageId: 'fromEol', line: 2 }] },
    {
      name: 'a build stage that does not ship is info, the final stage a warning',
      code: 'FROM golang:1.18 AS build\nRUN go build -o /app .\nFROM debian:bullseye-slim\nCOPY --from=build /app /app\n',
      errors: [{ messageId: 'buildStageEol', line: 1, severity: 'info' }, { messageId: 'fromEol', line: 3, severity: 'warning' }],
    },
  ],
});

testCheck(sensitiveVolume, {
  valid: ['FROM alpine:3.20\nVOLUME /data /var/lib/app\n', 'FROM alpine:3.20\nVOLUME ["/srv/proc", "/devices"]\n', { name: 'a socket of another daemon', code: 'FROM alpine:3.20\nVOLUME /var/run/app.sock\n' }],
  invalid: [
    { code: 'FROM alpine:3.20\nVOLUME /var/run/docker.sock\n', errors: [{ messageId: 'socket', line: 2, column: 8, endColumn: 28 }] },
    { code: 'FROM alpine:3.20\nVOLUME /data /proc/\n', errors: [{ messageId: 'kernel', line: 2, column: 14 }] },
    { name: 'the JSON form', code: 'FROM alpine:3.20\nVOLUME ["/sys/fs/cgroup", "/dev"]\n', errors: [{ messageId: 'kernel', line: 2, column: 1 }, { messageId: 'kernel', line: 2, column: 1 }] },
    { name: '/run/docker.sock', code: 'FROM alpine:3.20\nVOLUME /run/docker.sock\n', errors: [{ messageId: 'socket', line: 2 }] },
  ],
});

testCheck(pipExtraIndex, {
  valid: [
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir --index-url https://pypi.internal.example/simple acme-billing==2.3.1\n',
    { name: 'piwheels rebuilds PyPI\'s own projects', code: 'FROM python:3.12-slim\nRUN pip install --extra-index-url https://www.piwheels.org/simple numpy\n' },
    { name: 'PyPI as the extra index of PyPI', code: 'FROM python:3.12-slim\nRUN pip install --extra-index-url https://pypi.org/simple app\n' },
    { name: 'uv takes a package from the first index that has it', code: 'FROM python:3.12-slim\nRUN uv pip install --system --extra-index-url https://pypi.internal.example/simple app\n' },
    { name: 'find-links is not an index', code: 'FROM python:3.12-slim\nRUN pip install --find-links https://download.example/wheels app\n' },
    { name: 'pip list takes no index', code: 'FROM python:3.12-slim\nRUN pip list\n' },
  ],
  invalid: [
    {
      name: 'an internal index beside PyPI',
      code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir --extra-index-url https://pypi.internal.example/simple acme-billing==2.3.1\n',
      errors: [{ messageId: 'option', line: 2, column: 32, severity: 'warning' }],
    },
    { name: 'the = form, an abbreviation and python -m pip', code: 'FROM python:3.12-slim\nRUN python3 -m pip install --extra-index=https://pypi.internal.example/simple app\n', errors: [{ messageId: 'option', line: 2 }] },
    { name: 'a variable names the index', code: 'FROM python:3.12-slim\nARG INDEX\nRUN pip install --extra-index-url "$INDEX" app\n', errors: [{ messageId: 'option', line: 3 }] },
    { name: 'a vendor\'s public index is advice', code: 'FROM python:3.12-slim\nRUN pip install torch --extra-index-url https://download.pytorch.org/whl/cpu\n', errors: [{ messageId: 'option', line: 2, severity: 'info' }] },
    { name: 'ENV', code: 'FROM python:3.12-slim\nENV PIP_EXTRA_INDEX_URL=https://user:pass@nexus.acme.example/repository/pypi/simple\n', errors: [{ messageId: 'setting', line: 2, column: 5 }] },
    { name: 'an ARG the build passes', code: 'FROM python:3.12-slim\nARG PIP_EXTRA_INDEX_URL\nRUN pip install app\n', errors: [{ messageId: 'buildArg', line: 2 }] },
    { name: 'PyPI beside your own index', code: 'FROM python:3.12-slim\nRUN pip install -i https://pypi.internal.example/simple --extra-index-url https://pypi.org/simple app\n', errors: [{ messageId: 'pypiExtra', line: 2, column: 57 }] },
    { name: 'PyPI beside an index set by ENV', code: 'FROM python:3.12-slim\nENV PIP_INDEX_URL=https://nexus.acme.example/simple\nRUN pip install --extra-index-url https://pypi.org/simple app\n', errors: [{ messageId: 'pypiExtra', line: 3 }] },
    { name: 'uv told to pick the best version across indexes', code: 'FROM python:3.12-slim\nRUN uv pip install --system --index-strategy unsafe-best-match --extra-index-url https://pypi.internal.example/simple app\n', errors: [{ messageId: 'uvBestMatch', line: 2, severity: 'warning' }] },
    { name: 'uv --index entries racing PyPI', code: 'FROM python:3.12-slim\nRUN uv pip install --system --index https://pypi.org/simple --index https://download.pytorch.org/whl/cpu --index-strategy unsafe-best-match -r requirements.txt\n', errors: [{ messageId: 'uvBestMatch', line: 2, severity: 'info' }] },
    { name: 'set on the command', code: 'FROM python:3.12-slim\nRUN PIP_EXTRA_INDEX_URL=https://pypi.internal.example/simple pip install app\n', errors: [{ messageId: 'assignment', line: 2 }] },
  ],
});

testCheck(secretInRun, {
  valid: [
    { name: 'a secret mount exposes the variable', code: 'FROM node:20-slim\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci\n' },
    { name: 'the RUN reads the secret file into its own variable', code: 'FROM alpine:3.20\nARG TOKEN\nRUN --mount=type=secret,id=token TOKEN=$(cat /run/secrets/token) && curl -H "Authorization: Bearer $TOKEN" https://api.example.com/x\n' },
    { name: 'a shell variable, not a build variable', code: 'FROM alpine:3.20\nRUN for t in a b; do curl -H "Authorization: Bearer $t" https://example.com; done\n' },
    { name: 'a release key fingerprint from an ARG', code: 'FROM debian:12-slim\nARG GHC_RELEASE_KEY=88B57FCF7DB53B4DB3BFA4B1588764FBE22D19C4\nRUN gpg --batch --keyserver keyserver.ubuntu.com --recv-keys "$GHC_RELEASE_KEY"\n' },
    { name: 'a public key id in a variable named only KEY', code: 'FROM debian:12-slim\nENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305\nRUN gpg --batch --recv-keys "$GPG_KEY"\n' },
    { name: 'an ENV placeholder written out', code: 'FROM python:3.12-slim\nENV API_TOKEN=changeme\nRUN curl -H "Authorization: Bearer $API_TOKEN" http://localhost/x || true\n' },
    { name: 'only tested for presence', code: 'FROM alpine:3.20\nARG NPM_TOKEN\nRUN test -n "$NPM_TOKEN"\n' },
    { name: 'a proxy with credentials (left out of the history)', code: 'FROM alpine:3.20\nARG http_proxy\nRUN wget -e use_proxy=yes -e http_proxy=$http_proxy https://example.com/x\n' },
    { name: 'a version in a URL path', code: 'FROM alpine:3.20\nARG VERSION=1.2\nRUN wget https://example.com/$VERSION/app.tgz\n' },
  ],
  invalid: [
    { name: 'an npm token written into .npmrc', code: 'FROM node:20-slim\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc\n', errors: [{ messageId: 'arg', line: 3, column: 10, severity: 'warning' }] },
    { name: 'a bearer token in a curl header', code: 'FROM alpine:3.20\nARG TOKEN\nRUN curl -fsSL -H "Authorization: Bearer $TOKEN" -o /app.tgz https://api.example.com/app.tgz\n', errors: [{ messageId: 'arg', line: 3, column: 19 }] },
    { name: 'a token in a git URL, in a name that does not look secret', code: 'FROM golang:1.22\nARG GH_PAT\nRUN git clone https://${GH_PAT}@github.com/acme/private.git /src\n', errors: [{ messageId: 'arg', line: 3, column: 15 }] },
    { name: 'a password in a pip index URL', code: 'FROM python:3.12-slim\nARG PIP_USER\nARG PIP_PASS\nRUN pip install --index-url https://$PIP_USER:$PIP_PASS@pypi.example.com/simple app==1.0\n', errors: [{ messageId: 'arg', line: 4 }] },
    { name: 'a password option', code: 'FROM alpine:3.20\nARG REGISTRY_PW\nRUN wget --user=ci --password="$REGISTRY_PW" https://example.com/a.tgz\n', errors: [{ messageId: 'arg', line: 3 }] },
    { name: 'curl -u user:password', code: 'FROM alpine:3.20\nARG NEXUS\nRUN curl -u deploy:$NEXUS https://nexus.example.com/a.jar -o /a.jar\n', errors: [{ messageId: 'arg', line: 3 }] },
    { name: 'an ENV fed from an ARG', code: 'FROM node:20-slim\nARG SENTRY_AUTH_TOKEN\nENV SENTRY_AUTH_TOKEN=$SENTRY_AUTH_TOKEN\nRUN npx sentry-cli releases files v1 upload-sourcemaps --auth-token $SENTRY_AUTH_TOKEN dist\n', errors: [{ messageId: 'env', line: 4 }] },
    { name: 'a builder stage that does not ship', code: 'FROM golang:1.22 AS build\nARG GITHUB_TOKEN\nRUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/" && go mod download\nFROM gcr.io/distroless/static\nCOPY --from=build /go/bin/app /app\n', errors: [{ messageId: 'argBuildOnly', line: 3, severity: 'info' }] },
    { name: 'a secret-named variable passed to a script', code: 'FROM node:20\nARG GITHUB_TOKEN\nRUN ./upload.sh github_api_token=$GITHUB_TOKEN owner=acme\n', errors: [{ messageId: 'arg', line: 3 }] },
    { name: 'each variable once per RUN', code: 'FROM alpine:3.20\nARG TOKEN\nRUN curl -H "Authorization: token $TOKEN" https://a.example.com/1 && curl -H "Authorization: token $TOKEN" https://a.example.com/2\n', errors: [{ messageId: 'arg', line: 3 }] },
  ],
});
