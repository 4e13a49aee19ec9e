import { testCheck } from '../helpers/tester.js';
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
    { code: 'FROM alpine:3.20\nEXPOSE 80/TcP 53/icmp\n', errors: [{ messageId: 'protoCasing', line: 2, column: 8 }, { messageId: 'badProtocol', line: 2, column: 15 }] },
    { name: 'through an ARG', code: 'FROM alpine:3.20\nARG P=70000\nEXPOSE $P\n', errors: [{ messageId: 'outOfRange', line: 3, column: 8 }] },
  ],
});

testCheck(copySlash, {
  valid: ['FROM alpine:3.20\nCOPY a b\n', 'FROM alpine:3.20\nCOPY a b c/\n', 'FROM alpine:3.20\nCOPY ["a", "b", "c/"]\n', 'FROM alpine:3.20\nCOPY --chown=1:1 a b\n'],
  invalid: [
    { code: 'FROM alpine:3.20\nCOPY a b "c"\n', errors: [{ messageId: 'noSlash', line: 2, column: 10, endColumn: 13 }] },
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
    { code: 'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -q curl\n', errors: [{ messageId: 'prompt', line: 3, column: 5, endColumn: 28 }] },
    { code: 'FROM fedora:40\nRUN dnf install httpd && yum install x && zypper install y\n', errors: [{ messageId: 'prompt', line: 2, column: 5 }, { messageId: 'prompt', line: 2, column: 26 }, { messageId: 'prompt', line: 2, column: 43 }] },
  ],
});

testCheck(cdInRun, {
  valid: ['FROM alpine:3.20\nWORKDIR /opt\n', { name: 'subshell', code: 'FROM alpine:3.20\nRUN (cd /src && make)\n' }],
  invalid: [{ code: 'FROM alpine:3.20\nRUN mkdir /opt/x && cd /opt/x && make\n', errors: [{ messageId: 'cd', line: 2, column: 21, endColumn: 30 }] }],
});

testCheck(aptCommand, {
  valid: ['FROM debian:12\nRUN apt-get update && apt-cache policy curl\n'],
  invalid: [{ code: 'FROM debian:12\nRUN apt update && apt install -y curl\n', errors: [{ messageId: 'apt', line: 2, column: 5, endColumn: 8 }, { messageId: 'apt', line: 2, column: 19, endColumn: 22 }] }],
});
