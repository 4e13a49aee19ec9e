import { testCheck } from '../helpers/tester.js';
import latestTag from '../../checks/tags/latest-tag.js';
import noDigest from '../../checks/tags/no-digest.js';
import unknownBase from '../../checks/tags/unknown-base.js';
import platformFlag from '../../checks/tags/platform-flag.js';

const DIGEST = 'sha256:' + 'a'.repeat(64);

testCheck(latestTag, {
  valid: [
    { name: 'latest with a digest', code: `FROM node:latest@${DIGEST}\n` },
    { name: 'unresolved variable is unknown-base\'s business', code: 'ARG TAG\nFROM node:$TAG\n' },
    { name: 'a variable may carry the tag', code: 'ARG TAG\nFROM alpine$TAG\n' },
    { name: 'the whole image from a variable', code: 'ARG IMAGE\nFROM $IMAGE\n' },
    { name: 'a placeholder default for a build argument', code: 'ARG RUNTIME_IMAGE=placeholder\nFROM ${RUNTIME_IMAGE}\nCOPY app /app\n' },
    { name: 'latest- with the toolchain version pinned', code: 'FROM lukemathwalker/cargo-chef:latest-rust-1.95 AS chef\nFROM scratch\n' },
    {
      name: 'a stage that does not ship and only gathers files from other stages',
      code: 'FROM postgres:16-alpine AS pg\nFROM alpine:latest AS tools\nCOPY --from=pg /usr/local/bin/pg_dump /tools/pg/\nFROM debian:bookworm-slim\nCOPY --from=tools /tools /usr/local/bin\n',
    },
  ],
  invalid: [
    {
      name: 'a gathering stage whose base files are taken too',
      code: 'FROM alpine:latest AS certs\nCOPY ca.crt /usr/local/share/ca-certificates/\nFROM scratch\nCOPY --from=certs /etc/ssl/certs /etc/ssl/certs\n',
      errors: [{ messageId: 'latest', line: 1 }],
    },
    { name: 'moving tags', code: 'FROM ubuntu:rolling\nFROM alpine:edge\nFROM gcr.io/distroless/static:latest-amd64\n', errors: [{ messageId: 'moving', line: 1 }, { messageId: 'moving', line: 2 }, { messageId: 'moving', line: 3 }] },
    { name: 'only latest is published: pin a digest', code: 'FROM cgr.dev/chainguard/static:latest\n', errors: [{ messageId: 'onlyLatest', line: 1, severity: 'info' }] },
    { name: 'the repository fixes the major', code: 'FROM registry.access.redhat.com/ubi9/ubi-minimal\n', errors: [{ messageId: 'majorFixed', line: 1, severity: 'info' }] },
    {
      name: 'a fetch-only stage that does not ship',
      code: 'FROM alpine:latest AS fetch\nRUN wget -qO /tmp/x.tar.xz https://example.com/x-1.0.tar.xz && tar -xJf /tmp/x.tar.xz -C /out\nFROM scratch\nCOPY --from=fetch /out/x /x\n',
      errors: [{ messageId: 'fetchOnly', line: 1, severity: 'info' }],
    },
    { name: 'a registry from a variable, no tag', code: 'ARG REGISTRY\nFROM ${REGISTRY}/ubuntu\n', errors: [{ messageId: 'noTag', line: 2, column: 6 }] },
    { name: 'in a builder stage too', code: 'FROM golang AS build\nFROM scratch\n', errors: [{ messageId: 'noTag', line: 1, column: 6, endColumn: 12 }] },
  ],
});

testCheck(noDigest, {
  valid: [
    { name: 'built locally just before', code: 'ARG BASE_IMAGE=upstream:local\nFROM ${BASE_IMAGE}\nFROM localhost/app:1.2\n' },
    { name: 'a builder image tagged from other ARGs', code: 'ARG V=7.0\nARG BUILD_BASE_IMAGE=zabbix-build-agent:ltsc2022-${V}\nFROM ${BUILD_BASE_IMAGE} AS builder\nFROM scratch\nCOPY --from=builder /x /x\n' },
    { name: 'a placeholder default', code: 'ARG base_image=non-existing\nFROM $base_image\n' },
    `FROM python:3.12-slim@${DIGEST}\n`,
    'FROM scratch\n',
    { name: 'a stage is not an image', code: `FROM node:20@${DIGEST} AS build\nFROM build\n` },
    { name: 'unresolved', code: 'ARG BASE\nFROM $BASE\n' },
    { name: 'digest from an ARG default', code: `ARG BASE=node:20@${DIGEST}\nFROM \${BASE}\n` },
  ],
  invalid: [
    { code: 'FROM python:3.12-slim\n', errors: [{ messageId: 'noDigest', line: 1, column: 6, endColumn: 22, severity: 'info' }] },
    { name: 'every stage that pulls an image', code: `FROM golang:1.22 AS build\nFROM gcr.io/distroless/static@${DIGEST}\nFROM build AS x\nFROM alpine\n`, errors: [{ messageId: 'noDigest', line: 1, column: 6 }, { messageId: 'noDigest', line: 4, column: 6 }] },
  ],
});

