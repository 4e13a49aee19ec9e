import { SHELLCHECK, testCheck } from '../helpers/tester.js';
import beforeFrom from '../../checks/correctness/instruction-before-from.js';
import missingFrom from '../../checks/correctness/missing-from.js';
import malformedJson from '../../checks/correctness/malformed-json.js';
import duplicateStage from '../../checks/correctness/duplicate-stage-name.js';
import multipleCmd from '../../checks/correctness/multiple-cmd.js';
import multipleEntrypoint from '../../checks/correctness/multiple-entrypoint.js';
import multipleHealthcheck from '../../checks/correctness/multiple-healthcheck.js';
import relativeWorkdir from '../../checks/correctness/relative-workdir.js';
import emptyFile from '../../checks/correctness/empty-file.js';
import maintainer from '../../checks/correctness/maintainer.js';
import exposeFormat from '../../checks/correctness/expose-format.js';
import copySlash from '../../checks/correctness/copy-destination-slash.js';
import installYes from '../../checks/correctness/install-without-yes.js';
import cdInRun from '../../checks/correctness/cd-in-run.js';
import aptCommand from '../../checks/correctness/apt-command.js';
import unknown from '../../checks/correctness/unknown-instruction.js';
import pointless from '../../checks/correctness/pointless-command.js';
import onbuildTrigger from '../../checks/correctness/onbuild-trigger.js';
import envSelf from '../../checks/correctness/env-self-reference.js';
import copyRelative from '../../checks/correctness/copy-relative-destination.js';
import wgetProgress from '../../checks/correctness/wget-progress.js';
import runWithoutShell from '../../checks/correctness/run-without-shell.js';
import syntaxDirective from '../../checks/correctness/syntax-directive.js';
import labelSchema from '../../checks/correctness/label-schema.js';
import labelKey from '../../checks/correctness/label-key.js';
import reservedStage from '../../checks/correctness/reserved-stage-name.js';
import systemWorkdir from '../../checks/correctness/system-workdir.js';
import shellSymlink from '../../checks/correctness/shell-symlink.js';
import pipefail from '../../checks/correctness/pipefail.js';
import noHealthcheck from '../../checks/correctness/no-healthcheck.js';
import casing from '../../checks/correctness/instruction-casing.js';
import fromAs from '../../checks/correctness/from-as-casing.js';
import stageCasing from '../../checks/correctness/stage-name-casing.js';
import legacy from '../../checks/correctness/legacy-key-value.js';
import emptyCont from '../../checks/correctness/empty-continuation.js';
import undefinedVar from '../../checks/correctness/undefined-var.js';
import ignoredFile from '../../checks/correctness/copy-ignored-file.js';
import description from '../../checks/correctness/definition-description.js';
import unusedIgnore from '../../checks/correctness/unused-ignore.js';
import shellcheck from '../../checks/correctness/shellcheck.js';

testCheck(beforeFrom, {
  valid: [
    'ARG A=B\nFROM alpine:3.20\nLABEL a=b\n',
    '# syntax=docker/dockerfile:1\n# a comment\nFROM alpine:3.20\n',
    { name: 'no FROM at all is missing-from, not this', code: 'LABEL a=b\n' },
  ],
  invalid: [
    { code: 'LABEL foo=bar\nFROM alpine:3.20\n', errors: [{ messageId: 'beforeFrom', line: 1, column: 1, endColumn: 6 }] },
    { code: 'ARG V=1\nENV X=1\nRUN true\nFROM alpine:3.20\n', errors: [{ messageId: 'beforeFrom', line: 2 }, { messageId: 'beforeFrom', line: 3 }] },
  ],
});

testCheck(missingFrom, {
  valid: ['FROM scratch\n', '', '# only a comment\n'],
  invalid: [{ code: 'ARG X=1\nCMD ["/app"]\n', errors: [{ messageId: 'noFrom', line: 1, column: 1, endColumn: 4 }] }],
});

testCheck(malformedJson, {
  valid: [
    'FROM alpine:3.20\nCMD ["sleep", "1"]\n',
    { name: 'a shell test is not an array', code: 'FROM alpine:3.20\nRUN [ -f /etc/os-release ] && cat /etc/os-release\n' },
    { name: 'a quoted shell test', code: 'FROM alpine:3.20\nRUN [ "$A" = "b" ]\n' },
  ],
  invalid: [
    { name: 'single quotes', code: "FROM alpine:3.20\nCMD ['sleep', '1']\n", errors: [{ messageId: 'runsAsShell', line: 2, column: 5, endColumn: 19 }] },
    { name: 'trailing comma', code: 'FROM alpine:3.20\nENTRYPOINT ["/app", "--port",]\n', errors: [{ messageId: 'runsAsShell', line: 2, column: 12 }] },
    { name: 'COPY falls back to paths', code: "FROM alpine:3.20\nCOPY ['a', '/b/']\n", errors: [{ messageId: 'pathsAsWords', line: 2, column: 6 }] },
    { name: 'one single-quoted item', code: "FROM alpine:3.20\nVOLUME ['/data']\n", errors: [{ messageId: 'pathsAsWords', line: 2, column: 8 }] },
    { name: 'HEALTHCHECK CMD', code: "FROM alpine:3.20\nHEALTHCHECK --interval=5s CMD ['/probe', '-q']\n", errors: [{ messageId: 'runsAsShell', line: 2 }] },
  ],
});

testCheck(duplicateStage, {
  valid: ['FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\n', 'FROM alpine:3.20\nFROM alpine:3.20\n'],
  invalid: [
    { code: 'FROM node:20 AS build\nRUN x\nFROM alpine:3.20 AS build\n', errors: [{ messageId: 'duplicate', line: 3, column: 21, endColumn: 26 }] },
    { name: 'names are case-insensitive', code: 'FROM node:20 AS Build\nFROM alpine:3.20 as BUILD\n', errors: [{ messageId: 'duplicate', line: 2, column: 21 }] },
  ],
});

testCheck(multipleCmd, {
  valid: [
    'FROM alpine:3.20 AS a\nCMD ["a"]\nFROM alpine:3.20\nCMD ["b"]\n',
    { name: 'HEALTHCHECK CMD is not a CMD', code: 'FROM alpine:3.20\nHEALTHCHECK CMD ["/probe"]\nCMD ["/app"]\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nCMD bash\nRUN foo\nCMD ["/app"]\n', errors: [{ messageId: 'overridden', line: 2, column: 1, endColumn: 9 }] },
    { name: 'three in a stage, then a clean stage', code: 'FROM alpine:3.20\nCMD a\nCMD b\nCMD c\nFROM alpine:3.20\nCMD d\n', errors: [{ messageId: 'overridden', line: 2 }, { messageId: 'overridden', line: 3 }] },
  ],
});

