/** The Dockerfile front end: directives, continuations, heredocs, flags, forms, ONBUILD, ARG resolution, stages, shell facts. */
import { describe, expect, it } from 'vitest';
import { MAX_GRAMMAR_SHELL_BYTES, parseDockerfile } from '../src/dockerfile/parse.js';
import { loadShellParser, parseShellTree } from '../src/shell/shell.js';
import { LineIndex } from '../src/util/text.js';
import { packageName } from '../src/knowledge/packages.js';
import { stageInstalls } from '../src/dockerfile/stages.js';

describe('parser directives and escapes', () => {
  it('reads # syntax= and # escape=, and the backtick escape joins lines', async () => {
    const f = await parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n    b\n');
    expect(f.directives.get('syntax')?.value).toBe('docker/dockerfile:1');
    expect(f.escape).toBe('`');
    const run = f.instructions[1]!;
    expect(run.body).toBe('echo a     b');
    expect(run.range).toMatchObject({ line: 4, endLine: 5 });
    // a Windows base: shell bodies are not parsed as POSIX shell
    expect(run.shell).toBeNull();
  });
});

describe('continuations, comments and flags', () => {
  const text = [
    'FROM debian:12-slim',
    'RUN --mount=type=cache,target=/var/cache/apt \\',
    '    --network=none \\',
    '    apt-get update \\',
    '    # a comment inside the continuation',
    '    && apt-get install -y --no-install-recommends curl=7.88.1-10 \\',
    '    && rm -rf /var/lib/apt/lists/*',
  ].join('\n');

  it('strips flags, joins lines and drops inner comments', async () => {
    const f = await parseDockerfile(text);
    const run = f.instructions[1]!;
    expect(run.flags.map((x) => [x.name, x.value])).toEqual([['mount', 'type=cache,target=/var/cache/apt'], ['network', 'none']]);
    expect(run.body).toBe('apt-get update     && apt-get install -y --no-install-recommends curl=7.88.1-10     && rm -rf /var/lib/apt/lists/*');
  });

  it('parses the body once into commands that point at their own lines and columns', async () => {
    const f = await parseDockerfile(text);
    const cmds = f.instructions[1]!.shell!.commands;
    expect(cmds.map((c) => c.name)).toEqual(['apt-get', 'apt-get', 'rm']);
    expect(cmds[1]!.range).toMatchObject({ line: 6, column: 8 });
    expect(cmds[1]!.before).toBe('&&');
    expect(cmds[0]!.after).toBe('&&');
    expect(cmds[2]!.args.map((a) => a.value)).toEqual(['-rf', '/var/lib/apt/lists/*']);
    const install = stageInstalls(f.stages[0]!)[0]!;
    expect(install.manager).toBe('apt');
    expect(install.packages.map((p) => packageName('apt', p.value))).toEqual(['curl']);
    expect(install.packages[0]!.range).toMatchObject({ line: 6, column: 51 });
  });
});

describe('comment lines inside a continuation', () => {
  // BuildKit drops a line whose first non-blank character is `#`, and an empty line, wherever they
  // sit in a continued instruction: the commands after them belong to the same RUN.
  const shapes: Record<string, string> = {
    'a comment after the flags': 'RUN --mount=type=cache,target=/root/.npm \\\n    # install\n    apt-get update && rm -rf /var/lib/apt/lists/*\n',
    'a comment that ends with a backslash': 'RUN apt-get update \\\n    # clean up \\\n    && rm -rf /var/lib/apt/lists/*\n',
    'comments between empty lines': 'RUN apt-get update \\\n\n    # clean up\n\n    && rm -rf /var/lib/apt/lists/*\n',
    'a comment with quotes': 'RUN apt-get update \\\n    # don\'t "quote" me\n    && rm -rf /var/lib/apt/lists/*\n',
    'CRLF line ends': 'RUN apt-get update \\\r\n\t# clean up\r\n\t&& rm -rf /var/lib/apt/lists/*\r\n',
    'the last instruction, no final newline': 'RUN apt-get update \\\n    # clean up\n    && rm -rf /var/lib/apt/lists/*',
  };
  for (const [name, run] of Object.entries(shapes)) {
    it(`${name}: the commands after the comment are read`, async () => {
      const f = await parseDockerfile(`FROM debian:12-slim\n${run}`);
      const cmds = f.instructions[1]!.shell!.commands;
      expect(cmds.map((c) => c.name)).toEqual(['apt-get', 'rm']);
      expect(cmds[1]!.argv).toEqual(['-rf', '/var/lib/apt/lists/*']);
    });
  }
});

