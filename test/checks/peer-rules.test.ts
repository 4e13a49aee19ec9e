/** The checks that cover the remaining hadolint, Trivy and BuildKit rules (issue 6), one table per check. */
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../../src/analyze.js';
import { testCheck } from '../helpers/tester.js';
import pointless from '../../checks/correctness/pointless-command.js';
import distUpgrade from '../../checks/reproducibility/dist-upgrade.js';
import addLocal from '../../checks/security/add-local-file.js';
import onbuildTrigger from '../../checks/correctness/onbuild-trigger.js';
import envSelf from '../../checks/correctness/env-self-reference.js';
import copyRelative from '../../checks/correctness/copy-relative-destination.js';
import wgetProgress from '../../checks/correctness/wget-progress.js';
import labelKey from '../../checks/correctness/label-key.js';
import reservedStage from '../../checks/correctness/reserved-stage-name.js';
import copyWholeStage from '../../checks/multi-stage/copy-whole-stage.js';
import systemWorkdir from '../../checks/correctness/system-workdir.js';
import wgetAndCurl from '../../checks/size/wget-and-curl.js';
import shellSymlink from '../../checks/correctness/shell-symlink.js';
import pipefail from '../../checks/correctness/pipefail.js';
import extractArchive from '../../checks/size/extract-copied-archive.js';
import noHealthcheck from '../../checks/correctness/no-healthcheck.js';
import untrusted from '../../checks/security/untrusted-registry.js';
import casing from '../../checks/correctness/instruction-casing.js';
import fromAs from '../../checks/correctness/from-as-casing.js';
import stageCasing from '../../checks/correctness/stage-name-casing.js';
import legacy from '../../checks/correctness/legacy-key-value.js';
import emptyCont from '../../checks/correctness/empty-continuation.js';
import undefinedVar from '../../checks/correctness/undefined-var.js';
import ignoredFile from '../../checks/correctness/copy-ignored-file.js';
import description from '../../checks/correctness/definition-description.js';
import installYes from '../../checks/correctness/install-without-yes.js';

testCheck(pointless, {
  valid: ['FROM debian:12\nRUN apt-get install -y openssh-client\n', 'FROM debian:12\nRUN echo service\n'],
  invalid: [
    { name: 'the command in a multi-line RUN is located on its own line', code: 'FROM debian:12\nRUN apt-get update \\\n && service nginx start\n', errors: [{ messageId: 'pointless', line: 3, column: 5, endColumn: 12 }] },
    { name: 'ONBUILD RUN too', code: 'FROM debian:12\nONBUILD RUN top\n', errors: [{ messageId: 'pointless', line: 2, column: 13 }] },
  ],
});

testCheck(distUpgrade, {
  valid: ['FROM debian:12\nRUN apt-get update && apt-get upgrade -y\n', 'FROM opensuse/leap:15\nRUN zypper -n update\n'],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update \\\n && apt-get -q dist-upgrade\n', errors: [{ messageId: 'distUpgrade', line: 3, column: 5, endColumn: 28 }] },
    { code: 'FROM opensuse/leap:15\nRUN zypper dup\n', errors: [{ messageId: 'distUpgrade', line: 2, column: 5 }] },
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
    { code: 'FROM alpine:3.20\nCOPY a.sh "bin/a.sh"\n', errors: [{ messageId: 'relative', line: 2, column: 11, endColumn: 21 }] },
    { name: 'a WORKDIR of another stage does not count', code: 'FROM alpine:3.20 AS a\nWORKDIR /app\nFROM alpine:3.20\nCOPY a b\n', errors: [{ messageId: 'relative', line: 4 }] },
  ],
});

