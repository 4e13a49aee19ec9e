import { testCheck } from '../helpers/tester.js';
import shellForm from '../../checks/pid1/shell-form-command.js';
import rootUser from '../../checks/user/root-user.js';
import latestTag from '../../checks/tags/latest-tag.js';
import unknown from '../../checks/correctness/unknown-instruction.js';

testCheck(shellForm, {
  valid: [
    'FROM alpine:3.20\nCMD ["sleep", "1"]\n',
    'FROM alpine:3.20\nENTRYPOINT ["/app"]\nCMD ["--port", "80"]\n',
    { name: 'powershell is not a POSIX shell', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nCMD Start-Service foo\n' },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nCMD sleep 1\n', errors: [{ messageId: 'shellForm', line: 2, column: 1, endColumn: 12 }] },
    { name: 'continuation lines', code: 'FROM alpine:3.20\nENTRYPOINT exec \\\n  /app --port 80\n', errors: [{ messageId: 'shellForm', line: 2, column: 1, endLine: 3 }] },
    { name: 'malformed JSON runs as shell', code: "FROM alpine:3.20\nCMD ['sleep', '1']\n", errors: [{ messageId: 'shellForm', line: 2 }] },
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

testCheck(latestTag, {
  valid: [
    'FROM node:20-slim\n',
    'FROM scratch\n',
    'FROM node@sha256:0000000000000000000000000000000000000000000000000000000000000000\n',
    { name: 'a stage name is not an image', code: 'FROM node:20 AS build\nFROM build\n' },
    { name: 'ARG default resolves', code: 'ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-slim\n' },
    { name: 'registry with port is not a tag', code: 'FROM localhost:5000/app:1.2\n' },
  ],
  invalid: [
    { code: 'FROM node\n', errors: [{ messageId: 'noTag', line: 1, column: 6, endColumn: 10 }] },
    { code: 'FROM node:latest AS x\n', errors: [{ messageId: 'latest', line: 1, column: 6 }] },
    { name: 'ARG default is latest', code: 'ARG TAG=latest\nFROM node:$TAG\n', errors: [{ messageId: 'latest', line: 2 }] },
    { name: 'registry with port and no tag', code: 'FROM localhost:5000/app\n', errors: [{ messageId: 'noTag', line: 1 }] },
  ],
});

testCheck(unknown, {
  valid: ['FROM alpine:3.20\nrun true\n'],
  invalid: [{ code: 'FROM alpine:3.20\nRUNN true\n', errors: [{ messageId: 'unknown', line: 2, column: 1, endColumn: 5 }] }],
});