describe('heredocs', () => {
  it('parses the body of RUN <<EOF as the script, and keeps several heredocs', async () => {
    const f = await parseDockerfile('FROM alpine:3.20\nRUN <<EOF\napk add --no-cache curl\necho done &\nEOF\nCOPY <<A <<B /dst/\nalpha\nA\nbeta\nB\n');
    const run = f.instructions[1]!;
    expect(run.heredocs.map((h) => h.name)).toEqual(['EOF']);
    const cmds = run.shell!.commands;
    expect(cmds.map((c) => c.name)).toEqual(['apk', 'echo']);
    expect(cmds[0]!.range.line).toBe(3);
    expect(cmds[1]!.background).toBe(true);
    const copy = f.instructions[2]!;
    expect(copy.heredocs.map((h) => [h.name, h.body])).toEqual([['A', 'alpha'], ['B', 'beta']]);
  });

  it('a heredoc fed to another interpreter is not parsed as shell', async () => {
    const f = await parseDockerfile('FROM python:3.12-slim\nRUN <<EOF\n#!/usr/bin/env python3\nprint("hi")\nEOF\n');
    expect(f.instructions[1]!.shell).toBeNull();
  });
});

describe('forms', () => {
  it('tells JSON form from shell form, and flags malformed JSON', async () => {
    const f = await parseDockerfile('FROM alpine:3.20\nCMD ["a", "b"]\nENTRYPOINT [\'a\']\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "localhost"]\nHEALTHCHECK CMD curl -f localhost || exit 1\n');
    const [, cmd, ep, hc1, hc2] = f.instructions;
    expect(cmd!.json).toEqual(['a', 'b']);
    expect(ep!.json).toBeNull();
    expect(ep!.jsonError).toBe(true);
    expect(hc1!.flags[0]).toMatchObject({ name: 'interval', value: '5s' });
    expect(hc1!.json).toEqual(['curl', '-f', 'localhost']);
    expect(hc2!.shell!.commands.map((c) => c.name)).toEqual(['curl', 'exit']);
  });

  it('skips shell parsing after SHELL ["powershell"]', async () => {
    const f = await parseDockerfile('FROM alpine:3.20\nRUN echo posix\nSHELL ["pwsh", "-Command"]\nRUN Write-Host $env:PATH\n');
    expect(f.instructions[1]!.shell).not.toBeNull();
    expect(f.instructions[3]!.shell).toBeNull();
  });
});

describe('ONBUILD', () => {
  it('keeps the trigger as an instruction whose RUN body is parsed', async () => {
    const f = await parseDockerfile('FROM node:20\nONBUILD RUN npm install express\nONBUILD COPY . /app\n');
    const ob = f.instructions[1]!;
    expect(ob.trigger?.keyword).toBe('RUN');
    expect(ob.trigger?.onbuild).toBe(true);
    expect(ob.trigger?.shell?.commands[0]?.name).toBe('npm');
    expect(stageInstalls(f.stages[0]!).map((i) => i.packages.map((p) => p.value))).toEqual([['express']]);
  });
});

describe('ARG resolution and stages', () => {
  it('resolves ARG defaults before FROM, with ${VAR:-default}', async () => {
    const f = await parseDockerfile('ARG NODE_VERSION=20\nARG VARIANT\nFROM node:${NODE_VERSION}-${VARIANT:-slim} AS build\nFROM build\nFROM $UNKNOWN\n');
    expect(f.stages[0]!.image).toMatchObject({ resolved: 'node:20-slim', repository: 'node', tag: '20-slim', unresolved: false });
    expect(f.stages[0]!.name).toBe('build');
    expect(f.stages[1]!.image).toBeNull();
    expect(f.stages[1]!.parent).toBe(f.stages[0]);
    expect(f.stages[2]!.image?.unresolved).toBe(true);
    expect(f.finalStage).toBe(f.stages[2]);
  });

  it('an ARG redeclared in a stage takes the global default; ENV values expand', async () => {
    const f = await parseDockerfile('ARG V=1.2\nFROM alpine:3.20\nARG V\nENV APP_VERSION=$V PATH=/opt/app-${V}/bin:$PATH\nRUN true\n');
    const run = f.instructions[4]!;
    expect(run.vars.get('V')).toBe('1.2');
    expect(run.vars.get('APP_VERSION')).toBe('1.2');
  });

  it('records which stages use which (FROM, COPY --from, RUN --mount from=)', async () => {
    const f = await parseDockerfile('FROM golang:1.22 AS build\nFROM alpine:3.20 AS assets\nFROM alpine:3.20 AS unused\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /out /app\nRUN --mount=type=bind,from=assets,target=/a true\n');
    expect([...f.stages[0]!.usedBy]).toEqual([3]);
    expect([...f.stages[1]!.usedBy]).toEqual([3]);
    expect([...f.stages[2]!.usedBy]).toEqual([]);
  });

  it('parses registry, tag and digest', async () => {
    const f = await parseDockerfile('FROM registry.example.com:5000/team/app:1.4@sha256:abc\n');
    expect(f.stages[0]!.image).toMatchObject({ registry: 'registry.example.com:5000', repository: 'team/app', tag: '1.4', digest: 'sha256:abc' });
  });
});