testCheck(multipleEntrypoint, {
  valid: ['FROM alpine:3.20 AS a\nENTRYPOINT ["a"]\nFROM a\nENTRYPOINT ["b"]\n'],
  invalid: [{ code: 'FROM alpine:3.20\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n', errors: [{ messageId: 'overridden', line: 2, column: 1 }] }],
});

testCheck(multipleHealthcheck, {
  valid: ['FROM alpine:3.20\nHEALTHCHECK NONE\n', 'FROM alpine:3.20\nHEALTHCHECK CMD a\nFROM alpine:3.20\nHEALTHCHECK CMD b\n'],
  invalid: [{ code: 'FROM alpine:3.20\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\n', errors: [{ messageId: 'overridden', line: 2, column: 1 }] }],
});

testCheck(relativeWorkdir, {
  valid: [
    'FROM alpine:3.20\nWORKDIR /usr/local\n',
    'FROM alpine:3.20\nWORKDIR ${work}\n',
    'FROM alpine:3.20\nWORKDIR "/usr/local"\n',
    "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR 'C:\\'\n",
    'FROM alpine:3.20\nWORKDIR C:/\n',
    { name: 'relative after absolute in the same stage', code: 'FROM alpine:3.20\nWORKDIR /app\nWORKDIR sub\n' },
    { name: 'relative after absolute in the parent stage', code: 'FROM alpine:3.20 AS a\nWORKDIR /app\nFROM a\nWORKDIR sub/\n' },
  ],
  invalid: [
    { name: 'used by an absolute path later: warning', code: 'FROM node:20-slim\nWORKDIR app\nCOPY . .\nCMD ["node", "/app/server.js"]\n', errors: [{ messageId: 'relative', line: 2, severity: 'warning' }] },
    { name: 'used relatively only: info', code: 'FROM ubuntu:24.04 AS build\nCOPY ./ src\nWORKDIR src\nRUN ./build.sh --out /out\n', errors: [{ messageId: 'relative', line: 3, severity: 'info' }] },
    { code: 'FROM alpine:3.20\nWORKDIR relative/dir\n', errors: [{ messageId: 'relative', line: 2, column: 9, endColumn: 21 }] },
    { code: 'FROM alpine:3.20\nWORKDIR "relative/dir"\n', errors: [{ messageId: 'relative', line: 2, column: 9 }] },
    { name: 'an absolute WORKDIR in an unrelated stage does not count', code: 'FROM alpine:3.20 AS a\nWORKDIR /app\nFROM alpine:3.20\nWORKDIR app\n', errors: [{ messageId: 'relative', line: 4 }] },
  ],
});

testCheck(emptyFile, {
  valid: ['FROM scratch\n'],
  invalid: [
    { code: '', errors: [{ messageId: 'empty', line: 1, column: 1 }] },
    { code: '# nothing\n\n', errors: [{ messageId: 'empty', line: 1 }] },
  ],
});

testCheck(maintainer, {
  valid: ['FROM alpine:3.20\nLABEL org.opencontainers.image.authors="me@example.org"\n'],
  invalid: [{ code: 'FROM alpine:3.20\nMAINTAINER Lukas <me@example.org>\n', errors: [{ messageId: 'deprecated', line: 2, column: 1, endColumn: 34 }] }],
});

testCheck(exposeFormat, {
  valid: ['FROM alpine:3.20\nEXPOSE 80 443/tcp 53/udp 40000-60000/tcp ${PORT}\n', 'FROM alpine:3.20\nEXPOSE 40000-${TOP}\n'],
  invalid: [
    { code: 'FROM alpine:3.20\nEXPOSE 80 80000\n', errors: [{ messageId: 'outOfRange', line: 2, column: 11, endColumn: 16 }] },
    { code: 'FROM alpine:3.20\nEXPOSE 40000-80000/tcp\n', errors: [{ messageId: 'outOfRange', line: 2, column: 8 }] },
    { code: 'FROM alpine:3.20\nEXPOSE 127.0.0.1:80:80 8080:80\n', errors: [{ messageId: 'mapping', line: 2, column: 8 }, { messageId: 'mapping', line: 2, column: 24 }] },
    { code: 'FROM alpine:3.20\nEXPOSE 80/TcP 53/icmp\n', errors: [{ messageId: 'protoCasing', line: 2, column: 8, severity: 'info' }, { messageId: 'badProtocol', line: 2, column: 15 }] },
    { name: 'through an ARG', code: 'FROM alpine:3.20\nARG P=70000\nEXPOSE $P\n', errors: [{ messageId: 'outOfRange', line: 3, column: 8 }] },
  ],
});

testCheck(copySlash, {
  valid: [{ name: 'BuildKit takes . as a directory', code: 'FROM alpine:3.20\nWORKDIR /app\nCOPY a.txt b.txt .\n' }, 'FROM alpine:3.20\nCOPY a b\n', 'FROM alpine:3.20\nCOPY a b c/\n', 'FROM alpine:3.20\nCOPY ["a", "b", "c/"]\n', 'FROM alpine:3.20\nCOPY --chown=1:1 a b\n'],
  invalid: [
    { code: 'FROM alpine:3.20\nCOPY a b "c"\n', errors: [{ messageId: 'noSlash', line: 2, column: 10, endColumn: 13, severity: 'warning' }] },
    { code: 'FROM alpine:3.20\nCOPY --chmod=755 a b c\n', errors: [{ messageId: 'noSlash', line: 2, column: 22 }] },
    { code: 'FROM alpine:3.20\nADD ["a", "b", "c"]\n', errors: [{ messageId: 'noSlash', line: 2, column: 1 }] },
  ],
});

testCheck(installYes, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -yq curl && apt-get -qq install wget && apt-get install -q=2 jq\n',
    'FROM fedora:40\nRUN dnf install -y httpd && yum --assumeyes install x && microdnf install y\n',
    'FROM opensuse/leap:15\nRUN zypper -n install httpd && zypper install --no-confirm x\n',
  ],
  invalid: [
    { name: 'remove only asks when something is installed: a warning', code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get remove python3-pip\n', errors: [{ messageId: 'removePrompt', line: 2, severity: 'warning' }] },
    { code: 'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -q curl\n', errors: [{ messageId: 'prompt', line: 3, column: 5, endColumn: 28 }] },
    { code: 'FROM fedora:40\nRUN dnf install httpd && yum install x && zypper install y\n', errors: [{ messageId: 'prompt', line: 2, column: 5 }, { messageId: 'prompt', line: 2, column: 26 }, { messageId: 'prompt', line: 2, column: 43 }] },
  ],
});

