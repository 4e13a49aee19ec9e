/** Each fixable check's fixes, through the engine `--fix` runs (test/helpers/fix-tester.ts says what every case asserts). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checks } from '../../checks/index.js';
import { testFix } from '../helpers/fix-tester.js';
import type { KnownImage } from '../../src/engine/types.js';
import { analyzeDockerfile } from '../../src/analyze.js';
import shellForm from '../../checks/pid1/shell-form-command.js';
import launcher from '../../checks/pid1/package-manager-launcher.js';
import shC from '../../checks/pid1/sh-c-without-exec.js';
import scriptExec from '../../checks/pid1/script-without-exec.js';
import noInit from '../../checks/pid1/no-init.js';
import yes from '../../checks/correctness/install-without-yes.js';
import recommends from '../../checks/size/install-recommends.js';
import cacheLeft from '../../checks/size/package-cache-left.js';
import pipCache from '../../checks/size/pip-cache.js';
import namedUser from '../../checks/user/named-user.js';
import noDigest from '../../checks/tags/no-digest.js';
import maintainer from '../../checks/correctness/maintainer.js';
import addLocal from '../../checks/security/add-local-file.js';
import casing from '../../checks/correctness/instruction-casing.js';
import asCasing from '../../checks/correctness/from-as-casing.js';
import legacy from '../../checks/correctness/legacy-key-value.js';
import relWorkdir from '../../checks/correctness/relative-workdir.js';
import stageCasing from '../../checks/correctness/stage-name-casing.js';
import aptCommand from '../../checks/correctness/apt-command.js';
import wget from '../../checks/correctness/wget-progress.js';
import lastlog from '../../checks/user/large-uid-lastlog.js';
import slash from '../../checks/correctness/copy-destination-slash.js';
import expose from '../../checks/correctness/expose-format.js';
import emptyCont from '../../checks/correctness/empty-continuation.js';
import platform from '../../checks/tags/platform-flag.js';
import multipleCmd from '../../checks/correctness/multiple-cmd.js';
import multipleEntrypoint from '../../checks/correctness/multiple-entrypoint.js';
import multipleHealthcheck from '../../checks/correctness/multiple-healthcheck.js';
import pipefail from '../../checks/correctness/pipefail.js';
import cdInRun from '../../checks/correctness/cd-in-run.js';
import contextCopy from '../../checks/cache/context-copy-before-install.js';
import consecutive from '../../checks/cache/consecutive-run.js';

const PKG = '{"scripts": {"start": "node server.js"}, "dependencies": {"next": "14"}}\n';

testFix(shellForm, {
  fixes: [
    { code: 'FROM node:20\nUSER 1000\nCMD node /app/server.js\n', output: 'FROM node:20\nUSER 1000\nCMD ["node", "/app/server.js"]\n' },
    { name: 'quoted words, comment and continuation elsewhere untouched', code: 'FROM node:20 \\\n  AS app\n# the app\nUSER 1000\nENTRYPOINT node "/app/my server.js"   \n', output: 'FROM node:20 \\\n  AS app\n# the app\nUSER 1000\nENTRYPOINT ["node", "/app/my server.js"]   \n' },
    { name: 'with an ENTRYPOINT, suggested', code: 'FROM node:20\nUSER 1000\nENTRYPOINT ["tini", "--"]\nCMD node app.js\n', output: 'FROM node:20\nUSER 1000\nENTRYPOINT ["tini", "--"]\nCMD ["node", "app.js"]\n', unsafe: true, kind: 'suggested' },
  ],
  noFix: [
    { name: 'a variable', code: 'FROM node:20\nUSER 1000\nCMD node $APP\n' },
    { name: 'a chain', code: 'FROM node:20\nUSER 1000\nCMD node a.js && node b.js\n' },
    { name: 'a redirection', code: 'FROM node:20\nUSER 1000\nCMD node a.js > /tmp/log\n' },
    { name: 'over two lines', code: 'FROM node:20\nUSER 1000\nCMD node \\\n  a.js\n' },
  ],
});

testFix(launcher, {
  fixes: [
    { code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["npm", "start"]\n', output: 'FROM node:20\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["node", "server.js"]\n', context: { 'package.json': PKG } },
    { name: 'npm run of a dependency binary', code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["npm", "run", "serve"]\n', output: 'FROM node:20\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["node_modules/.bin/next", "start", "-p", "3000"]\n', context: { 'package.json': '{"scripts": {"serve": "next start -p 3000"}, "dependencies": {"next": "14"}}' } },
    { name: 'shell form, fixed in two passes', code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD npm start\n', output: 'FROM node:20\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["node", "server.js"]\n', context: { 'package.json': PKG } },
  ],
  noFix: [
    { name: 'no package.json', code: 'FROM node:20\nUSER 1000\nCMD ["npm", "start"]\n' },
    { name: 'a prestart script', code: 'FROM node:20\nUSER 1000\nCMD ["npm", "start"]\n', context: { 'package.json': '{"scripts": {"prestart": "x", "start": "node s.js"}}' } },
    { name: 'a chain in the script', code: 'FROM node:20\nUSER 1000\nCMD ["npm", "start"]\n', context: { 'package.json': '{"scripts": {"start": "node a.js && node b.js"}}' } },
  ],
});

testFix(shC, {
  fixes: [
    { code: 'FROM node:20\nUSER 1000\nCMD ["sh", "-c", "node migrate.js && node server.js"]\n', output: 'FROM node:20\nUSER 1000\nCMD ["sh", "-c", "node migrate.js && exec node server.js"]\n' },
    { name: 'a lone command under dash', code: 'FROM debian:12\nUSER 1000\nCMD ["sh", "-c", "PORT=8080 /app/server"]\n', output: 'FROM debian:12\nUSER 1000\nCMD ["sh", "-c", "PORT=8080 exec /app/server"]\n' },
  ],
});

testFix(scriptExec, {
  fixes: [
    {
      name: 'the script is edited',
      code: 'FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nUSER 1000\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["/app/server"]\n',
      output: 'FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nUSER 1000\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["/app/server"]\n',
      context: { 'docker-entrypoint.sh': '#!/bin/sh\nset -e\n# prepare\nmkdir -p /tmp/app\n"$@"\n' },
      files: { 'docker-entrypoint.sh': '#!/bin/sh\nset -e\n# prepare\nmkdir -p /tmp/app\nexec "$@"\n' },
    },
  ],
});

testFix(noInit, {
  fixes: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\nUSER 1000\nCMD ["sh", "-c", "worker & server"]\n', output: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\nUSER 1000\nENTRYPOINT ["tini", "--"]\nCMD ["sh", "-c", "worker & server"]\n' },
    { name: 'an exec-form ENTRYPOINT', code: 'FROM alpine:3.20\nRUN apk add --no-cache tini\nUSER 1000\nENTRYPOINT ["sh", "-c", "worker & server"]\n', output: 'FROM alpine:3.20\nRUN apk add --no-cache tini\nUSER 1000\nENTRYPOINT ["tini", "--", "sh", "-c", "worker & server"]\n' },
  ],
  noFix: [{ name: 'no tini in the image', code: 'FROM debian:12\nUSER 1000\nCMD ["sh", "-c", "worker & server"]\n' }],
});

testFix(yes, {
  fixes: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n', output: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'zypper takes -n as a global option', code: 'FROM opensuse/leap:15\nRUN zypper install curl && zypper clean --all\n', output: 'FROM opensuse/leap:15\nRUN zypper -n install curl && zypper clean --all\n' },
    { name: 'dnf', code: 'FROM fedora:40\nRUN dnf install curl && dnf clean all\n', output: 'FROM fedora:40\nRUN dnf install -y curl && dnf clean all\n' },
  ],
});

testFix(recommends, {
  fixes: [{ code: 'FROM debian:12\nRUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*\n', output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y python3 && rm -rf /var/lib/apt/lists/*\n' }],
});

testFix(cacheLeft, {
  fixes: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n', output: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'a continuation and a trailing semicolon', code: 'FROM debian:12\nRUN apt-get update \\\n # curl for health checks\n && apt-get install -y --no-install-recommends curl;\n', output: 'FROM debian:12\nRUN apt-get update \\\n # curl for health checks\n && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*;\n' },
    { name: 'apk', code: 'FROM alpine:3.20\nRUN apk add curl\n', output: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n' },
    { name: 'yum', code: 'FROM centos:7\nRUN yum install -y curl\n', output: 'FROM centos:7\nRUN yum install -y curl && yum clean all\n' },
    { name: 'microdnf', code: 'FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nRUN microdnf install -y curl\n', output: 'FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nRUN microdnf install -y curl && microdnf clean all\n' },
    { name: 'zypper', code: 'FROM opensuse/leap:15\nRUN zypper -n install curl\n', output: 'FROM opensuse/leap:15\nRUN zypper -n install curl && zypper clean --all\n' },
    { name: 'npm', code: 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n', output: 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci && npm cache clean --force\n' },
    { name: 'yarn', code: 'FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile\n', output: 'FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile && yarn cache clean\n' },
    { name: 'a later RUN installs from these lists: suggested', code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n', output: 'FROM debian:12\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\nRUN apt-get install -y --no-install-recommends curl\n', unsafe: true, kind: 'suggested' },
  ],
  noFix: [{ name: 'a heredoc', code: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n' }],
});

testFix(pipCache, {
  fixes: [
    { code: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n', output: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n' },
    { name: 'uv', code: 'FROM python:3.12-slim\nRUN uv pip install --system flask==3.0.0\n', output: 'FROM python:3.12-slim\nRUN uv pip install --no-cache --system flask==3.0.0\n' },
  ],
});

testFix(namedUser, {
  fixes: [
    { code: 'FROM node:20-slim\nRUN useradd -u 10001 -m app\nUSER app\nCMD ["node", "server.js"]\n', output: 'FROM node:20-slim\nRUN useradd -u 10001 -m app\nUSER 10001\nCMD ["node", "server.js"]\n' },
    { name: 'a named group with its gid', code: 'FROM debian:12\nRUN groupadd -g 2000 svc && useradd -u 10001 -g svc app\nUSER app:svc\n', output: 'FROM debian:12\nRUN groupadd -g 2000 svc && useradd -u 10001 -g svc app\nUSER 10001:2000\n' },
  ],
  noFix: [{ name: 'the uid is not known', code: 'FROM node:20\nUSER node\n' }],
});

testFix(maintainer, {
  fixes: [
    { code: 'FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n', output: 'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n' },
    { name: 'lower case, quotes and a dollar kept literal', code: 'from alpine:3.20\nmaintainer "J" $HOME\n', output: 'from alpine:3.20\nlabel org.opencontainers.image.authors="\\"J\\" \\$HOME"\n' },
  ],
});

testFix(addLocal, {
  fixes: [{ code: 'FROM alpine:3.20\nADD --chown=1000 app.conf /etc/app/\n', output: 'FROM alpine:3.20\nCOPY --chown=1000 app.conf /etc/app/\n' }],
  noFix: [{ name: 'a checksum flag', code: 'FROM alpine:3.20\nADD --checksum=sha256:00 app.conf /etc/app/\n' }],
});

testFix(casing, { fixes: [{ code: 'FROM alpine:3.20\nRUN true\ncopy a /a\nUSER 1000\n', output: 'FROM alpine:3.20\nRUN true\nCOPY a /a\nUSER 1000\n' }] });
testFix(asCasing, { fixes: [{ code: 'FROM alpine:3.20 as build\nFROM build\n', output: 'FROM alpine:3.20 AS build\nFROM build\n' }] });
testFix(stageCasing, { fixes: [{ code: 'FROM alpine:3.20 AS Build\nFROM Build\n', output: 'FROM alpine:3.20 AS build\nFROM Build\n' }] });

testFix(legacy, {
  fixes: [
    { code: 'FROM alpine:3.20\nENV GREETING hello   big world\n', output: 'FROM alpine:3.20\nENV GREETING="hello   big world"\n' },
    { name: 'a variable still expands', code: 'FROM alpine:3.20\nENV P $HOME/bin\nLABEL version 1.2\n', output: 'FROM alpine:3.20\nENV P="$HOME/bin"\nLABEL version=1.2\n' },
  ],
  noFix: [{ name: 'quotes in the value', code: 'FROM alpine:3.20\nENV A "x y"\n' }],
});

testFix(relWorkdir, {
  fixes: [{ code: 'FROM scratch\nWORKDIR app\nCOPY app /app/\n', output: 'FROM scratch\nWORKDIR /app\nCOPY app /app/\n' }],
  noFix: [{ name: 'the base image\'s directory is not known', code: 'FROM node:20\nWORKDIR app\n' }],
});

testFix(aptCommand, {
  fixes: [{ code: 'FROM debian:12\nRUN apt update && apt install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n', output: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n' }],
});
testFix(wget, { fixes: [{ code: 'FROM debian:12\nRUN wget https://example.com/x.tgz\n', output: 'FROM debian:12\nRUN wget --progress=dot:giga https://example.com/x.tgz\n' }] });
testFix(lastlog, { fixes: [{ code: 'FROM debian:12\nRUN useradd -u 1000000 app\nUSER 1000000\n', output: 'FROM debian:12\nRUN useradd -l -u 1000000 app\nUSER 1000000\n' }] });
testFix(slash, {
  fixes: [
    { code: 'FROM alpine:3.20\nCOPY a b /dst\n', output: 'FROM alpine:3.20\nCOPY a b /dst/\n' },
    { name: 'quoted', code: 'FROM alpine:3.20\nCOPY a b "/d st"\n', output: 'FROM alpine:3.20\nCOPY a b "/d st/"\n' },
  ],
});
testFix(expose, { fixes: [{ code: 'FROM alpine:3.20\nEXPOSE 80/TCP 53/Udp\n', output: 'FROM alpine:3.20\nEXPOSE 80/tcp 53/udp\n' }] });
testFix(emptyCont, { fixes: [{ code: 'FROM alpine:3.20\nRUN echo a \\\n\n  && echo b\n', output: 'FROM alpine:3.20\nRUN echo a \\\n  && echo b\n' }] });
testFix(platform, { fixes: [{ code: 'FROM --platform=$TARGETPLATFORM alpine:3.20 AS base\n', output: 'FROM alpine:3.20 AS base\n' }] });
testFix(multipleCmd, {
  fixes: [{ code: 'FROM alpine:3.20\nCMD ["a"]\nUSER 1000\nCMD ["b"]\n', output: 'FROM alpine:3.20\nUSER 1000\nCMD ["b"]\n' }],
  noFix: [{ name: 'a comment above', code: 'FROM alpine:3.20\n# first\nCMD ["a"]\nCMD ["b"]\n' }],
});
testFix(multipleEntrypoint, { fixes: [{ code: 'FROM alpine:3.20\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n', output: 'FROM alpine:3.20\nENTRYPOINT ["b"]\n' }] });
testFix(multipleHealthcheck, { fixes: [{ code: 'FROM alpine:3.20\nHEALTHCHECK CMD ["a"]\nHEALTHCHECK NONE\n', output: 'FROM alpine:3.20\nHEALTHCHECK NONE\n' }] });

testFix(pipefail, {
  fixes: [{ code: 'FROM debian:12\n# test\nRUN make test | tee /var/log/test.txt\n', output: 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n# test\nRUN make test | tee /var/log/test.txt\n' }],
  noFix: [{ name: 'no bash on alpine', code: 'FROM alpine:3.20\nRUN make test | tee /var/log/test.txt\n' }],
});
testFix(cdInRun, {
  fixes: [{ code: 'FROM debian:12\nRUN cd /src \\\n && make\n', output: 'FROM debian:12\nWORKDIR /src\nRUN make\n' }],
  noFix: [{ name: 'a cd that ends the RUN', code: 'FROM debian:12\nRUN make && cd /src\n' }],
});
testFix(contextCopy, {
  fixes: [
    { code: 'FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node . .\nRUN npm ci\nUSER node\n', output: 'FROM node:20-slim\nWORKDIR /app\nCOPY --chown=node package*.json ./\nRUN npm ci && npm cache clean --force\nCOPY --chown=node . .\nUSER node\n', context: { '.dockerignore': 'node_modules\n' } },
    { name: 'pip', code: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nRUN pip install --no-cache-dir -r requirements.txt\n', output: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt /app/\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . /app\n', context: { '.dockerignore': '.git\n' } },
  ],
});
testFix(consecutive, {
  fixes: [{ code: 'FROM debian:12\nRUN mkdir -p /a\nRUN touch /a/b\n', output: 'FROM debian:12\nRUN mkdir -p /a && \\\n    touch /a/b\n' }],
  noFix: [{ name: 'a cd the next RUN would not see', code: 'FROM debian:12\nRUN cd /tmp\nRUN touch b\n' }],
});

describe('digest pins and users from images of the run', () => {
  const node: KnownImage = { tags: ['node:20'], digest: `sha256:${'a'.repeat(64)}`, users: new Map([['node', { uid: 1000, gid: 1000 }]]), workdir: '/srv', built: false };
  it('pins a FROM to the digest of an image given beside it', async () => {
    const { findings } = await analyzeDockerfile('FROM docker.io/library/node:20\nUSER node\nWORKDIR app\n', { checks: [noDigest, namedUser, relWorkdir], settings: { knownImages: [node] } });
    expect(findings.map((f) => [f.rule, f.fix?.edits.map((e) => e.text)])).toEqual([
      ['tags/no-digest', [`@sha256:${'a'.repeat(64)}`]],
      ['user/named-user', ['1000']],
      ['correctness/relative-workdir', ['/srv/app']],
    ]);
  });
});

describe('fixable checks', () => {
  it('every check with fixes has cases in this file, and at least 30 checks fix, 20 of them safely', () => {
    const text = readFileSync(import.meta.filename, 'utf8');
    const fixable = checks.filter((c) => c.fixable);
    const missing = fixable.filter((c) => !text.includes(`checks/${c.id}.js'`)).map((c) => c.id);
    expect(missing).toEqual([]);
    expect(fixable.length).toBeGreaterThanOrEqual(30);
    expect(fixable.filter((c) => c.fixable === 'safe').length).toBeGreaterThanOrEqual(20);
  });
});
