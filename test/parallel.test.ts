/**
 * `--jobs`: a large batch of Dockerfiles analyzed by worker threads gives the report one thread
 * gives, byte for byte (stdout, stderr, exit status), in every format. SHIPSHAPE_TRACE_JOBS=workers
 * makes the main thread leave every batch to the workers, so the worker path is the one tested
 * whatever the machine's load; SHIPSHAPE_TRACE_JOBS=1 only says how the batches were shared.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');
let dir = '';

const BODIES = [
  'FROM node:latest\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\nCMD node server.js\n',
  'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nUSER 10001\nCMD ["python", "app.py"]\n',
  'FROM golang:1.22 AS build\nCOPY . /src\nRUN cd /src && go build -o /app\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
  'FROM alpine\nRUN apk add --no-cache bash netcat-openbsd sudo\nADD https://example.com/x.tgz /tmp/\nENTRYPOINT ./start.sh\n',
  'FROM ubuntu:22.04\nENV API_TOKEN=abc123def456ghi789\nRUN curl -s https://get.example.com | sh\nEXPOSE 99999\n',
];

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  dir = mkdtempSync(join(tmpdir(), 'shipshape-jobs-'));
  // 90 Dockerfiles in 9 directories; one directory has a hadolint config with a setting shipshape
  // does not take over (a note given once per run), one holds a file that is no Dockerfile.
  for (let d = 0; d < 9; d++) {
    const sub = join(dir, 'repo', `svc${d}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 10; f++) writeFileSync(join(sub, `${f}.Dockerfile`), BODIES[(d * 10 + f) % BODIES.length]!.replace('/app', `/app${f}`));
    writeFileSync(join(sub, 'start.sh'), '#!/bin/sh\nnginx &\nexec node server.js\n');
  }
  writeFileSync(join(dir, 'repo', 'svc3', '.hadolint.yaml'), 'ignored: [DL3008]\nno-such-setting: 1\n');
  writeFileSync(join(dir, 'repo', 'svc5', '9.Dockerfile'), 'this is not\na Dockerfile at all\nbut prose\n');
});

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, '--shellcheck', 'off', ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  const trace = r.stderr.split('\n').filter((l) => l.startsWith('shipshape: trace:'));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('shipshape: trace:')).join('\n'), trace };
}

describe('--jobs: worker threads over a batch of Dockerfiles', () => {
  for (const format of ['json', 'text', 'sarif']) {
    it(`${format}: the workers' report is the one thread's, byte for byte`, () => {
      const one = run(['--format', format, '--jobs', '1', 'repo'], { SHIPSHAPE_TRACE_JOBS: '1' });
      const workers = run(['--format', format, '--jobs', '3', 'repo'], { SHIPSHAPE_TRACE_JOBS: 'workers' });
      // One thread: no trace (nothing was split); workers: every batch analyzed by one of the two workers.
      expect(one.trace).toEqual([]);
      expect(workers.trace).toHaveLength(1);
      const m = /90 files in 12 batches: main thread 0, workers (\d+), (\d+)$/.exec(workers.trace[0]!);
      expect(m, workers.trace[0]).not.toBeNull();
      expect(Number(m![1]) + Number(m![2])).toBe(12);
      expect(workers.status).toBe(one.status);
      expect(workers.status).toBe(2); // the file that is no Dockerfile
      expect(workers.stdout).toBe(one.stdout);
      expect(workers.stderr).toBe(one.stderr);
      expect(one.stdout.length).toBeGreaterThan(1000);
    });
  }

  it('the hadolint config\'s note is given once, as one thread gives it', () => {
    const r = run(['--format', 'json', '--jobs', '2', 'repo'], { SHIPSHAPE_TRACE_JOBS: 'workers' });
    const notes = r.stderr.split('\n').filter((l) => l.includes('not taken over'));
    expect(notes.length).toBeGreaterThan(0);
    expect(new Set(notes).size).toBe(notes.length);
    expect(JSON.parse(r.stdout).targets).toHaveLength(90);
  });

  it('a bad config file in one directory: the same one-line error and exit status as one thread', () => {
    const bad = join(dir, 'repo', 'svc7', '.shipshape.yaml');
    writeFileSync(bad, 'ignore: [no-such-rule-anywhere]\n');
    try {
      const one = run(['--jobs', '1', 'repo']);
      const workers = run(['--jobs', '2', 'repo'], { SHIPSHAPE_TRACE_JOBS: 'workers' });
      expect(one.status).toBe(2);
      expect(workers.status).toBe(2);
      expect(workers.stderr).toBe(one.stderr);
      expect(workers.stderr).toMatch(/svc7\/\.shipshape\.yaml/);
    } finally {
      writeFileSync(bad, '{}\n');
    }
  });

  it('a small run starts no thread; the default uses the cores from 3 up', () => {
    expect(run(['--format', 'json', 'repo/svc1'], { SHIPSHAPE_TRACE_JOBS: '1' }).trace).toEqual([]);
    const all = run(['--format', 'json', 'repo'], { SHIPSHAPE_TRACE_JOBS: '1' });
    // One thread by default below 3 cores (a single run already keeps a second core busy).
    if (availableParallelism() < 3) return expect(all.trace).toEqual([]);
    expect(all.trace.length).toBe(1);
    expect(all.trace[0]).toMatch(/^shipshape: trace: 90 files in 12 batches: main thread \d+, workers \d+/);
  });

  it('--jobs takes a whole number from 1 to 64', () => {
    for (const bad of ['0', 'x', '1.5', '65']) {
      const r = run(['--jobs', bad, 'repo']);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`shipshape: --jobs ${bad}: a whole number of threads from 1 to 64`);
    }
  });
});