testCheck(unknownBase, {
  valid: [
    'ARG base=scratch\nFROM $base\n',
    'ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM scratch\n',
    { name: 'platform ARGs need no declaration', code: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n' },
    { name: 'empty is fine where the image stays valid', code: 'ARG DEBUG\nFROM scratch${DEBUG}\n' },
    { name: 'inline default', code: 'ARG DEBUG\nFROM scra${DEBUG:-tch}\n' },
    'ARG DEBUG=""\nFROM scratch${DEBUG-@bogus}\n',
    'ARG VERSION="latest"\nFROM busybox:${VERSION}\n',
    'ARG BUSYBOX_VARIANT=""\nFROM busybox:stable${BUSYBOX_VARIANT}\n',
    'ARG TAG\nFROM alpine:${TAG:-3.14}\n',
    'ARG VARIANT="-alpine3.20"\nFROM node:22${VARIANT} AS jsbuilder\n',
    { name: 'a stage picked by the target architecture', code: 'FROM alpine:3.20 AS build_amd64\nFROM alpine:3.20 AS build_arm64\nFROM build_${TARGETARCH} AS build\n' },
    { name: 'ARG TARGETARCH without default: BuildKit fills it', code: 'ARG TARGETARCH\nFROM alpine:3.20 AS base-amd64\nFROM alpine:3.20 AS base-arm64\nFROM base-${TARGETARCH}\n' },
    { name: 'no variables', code: 'FROM node:20-slim\n' },
    { name: 'quotes in the image word', code: 'ARG RELEASE=trixie\nARG VARIANT="-slim"\nFROM debian:"${RELEASE}${VARIANT}" AS jre\n' },
  ],
  invalid: [
    { code: 'ARG TAG\nFROM busybox:${TAG}\n', errors: [{ messageId: 'noDefault', line: 2, column: 6, endColumn: 20, severity: 'info' }] },
    { name: 'once per ARG, not once per FROM', code: 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE} AS a\nFROM ${BASE_IMAGE} AS b\n', errors: [{ messageId: 'noDefault', line: 2 }] },
    { name: 'a well-formed reference to a tag nobody publishes', code: 'ARG GOARCH\nFROM gcr.io/distroless/static-debian12:latest-${GOARCH}\n', errors: [{ messageId: 'noDefault', line: 2 }] },
    { name: 'whole image from an ARG without default', code: 'ARG IMAGE\nFROM $IMAGE\n', errors: [{ messageId: 'noDefault', line: 2, column: 6 }] },
    { name: 'a default that leaves a dangling colon', code: 'ARG SFX="box:"\nFROM busy${SFX}\n', errors: [{ messageId: 'noDefault', line: 2, column: 6 }] },
    { name: 'typo in a platform ARG', code: 'FROM --platform=$BULIDPLATFORM scratch\n', errors: [{ messageId: 'undeclared', line: 1, column: 6, endColumn: 31 }] },
    { name: 'typo in the flag, ARGs declared', code: 'ARG MY_OS=linux\nARG MY_ARCH=amd64\nFROM --platform=linux/${MYARCH} busybox\n', errors: [{ messageId: 'undeclared', line: 3, column: 6 }] },
    { name: 'one declared, one not', code: 'ARG tag=latest\nFROM busybox:${tag}${version} AS b\n', errors: [{ messageId: 'undeclared', line: 2, column: 6 }] },
    { name: 'never declared', code: 'FROM node:22${VARIANT} AS jsbuilder\n', errors: [{ messageId: 'undeclared', line: 1, column: 6 }] },
    { name: 'declared inside a stage only', code: 'FROM alpine:3.20\nARG NODE=20\nFROM node:${NODE}\n', errors: [{ messageId: 'undeclared', line: 3, column: 6 }] },
  ],
});

testCheck(platformFlag, {
  valid: [
    'FROM alpine AS base\n',
    'FROM --platform=${BUILDPLATFORM} alpine AS base\n',
    { name: 'stage named for its architecture', code: 'FROM --platform=linux/amd64 scratch AS my_amd64_stage\n' },
    { name: 'stage named for its OS', code: 'FROM --platform=linux/amd64 scratch AS linux\n' },
    { name: 'a user ARG', code: 'ARG PLATFORM=linux/arm64\nFROM --platform=$PLATFORM alpine\n' },
    {
      name: 'a stage written for that one architecture',
      code: 'FROM --platform=linux/amd64 debian:bookworm-slim\nRUN echo "deb [arch=amd64] https://dl.example.com/deb stable main" > /etc/apt/sources.list.d/x.list \\\n && curl -fsSLO https://example.com/node-v20-linux-x64.tar.xz\n',
    },
  ],
  invalid: [
    { code: 'FROM --platform=linux/amd64 scratch\n', errors: [{ messageId: 'constant', line: 1, column: 6, endColumn: 28 }] },
    { name: 'constant with an unrelated stage name', code: 'FROM --platform=linux/amd64 alpine AS base\n', errors: [{ messageId: 'constant', line: 1, column: 6 }] },
    {
      name: 'a pinned stage that is only copied from: info',
      code: 'FROM --platform=linux/amd64 alpine:3.20 AS fetch\nRUN wget -qO /zap.tgz https://example.com/zap-2.15.tgz\nFROM alpine:3.20\nCOPY --from=fetch /zap.tgz /zap.tgz\n',
      errors: [{ messageId: 'builder', line: 1, severity: 'info' }],
    },
    { name: 'a stage that names other architectures too', code: 'FROM --platform=linux/amd64 debian:bookworm-slim\nRUN case "$(uname -m)" in x86_64) a=amd64;; aarch64) a=arm64;; esac\n', errors: [{ messageId: 'constant', line: 1 }] },
    { code: 'FROM --platform=$TARGETPLATFORM scratch\n', errors: [{ messageId: 'redundant', line: 1, column: 6 }] },
    { code: 'FROM --platform=${TARGETPLATFORM} alpine AS builder\n', errors: [{ messageId: 'redundant', line: 1, column: 6 }] },
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
