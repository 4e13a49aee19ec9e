import { testCheck } from '../helpers/tester.js';
import unpinned from '../../checks/reproducibility/unpinned-package.js';
import distUpgrade from '../../checks/reproducibility/dist-upgrade.js';

testCheck(unpinned, {
  valid: [
    'FROM debian:12-slim\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 ./local.deb\n',
    { name: 'apt target release and release pin', code: 'FROM debian:12\nRUN apt-get install -y -t bookworm-backports golang=2:1.22~3 git/bookworm-backports\n' },
    { name: 'apk constraints, virtual names, repositories', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build -X https://dl-cdn.alpinelinux.org/alpine/edge/testing "flex>=2.6" git~2.45 curl=8.9.0-r0 local.apk\n' },
    { name: 'pip pins, files, constraints and VCS refs', code: 'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt flask==3.0.3 "gunicorn>=22" . ./pkg git+https://github.com/a/b.git@v1.2#egg=b\nRUN pip install --no-cache-dir -c constraints.txt flask\n' },
    { name: 'npm pins, lockfile installs, paths and git refs', code: 'FROM node:20\nRUN npm ci && npm install && npm install -g pnpm@9.1.0 @scope/pkg@1.2.3 ./lib ../x.tgz git+https://github.com/a/b.git#v1\n' },
    { name: 'gem pins', code: 'FROM ruby:3.3\nRUN gem install bundler:2.5.9 && gem install rails -v 7.1.3\n' },
    { name: 'rpm versions, modules with streams, groups, files', code: 'FROM fedora:40\nRUN dnf install -y tomcat-9.0.1 openssl-1:3.0.7 gcc-c++-13.2.1 ./x.rpm && dnf module install -y nodejs:20 && dnf group install -y "Development Tools"\n' },
    { name: 'a version held in an ARG', code: 'FROM rockylinux:9\nARG GIT_VERSION=2.43.5-1.el9\nRUN yum install -y git-core-${GIT_VERSION}\n' },
    'FROM opensuse/leap:15.6\nRUN zypper -n install curl=8.6.0 "git>=2.43"\n',
    { name: 'go modules pinned or local', code: 'FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@v0.15.3 && go install ./cmd/app && go run example.com/gen@v1.0.0 -out x\n' },
    { name: 'cargo with --version', code: 'FROM rust:1.79\nRUN cargo install ripgrep --version 14.1.0 && cargo install --path . && cargo install bat@0.24.0\n' },
    { name: 'package lists in a variable are not read', code: 'FROM debian:12\nRUN apt-get install -y $PACKAGES\n' },
    { name: 'go install in a Go module takes its version from go.mod', code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go install github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login\n', context: { 'go.mod': 'module example.com/app\n\ngo 1.22\n' } },
    { name: 'the standard library, local files and patterns', code: 'FROM golang:1.22\nRUN go install std && go install -race cmd/go && go run build.go && go install ./... && go run ./cmd/gen\n' },
    { name: 'the version line in the package name', code: 'FROM debian:12\nARG CUDA_MAJOR=12\nARG CUDA_MINOR=4\nRUN apt-get install -y --no-install-recommends openjdk-17-jre-headless python3.11 gcc-12 cuda-nvcc-${CUDA_MAJOR}-${CUDA_MINOR} libnvjitlink-${CUDA_MAJOR_VERSION}-${CUDA_MINOR_VERSION}\n' },
    { name: 'a nightly build on purpose', code: 'FROM python:3.12\nRUN pip install --no-cache-dir --pre torchserve-nightly torch-model-archiver-nightly\n' },
  ],
  invalid: [
    {
      name: 'one finding per command, at the command in a multi-line RUN',
      code: 'FROM debian:12-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl ca-certificates=20230311 git \\\n && rm -rf /var/lib/apt/lists/*\n',
      errors: [{ messageId: 'apt', line: 3, column: 5, endColumn: 81, severity: 'info' }],
    },
    { code: 'FROM alpine:3.20\nRUN apk add --no-cache flex=2.6.4-r1 libffi\n', errors: [{ messageId: 'apk', line: 2, column: 5 }] },
    { name: 'pip, pip3, python -m pip and pipx', code: 'FROM python:3.12\nRUN pip3 install --no-cache-dir flask\nRUN python -m pip install --no-cache-dir "uvicorn[standard]"\nRUN pipx install black\n', errors: [{ messageId: 'pip', line: 2, column: 5 }, { messageId: 'pip', line: 3, column: 5 }, { messageId: 'pip', line: 4, column: 5 }] },
    { name: 'unpinned VCS URL', code: 'FROM python:3.12\nRUN pip install --no-cache-dir git+https://github.com/a/b.git#egg=b\n', errors: [{ messageId: 'pip', line: 2, column: 5 }] },
    { name: 'npm names and @latest', code: 'FROM node:20\nRUN npm install -g express nodemon@latest\n', errors: [{ messageId: 'npm', line: 2, column: 5 }] },
    { code: 'FROM ruby:3.3\nRUN gem install bundler:2 nokogiri\n', errors: [{ messageId: 'gem', line: 2, column: 5 }] },
    { code: 'FROM centos:7\nRUN yum install -y httpd java-11-openjdk && yum clean all\n', errors: [{ messageId: 'yum', line: 2, column: 5 }] },
    { name: 'microdnf and a module without a stream', code: 'FROM ubi9\nRUN microdnf install -y rpm-sign\nRUN dnf module install -y nodejs\n', errors: [{ messageId: 'dnf', line: 2, column: 5 }, { messageId: 'dnf', line: 3, column: 5 }] },
    { code: 'FROM opensuse/leap:15.6\nRUN zypper -n install curl\n', errors: [{ messageId: 'zypper', line: 2, column: 5 }] },
    { name: 'go @latest and no version', code: 'FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest\nRUN go get -tool example.com/gen\nRUN go install example.com/tool\n', errors: [{ messageId: 'go', line: 2, column: 5 }, { messageId: 'go', line: 3, column: 5 }, { messageId: 'go', line: 4, column: 5 }] },
    { name: 'in a Go module, @latest and go get still float', code: 'FROM golang:1.22\nCOPY . .\nRUN go install golang.org/x/tools/gopls@latest && go get example.com/lib\n', context: { 'go.mod': 'module example.com/app\n' }, errors: [{ messageId: 'go', line: 3, column: 5 }, { messageId: 'go', line: 3, column: 51 }] },
    { name: 'build dependencies removed again still decide what is compiled', code: 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n', errors: [{ messageId: 'apk', line: 2, column: 5 }] },
    { name: 'a list of packages in an ARG is read as a list', code: 'FROM debian:12\nARG PKGS="libgdk-pixbuf-2.0-0 curl"\nRUN apt-get install -y $PKGS\n', errors: [{ messageId: 'apt', line: 3, column: 5 }] },
    { name: 'a number glued to the name is not a version line', code: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends libssl3 python3\n', errors: [{ messageId: 'apt', line: 2, column: 5 }] },
    { code: 'FROM rust:1.79\nRUN cargo install --locked ripgrep\n', errors: [{ messageId: 'cargo', line: 2, column: 5 }] },
    { name: 'ONBUILD RUN', code: 'FROM alpine:3.20\nONBUILD RUN apk add --no-cache curl\n', errors: [{ messageId: 'apk', line: 2, column: 13 }] },
  ],
});

testCheck(distUpgrade, {
  valid: ['FROM debian:12\nRUN apt-get update && apt-get upgrade -y\n', 'FROM opensuse/leap:15\nRUN zypper -n update\n'],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update \\\n && apt-get -q dist-upgrade\n', errors: [{ messageId: 'distUpgrade', line: 3, column: 5, endColumn: 28 }] },
    { code: 'FROM opensuse/leap:15\nRUN zypper dup\n', errors: [{ messageId: 'distUpgrade', line: 2, column: 5 }] },
  ],
});