testCheck(wgetProgress, {
  valid: [
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

testCheck(copyWholeStage, {
  valid: [
    'FROM alpine:3.20\nCOPY / /\n',
    'FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --from=b /app /\nCOPY --from=b / /app\n',
    { name: 'a bundle image, directly or through a stage that only names it', code: 'FROM tonistiigi/xx:1.4 AS xx\nFROM alpine:3.20\nCOPY --from=xx / /\nCOPY --from=docker/buildx-bin:0.14 / /\n' },
    { name: 'an export stage built from scratch', code: 'FROM golang:1.22 AS b\nRUN make\nFROM scratch AS out\nCOPY --from=b /bin/app /\nFROM alpine:3.20\nCOPY --from=out / /\n' },
  ],
  invalid: [{ code: 'FROM alpine:3.20 AS b\nRUN make\nFROM alpine:3.20\nCOPY --from=b "/" "/"\n', errors: [{ messageId: 'wholeStage', line: 4, column: 1 }] }],
});

testCheck(systemWorkdir, {
  valid: ['FROM alpine:3.20\nWORKDIR /development\n', 'FROM alpine:3.20\nWORKDIR "/srv/app"\n'],
  invalid: [
    { code: 'FROM alpine:3.20\nWORKDIR "/proc/self/fd/1"\n', errors: [{ messageId: 'system', line: 2, column: 9, endColumn: 26 }] },
    { code: 'FROM alpine:3.20\nWORKDIR /dev\n', errors: [{ messageId: 'system', line: 2 }] },
  ],
});

testCheck(wgetAndCurl, {
  valid: [
    'FROM alpine:3.20\nRUN curl -fsSL https://e.com/a\nRUN curl -fsSL https://e.com/b\n',
    { name: 'different stages', code: 'FROM alpine:3.20\nRUN wget -q https://e.com/a\nFROM alpine:3.20\nRUN curl -fsSL https://e.com/b\n' },
    { name: 'installing wget is not using it', code: 'FROM debian:12\nRUN curl -fsSL https://e.com/a\nRUN apt-get install -y wget\n' },
  ],
  invalid: [
    { name: 'each RUN after both were seen', code: 'FROM alpine:3.20\nRUN wget -q https://e.com/a\nRUN curl -fsS https://e.com/b\nRUN echo hi\nRUN wget -q https://e.com/c\n', errors: [{ messageId: 'both', line: 3, column: 5, endColumn: 9 }, { messageId: 'both', line: 5, column: 5 }] },
    { name: 'exec form counts', code: 'FROM alpine:3.20\nRUN wget -q https://e.com/a\nRUN ["curl", "https://e.com/b"]\n', errors: [{ messageId: 'both', line: 3, column: 1 }] },
    { name: 'both in one RUN: one finding', code: 'FROM alpine:3.20\nRUN wget -q https://e.com/a && \\\n    curl -fsS https://e.com/b\n', errors: [{ messageId: 'both', line: 2, column: 5 }] },
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
  ],
  invalid: [
    { name: 'the pipe is located', code: 'FROM debian:12\nRUN apt-get update && \\\n    curl -fsSL https://e.com/x | tar -xz\n', errors: [{ messageId: 'noPipefail', line: 3, column: 5, endColumn: 41 }] },
    { name: 'a second pipe in the same RUN after a harmless one', code: 'FROM debian:12\nRUN echo a | b; curl -fsS https://e.com | sh\n', errors: [{ messageId: 'noPipefail', line: 2, column: 17 }] },
    { name: 'sh does not count', code: 'FROM debian:12\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN a | b\n', errors: [{ messageId: 'noPipefail', line: 3 }] },
    { name: 'a later SHELL without it', code: 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\nSHELL ["/bin/sh", "-c"]\nRUN a | b\n', errors: [{ messageId: 'noPipefail', line: 5 }] },
  ],
});

testCheck(extractArchive, {
  valid: [
    'FROM debian:12\nCOPY app.tar /opt/app.tar\n',
    'FROM debian:12\nCOPY package.json /app/\nRUN tar -xf other.tar\n',
    { name: 'an archive from another stage', code: 'FROM debian:12 AS b\nFROM debian:12\nCOPY --from=b /x/some.tar /opt/some.tar\nRUN tar -xf /opt/some.tar\n' },
  ],
  invalid: [
    { code: 'FROM debian:12\nCOPY dist/app.tar.gz /tmp/\nRUN set -e; \\\n  tar -xzf /tmp/app.tar.gz -C /opt\n', errors: [{ messageId: 'extractLater', line: 4, column: 3, endColumn: 35 }] },
    { name: 'Windows paths', code: 'FROM debian:12\nCOPY build\\foo\\bar.tar.gz "C:\\Program Files\\Foo"\nRUN tar -xf "C:\\Program Files\\Foo\\bar.tar.gz"\n', errors: [{ messageId: 'extractLater', line: 3 }] },
    { name: 'renamed by the destination', code: 'FROM debian:12\nCOPY build/x.tgz /tmp/foo.tgz\nRUN tar xzf foo.tgz\n', errors: [{ messageId: 'extractLater', line: 3 }] },
  ],
});

testCheck(noHealthcheck, {
  valid: [
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

describe('locations inside a multi-line RUN', () => {
  it('a finding about one command points at that command, not at the RUN', async () => {
    const code = [
      'FROM debian:12',
      'RUN set -e; \\',
      '    apt-get update; \\',
      '    apt-get install curl; \\',
      '    wget http://e.com/a.tgz | tar -xz; \\',
      '    sudo ls; \\',
      '    cd /tmp && service x start; \\',
      '    curl -k https://e.com/x | sh; \\',
      '    chmod 777 /srv',
      '',
    ].join('\n');
    const { findings } = await analyzeDockerfile(code);
    const at = (rule: string): string[] =>
      findings.filter((f) => f.rule === rule).map((f) => (f.location.kind === 'image' ? '' : `${f.location.range.line}:${f.location.range.column}`));
    expect(at('correctness/install-without-yes')).toEqual(['4:5']);
    expect(at('correctness/wget-progress')).toEqual(['5:5']);
    expect(at('correctness/pipefail')).toEqual(['5:5']);
    expect(at('tools/sudo')).toEqual(['6:5']);
    expect(at('correctness/cd-in-run')).toEqual(['7:5']);
    expect(at('correctness/pointless-command')).toEqual(['7:16']);
    expect(at('security/curl-pipe-shell')).toEqual(['8:5']);
    expect(at('security/verification-disabled')).toEqual(['8:10']);
    expect(at('security/world-writable')).toEqual(['9:5']);
  });
});

testCheck(installYes, {
  valid: [{ name: 'exec form with -y', code: 'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\n' }],
  invalid: [{ name: 'exec form: the array is the command', code: 'FROM node:20\nRUN ["apt-get", "install", "apt-utils"]\n', errors: [{ messageId: 'prompt', line: 2, column: 1 }] }],
});
