import { testCheck } from '../helpers/tester.js';
import contextCopy from '../../checks/cache/context-copy-before-install.js';
import packageCacheMount from '../../checks/cache/package-cache-mount.js';
import updateAlone from '../../checks/cache/update-alone.js';
import missingIgnore from '../../checks/cache/missing-dockerignore.js';
import consecutiveRun from '../../checks/cache/consecutive-run.js';

testCheck(contextCopy, {
  valid: [
    'FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n',
    { name: 'global tool install is not a dependency install', code: 'FROM node:20\nCOPY . .\nRUN npm install -g pm2\n' },
    { name: 'go modules fetched before the copy', code: 'FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n' },
    { name: 'maven go-offline before the copy', code: 'FROM maven:3.9\nCOPY pom.xml .\nRUN mvn -B dependency:go-offline\nCOPY . .\nRUN mvn -B package\n' },
    { name: 'COPY --from is not the build context', code: 'FROM node:20 AS a\nFROM node:20\nCOPY --from=a . .\nRUN npm ci\n' },
    { name: 'a named directory is not the whole context', code: 'FROM python:3.12\nCOPY src/ /app/src/\nRUN pip install -r requirements.txt\n' },
    { name: 'pip install of a named package does not read the context', code: 'FROM python:3.12\nCOPY . .\nRUN pip install --no-cache-dir gunicorn==22.0.0\n' },
    { name: 'a cache mount keeps the downloads', code: 'FROM golang:1.22\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app .\n' },
    { name: 'the copy is in another stage that is not the base', code: 'FROM node:20 AS a\nCOPY . .\nFROM node:20\nRUN npm ci\n' },
    {
      name: 'cargo-chef cooks the dependencies before the copy',
      code: 'FROM rust:1.79 AS chef\nRUN cargo install cargo-chef --version 0.1.68\nWORKDIR /app\nFROM chef AS planner\nCOPY . .\nRUN cargo chef prepare --recipe-path recipe.json\nFROM chef AS builder\nCOPY --from=planner /app/recipe.json recipe.json\nRUN cargo chef cook --release --recipe-path recipe.json\nCOPY . .\nRUN cargo build --release\n',
    },
    { name: 'a vendored Go module', code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n', context: { 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'vendor/modules.txt': '# example.com/dep v1.0.0\n' } },
    { name: 'go build -mod=vendor', code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -mod=vendor -o /app .\n' },
    { name: 'npm install of named packages reads no manifest', code: 'FROM node:20-slim\nWORKDIR /opt/sdk\nCOPY . .\nRUN npm install typescript@5.4.5 --omit dev && npm install --prefix /opt/x simple-cdp@1.8.6\n' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n', errors: [{ messageId: 'copyBeforeInstall', line: 3, column: 6, endColumn: 7 }] },
    { name: 'ADD . with pip -r', code: 'FROM python:3.12\nADD . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n', errors: [{ messageId: 'copyBeforeInstall', line: 2, column: 5 }] },
    { name: 'go build downloads modules', code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n', errors: [{ messageId: 'copyBeforeInstall', line: 3, column: 6 }] },
    { name: 'bundle install after a chowned copy', code: 'FROM ruby:3.3\nCOPY --chown=app:app . /app\nRUN cd /app && bundle install\n', errors: [{ messageId: 'copyBeforeInstall', line: 2, column: 22 }] },
    { name: 'gradle wrapper', code: 'FROM eclipse-temurin:21\nCOPY . .\nRUN ./gradlew build\n', errors: [{ messageId: 'copyBeforeInstall', line: 2 }] },
    { name: 'cargo, composer, poetry', code: 'FROM rust:1.79\nCOPY ./ /src\nRUN cargo build --release\n', errors: [{ messageId: 'copyBeforeInstall', line: 2, column: 6 }] },
    { name: 'exec-form copy', code: 'FROM php:8.3\nCOPY [".", "/var/www"]\nRUN composer install --no-dev\n', errors: [{ messageId: 'copyBeforeInstall', line: 2, column: 1 }] },
    { name: 'the copy in the base stage counts for the child', code: 'FROM python:3.12 AS base\nCOPY . .\nFROM base\nRUN poetry install --no-root\n', errors: [{ messageId: 'copyBeforeInstall', line: 2 }] },
    { name: 'one finding per copy', code: 'FROM node:20\nCOPY . .\nRUN yarn install --frozen-lockfile\nRUN yarn\n', errors: [{ messageId: 'copyBeforeInstall', line: 2 }] },
    { name: 'npm install with options only reads package.json', code: 'FROM node:20\nCOPY . .\nRUN npm install --omit dev --loglevel warn\n', errors: [{ messageId: 'copyBeforeInstall', line: 2 }] },
    { name: 'go.mod without a vendor list', code: 'FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\n', context: { 'go.mod': 'module example.com/app\n\ngo 1.22\n' }, errors: [{ messageId: 'copyBeforeInstall', line: 2 }] },
    { name: 'a vendor list ignored with -mod=mod', code: 'FROM golang:1.22\nCOPY . .\nRUN GOFLAGS=-mod=mod go build -o /app .\n', context: { 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'vendor/modules.txt': '' }, errors: [{ messageId: 'copyBeforeInstall', line: 2 }] },
  ],
});

testCheck(updateAlone, {
  valid: [
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n',
    'FROM alpine:3.20\nRUN apk update && apk add --no-cache git\nRUN apk --update add easy-rsa\n',
    { name: 'update then upgrade', code: 'FROM ubuntu:24.04\nRUN apt-get update -y && apt-get upgrade -y\n' },
    { name: 'heredoc with both', code: 'FROM debian:trixie\nRUN <<EOF\napt-get update\napt-get install --no-install-recommends -y gettext\nEOF\n' },
    { name: 'a script argument named update', code: 'FROM debian:bookworm\nRUN /bin/sh /scripts/someScript.sh update\n' },
    { name: 'xx-apt-get installs', code: 'FROM debian:bookworm\nRUN apt-get update && xx-apt-get install -y gcc\n' },
    { name: 'dnf update with install', code: 'FROM fedora:40\nRUN dnf update -y && dnf install -y git\n' },
    { name: 'update then download', code: 'FROM debian:bookworm\nRUN apt-get update && apt-get download libssl3 && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'playwright installs its system dependencies', code: 'FROM node:20-bookworm-slim\nRUN apt-get update && npx -y playwright@1.47.0 install --with-deps chromium && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'a build script after the update', code: 'FROM debian:bookworm\nCOPY install-deps.sh /tmp/\nRUN apt-get update && /tmp/install-deps.sh && rm -rf /var/lib/apt/lists/*\n' },
  ],
  invalid: [
    { code: 'FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n', errors: [{ messageId: 'updateAlone', line: 2, column: 5, endColumn: 19 }] },
    { name: 'update with something else', code: 'FROM ubuntu:22.04\nRUN apt-get update && adduser mike\n', errors: [{ messageId: 'updateAlone', line: 2, column: 5 }] },
    { name: 'exec form', code: 'FROM ubuntu:22.04\nRUN ["apt-get", "update"]\n', errors: [{ messageId: 'updateAlone', line: 2, column: 1 }] },
    { name: 'apk update later in a chain', code: 'FROM alpine:3.20\nRUN echo start && apk update\n', errors: [{ messageId: 'updateAlone', line: 2, column: 19 }] },
    { name: 'yum makecache', code: 'FROM centos:7\nRUN yum makecache\n', errors: [{ messageId: 'updateAlone', line: 2 }] },
    { name: 'zypper refresh', code: 'FROM opensuse/leap:15.6\nRUN zypper --non-interactive refresh\n', errors: [{ messageId: 'updateAlone', line: 2 }] },
    { name: 'ONBUILD RUN', code: 'FROM debian:bookworm\nONBUILD RUN apt-get update\n', errors: [{ messageId: 'updateAlone', line: 2, column: 13 }] },
    { name: 'playwright without --with-deps installs no packages', code: 'FROM node:20\nRUN apt-get update && npx playwright install chromium\n', errors: [{ messageId: 'updateAlone', line: 2, column: 5 }] },
    { name: 'a script before the update does not count', code: 'FROM debian:bookworm\nRUN ./prepare.sh && apt-get update\n', errors: [{ messageId: 'updateAlone', line: 2, column: 21 }] },
  ],
});

testCheck(missingIgnore, {
  valid: [
    { name: 'no context given (stdin)', code: 'FROM alpine:3.20\nCOPY . /app\n' },
    { name: 'context with a .dockerignore', code: 'FROM alpine:3.20\nCOPY . /app\n', context: { '.dockerignore': '.git\nnode_modules\n' } },
    { name: 'named files only', code: 'FROM alpine:3.20\nCOPY app.sh /app/\n', context: { 'app.sh': 'echo hi\n' } },
    { name: 'copy from a stage', code: 'FROM alpine:3.20 AS a\nFROM alpine:3.20\nCOPY --from=a . /app\n', context: { 'x': '' } },
  ],
  invalid: [
    { code: 'FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nCOPY . /other\n', context: { 'app.sh': 'echo hi\n' }, errors: [{ messageId: 'noDockerignore', line: 3, column: 6, endColumn: 7 }] },
    { name: 'ADD ./', code: 'FROM alpine:3.20\nADD ./ /srv\n', context: { 'a': '' }, errors: [{ messageId: 'noDockerignore', line: 2, column: 5 }] },
    {
      name: 'the whole context copied only into a builder: information',
      code: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n',
      context: { 'go.mod': 'module example.com/app\n' },
      errors: [{ messageId: 'builderOnly', line: 3, severity: 'info' }],
    },
    {
      name: 'a builder copy and a shipped copy: the shipped one, as a warning',
      code: 'FROM node:20 AS build\nCOPY . .\nRUN npm ci && npm run build\nFROM node:20-slim\nCOPY . /app\nCOPY --from=build /dist /app/dist\n',
      context: { 'package.json': '{}' },
      errors: [{ messageId: 'noDockerignore', line: 5, severity: 'warning' }],
    },
  ],
});

testCheck(consecutiveRun, {
  valid: [
    'FROM debian:10\n',
    'FROM debian:10\nRUN /foo.sh\nWORKDIR /\nRUN /bar.sh\n',
    { name: 'different flags', code: 'FROM debian:10\nRUN --mount=type=secret,id=foo /foo.sh\nRUN /bar.sh\n' },
    { name: 'chained commands', code: 'FROM debian:10\nRUN foo && bar\nRUN foobar\nFROM debian:10\nRUN foobar\nRUN foo; bar\n' },
    { name: 'a new stage starts over', code: 'FROM debian:10\nRUN foo\nFROM debian:10\nRUN bar\n' },
    {
      name: 'a builder whose layers never ship',
      code: 'FROM alpine:3.20 AS fetch\nRUN wget -qO /a.tgz https://example.com/a-1.0.tgz\nRUN wget -qO /b.tgz https://example.com/b-2.0.tgz\nFROM alpine:3.20\nCOPY --from=fetch /a.tgz /b.tgz /opt/\n',
    },
    {
      name: 'a stage that is only the base of a builder',
      code: 'FROM golang:1.22 AS tools\nRUN go env -w GOFLAGS=-mod=mod\nRUN go install example.com/tool@v1.2.3\nFROM tools AS build\nRUN make\nFROM scratch\nCOPY --from=build /out/app /app\n',
    },
    { name: 'a RUN after a heredoc RUN', code: 'FROM debian:12\nRUN cat <<EOF > /etc/motd\nhello\nEOF\nRUN echo there\n' },
    { name: 'a heredoc script after a RUN', code: 'FROM debian:12\nRUN echo start\nRUN <<EOF\necho one\nEOF\n' },
    { name: 'two exec-form RUNs in an image without a shell', code: 'FROM gcr.io/distroless/static\nRUN ["/busybox/mkdir", "-p", "/workspace"]\nRUN ["/busybox/ln", "-s", "/busybox/sh", "/bin/sh"]\n' },
  ],
  invalid: [
    { code: 'FROM debian:10\nRUN /foo.sh\nRUN /bar.sh\n', errors: [{ messageId: 'mergeable', line: 3, column: 1 }] },
    { name: 'comments in between', code: 'FROM debian:10\nRUN /foo.sh\n# a comment\n# another\nRUN /bar.sh\n', errors: [{ messageId: 'mergeable', line: 5 }] },
    { name: 'same flags', code: 'FROM debian:10\nRUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=foo /bar.sh\n', errors: [{ messageId: 'mergeable', line: 3 }] },
    { name: 'after a chained RUN', code: 'FROM debian:10\nRUN foo && bar\nRUN foo\nRUN bar\n', errors: [{ messageId: 'mergeable', line: 4 }] },
    { name: 'exec form counts as one command', code: 'FROM debian:10\nRUN ["a"]\nRUN b\n', errors: [{ messageId: 'mergeable', line: 3 }] },
    {
      name: 'the final stage of a multi-stage build',
      code: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM debian:12-slim\nRUN useradd -u 10001 app\nRUN mkdir /data\nCOPY --from=build /app /app\n',
      errors: [{ messageId: 'mergeable', line: 5 }],
    },
    { name: 'two exec-form RUNs where a shell-form RUN shows a shell', code: 'FROM busybox:1.36\nRUN echo start\nCOPY a /a\nRUN ["ls", "-la"]\nRUN ["echo", "done"]\n', errors: [{ messageId: 'mergeable', line: 5 }] },
    { name: 'a stage the final one is built on', code: 'FROM alpine:3.20 AS base\nRUN adduser -D app\nRUN mkdir /data\nFROM base\nCMD ["sh"]\n', errors: [{ messageId: 'mergeable', line: 3 }] },
  ],
});

testCheck(packageCacheMount, {
  valid: [
    { name: 'no BuildKit syntax: the classic builder rejects --mount', code: 'FROM node:20-slim\nRUN npm ci && npm cache clean --force\n' },
    { name: 'already under a cache mount', code: '# syntax=docker/dockerfile:1\nFROM node:20-slim\nRUN --mount=type=cache,target=/root/.npm npm ci\n' },
    { name: 'a cache left in the layer is size/package-cache-left\'s finding', code: '# syntax=docker/dockerfile:1\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n' },
    { name: 'under a non-root USER', code: '# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nUSER app\nRUN pip install --no-cache-dir --user flask==3.0.0\n' },
    { name: 'Go build cache mounted', code: '# syntax=docker/dockerfile:1\nFROM golang:1.22 AS build\nCOPY . /src\nRUN --mount=type=cache,target=/root/.cache/go-build cd /src && go build -o /app .\n' },
    { name: 'a cache moved elsewhere and removed', code: '# syntax=docker/dockerfile:1\nFROM node:20-slim\nCOPY package*.json ./\nRUN npm ci --cache /tmp/npm && rm -rf /tmp/npm\n' },
    { name: 'only one file bind-mounted: the RUN seldom reruns', code: 'FROM debian:12-slim\nRUN --mount=type=bind,source=apt.sh,target=/apt.sh sh /apt.sh && apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'run as another user: the cache is in its home', code: '# syntax=docker/dockerfile:1\nFROM node:20\nCOPY . /app\nRUN sudo -u node bash -c "cd /app && yarn install --frozen-lockfile && yarn cache clean"\n' },
    { name: 'a tool installed by name', code: '# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nCOPY . /app\nRUN pip install --no-cache-dir gunicorn==23.0.0\n' },
    { name: 'go install of a pinned remote tool', code: '# syntax=docker/dockerfile:1\nFROM golang:1.22\nCOPY . /src\nRUN go install github.com/acme/tool@v1.2.3\n' },
    { name: 'apk --no-cache is the idiom', code: '# syntax=docker/dockerfile:1\nFROM alpine:3.20\nCOPY . /src\nRUN apk add --no-cache curl\n' },
    { name: 'system packages right after FROM: the layer seldom reruns', code: '# syntax=docker/dockerfile:1\nFROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'a second cargo build after the dependency build', code: '# syntax=docker/dockerfile:1\nFROM rust:1.80 AS build\nCOPY Cargo.toml Cargo.lock ./\nRUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release\nCOPY . .\nRUN cargo build --release\n' },
  ],
  invalid: [
    { name: 'npm cache cleaned in the same RUN', code: '# syntax=docker/dockerfile:1\nFROM node:20-slim\nCOPY package*.json ./\nRUN npm ci --omit=dev && npm cache clean --force\n', errors: [{ messageId: 'cleaned', line: 4, column: 5, severity: 'info' }] },
    { name: 'apt lists removed, the whole context bind-mounted', code: 'FROM debian:12-slim\nRUN --mount=type=bind,target=/src apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n', errors: [{ messageId: 'cleaned', line: 2, column: 35 }] },
    { name: 'apt after a copy, its download cache mounted already', code: '# syntax=docker/dockerfile:1\nFROM debian:12-slim\nCOPY packages.txt /tmp/\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && xargs apt-get install -y < /tmp/packages.txt && rm -rf /var/lib/apt/lists/*\n', errors: [{ messageId: 'cleaned', line: 4 }] },
    { name: 'pip --no-cache-dir, here-document RUN', code: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN <<EOF\npip install --no-cache-dir -r requirements.txt\nEOF\n', errors: [{ messageId: 'disabled', line: 4 }] },
    { name: 'go build without a cache mount', code: 'FROM golang:1.22 AS build\nCOPY --link . /src\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -o /app .\n', errors: [{ messageId: 'go', line: 4 }] },
    { name: 'cargo build without a registry mount', code: '# syntax=docker/dockerfile:1\nFROM rust:1.80 AS build\nCOPY . .\nRUN cargo build --release\n', errors: [{ messageId: 'cargo', line: 4 }] },
  ],
});
