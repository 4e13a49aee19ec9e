import { describe, expect, it } from 'vitest';
import { testCheck } from '../helpers/tester.js';
import { analyzeDockerfile } from '../../src/analyze.js';
import { memoryReader } from '../../src/dockerfile/context.js';
import type { Check } from '../../src/engine/types.js';
import buildTools from '../../checks/multi-stage/build-tools-in-final.js';
import singleStage from '../../checks/multi-stage/single-stage-build.js';
import sdkFinal from '../../checks/multi-stage/sdk-final-image.js';
import unused from '../../checks/multi-stage/unused-stage.js';
import unknownStage from '../../checks/multi-stage/copy-from-unknown-stage.js';
import fromSelf from '../../checks/multi-stage/copy-from-self.js';
import copyWholeStage from '../../checks/multi-stage/copy-whole-stage.js';

testCheck(buildTools, {
  valid: [
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libpq5\n',
    { name: 'build tools in a build stage', code: 'FROM debian:bookworm AS build\nRUN apt-get install -y gcc make\nFROM debian:bookworm-slim\nCOPY --from=build /out /out\n' },
    { name: 'apk virtual package deleted in the same RUN', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps\n' },
    { name: 'docker-library purge pattern', code: 'FROM debian:bookworm-slim\nRUN apt-get install -y gcc libc6-dev; make; apt-mark auto ".*"; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false\n' },
    { name: 'removed by name in a later RUN', code: 'FROM debian:bookworm-slim\nRUN apt-get install -y gcc\nRUN apt-get purge -y gcc\n' },
    { name: 'pip packages are not OS toolchains', code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir cython-dev==1.0\n' },
  ],
  invalid: [
    {
      code: 'FROM python:3.12-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends gcc libpq-dev curl\nCMD ["/app/server"]\n',
      errors: [{ messageId: 'buildTools', line: 3, column: 48, endColumn: 51 }],
    },
    { name: 'apk build-base', code: 'FROM alpine:3.20\nRUN apk add --no-cache build-base linux-headers\nCMD ["/app/server"]\n', errors: [{ messageId: 'buildTools', line: 2, column: 24 }] },
    { name: 'installed in the base stage of the final one', code: 'FROM node:20-slim AS base\nRUN apt-get install -y g++ make\nFROM base\nCMD ["node", "x.js"]\n', errors: [{ messageId: 'buildTools', line: 2, column: 24 }] },
    { name: 'dnf -devel and versioned apt package', code: 'FROM fedora:40\nRUN dnf install -y openssl-devel\nFROM debian:12\nRUN apt-get install -y gcc-12=12.2.0-14 openjdk-17-jdk-headless\nCMD ["/app/server"]\n', errors: [{ messageId: 'buildTools', line: 4, column: 24 }] },
    { name: 'only the packages not removed', code: 'FROM debian:12\nRUN apt-get install -y gcc make\nRUN apt-get remove -y gcc\nCMD ["/app/server"]\n', errors: [{ messageId: 'buildTools', line: 2, column: 28 }] },
  ],
});

testCheck(singleStage, {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n',
    { name: 'no build', code: 'FROM node:20-slim\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n' },
    { name: 'build then purge of the toolchain in one RUN', code: 'FROM debian:bookworm-slim\nRUN apt-get install -y gcc make && make -C /src install && apt-get purge -y --auto-remove gcc make\n' },
    { name: 'version query', code: 'FROM golang:1.22\nRUN go version && make --version\n' },
  ],
  invalid: [
    { code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app ./cmd/app\nCMD ["/app/server"]\n', errors: [{ messageId: 'singleStage', line: 4, column: 5 }] },
    { name: 'npm run build', code: 'FROM node:20\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n', errors: [{ messageId: 'singleStage', line: 3, column: 15 }] },
    { name: 'maven package', code: 'FROM maven:3.9\nCOPY . .\nRUN mvn -B -DskipTests package\nCMD ["/app/server"]\n', errors: [{ messageId: 'singleStage', line: 3, column: 5 }] },
    { name: 'only the first build', code: 'FROM rust:1.79\nRUN cargo build --release\nRUN make\nCMD ["/app/server"]\n', errors: [{ messageId: 'singleStage', line: 2, column: 5 }] },
    { name: 'dotnet publish', code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet publish -c Release -o /out\nCMD ["/app/server"]\n', errors: [{ messageId: 'singleStage', line: 2 }] },
    { name: 'gcc', code: 'FROM debian:12\nRUN gcc -O2 -o /usr/bin/hello hello.c\nCMD ["/app/server"]\n', errors: [{ messageId: 'singleStage', line: 2 }] },
  ],
});

testCheck(sdkFinal, {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n',
    'FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\n',
    'FROM openjdk:17-jre-slim\n',
    'FROM mcr.microsoft.com/dotnet/aspnet:8.0\n',
    { name: 'buildpack-deps without compilers', code: 'FROM buildpack-deps:bookworm-scm\n' },
    { name: 'full node image that does not build', code: 'FROM node:20\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n' },
    { name: 'slim node image that builds', code: 'FROM node:20-slim\nRUN npm run build\n' },
    { name: 'unresolved base', code: 'ARG BASE\nFROM $BASE\n' },
    { name: 'a private registry image named golang', code: 'FROM registry.example.com/golang:1.22\n' },
  ],
  invalid: [
    { code: 'FROM maven:3.9-eclipse-temurin-21\nCOPY app.jar .\nCMD ["/app/server"]\n', errors: [{ messageId: 'sdkBase', line: 1, column: 6, endColumn: 34 }] },
    { name: 'dotnet sdk', code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nRUN dotnet publish -o /out\nFROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY --from=build /out /app\nCMD ["/app/server"]\n', errors: [{ messageId: 'sdkBase', line: 3, column: 6 }] },
    { name: 'JDK through a parent stage', code: 'FROM eclipse-temurin:21 AS base\nFROM base\nCMD ["java"]\n', errors: [{ messageId: 'sdkBase', line: 1, column: 6 }] },
    { name: 'buildpack-deps with compilers', code: 'FROM buildpack-deps:bookworm\nCMD ["/app/server"]\n', errors: [{ messageId: 'sdkBase', line: 1, column: 6 }] },
    { name: 'golang by ARG', code: 'ARG GO=1.22\nFROM docker.io/library/golang:${GO}\nCMD ["/app/server"]\n', errors: [{ messageId: 'sdkBase', line: 2 }] },
    { name: 'full node image that builds', code: 'FROM node:20\nCOPY . .\nRUN npm ci && npm run build\nCMD ["/app/server"]\n', errors: [{ messageId: 'nodeBuild', line: 1, column: 6 }] },
    {
      name: 'official images through Docker Hub mirrors',
      code: 'FROM mirror.gcr.io/library/golang:1.22\nFROM public.ecr.aws/docker/library/maven:3.9\nFROM harbor.example.com/dockerhub/library/rust:1.80\nCMD ["/app/server"]\n',
      errors: [{ messageId: 'sdkBase', line: 3 }],
    },
  ],
});

testCheck(unused, {
  valid: [
    'FROM alpine:3.20\n',
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n',
    { name: 'reached through a chain', code: 'FROM alpine:3.20 AS a\nFROM a AS b\nFROM alpine:3.20 AS c\nCOPY --from=b / /b\nFROM c\n' },
    { name: 'reached through variable stage names', code: 'FROM alpine:3.20 AS build_amd64\nFROM alpine:3.20 AS build_arm64\nFROM build_${TARGETARCH} AS build\nFROM alpine:3.20\nARG SRC\nCOPY --from=${SRC}-out /a /a\nCOPY --from=build /b /b\n' },
    { name: 'a stage named as a target', code: 'FROM node:20 AS dev\nCMD ["npm", "run", "dev"]\nFROM node:20-slim\nCMD ["node", "x.js"]\n' },
    { name: 'a default overridable by a build arg', code: 'ARG SRC=remote\nFROM alpine:3.20 AS remote-install\nFROM alpine:3.20 AS local-install\nFROM ${SRC}-install\n' },
    { name: 'several unused ends: a --target Dockerfile', code: 'FROM alpine:3.20 AS lint\nFROM alpine:3.20 AS test\nFROM alpine:3.20 AS docs\nFROM alpine:3.20 AS release\n' },
    { name: 'reached by index and by mount', code: 'FROM alpine:3.20\nFROM alpine:3.20 AS m\nFROM alpine:3.20\nCOPY --from=0 /x /x\nRUN --mount=type=bind,from=m,target=/m true\n' },
    { name: 'a target word inside the name', code: 'FROM golang:1.22 AS base\nFROM base AS devcontainer\nRUN go install example.com/dlv@v1.22.0\nFROM base AS builder\nRUN echo build\nFROM alpine:3.20\nCOPY --from=builder /x /x\n' },
    { name: 'a flavour with its own CMD', code: 'FROM alpine:3.20 AS base\nFROM base AS grpc\nCMD ["echo", "grpc"]\nFROM base\nCMD ["echo", "http"]\n' },
    { name: 'a scratch export stage', code: 'FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM scratch AS app-out\nCOPY --from=build /out/app /app\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n' },
    { name: 'under a comment about targets', code: 'FROM alpine:3.20 AS base\n### FINAL STAGES ###\nFROM base AS warmer\nRUN echo warm\nFROM base\nRUN echo main\n' },
  ],
  invalid: [
    { code: 'FROM node:20 AS deps\nFROM node:20 AS build\nFROM nginx:1.27\nCOPY --from=build /a /b\n', errors: [{ messageId: 'unused', line: 1, column: 17, endColumn: 21 }] },
    { name: 'only the end of an unused chain', code: 'FROM alpine:3.20\nFROM alpine:3.20 AS x\nCOPY --from=0 /a /a\nFROM alpine:3.20\n', errors: [{ messageId: 'unused', line: 2, column: 21 }] },
    { name: 'an unnamed end stage', code: 'FROM alpine:3.20\nRUN true\nFROM alpine:3.20\n', errors: [{ messageId: 'unused', line: 1, column: 1 }] },
    { name: 'a variable reference that fits no stage', code: 'FROM alpine:3.20 AS tool\nFROM alpine:3.20\nARG V\nCOPY --from=build-$V /a /a\n', errors: [{ messageId: 'unused', line: 1, column: 21 }] },
  ],
});

testCheck(unknownStage, {
  valid: [
    'FROM scratch AS build\nRUN foo\nFROM node:20\nCOPY --from=build foo .\n',
    { name: 'an image reference', code: 'FROM alpine:3.20\nCOPY --from=haskell:latest bar .\nCOPY --from=ghcr.io/org/tool /x /x\n' },
    { name: 'an earlier index', code: 'FROM scratch\nRUN foo\nFROM node\nCOPY --from=0 foo .\n' },
    { name: 'case of the name', code: 'FROM alpine:3.20 AS Builder\nFROM alpine:3.20\nCOPY --from=BUILDER /a /a\n' },
    { name: 'ARG resolves to a stage', code: 'FROM alpine:3.20 AS build\nFROM alpine:3.20\nARG SRC=build\nCOPY --from=$SRC /a /a\n' },
    { name: 'the own stage is reported by copy-from-self', code: 'FROM node AS foo\nCOPY --from=foo bar .\n' },
  ],
  invalid: [
    { code: 'FROM golang:1.22 AS builder\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n', errors: [{ messageId: 'unknownName', line: 3, column: 6, endColumn: 18 }] },
    { name: 'stage defined after', code: 'FROM scratch\nCOPY --from=build foo .\nFROM node as build\nRUN baz\n', errors: [{ messageId: 'unknownName', line: 2 }] },
    { name: 'no stage at all', code: 'COPY --from=0 bar .\n', errors: [{ messageId: 'unknownIndex', line: 1, column: 6 }] },
    { name: 'index of a later stage', code: 'FROM alpine:3.20\nCOPY --from=1 /a /a\nFROM alpine:3.20\n', errors: [{ messageId: 'unknownIndex', line: 2 }] },
  ],
});

testCheck(fromSelf, {
  valid: [
    'FROM scratch as build\nRUN foo\nFROM node as run\nCOPY --from=build foo .\n',
    'FROM golang:1.7.3\nCOPY --from=dep /binary /\nFROM golang:1.7.3\nCOPY --from=0 app/ /app/\n',
  ],
  invalid: [
    { code: 'FROM node as foo\nCOPY --from=foo bar .\n', errors: [{ messageId: 'self', line: 2, column: 6, endColumn: 16 }] },
    { name: 'case-insensitive name', code: 'FROM golang:1.18 as Builder\nCOPY --from=builder /binary /\n', errors: [{ messageId: 'self', line: 2 }] },
    { name: 'own index', code: 'FROM alpine:3.20\nFROM alpine:3.20\nCOPY --from=1 /a /a\n', errors: [{ messageId: 'self', line: 3 }] },
  ],
});

describe('toolchain images named as such', () => {
  const run = async (check: Check, code: string, path: string): Promise<string[]> =>
    (await analyzeDockerfile(code, { checks: [check], path })).findings.filter((f) => f.rule === check.id).map((f) => f.messageId);
  const code = 'FROM golang:1.22\nRUN apt-get install -y gcc && go build -o /app .\nCMD ["/app"]\n';
  it('reports a plain Dockerfile', async () => {
    expect(await run(buildTools, code, 'Dockerfile')).toEqual(['buildTools']);
    expect(await run(singleStage, code, 'Dockerfile')).toEqual(['singleStage']);
    expect(await run(sdkFinal, code, 'svc/Dockerfile')).toEqual(['sdkBase']);
  });
  it('skips images whose program is a toolchain, a REPL, or that have no CMD of their own', async () => {
    for (const tail of ['CMD ["gradle"]\n', 'CMD ["ghci"]\n', '', 'ENTRYPOINT ["go"]\n']) {
      const img = `FROM golang:1.22\nRUN apt-get install -y gcc && go build -o /app .\n${tail}`;
      expect(await run(buildTools, img, 'Dockerfile')).toEqual([]);
      expect(await run(singleStage, img, 'Dockerfile')).toEqual([]);
      expect(await run(sdkFinal, img, 'Dockerfile')).toEqual([]);
    }
  });
  it('skips a final stage named for development, and a devcontainer.json beside the Dockerfile', async () => {
    const dev = 'FROM golang:1.22 AS prod\nCMD ["/app"]\nFROM golang:1.22 AS dev\nRUN apt-get install -y gcc\nCMD ["/app"]\n';
    expect(await run(buildTools, dev, 'Dockerfile')).toEqual([]);
    const { findings } = await analyzeDockerfile(code, { checks: [buildTools], path: 'Dockerfile', reader: memoryReader({ 'devcontainer.json': '{}' }) });
    expect(findings).toEqual([]);
  });
  it('skips packages a comment says are needed, and -dev packages next to an LD_PRELOAD', async () => {
    const commented = 'FROM debian:12\nRUN apt-get install -y \\\n    # runtime dependencies: extensions compile on start\n    build-essential\nCMD ["/app"]\n';
    expect(await run(buildTools, commented, 'Dockerfile')).toEqual([]);
    const preload = 'FROM debian:12\nRUN apt-get install -y libgoogle-perftools-dev\nENV LD_PRELOAD=libtcmalloc.so\nCMD ["/app"]\n';
    expect(await run(buildTools, preload, 'Dockerfile')).toEqual([]);
  });
  it('skips dev, builder and devcontainer Dockerfiles', async () => {
    for (const path of ['Dockerfile.dev', 'docker/builder.Dockerfile', '.devcontainer/Dockerfile', 'Dockerfile.build']) {
      expect(await run(buildTools, code, path)).toEqual([]);
      expect(await run(singleStage, code, path)).toEqual([]);
      expect(await run(sdkFinal, code, path)).toEqual([]);
    }
  });
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