testCheck(cdInRun, {
  valid: [
    'FROM alpine:3.20\nWORKDIR /opt\n',
    { name: 'subshell', code: 'FROM alpine:3.20\nRUN (cd /src && make)\n' },
    { name: 'cd - returns, it is no cd ~', code: 'FROM golang:1.22-alpine\nWORKDIR /src\nRUN make release && cd release-dir && ./install.sh && cd - && make check\n' },
    { name: 'cd in the middle of a single-layer build', code: 'FROM alpine:3.20\nRUN wget -q -O /tmp/x.tgz https://example.com/x-1.0.tgz \\\n && mkdir /build && tar -xzf /tmp/x.tgz -C /build \\\n && cd /build && make && make install && rm -rf /build /tmp/x.tgz\n' },
    { name: 'a directory the RUN removes', code: 'FROM debian:bookworm-slim\nRUN set -eux; cd /tmp; echo hi > x; cat x; rm -rf /tmp/*\n' },
    { name: 'a glob WORKDIR cannot expand', code: 'FROM debian:bookworm-slim\nRUN cd clang* && cp -R * /usr/local\n' },
    { name: 'a command substitution', code: 'FROM debian:bookworm-slim\nRUN cd "$(mktemp -d)" && touch x\n' },
    { name: 'home', code: 'FROM debian:bookworm-slim\nRUN cd ~ && touch x\n' },
    { name: 'a second cd in the RUN', code: 'FROM debian:bookworm-slim\nRUN cd /tmp && touch x && cd /var && touch y\n' },
    { name: 'a mount of the RUN', code: 'FROM debian:12-slim\nRUN --mount=type=cache,target=/installTmp cd /installTmp && wget -q https://example.com/x.sh\n' },
    { name: 'a shell operator WORKDIR cannot expand', code: 'FROM php:8.3-fpm\nRUN set -eux; cd "${PHP_INI_DIR%/php}"; cp php-fpm.conf.default php-fpm.conf\n' },
    { name: 'a scratch directory for downloads', code: 'FROM debian:12-slim\nRUN cd /tmp && curl -fsSLO https://example.com/a.tgz && tar -xzf a.tgz -C /opt\n' },
    { name: 'a heredoc script', code: 'FROM alpine:3.20\nRUN <<EOT\nset -e\ncd /root\nwget -q https://example.com/tool-1.0.tgz\nEOT\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nRUN mkdir /opt/x && cd /opt/x && make\n', errors: [{ messageId: 'cd', line: 2, column: 21, endColumn: 30 }] },
    { name: 'after echo', code: 'FROM alpine:3.20\nRUN echo build && cd $SDK && ./install.sh\n', errors: [{ messageId: 'cd', line: 2, column: 19 }] },
    { name: 'a trailing cd does nothing', code: 'FROM debian:12-slim\nRUN apt-get update && rm -rf /var/lib/apt/lists/* && cd /tmp\n', errors: [{ messageId: 'trailing', line: 2, column: 54 }] },
    { name: 'a lone cd', code: 'FROM debian:12-slim\nRUN cd /opt\n', errors: [{ messageId: 'trailing', line: 2 }] },
  ],
});

testCheck(aptCommand, {
  valid: ['FROM debian:12\nRUN apt-get update && apt-cache policy curl\n'],
  invalid: [{ code: 'FROM debian:12\nRUN apt update && apt install -y curl\n', errors: [{ messageId: 'apt', line: 2, column: 5, endColumn: 8 }, { messageId: 'apt', line: 2, column: 19, endColumn: 22 }] }],
});

testCheck(unknown, {
  valid: ['FROM alpine:3.20\nrun true\n'],
  invalid: [{ code: 'FROM alpine:3.20\nRUNN true\n', errors: [{ messageId: 'unknown', line: 2, column: 1, endColumn: 5 }] }],
});

testCheck(pointless, {
  valid: ['FROM debian:12\nRUN apt-get install -y openssh-client\n', 'FROM debian:12\nRUN echo service\n'],
  invalid: [
    { name: 'the command in a multi-line RUN is located on its own line', code: 'FROM debian:12\nRUN apt-get update \\\n && service nginx start\n', errors: [{ messageId: 'pointless', line: 3, column: 5, endColumn: 12 }] },
    { name: 'ONBUILD RUN too', code: 'FROM debian:12\nONBUILD RUN top\n', errors: [{ messageId: 'pointless', line: 2, column: 13 }] },
  ],
});

testCheck(onbuildTrigger, {
  valid: ['FROM alpine:3.20\nONBUILD RUN make\n', 'FROM alpine:3.20\nONBUILD COPY . /src\n'],
  invalid: [
    { code: 'FROM alpine:3.20\nONBUILD ONBUILD RUN make\n', errors: [{ messageId: 'forbidden', line: 2, column: 9, endColumn: 16 }] },
    { code: 'FROM alpine:3.20\nONBUILD FROM debian:12\n', errors: [{ messageId: 'forbidden', line: 2, column: 9 }] },
    { code: 'FROM alpine:3.20\nONBUILD MAINTAINER me\n', errors: [{ messageId: 'forbidden', line: 2 }] },
  ],
});

testCheck(envSelf, {
  valid: [
    'FROM alpine:3.20\nENV A=1\nENV B=$A/x\n',
    { name: 'a name that only starts like one defined here', code: 'FROM alpine:3.20\nENV BLA=1 B="${BLAFOO}/x"\n' },
    { name: 'defined by an earlier ARG', code: 'FROM alpine:3.20\nARG BLA\nENV BLA=1 C=${BLA}\n' },
    { name: 'its own old value', code: 'FROM alpine:3.20\nENV PATH=/opt/bin:$PATH\n' },
    { name: 'single quotes are literal', code: "FROM alpine:3.20\nENV A=1 B='$A'\n" },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nENV A=1 B="${A}/x"\n', errors: [{ messageId: 'sameEnv', line: 2, column: 9, endColumn: 19 }] },
    { code: 'FROM alpine:3.20\nENV PATH=/a:$PATH PATH=/b:$PATH\n', errors: [{ messageId: 'sameEnv', line: 2, column: 19 }] },
  ],
});

testCheck(copyRelative, {
  valid: [
    'FROM alpine:3.20\nCOPY a.sh /usr/local/bin/a.sh\n',
    'FROM alpine:3.20\nWORKDIR /app\nCOPY . .\n',
    'FROM alpine:3.20\nCOPY a.sh $DEST\n',
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY a.ps1 c:\\tools\\a.ps1\n',
    { name: 'WORKDIR set in the stage it builds on', code: 'FROM alpine:3.20 AS base\nWORKDIR /app\nFROM base\nCOPY a b\n' },
    { name: 'scratch has / as its working directory', code: 'FROM scratch AS out\nCOPY app amd64\nFROM out\nCOPY b arm64\n' },
  ],
  invalid: [
    { name: 'named by an absolute path later: warning', code: 'FROM alpine:3.20\nCOPY bin/app-prod ./\nENTRYPOINT ["/app-prod"]\n', errors: [{ messageId: 'relative', line: 2, severity: 'warning' }] },
    { name: 'read relatively in the same stage: info', code: 'FROM python:3.12 AS build\nCOPY requirements.txt requirements.txt\nRUN pip wheel --wheel-dir=/wheels -r requirements.txt\n', errors: [{ messageId: 'relative', line: 2, severity: 'info' }] },
    { code: 'FROM alpine:3.20\nCOPY a.sh "bin/a.sh"\n', errors: [{ messageId: 'relative', line: 2, column: 11, endColumn: 21 }] },
    { name: 'a WORKDIR of another stage does not count', code: 'FROM alpine:3.20 AS a\nWORKDIR /app\nFROM alpine:3.20\nCOPY a b\n', errors: [{ messageId: 'relative', line: 4 }] },
  ],
});

