/**
 * A repository as teams moving from hadolint, Trivy or Checkov have them, made by the test itself:
 * nested services, a .gitignore, compose.yaml and docker-bake.hcl builds, a .hadolint.yaml, a
 * .trivyignore, Trivy and Checkov pragmas, and Dockerfiles where a directory run must not look.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const FIXTURE: Record<string, string> = {
  '.gitignore': 'build/\n*.local\n',
  '.hadolint.yaml': [
    'ignored:',
    '  - DL3008', // apt-get install without versions
    '  - DL1001', // hadolint's own rule, no shipshape check
    'override:',
    '  error:',
    '    - DL3025', // shell-form CMD becomes an error
    'failure-threshold: error',
    'trustedRegistries:',
    '  - docker.io',
    'label-schema:',
    '  maintainer: email',
    '',
  ].join('\n'),
  '.trivyignore': '# accepted: the platform pins bases by digest at deploy time\nAVD-DS-0001\nCVE-2024-0001\n',
  'compose.yaml': [
    'services:',
    '  api:',
    '    build:',
    '      context: ./services/api',
    '      target: prod',
    '      args:',
    '        ALPINE: "3.20"',
    '  worker:',
    '    build: ./services/worker',
    '  cache:',
    '    image: redis:7',
    '',
  ].join('\n'),
  'docker-bake.hcl': ['variable "NODE" { default = "22" }', 'target "web" {', '  context = "services/web"', '  dockerfile = "web.Dockerfile"', '  args = { NODE_VERSION = "${NODE}" }', '}', ''].join('\n'),
  // Three stages; compose builds `prod`, so `debug` after it is another target, not an unused stage.
  'services/api/Dockerfile': [
    'ARG ALPINE=3.19',
    'FROM alpine:${ALPINE} AS build',
    'RUN apk add --no-cache go',
    'FROM alpine:${ALPINE} AS prod',
    'COPY --from=build /usr/bin/go /usr/local/bin/tool',
    'USER 10001',
    'CMD /usr/local/bin/tool serve',
    'FROM prod AS debug',
    'USER root',
    '',
  ].join('\n'),
  'services/worker/Dockerfile': [
    'FROM debian:12-slim',
    '# checkov:skip=CKV_DOCKER_9:the vendor script needs apt',
    'RUN apt update && apt install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*',
    '# trivy:ignore:DS-0002',
    'USER root',
    'CMD ["worker"]',
    '',
  ].join('\n'),
  'services/web/web.Dockerfile': ['ARG NODE_VERSION=latest', 'FROM node:${NODE_VERSION}-slim', 'USER node', 'CMD ["node", "server.js"]', ''].join('\n'),
  'tools/Containerfile': ['FROM ubuntu:latest', 'USER 10001', 'CMD ["sleep", "infinity"]', ''].join('\n'),
  'legacy/Dockerfile': ['FROM centos', 'CMD bash', ''].join('\n'),
  'build/Dockerfile': 'FROM scratch\nCMD nope\n',
  'services/api/Dockerfile.local': 'FROM alpine\nCMD nope\n',
  'node_modules/some-pkg/Dockerfile': 'FROM node\nCMD nope\n',
  'vendor/lib/Dockerfile': 'FROM golang\nCMD nope\n',
};

/** Writes the fixture into a fresh directory (a git repository when `git` is true) and returns its path. */
export function fixtureRepo(extra: Record<string, string> = {}, git = true): string {
  const root = mkdtempSync(join(tmpdir(), 'shipshape-fixture-'));
  for (const [p, t] of Object.entries({ ...FIXTURE, ...extra })) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  if (git) {
    const g = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd: root, stdio: 'ignore' });
    g('init', '-q');
    g('add', '-A');
    g('commit', '-qm', 'fixture');
  }
  return root;
}