describe('shell facts', () => {
  const cmds = async (body: string) => (await parseDockerfile(`FROM alpine:3.20\nRUN ${body}\n`)).instructions[1]!.shell!.commands;

  it('unwraps exec, sudo, env and sh -c into commands of their own', async () => {
    const c = await cmds('sudo -u app env A=1 npm start; sh -c "exec node server.js"');
    expect(c.map((x) => [x.name, x.wrappedBy?.name ?? null])).toEqual([
      ['sudo', null], ['env', 'sudo'], ['npm', 'env'], ['sh', null], ['exec', 'sh'], ['node', 'exec'],
    ]);
  });

  it('marks pipes, background jobs and nested commands', async () => {
    const c = await cmds('curl -fsSL https://x | sh && nginx & if true; then make; fi; echo $(date)');
    const by = Object.fromEntries(c.map((x) => [x.name, x]));
    expect(by.curl!.pipeline).toEqual({ index: 0, size: 2 });
    expect(by.sh!.pipeline).toEqual({ index: 1, size: 2 });
    expect(by.nginx!.background).toBe(true);
    expect(by.make!.nested).toBe(true);
    expect(by.date!.nested).toBe(true);
    expect(by.echo!.nested).toBe(false);
  });

  it('keeps expansions as written and marks them non-literal', async () => {
    const c = await cmds('apt-get install -y "curl=${CURL_VERSION}" \'jq\'');
    expect(c[0]!.args.map((a) => [a.value, a.literal])).toEqual([['install', true], ['-y', true], ['curl=${CURL_VERSION}', false], ['jq', true]]);
  });

  it('reads a substitution inside a redirected statement once', async () => {
    // tree-sitter-bash hangs `> /f` on the whole `a && b` before it; its body was once walked twice.
    const c = await cmds('echo "$(curl -s http://x | sh)" > /f && echo `wget -q x` 2>/dev/null');
    expect(c.map((x) => [x.name, x.nested])).toEqual([
      ['curl', true], ['sh', true], ['echo', false], ['wget', true], ['echo', false],
    ]);
    expect(c.filter((x) => !x.nested).map((x) => [x.before ?? null, x.after ?? null])).toEqual([[null, '&&'], ['&&', null]]);
  });

  it('reads a RUN of 100,000 chained commands without overflowing the stack', async () => {
    const n = 100_000;
    // 3 MB: more than a Dockerfile's budget for the full grammar (see the next test), so the shell reader is called directly.
    await loadShellParser();
    const text = Array.from({ length: n }, (_, i) => `echo "$X${i}" > /tmp/f${i}`).join(' && ');
    const c = parseShellTree({ text, map: null, start: 0 }, new LineIndex(text)).commands;
    expect(c).toHaveLength(n);
    expect(c[n - 1]!.args.map((a) => a.value)).toEqual([`$X${n - 1}`]);
    expect(c.every((x, i) => (i === 0 || x.before === '&&') && (i === n - 1 || x.after === '&&'))).toBe(true);
  }, 600_000);

  it(`reads ${MAX_GRAMMAR_SHELL_BYTES / 1024} KiB of a Dockerfile's shell text with the full grammar, and leaves the bodies past it unread`, async () => {
    const body = (k: number): string => Array.from({ length: 1000 }, (_, i) => `echo "$X${i}" > /tmp/f${k}`).join(' && ');
    const n = Math.ceil(MAX_GRAMMAR_SHELL_BYTES / body(0).length) + 1;
    const f = await parseDockerfile(`FROM alpine:3.20\n${Array.from({ length: n }, (_, k) => `RUN ${body(k)}\n`).join('')}RUN apk add curl\n`);
    const read = f.instructions.slice(1, -1).map((i) => i.shell!.commands.length);
    expect(read.slice(0, n - 2).every((x) => x === 1000)).toBe(true);
    expect(read.at(-1)).toBe(0);
    expect(f.instructions.at(-1)!.shell!.commands.map((x) => x.name)).toEqual(['apk']);
  });

  it('leaves unread, without crashing, bodies nested thousands deep or piped thousands of times', async () => {
    const n = 100_000; // deeper than any stack the walk may run on
    const deep = ['('.repeat(n) + 'true' + ')'.repeat(n), 'echo ' + '$(echo '.repeat(n) + 'x' + ')'.repeat(n)];
    for (const body of deep) {
      const f = await parseDockerfile(`FROM alpine:3.20\nRUN ${body}\nRUN apk add curl\n`);
      expect(f.instructions[1]!.shell).toMatchObject({ commands: [], hasError: true });
      expect(f.instructions[2]!.shell!.commands.map((x) => x.name)).toEqual(['apk']);
    }
    const piped = await cmds(Array.from({ length: 3000 }, (_, i) => `echo "$${i}"`).join(' | '));
    expect(piped).toEqual([]);
    expect((await cmds(Array.from({ length: 1500 }, (_, i) => `echo "$${i}"`).join(' | '))).length).toBe(1500);
  });
});
