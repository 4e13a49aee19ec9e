import { testCheck } from '../helpers/tester.js';
import cacheLeft from '../../checks/size/package-cache-left.js';
import pipCache from '../../checks/size/pip-cache.js';
import recommends from '../../checks/size/install-recommends.js';
import later from '../../checks/size/cleanup-in-later-layer.js';
import fullBase from '../../checks/size/full-base-image.js';
import wgetAndCurl from '../../checks/size/wget-and-curl.js';
import extractArchive from '../../checks/size/extract-copied-archive.js';

testCheck(cacheLeft, {
  valid: [
    'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n',
    { name: 'apt cache mount on the lists', code: 'FROM debian:12-slim\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n' },
    { name: 'cache mounts on both apt directories', code: 'FROM debian:12-slim\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n    apt-get update && apt-get install -y curl\n' },
    { name: 'apk --no-cache', code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n' },
    { name: 'apk with its cache mounted', code: 'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n' },
    { name: 'apk cache removed in the same RUN', code: 'FROM alpine:3.20\nRUN apk add --update curl && rm -rf /var/cache/apk/*\n' },
    { name: 'apk --no-network fetches nothing', code: 'FROM alpine:3.20\nRUN apk add --no-network --virtual .rundeps $deps\n' },
    'FROM rockylinux:9\nRUN yum install -y httpd && yum clean all\n',
    'FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n',
    'FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar && microdnf clean all\n',
    { name: 'dnf cache removed by path', code: 'FROM fedora:40\nRUN dnf -y upgrade && rm -rf /var/cache/dnf /var/cache/yum\n' },
    'FROM opensuse/leap:15.6\nRUN zypper -n install curl && zypper clean --all\n',
    'FROM node:20-slim\nRUN yarn install --frozen-lockfile && yarn cache clean\n',
    { name: 'npm cache cleaned or mounted', code: 'FROM node:20-slim\nRUN npm ci --omit=dev && npm cache clean --force\nRUN --mount=type=cache,target=/root/.npm npm install -g pm2@5.4.0\n' },
    { name: 'yarn cache mounted', code: 'FROM node:20-slim\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n' },
    { name: 'builder stage only copied from', code: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12-slim\nCOPY --from=build /out /out\n' },
    { name: 'pip is size/pip-cache', code: 'FROM python:3.12\nRUN pip install flask==3.0.3\n' },
    { name: 'a cleanup after a comment line in the continuation', code: 'FROM debian:12-slim\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n    # keep the image small\n    && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'lists removed through a glob of the directory', code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists*\n' },
    { name: 'npm cache moved into a cache mount', code: 'FROM node:20-slim\nRUN --mount=type=cache,target=/home/node/.npm-cache npm install -g --cache /home/node/.npm-cache pm2@5.4.0\n' },
    { name: 'npm cache moved by ENV and removed', code: 'FROM node:20-slim\nENV npm_config_cache=/tmp/npm\nRUN npm ci && rm -rf /tmp/npm\n' },
    { name: 'tdnf cache mounted', code: 'FROM mcr.microsoft.com/azurelinux/base/core:3.0\nRUN --mount=type=cache,target=/var/cache/tdnf tdnf install -y ca-certificates\n' },
    { name: 'yarn --version installs nothing', code: 'FROM node:20-slim\nRUN yarn --version && bundle --version\n' },
    { name: 'pacman cache emptied', code: 'FROM archlinux:base\nRUN pacman -Syu --noconfirm git && pacman -Scc --noconfirm\n' },
    { name: 'pacman -Sy alone downloads no package', code: 'FROM archlinux:base\nRUN pacman -Sy\n' },
    {
      name: 'a stage that is only the base of builders does not ship',
      code: 'FROM node:20-alpine AS base\nFROM base AS build-base\nRUN apk add --update python3\nFROM build-base AS builder\nRUN make\nFROM base AS runner\nCOPY --from=builder /app/dist /app\n',
    },
  ],
  invalid: [
    {
      name: 'a squash copies the whole stage, so its layers ship',
      code: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nFROM scratch\nCOPY --from=build / /\n',
      errors: [{ messageId: 'apt', line: 2 }],
    },
    {
      name: 'apt update in a multi-line RUN points at the command',
      code: 'FROM debian:12-slim\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y --no-install-recommends curl\n',
      errors: [{ messageId: 'apt', line: 3, column: 5, endColumn: 19 }],
    },
    { name: 'cleanup before the update', code: 'FROM debian:12-slim\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl\n', errors: [{ messageId: 'apt', line: 2, column: 36 }] },
    { name: 'only the apt archives mounted', code: 'FROM debian:12-slim\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl\n', errors: [{ messageId: 'apt', line: 2, column: 46 }] },
    { code: 'FROM alpine:3.20\nRUN apk add --update curl\n', errors: [{ messageId: 'apk', line: 2, column: 5 }] },
    { name: 'exec form', code: 'FROM alpine:3.20\nRUN ["apk", "add", "curl"]\n', errors: [{ messageId: 'apk', line: 2, column: 1 }] },
    { name: 'yum clean metadata is not enough', code: 'FROM centos:7\nRUN yum -y install httpd && yum clean metadata\n', errors: [{ messageId: 'yum', line: 2, column: 5 }] },
    { name: 'a second install after the clean', code: 'FROM fedora:40\nRUN dnf install -y a && dnf clean all && dnf install -y b\n', errors: [{ messageId: 'dnf', line: 2, column: 42 }] },
    { name: 'microdnf clean leaves the dnf cache', code: 'FROM fedora:40\nRUN dnf install -y a && microdnf clean all\n', errors: [{ messageId: 'dnf', line: 2, column: 5 }] },
    { code: 'FROM opensuse/leap:15.6\nRUN zypper -n install curl\n', errors: [{ messageId: 'zypper', line: 2, column: 5 }] },
    { name: 'npm ci', code: 'FROM node:20-slim\nWORKDIR /app\nRUN npm ci --omit=dev\n', errors: [{ messageId: 'npm', line: 3, column: 5, endColumn: 22 }] },
    { name: 'yarn in the stage the final one builds on', code: 'FROM node:20 AS deps\nRUN yarn install\nFROM deps\nCMD ["node", "server.js"]\n', errors: [{ messageId: 'yarn', line: 2, column: 5 }] },
    { name: 'apk update leaves its index although apk add --no-cache follows', code: 'FROM alpine:3.20\nRUN apk update && apk add --no-cache curl\n', errors: [{ messageId: 'apkUpdate', line: 2, column: 5, endColumn: 15 }] },
    { name: 'apk add without --update still fetches and stores the index', code: 'FROM alpine:3.20\nRUN apk add --virtual .rundeps so:libc.musl-x86_64.so.1\n', errors: [{ messageId: 'apk', line: 2, column: 5 }] },
    { name: 'two updates in one RUN are one finding', code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gnupg \\\n && apt-get update && apt-get install -y --no-install-recommends nodejs\n', errors: [{ messageId: 'apt', line: 2, column: 5 }] },
    { name: 'a glob that does not name the lists', code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/l?sts-old\n', errors: [{ messageId: 'apt', line: 2, column: 5 }] },
    { name: 'npm cache moved but not mounted', code: 'FROM node:20-slim\nRUN --mount=type=cache,target=/root/.npm npm ci --cache=/tmp/npm\n', errors: [{ messageId: 'elsewhere', line: 2, column: 42 }] },
    { name: 'pacman keeps its packages', code: 'FROM archlinux:base\nRUN pacman -S --noconfirm git && pacman -Sc --noconfirm\n', errors: [{ messageId: 'pacman', line: 2, column: 5 }] },
    { name: 'ONBUILD RUN in a builder stage', code: 'FROM debian:12 AS base\nONBUILD RUN apt-get update && apt-get install -y curl\nFROM scratch\n', errors: [{ messageId: 'apt', line: 2, column: 13 }] },
  ],
});

testCheck(pipCache, {
  valid: [
    'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n',
    { name: 'ENV in the parent stage', code: 'FROM python:3.12-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n' },
    { name: 'inline and exported variables', code: 'FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=true pip install a\nRUN export PIP_NO_CACHE_DIR=on && pip install b\n' },
    { name: 'cache mount', code: 'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n' },
    { name: 'cache purged in the same RUN', code: 'FROM python:3.12-slim\nRUN pip install -r requirements.txt && pip cache purge\n' },
    { name: 'pipx and pipenv are not pip', code: 'FROM python:3.12-slim\nRUN pipx install black && pipenv install\n' },
    { name: 'uv with --no-cache', code: 'FROM python:3.12-slim\nRUN uv pip install --system --no-cache flask\n' },
    { name: 'builder stage', code: 'FROM python:3.12 AS build\nRUN pip wheel -w /wheels -r requirements.txt && pip install /wheels/*\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n' },
    { name: 'a prefix of --no-cache-dir', code: 'FROM python:3.12-slim\nRUN pip install --no-cache -r requirements.txt\n' },
    { name: 'PIP_CACHE_DIR from an ARG into a cache mount', code: 'FROM python:3.12-slim\nARG PIP_CACHE_DIR=/tmp/pip-cache\nRUN --mount=type=cache,target=${PIP_CACHE_DIR} pip install -r requirements.txt\n' },
    { name: 'uv sync without a cache', code: 'FROM python:3.12-slim\nENV UV_NO_CACHE=1\nRUN uv sync --frozen\nRUN uv sync --no-cache --no-dev\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n' },
  ],
  invalid: [
    { code: 'FROM python:3.12-slim\nRUN pip install -r requirements.txt\n', errors: [{ messageId: 'pip', line: 2, column: 5, endColumn: 36 }] },
    { name: 'pip2 and python -m pip', code: 'FROM python:2.7\nRUN pip2 install six\nRUN python -m pip install six\n', errors: [{ messageId: 'pip', line: 2, column: 5 }, { messageId: 'pip', line: 3, column: 5 }] },
    { name: 'a false value', code: 'FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=off\nRUN pip install flask\n', errors: [{ messageId: 'pip', line: 3, column: 5 }] },
    { name: 'ENV in an unrelated stage', code: 'FROM python:3.12 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM python:3.12\nRUN pip install flask\n', errors: [{ messageId: 'pip', line: 4, column: 5 }] },
    { name: 'uv pip', code: 'FROM python:3.12-slim\nRUN apt-get update \\\n && uv pip install --system flask\n', errors: [{ messageId: 'uv', line: 3, column: 5 }] },
    { name: 'uv sync keeps its cache', code: 'FROM python:3.12-slim\nRUN uv sync --frozen --no-dev\n', errors: [{ messageId: 'uv', line: 2, column: 5 }] },
    { name: '--no-cache-dir is not a prefix of --no-color', code: 'FROM python:3.12-slim\nRUN pip install --no-color flask\n', errors: [{ messageId: 'pip', line: 2, column: 5 }] },
    { name: 'PIP_CACHE_DIR elsewhere, not mounted', code: 'FROM python:3.12-slim\nENV PIP_CACHE_DIR=/opt/pip-cache\nRUN pip install -r requirements.txt && pip install gunicorn==22.0.0\n', errors: [{ messageId: 'elsewhere', line: 3, column: 5 }] },
  ],
});

testCheck(recommends, {
  valid: [
    'FROM debian:12-slim\nRUN apt-get install -y --no-install-recommends curl\n',
    { name: 'setting on the command line', code: 'FROM debian:12-slim\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n' },
    { name: 'setting written by an earlier RUN', code: 'FROM debian:12-slim\nRUN echo \'APT::Install-Recommends "0";\' > /etc/apt/apt.conf.d/99norecommends\nRUN apt-get install -y curl\n' },
    { name: 'builder stage', code: 'FROM debian:12 AS build\nRUN apt-get install -y build-essential\nFROM debian:12-slim\nCOPY --from=build /out /out\n' },
    { name: 'apk has no recommends', code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n' },
    { name: 'a tool purged with --autoremove in the same RUN', code: 'FROM debian:12-slim\nRUN apt-get update; apt-get install -y curl; curl -fsSLo /k.asc https://example.com/k.asc; apt purge -y --autoremove curl; rm -rf /var/lib/apt/lists/*\n' },
    {
      name: 'build dependencies marked auto and purged',
      code: 'FROM php:8.3-fpm\nRUN savedAptMark="$(apt-mark showmanual)"; \\\n    apt-get update; apt-get install -y libpng-dev libzip-dev; \\\n    docker-php-ext-install gd zip; \\\n    apt-mark auto \'.*\' > /dev/null; apt-mark manual $savedAptMark; \\\n    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\\n    rm -rf /var/lib/apt/lists/*\n',
    },
    { name: 'a comment says recommends are wanted', code: 'FROM debian:12-slim\n# we do want the recommends of couchdb\nRUN apt-get update && apt-get install -y couchdb && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'a comment inside the RUN, above the install', code: 'FROM debian:12-slim\nRUN set -eux; \\\n    apt-get update; \\\n# we DO want recommends this time\n    apt-get install -y couchdb; \\\n    rm -rf /var/lib/apt/lists/*\n' },
  ],
  invalid: [
    { code: 'FROM debian:12-slim\nRUN apt-get update \\\n && apt-get install -y python3\n', errors: [{ messageId: 'recommends', line: 3, column: 5, endColumn: 31 }] },
    { name: 'exec form', code: 'FROM debian:12-slim\nRUN ["apt-get", "install", "-y", "curl"]\n', errors: [{ messageId: 'recommends', line: 2, column: 1 }] },
    { name: 'apt too', code: 'FROM ubuntu:24.04\nRUN apt install -y curl\n', errors: [{ messageId: 'recommends', line: 2, column: 5, severity: 'info' }] },
    { name: 'purged without --auto-remove: the recommends stay', code: 'FROM debian:12-slim\nRUN apt-get install -y curl gnupg && apt-get purge -y curl gnupg\n', errors: [{ messageId: 'recommends', line: 2, column: 5 }] },
    { name: 'only some of the packages purged', code: 'FROM debian:12-slim\nRUN apt-get install -y curl git && apt-get purge -y --auto-remove curl\n', errors: [{ messageId: 'recommends', line: 2, column: 5 }] },
    {
      name: 'a comment about avoiding recommends for another command',
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y sudo curl; \\\n# install these without recommends to avoid pulling in X11\n    apt-get install -y --no-install-recommends git less\n',
      errors: [{ messageId: 'recommends', line: 2, column: 23 }],
    },
    { name: 'a package kept manual after apt-mark auto', code: 'FROM debian:12-slim\nRUN apt-get install -y libpq5 && apt-mark auto \'.*\' && apt-mark manual libpq5 && apt-get purge -y --auto-remove\n', errors: [{ messageId: 'recommends', line: 2, column: 5 }] },
  ],
});

testCheck(later, {
  valid: [
    'FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    { name: 'a later RUN with its own update', code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n' },
    { name: 'nothing left to clean', code: 'FROM debian:12-slim\nRUN rm -rf /var/lib/apt/lists/*\n' },
    { name: 'another stage', code: 'FROM alpine:3.20 AS a\nRUN apk add curl\nFROM alpine:3.20\nRUN rm -rf /var/cache/apk/*\n' },
    { name: 'a builder whose layers never ship', code: 'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nRUN rm -rf /var/lib/apt/lists/*\nFROM debian:12-slim\nCOPY --from=build /out /out\n' },
    { name: 'the cache was put elsewhere', code: 'FROM node:20-slim\nRUN npm ci --cache /tmp/npm-cache\nRUN rm -rf /root/.npm\n' },
  ],
  invalid: [
    {
      code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\nRUN echo done \\\n && rm -rf /var/lib/apt/lists/*\n',
      errors: [{ messageId: 'later', line: 4, column: 5, endColumn: 32 }],
    },
    { name: 'yum clean all in the next RUN', code: 'FROM centos:7\nRUN yum install -y httpd\nRUN yum clean all\n', errors: [{ messageId: 'later', line: 3, column: 5 }] },
    { name: 'through a parent stage', code: 'FROM alpine:3.20 AS base\nRUN apk add curl\nFROM base\nRUN rm -rf /var/cache/apk/*\n', errors: [{ messageId: 'later', line: 4, column: 5 }] },
    { name: 'pip cache', code: 'FROM python:3.12\nRUN pip install flask\nRUN rm -rf /root/.cache/pip\n', errors: [{ messageId: 'later', line: 3, column: 5 }] },
  ],
});

testCheck(fullBase, {
  valid: [
    'FROM python:3.12-slim\nCMD ["python", "-m", "http.server"]\n',
    { name: 'full image in a build stage only', code: 'FROM node:20 AS build\nRUN npm ci && npm run build\nFROM node:20-slim\nCOPY --from=build /app /app\n' },
    { name: 'a final stage that compiles (multi-stage/sdk-final-image)', code: 'FROM node:20\nRUN npm ci && npm run build\n' },
    { name: 'not an official image with a slim variant', code: 'FROM ubuntu:24.04\nFROM ghcr.io/acme/python:3.12\n' },
    { name: 'alpine and pinned by digest', code: 'FROM ruby:3.3-alpine AS a\nFROM python:3.12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n' },
    { name: 'base from a variable', code: 'ARG BASE\nFROM python:${BASE}\n' },
    { name: 'bundle install builds native gems with the full image', code: 'FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nCMD ["bin/rails", "server"]\n' },
    { name: 'an ONBUILD bundle install', code: 'FROM ruby:3.3\nONBUILD COPY Gemfile Gemfile.lock ./\nONBUILD RUN bundle install\n' },
    { name: 'npm told to build from source', code: 'FROM node:20\nCOPY . .\nRUN npm ci --build-from-source\nCMD ["node", "s.js"]\n' },
  ],
  invalid: [
    { code: 'FROM python:3.12\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n', errors: [{ messageId: 'full', line: 1, column: 6, endColumn: 17, severity: 'info' }] },
    { name: 'through a parent stage, codename tags', code: 'FROM node:20-bookworm AS base\nFROM base\nCMD ["node", "s.js"]\n', errors: [{ messageId: 'full', line: 1, column: 6 }] },
    { name: 'debian', code: 'FROM debian:bookworm\nCMD ["bash"]\n', errors: [{ messageId: 'debian', line: 1, column: 6 }] },
    { name: 'npm ci fetches prebuilt packages', code: 'FROM node:20\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "s.js"]\n', errors: [{ messageId: 'full', line: 1, column: 6 }] },
  ],
});

testCheck(wgetAndCurl, {
  valid: [
    'FROM alpine:3.20\nRUN curl -fsSL https://e.com/a\nRUN curl -fsSL https://e.com/b\n',
    { name: 'different stages', code: 'FROM alpine:3.20\nRUN wget -q https://e.com/a\nFROM alpine:3.20\nRUN curl -fsSL https://e.com/b\n' },
    { name: 'installing wget is not using it', code: 'FROM debian:12\nRUN curl -fsSL https://e.com/a\nRUN apt-get install -y wget\n' },
    { name: 'a builder whose layers never ship', code: 'FROM debian:12-slim AS fetch\nRUN wget -q -O /a.jar https://e.com/a-1.0.jar\nRUN curl -fsSL -o /b.jar https://e.com/b-1.0.jar\nFROM eclipse-temurin:21-jre\nCOPY --from=fetch /a.jar /b.jar /app/\n' },
    { name: '--version fetches nothing', code: 'FROM debian:12\nRUN curl --version && wget --version\nRUN curl -fsSL https://e.com/a\nRUN ["wget", "-V"]\n' },
  ],
  invalid: [
    { name: 'once per stage', code: 'FROM alpine:3.20\nRUN wget -q https://e.com/a\nRUN curl -fsS https://e.com/b\nRUN echo hi\nRUN wget -q https://e.com/c\n', errors: [{ messageId: 'both', line: 3, column: 5, endColumn: 9 }] },
    { name: 'exec form counts', code: 'FROM alpine:3.20\nRUN wget -q https://e.com/a\nRUN ["curl", "https://e.com/b"]\n', errors: [{ messageId: 'both', line: 3, column: 1 }] },
    { name: 'both in one RUN: one finding', code: 'FROM alpine:3.20\nRUN wget -q https://e.com/a && \\\n    curl -fsS https://e.com/b\n', errors: [{ messageId: 'both', line: 2, column: 5 }] },
  ],
});

testCheck(extractArchive, {
  valid: [
    'FROM debian:12\nCOPY app.tar /opt/app.tar\n',
    'FROM debian:12\nCOPY package.json /app/\nRUN tar -xf other.tar\n',
    { name: 'an archive from another stage', code: 'FROM debian:12 AS b\nFROM debian:12\nCOPY --from=b /x/some.tar /opt/some.tar\nRUN tar -xf /opt/some.tar\n' },
    { name: 'a builder only copied from', code: 'FROM debian:12 AS build\nWORKDIR /app\nCOPY dist/app.tar app.tar\nRUN tar xf app.tar && rm app.tar\nFROM debian:12-slim\nCOPY --from=build /app /app\n' },
  ],
  invalid: [
    { code: 'FROM debian:12\nCOPY dist/app.tar.gz /tmp/\nRUN set -e; \\\n  tar -xzf /tmp/app.tar.gz -C /opt\n', errors: [{ messageId: 'extractLater', line: 4, column: 3, endColumn: 35 }] },
    { name: 'Windows paths', code: 'FROM debian:12\nCOPY build\\foo\\bar.tar.gz "C:\\Program Files\\Foo"\nRUN tar -xf "C:\\Program Files\\Foo\\bar.tar.gz"\n', errors: [{ messageId: 'extractLater', line: 3 }] },
    { name: 'renamed by the destination', code: 'FROM debian:12\nCOPY build/x.tgz /tmp/foo.tgz\nRUN tar xzf foo.tgz\n', errors: [{ messageId: 'extractLater', line: 3 }] },
  ],
});
