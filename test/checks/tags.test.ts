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
  ],
  invalid: [
    { name: 'a registry from a variable, no tag', code: 'ARG REGISTRY\nFROM ${REGISTRY}/ubuntu\n', errors: [{ messageId: 'noTag', line: 2, column: 6 }] },
    { name: 'in a builder stage too', code: 'FROM golang AS build\nFROM scratch\n', errors: [{ messageId: 'noTag', line: 1, column: 6, endColumn: 12 }] },
  ],
});

testCheck(noDigest, {
  valid: [
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
    { name: 'no variables', code: 'FROM node:20-slim\n' },
    { name: 'quotes in the image word', code: 'ARG RELEASE=trixie\nARG VARIANT="-slim"\nFROM debian:"${RELEASE}${VARIANT}" AS jre\n' },
  ],
  invalid: [
    { code: 'ARG TAG\nFROM busybox:${TAG}\n', errors: [{ messageId: 'noDefault', line: 2, column: 6, endColumn: 20 }] },
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
  ],
  invalid: [
    { code: 'FROM --platform=linux/amd64 scratch\n', errors: [{ messageId: 'constant', line: 1, column: 6, endColumn: 28 }] },
    { name: 'constant with an unrelated stage name', code: 'FROM --platform=linux/amd64 alpine AS base\n', errors: [{ messageId: 'constant', line: 1, column: 6 }] },
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