testCheck(wgetProgress, {
  valid: [
    { name: 'wget --version downloads nothing', code: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends wget && wget --version | head -1\n' },
    'FROM alpine:3.20\nRUN wget -q https://e.com/a\n',
    'FROM alpine:3.20\nRUN wget -qO- https://e.com/a\n',
    'FROM alpine:3.20\nRUN wget --progress=dot:giga https://e.com/a\n',
    'FROM alpine:3.20\nRUN wget -nv https://e.com/a\n',
    'FROM alpine:3.20\nRUN wget -o /tmp/log https://e.com/a\n',
    { name: 'BusyBox wget on Alpine', code: 'FROM node:20-alpine\nRUN wget -O /a https://e.com/a\n' },
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN set -e; \\\n  wget -O /a https://e.com/a\n', errors: [{ messageId: 'noProgress', line: 3, column: 3, endColumn: 7 }] },
    { name: 'GNU wget installed on Alpine', code: 'FROM alpine:3.20\nRUN apk add --no-cache wget\nRUN wget -O /a https://e.com/a\n', errors: [{ messageId: 'noProgress', line: 3, column: 5 }] },
  ],
});

testCheck(labelKey, {
  valid: [
    { name: 'buildx git labels', code: 'FROM alpine:3.20\nLABEL com.docker.image.source.entrypoint="Dockerfile"\n' },
    'FROM alpine:3.20\nLABEL org.opencontainers.image.version="1" com.example/team=a\n',
    'FROM alpine:3.20\nLABEL $KEY=x\n',
    { name: 'Docker Desktop extension keys', code: 'FROM alpine:3.20\nLABEL com.docker.desktop.extension.api.version=">= 0.2.2" com.docker.extension.publisher-url="https://e.com"\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nLABEL com.docker.label="foo"\n', errors: [{ messageId: 'badKey', line: 2, column: 7 }] },
    { name: 'a variable inside a key', code: 'FROM alpine:3.20\nLABEL invalid$character="foo"\n', errors: [{ messageId: 'badKey', line: 2 }] },
    { code: 'FROM alpine:3.20\nLABEL ok=1 Version=2 a..b=3 a-=4\n', errors: [{ messageId: 'badKey', line: 2, column: 12 }, { messageId: 'badKey', line: 2, column: 22 }, { messageId: 'badKey', line: 2, column: 29 }] },
  ],
});

testCheck(reservedStage, {
  valid: ['FROM alpine:3.20 AS build\nFROM scratch\n'],
  invalid: [{ code: 'FROM alpine:3.20 AS scratch\nFROM alpine:3.20 AS Context\n', errors: [{ messageId: 'reserved', line: 1, column: 21, endColumn: 28 }, { messageId: 'reserved', line: 2, column: 21 }] }],
});

testCheck(systemWorkdir, {
  valid: ['FROM alpine:3.20\nWORKDIR /development\n', 'FROM alpine:3.20\nWORKDIR "/srv/app"\n'],
  invalid: [
    { code: 'FROM alpine:3.20\nWORKDIR "/proc/self/fd/1"\n', errors: [{ messageId: 'system', line: 2, column: 9, endColumn: 26 }] },
    { code: 'FROM alpine:3.20\nWORKDIR /dev\n', errors: [{ messageId: 'system', line: 2 }] },
  ],
});

testCheck(shellSymlink, {
  valid: ['FROM debian:12\nRUN ln -sf /bin/true /sbin/initctl\n', 'FROM debian:12\nRUN ln -s a b && run-with /bin/sh\n'],
  invalid: [{ code: 'FROM debian:12\nRUN apt-get update && \\\n    ln -sfv /bin/bash /bin/sh\n', errors: [{ messageId: 'symlink', line: 3, column: 5, endColumn: 30 }] }],
});

testCheck(pipefail, {
  valid: [
    'FROM debian:12\nRUN a && b\n',
    'FROM debian:12\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN curl -fsSL https://e.com | tar -xz\n',
    'FROM debian:12\nSHELL ["/usr/bin/zsh", "-o", "pipefail", "-c"]\nRUN a | b\n',
    { name: 'set -o pipefail in the RUN', code: 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN set -euo pipefail; a | b\n' },
    { name: 'inherited from the stage it builds on', code: 'FROM debian:12 AS base\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM base\nRUN a | b\n' },
    { name: 'a pipe fed by echo cannot fail', code: 'FROM debian:12\nRUN echo "$SUM  /tmp/x.tgz" | sha256sum -c - && printf a | tr a b\n' },
    { name: 'PowerShell is not sh', code: 'FROM mcr.microsoft.com/powershell:latest\nSHELL ["pwsh", "-c"]\nRUN Get-Item x | Select-Object y\n' },
    {
      name: 'tails that fail on empty input by themselves',
      code: 'FROM debian:12\nRUN curl -fsSL https://e.com/x.tgz | tar -xz -C /opt \\\n && wget -qO- https://e.com/KEYS | gpg --batch --import \\\n && curl -fsSL https://e.com/key.asc | gpg --dearmor -o /usr/share/keyrings/e.gpg \\\n && rpm -K x.rpm | grep -F "x.rpm: digests signatures OK" \\\n && wget -qO- https://e.com/x.xz | xz -d > /usr/local/bin/x\n',
    },
  ],
  invalid: [
    { name: 'the pipe is located', code: 'FROM debian:12\nRUN apt-get update && \\\n    curl -fsSL https://e.com/x | tee /tmp/x\n', errors: [{ messageId: 'noPipefail', line: 3, column: 5, endColumn: 44 }] },
    { name: 'a local producer is info', code: 'FROM debian:12\nCOPY fixes.patch /src/\nRUN cd /src && cat *.patch | patch -p1 && find . -name "*.orig" | xargs rm -f\n', errors: [{ messageId: 'noPipefail', line: 3, column: 16, severity: 'info' }] },
    { name: 'grep -v passes on what it gets', code: 'FROM debian:12\nRUN curl -fsS https://e.com/list | grep -v "^#" > /etc/list\n', errors: [{ messageId: 'noPipefail', line: 2, severity: 'warning' }] },
    { name: 'a second pipe in the same RUN after a harmless one', code: 'FROM debian:12\nRUN echo a | b; curl -fsS https://e.com | sh\n', errors: [{ messageId: 'noPipefail', line: 2, column: 17 }] },
    { name: 'sh does not count', code: 'FROM debian:12\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN a | b\n', errors: [{ messageId: 'noPipefail', line: 3 }] },
    { name: 'a later SHELL without it', code: 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\nSHELL ["/bin/sh", "-c"]\nRUN a | b\n', errors: [{ messageId: 'noPipefail', line: 5 }] },
  ],
});

testCheck(noHealthcheck, {
  valid: [
    { name: 'no shell or HTTP client to probe with', code: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n' },
    { name: 'an interactive shell as the command', code: 'FROM ruby:3.3\nEXPOSE 3000\nCMD ["/bin/bash"]\n' },
    { name: 'a port exposed for the tests', code: 'FROM python:3.12-alpine\nENTRYPOINT ["mycli"]\n# used by the test-suite only\nEXPOSE 52000\n' },
    { name: 'a base chosen at build time', code: 'ARG base_image=non-existing\nFROM $base_image\nEXPOSE 8429\nENTRYPOINT ["/vmagent"]\n' },
    'FROM nginx:1.27\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n',
    'FROM nginx:1.27\nHEALTHCHECK NONE\n',
    { name: 'inherited from the stage it builds on', code: 'FROM nginx:1.27 AS base\nHEALTHCHECK NONE\nFROM base\n' },
    { name: 'no FROM at all', code: 'ARG A=1\n' },
    { name: 'not a server: nothing exposed', code: 'FROM alpine:3.20\nCOPY tool /usr/local/bin/\nENTRYPOINT ["tool"]\n' },
  ],
  invalid: [
    { code: 'FROM nginx:1.27 AS base\nHEALTHCHECK NONE\nEXPOSE 80\nFROM base AS x\nFROM nginx:1.27\nEXPOSE 8080\n', errors: [{ messageId: 'missing', line: 5, column: 1, endColumn: 5 }] },
    { name: 'EXPOSE inherited from the stage it builds on', code: 'FROM nginx:1.27 AS base\nEXPOSE 80\nFROM base\n', errors: [{ messageId: 'missing', line: 3 }] },
  ],
});

testCheck(casing, {
  valid: ['FROM alpine\nRUN x\n', 'from alpine\nrun x\n', { name: 'heredoc lines are not instructions', code: "FROM alpine\nRUN <<'EOT'\nenv\nEOT\n" }],
  invalid: [
    { code: 'from scratch\nCOPY a /a\nCOPY b /b\n', errors: [{ messageId: 'casing', line: 1, column: 1, endColumn: 5 }] },
    { name: 'mixed case is never the majority', code: 'From alpine\nRun echo\n', errors: [{ messageId: 'casing', line: 1 }, { messageId: 'casing', line: 2 }] },
  ],
});

testCheck(fromAs, {
  valid: ['FROM a:1 AS b\n', 'from a:1 as b\n', 'FROM a:1\n'],
  invalid: [
    { code: 'FROM a:1 as b\n', errors: [{ messageId: 'casing', line: 1, column: 10, endColumn: 12 }] },
    { code: 'from a:1 AS b\n', errors: [{ messageId: 'casing', line: 1, column: 10 }] },
  ],
});

testCheck(stageCasing, {
  valid: ['FROM a:1 AS build-base\n'],
  invalid: [{ code: 'FROM a:1 AS BuildBase\n', errors: [{ messageId: 'casing', line: 1, column: 13, endColumn: 22 }] }],
});

testCheck(legacy, {
  valid: ['FROM a:1\nENV A=1 B="x y"\nLABEL a=b\nARG x\n'],
  invalid: [{ code: 'FROM a:1\nENV A 1\nLABEL a b\n', errors: [{ messageId: 'legacy', line: 2, column: 1 }, { messageId: 'legacy', line: 3, column: 1 }] }],
});

testCheck(emptyCont, {
  valid: ['FROM alpine\nEXPOSE \\\n# port\n80\n', 'FROM alpine\nRUN <<EOF\necho a\n\necho b\nEOF\n'],
  invalid: [{ code: 'FROM alpine\nCOPY a \\\n\n /a\n', errors: [{ messageId: 'empty', line: 3, column: 1 }] }],
});

testCheck(undefinedVar, {
  valid: [
    'FROM alpine\nARG foo\nCOPY Dockerfile${foo} .\n',
    'FROM alpine AS base\nARG foo=x\nFROM base\nCOPY $foo .\n',
    'FROM alpine\nRUN echo $undefined_in_shell\n',
    'FROM alpine\nENV PATH=/opt/bin:$PATH\n',
    { name: 'base images define their own upper-case variables', code: 'FROM python:3.12\nARG V=$PYTHON_VERSION\n' },
    { name: 'a default in the reference', code: 'FROM alpine\nCOPY ${SRC:-.} /src\n' },
    { name: 'escaped', code: 'FROM alpine\nENV A=\\$B\n' },
  ],
  invalid: [
    { code: 'FROM alpine\nCOPY $foo .\nARG foo=bar\n', errors: [{ messageId: 'undefined', line: 2, column: 6, endColumn: 10 }] },
    { name: 'a typo of a defined name', code: 'FROM node:20\nARG DIR_ASSETS=assets/\nCOPY $DIR_ASSET .\n', errors: [{ messageId: 'undefined', line: 3, column: 6 }] },
    { name: 'ENV value', code: 'FROM alpine\nENV PATH=$PAHT:/tmp/bin\n', errors: [{ messageId: 'undefined', line: 2, column: 10, endColumn: 15 }] },
  ],
});

testCheck(ignoredFile, {
  valid: [
    { code: 'FROM scratch\nCOPY src/ /src/\n', context: { '.dockerignore': 'Dockerfile\n*.md\n' } },
    { name: 'exceptions are not judged', code: 'FROM scratch\nCOPY Dockerfile .\n', context: { '.dockerignore': '**\n!Dockerfile\n' } },
    { name: '.* keeps the root', code: 'FROM scratch\nCOPY . .\n', context: { '.dockerignore': '.*\n' } },
    { name: 'no .dockerignore', code: 'FROM scratch\nCOPY Dockerfile .\n', context: {} },
    { name: '**/ matches whole directory names only', code: 'FROM scratch\nCOPY my_node_modules /x\n', context: { '.dockerignore': '**/node_modules\n' } },
  ],
  invalid: [
    { code: 'FROM scratch\nCOPY ./Dockerfile .\nADD docs/README.md /x\n', context: { '.dockerignore': 'Dockerfile\n**/*.md\n' }, errors: [{ messageId: 'ignored', line: 2, column: 6, endColumn: 18 }, { messageId: 'ignored', line: 3, column: 5 }] },
    { name: '**/ at any depth, the root included', code: 'FROM scratch\nCOPY node_modules /a\nCOPY web/node_modules/x /b\n', context: { '.dockerignore': '**/node_modules\n' }, errors: [{ messageId: 'ignored', line: 2 }, { messageId: 'ignored', line: 3 }] },
    { name: 'inside an ignored directory', code: 'FROM scratch\nCOPY build/out/app /app\n', context: { '.dockerignore': 'build\n' }, errors: [{ messageId: 'ignored', line: 2 }] },
    { name: 'everything ignored', code: 'FROM scratch\nCOPY . .\n', context: { '.dockerignore': '*\n' }, errors: [{ messageId: 'ignored', line: 2 }] },
  ],
});

testCheck(description, {
  valid: [
    { name: 'off unless the Dockerfile enables it', code: '# not about it\nFROM a:1 AS base\n' },
    '# check=experimental=InvalidDefinitionDescription\n# base is the base\nFROM a:1 AS base\n# VERSION to build\nARG VERSION=1\n',
    '# check=experimental=all\n# a comment\n\nFROM a:1 AS base\n',
  ],
  invalid: [
    {
      code: '\n# check=experimental=InvalidDefinitionDescription\n# bar this is the bar\nARG foo=bar\n# BasE this is the BasE image\nFROM scratch AS base\n',
      errors: [{ messageId: 'description', line: 3, column: 1, endColumn: 22 }, { messageId: 'description', line: 5 }],
    },
  ],
});

testCheck(installYes, {
  valid: [{ name: 'exec form with -y', code: 'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\n' }],
  invalid: [{ name: 'exec form: the array is the command', code: 'FROM node:20\nRUN ["apt-get", "install", "apt-utils"]\n', errors: [{ messageId: 'prompt', line: 2, column: 1 }] }],
});

testCheck(unusedIgnore, {
  valid: [
    'FROM alpine:3.20\n# shipshape ignore=pid1/shell-form-command -- tini runs it\nCMD ["app"]\n',
    'FROM alpine:3.20\n# hadolint ignore=DL9999\nRUN true\n',
  ],
  invalid: [
    { name: 'a rule no check has', code: 'FROM alpine:3.20\n# shipshape ignore=pid1/no-such-rule\nCMD ["app"]\n', errors: [{ messageId: 'unknownRule', line: 2, column: 20 }] },
    { name: 'no instruction under it', code: 'FROM alpine:3.20\nCMD ["app"]\n# shipshape ignore=pid1/shell-form-command\n', errors: [{ messageId: 'orphan', line: 3, column: 20 }] },
  ],
});

// ShellCheck itself does the reading; these cases pin what shipshape gives it (the shell, the names,
// the bodies and scripts) and where its comments land. Debian's shellcheck package is in .ci/run.
testCheck(shellcheck, {
  skip: !SHELLCHECK && 'no shellcheck on the PATH (apt-get install shellcheck)',
  valid: [
    { name: 'POSIX test in dash', code: 'FROM debian:bookworm-slim\nRUN [ -f /etc/os-release ] && echo found\n' },
    { name: 'an ARG without a value is assigned at build time', code: 'FROM debian:bookworm-slim\nARG VERSION\nRUN echo "$VERSION" > /version\n' },
    { name: 'BuildKit proxy variables are defined', code: 'FROM debian:bookworm-slim\nRUN echo "$HTTP_PROXY" > /proxy\n' },
    { name: 'word splitting in a RUN is the Dockerfile\'s own (package lists, -j$(nproc))', code: 'FROM debian:bookworm-slim\nENV buildDeps="gcc make"\nRUN apt-get install -y $buildDeps && make -j$(nproc)\n' },
    { name: '[[ in BusyBox ash (Alpine)', code: 'FROM alpine:3.20\nRUN [[ -f /etc/alpine-release ]] && echo alpine\n' },
    { name: '[[ where the base does not say which sh it has', code: 'FROM registry.example.com/team/base:1\nRUN [[ -f /etc/os-release ]] && echo found\n' },
    { name: '[[ under SHELL bash', code: 'FROM debian:bookworm-slim\nSHELL ["/bin/bash", "-c"]\nRUN [[ -f /etc/os-release ]] && echo found\n' },
    { name: 'SHELL bash in the stage built on', code: 'FROM debian:bookworm-slim AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nRUN [[ -f /etc/os-release ]] && echo found\n' },
    { name: 'a Windows base', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN mkdir C:\\data && icacls C:\\data /grant "CREATOR OWNER":(OI)(CI)F\n' },
    { name: 'a Windows user', code: 'ARG BASE\nFROM $BASE\nUSER ContainerAdministrator\nRUN mkdir C:\\data && icacls C:\\data /grant "CREATOR OWNER":(OI)(CI)F\n' },
    { name: "hadolint's shell pragma", code: 'FROM tests-image\n# hadolint shell=powershell\nRUN echo $null >> C:/data/test.override\n' },
    { name: 'sourcing a file of the image (SC1091, as hadolint)', code: 'FROM debian:bookworm-slim\nRUN . /etc/os-release && echo "$ID" > /id\n' },
    { name: 'a $VAR in single quotes writes a config file (SC2016)', code: "FROM php:8.3-apache\nRUN echo 'memory_limit=${PHP_MEMORY_LIMIT}' > /usr/local/etc/php/conf.d/limits.ini\n" },
    { name: "Elixir's mix do (SC1010)", code: 'FROM elixir:1.17\nRUN mix do deps.get, deps.compile\n' },
    { name: 'exec form is not a shell', code: 'FROM debian:bookworm-slim\nRUN ["sh", "-c", "echo $X"]\n' },
    { name: "hadolint's ignore pragma names the code", code: 'FROM debian:bookworm-slim\n# hadolint ignore=SC3010\nRUN [[ -f /etc/os-release ]] && echo found\n' },
    { name: "shipshape's ignore pragma names the code", code: 'FROM debian:bookworm-slim\n# shipshape ignore=SC3010\nRUN [[ -f /etc/os-release ]] && echo found\n' },
    { name: "shipshape's ignore pragma names the finding's rule", code: 'FROM debian:bookworm-slim\n# shipshape ignore=shellcheck/SC3010\nRUN [[ -f /etc/os-release ]] && echo found\n' },
    {
      name: 'a config file named as an argument is not a script',
      code: 'FROM debian:bookworm-slim\nCOPY app.conf /etc/app.conf\nCMD ["app", "--config", "/etc/app.conf"]\n',
      context: { 'app.conf': '[main]\nlisten = [ a b ]\n' },
    },
    {
      name: 'a clean entrypoint script',
      code: 'FROM debian:bookworm-slim\nCOPY entrypoint.sh /usr/local/bin/\nENTRYPOINT ["entrypoint.sh"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n' },
    },
  ],
  invalid: [
    { name: '[[ in dash', code: 'FROM debian:bookworm-slim\nRUN [[ -f /etc/os-release ]] && echo found\n', errors: [{ messageId: 'SC3010', line: 2, column: 5, endLine: 2, endColumn: 29, severity: 'warning' }] },
    { name: 'Ubuntu through a language image (python is Debian)', code: 'FROM python:3.12-slim\nRUN source /venv/bin/activate && pip install flask==3.0.0\n', errors: [{ messageId: 'SC3046', line: 2, column: 5, severity: 'warning' }] },
    { name: 'an unclosed quote fails the build: one finding', code: "FROM debian:bookworm-slim\nRUN echo 'abc\n", errors: [{ messageId: 'SC1073', line: 2, column: 10, severity: 'warning' }] },
    {
      name: 'the position on a continuation line',
      code: 'FROM debian:bookworm-slim\nRUN set -eux; \\\n    cd /tmp; \\\n    [[ -d x ]] && rm -r x\n',
      errors: [{ messageId: 'SC3010', line: 4, column: 5, endLine: 4, endColumn: 15 }],
    },
    { name: 'a heredoc body', code: 'FROM debian:bookworm-slim\nRUN <<EOF\nset -e\n[[ -f x ]] && echo y\nEOF\n', errors: [{ messageId: 'SC3010', line: 4, column: 1 }] },
    { name: 'an ONBUILD trigger is checked too', code: 'FROM debian:bookworm-slim\nONBUILD RUN [[ -f /app/package.json ]] && npm ci\n', errors: [{ messageId: 'SC3010', line: 2 }] },
    { name: "a near miss of BuildKit's proxy variables", code: 'FROM debian:bookworm-slim\nRUN echo "$RTTP_PROXY" > /proxy\n', errors: [{ messageId: 'SC2153', line: 2, severity: 'info' }] },
    { name: 'a variable assigned and never used (info)', code: 'FROM golang:1.23\nRUN GOARM=7; go build -o /app .\n', errors: [{ messageId: 'SC2034', line: 2, column: 5, severity: 'info' }] },
    {
      name: 'an entrypoint script: its file, its line, word splitting of what the user passes',
      code: 'FROM debian:bookworm-slim\nCOPY entrypoint.sh /usr/local/bin/\nENTRYPOINT ["entrypoint.sh"]\n',
      context: { 'entrypoint.sh': '#!/bin/sh\nset -e\nchown -R $PUID /data\nexec "$@"\n' },
      errors: [{ messageId: 'SC2086', line: 3, column: 10, file: 'entrypoint.sh', severity: 'info' }],
    },
    {
      name: 'an entrypoint script in bash on a Debian base',
      code: 'FROM debian:bookworm-slim\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n',
      context: { 'run.sh': '#!/usr/bin/env bash\ncd /app\nexec ./server\n' },
      errors: [{ messageId: 'SC2164', line: 2, file: 'run.sh' }],
    },
  ],
});

testCheck(runWithoutShell, {
  valid: [
    { name: 'a RUN in a stage with a base image', code: 'FROM alpine:3.20\nRUN echo hi\n' },
    { name: 'no RUN in the scratch stage', code: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n' },
    { name: 'the program is copied to its path', code: 'FROM scratch\nCOPY --from=build /app /app\nRUN ["/app", "--selftest"]\n' },
    { name: 'a copy to / may bring /bin/sh', code: 'FROM scratch\nCOPY --from=busybox:musl / /\nRUN echo hi\n' },
    { name: 'an ADD of a root filesystem', code: 'FROM scratch\nADD rootfs.tar.gz /\nRUN echo hi\n' },
    { name: 'a copy into /bin', code: 'FROM scratch\nCOPY --from=busybox:musl /bin/busybox /bin/sh\nRUN echo hi\n' },
    { name: 'a copy through WORKDIR', code: 'FROM scratch\nWORKDIR /bin\nCOPY sh .\nRUN echo hi\n' },
    { name: 'a destination in a variable', code: 'FROM scratch\nARG DEST\nCOPY sh $DEST\nRUN echo hi\n' },
    { name: 'a bind mount over /usr gives busybox in PATH', code: 'FROM scratch\nRUN --mount=from=busybox,dst=/usr/ ["busybox", "sh", "-c", "mkdir -p /kaniko"]\n' },
    { name: 'a program copied into a PATH directory', code: 'FROM scratch\nCOPY --from=build /app /usr/local/bin/\nRUN ["app", "migrate"]\n' },
    { name: 'SHELL names a copied shell', code: 'FROM scratch\nCOPY --from=busybox:musl /bin/busybox /busybox/sh\nSHELL ["/busybox/sh", "-c"]\nRUN echo hi\n' },
    { name: 'an earlier RUN that starts may install the shell', code: 'FROM scratch\nCOPY --from=busybox:musl /bin/busybox /busybox\nRUN ["/busybox", "--install", "-s", "/bin"]\nRUN echo hi\n' },
    { name: 'FROM a variable whose default is scratch', code: 'ARG BASE=scratch\nFROM $BASE\nRUN echo hi\n' },
    { name: 'ONBUILD RUN runs in a later build', code: 'FROM scratch\nONBUILD RUN echo hi\n' },
    { name: 'a child stage of a scratch stage that copied a shell', code: 'FROM scratch AS base\nCOPY --from=busybox:musl /bin /bin\nFROM base\nRUN echo hi\n' },
  ],
  invalid: [
    {
      name: 'shell form in a scratch stage',
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nRUN mkdir /data\n',
      errors: [{ messageId: 'noShell', line: 5, column: 1, severity: 'error' }],
    },
    { name: 'only the first RUN: the build stops there', code: 'FROM scratch\nRUN echo a\nRUN echo b\n', errors: [{ messageId: 'noShell', line: 2 }] },
    { name: 'exec form of a program looked up in PATH', code: 'FROM scratch\nCOPY app /app\nRUN ["busybox", "true"]\n', errors: [{ messageId: 'noProgram', line: 3 }] },
    { name: 'exec form of a program never copied', code: 'FROM scratch\nCOPY app /app\nRUN ["/bin/tool"]\n', errors: [{ messageId: 'noShell', line: 3 }] },
    { name: 'SHELL names a program nobody copied', code: 'FROM scratch\nCOPY app /app\nSHELL ["/bin/bash", "-c"]\nRUN echo hi\n', errors: [{ messageId: 'noShell', line: 4 }] },
    { name: 'a stage built on a scratch stage', code: 'FROM scratch AS base\nCOPY app /app\nFROM base\nRUN echo hi\n', errors: [{ messageId: 'noShell', line: 4 }] },
    { name: 'a heredoc RUN needs the shell too', code: 'FROM scratch\nCOPY etc /etc\nRUN <<EOF\necho hi\nEOF\n', errors: [{ messageId: 'noShell', line: 3 }] },
  ],
});

testCheck(syntaxDirective, {
  valid: [
    '# syntax=docker/dockerfile:1\nFROM alpine:3.20\n',
    '# syntax = docker/dockerfile:1.4\nFROM alpine:3.20\n',
    '#syntax=docker.io/docker/dockerfile:1-labs\nFROM alpine:3.20\n',
    '# syntax=docker/dockerfile:1.7.1@sha256:a57df69d0ea827fb7266491f2813635de6f17269be881f696fbfdf2d83dda33e\nFROM alpine:3.20\n',
    '# syntax=docker/dockerfile-upstream:master-labs\nFROM alpine:3.20\n',
    '# syntax=docker/dockerfile:experimental\nFROM alpine:3.20\n',
    '# syntax=docker/dockerfile\nFROM alpine:3.20\n',
    '# escape=`\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n',
    '#!/usr/bin/env -S docker build -f\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n',
    { name: 'another frontend', code: '# syntax=tonistiigi/dockerfile:runmount20180618\nFROM alpine:3.20\n' },
    { name: 'a mirror of the frontend', code: '# syntax=mirror.example.com/docker/dockerfile:whatever\nFROM alpine:3.20\n' },
    { name: 'a comment that mentions syntax', code: 'FROM alpine:3.20\n# the syntax of this file needs BuildKit\nRUN echo hi\n' },
    { name: 'after leading blank lines, where BuildKit versions differ', code: '\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n' },
    { name: 'an ignored second directive after the one BuildKit reads', code: '# syntax=docker/dockerfile:1\nFROM alpine:3.20\n# syntax=docker/dockerfile:1.4\n' },
  ],
  invalid: [
    { name: 'a misspelt image', code: '# syntax=docker/dockerfle:1\nFROM alpine:3.20\n', errors: [{ messageId: 'name', line: 1, column: 1, severity: 'error' }] },
    { name: 'capital letters', code: '# syntax=Docker/Dockerfile:1\nFROM alpine:3.20\n', errors: [{ messageId: 'name', line: 1 }] },
    { name: 'a letter l for the digit 1', code: '# syntax=docker/dockerfile:l\nFROM alpine:3.20\n', errors: [{ messageId: 'tag', line: 1 }] },
    { name: 'a misspelt word tag', code: '# syntax=docker/dockerfile:lates\nFROM alpine:3.20\n', errors: [{ messageId: 'tag', line: 1 }] },
    { name: 'not on the first lines', code: 'FROM alpine:3.20\n# syntax=docker/dockerfile:1\nRUN echo hi\n', errors: [{ messageId: 'ignored', line: 2, severity: 'warning' }] },
    { name: 'after a comment', code: '# Build the app\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n', errors: [{ messageId: 'ignored', line: 2 }] },
    { name: 'a misspelt directive name', code: '# sytax=docker/dockerfile:1\nFROM alpine:3.20\n', errors: [{ messageId: 'ignored', line: 1 }] },
    { name: 'a colon for the equals sign', code: '# syntax: docker/dockerfile:1\nFROM alpine:3.20\n', errors: [{ messageId: 'ignored', line: 1 }] },
    { name: 'indented', code: '  # syntax=docker/dockerfile:1\nFROM alpine:3.20\n', errors: [{ messageId: 'ignored', line: 1 }] },
  ],
});

const schema = { '.shipshape.yaml': 'labelSchema:\n  maintainer: email\n  url: url\n  built: rfc3339\n  license: spdx\n  rev: hash\n  version: semver\n  owner: text\n' };
const all = 'LABEL maintainer="jane@example.com" url="https://example.com/app" built="2024-05-01T12:30:00Z" license="Apache-2.0" rev="4c5f2a1" version="1.4.0" owner="web team"\n';
testCheck(labelSchema, {
  valid: [
    { name: 'no schema configured', code: 'FROM alpine:3.20\nLABEL url="not a url"\n' },
    { name: 'every label, each of its type', code: `FROM alpine:3.20\n${all}`, context: schema },
    { name: 'labels set in the stage the final one is built on', code: `FROM alpine:3.20 AS base\n${all}FROM base\nRUN echo hi\n`, context: schema },
    { name: 'a value from a build argument is not judged', code: `FROM alpine:3.20\nARG VERSION\n${all}LABEL version=$VERSION\n`, context: schema },
    { name: 'a value from an ARG default is judged with it', code: `FROM alpine:3.20\nARG REV=0123456789abcdef0123456789abcdef01234567\n${all}LABEL rev=$REV\n`, context: schema },
    { name: 'a mailbox with a display name', code: `FROM alpine:3.20\n${all}LABEL maintainer="NGINX Docker Maintainers <docker-maint@nginx.com>"\n`, context: schema },
    { name: 'an SPDX expression and a deprecated id', code: `FROM alpine:3.20\n${all}LABEL license="(MIT OR GPL-2.0+) AND Apache-2.0 WITH LLVM-exception"\nLABEL license=GPL-2.0\n`, context: schema },
    { name: 'a builder stage that does not ship', code: `FROM alpine:3.20 AS build\nLABEL url=nope junk=1\nFROM alpine:3.20\n${all}`, context: { '.shipshape.yaml': schema['.shipshape.yaml'] + 'strictLabels: true\n' } },
  ],
  invalid: [
    {
      name: 'a missing label, at the final FROM',
      code: 'FROM alpine:3.20 AS build\nRUN echo hi\nFROM alpine:3.20\nLABEL owner=web\n',
      context: { '.shipshape.yaml': 'labelSchema:\n  owner: text\n  maintainer: email\n' },
      errors: [{ messageId: 'DL3049', line: 3, column: 1, severity: 'info' }],
    },
    {
      name: 'each value of the wrong type',
      code: 'FROM alpine:3.20\nLABEL maintainer="Jane (@jane)" url="example.com/app" built="2024-05-01" license="Apache 2" rev="4C5F2A1" version="v1.4" owner=""\n',
      context: schema,
      errors: [
        { messageId: 'DL3058', line: 2, column: 7, severity: 'warning' },
        { messageId: 'DL3052', line: 2 },
        { messageId: 'DL3053', line: 2 },
        { messageId: 'DL3054', line: 2 },
        { messageId: 'DL3055', line: 2 },
        { messageId: 'DL3056', line: 2 },
        { messageId: 'DL3051', line: 2 },
      ],
    },
    { name: 'a date that does not exist', code: `FROM alpine:3.20\n${all}LABEL built="2023-02-29T00:00:00Z"\n`, context: schema, errors: [{ messageId: 'DL3053', line: 3 }] },
    {
      name: 'strictLabels: labels outside the schema',
      code: 'FROM alpine:3.20\nLABEL owner=web team=web\n',
      context: { '.shipshape.yaml': 'labelSchema:\n  owner: text\nstrictLabels: true\n' },
      errors: [{ messageId: 'DL3050', line: 2, column: 17, severity: 'info' }],
    },
    {
      name: 'strictLabels without a schema: every label',
      code: 'FROM alpine:3.20\nLABEL team=web\n',
      context: { '.shipshape.yaml': 'strictLabels: true\n' },
      errors: [{ messageId: 'DL3050', line: 2 }],
    },
  ],
});
