// npm run bench, sections 3-4: the language server's diagnostics latency and memory, and --fix
// against a plain check over the real corpus. Run alone: `node bench/lsp.mjs` (prints the rows).
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { median } from './stats.mjs';

const require = createRequire(import.meta.url);

/** A 300-line Dockerfile of the usual instructions; its RUNs need the shell grammar (redirections, loops, pipes). */
export function dockerfile300() {
  const lines = ['# syntax=docker/dockerfile:1', 'FROM node:20-bookworm-slim AS build', 'WORKDIR /app'];
  let i = 0;
  while (lines.length < 296) {
    i++;
    lines.push(
      `# step ${i}`,
      `ENV STEP_${i}=value-${i}`,
      `RUN apt-get update && apt-get install -y --no-install-recommends pkg${i} > /dev/null \\`,
      `  && for f in a b c; do echo "$f" | tee -a /tmp/log${i}; done \\`,
      `  && rm -rf /var/lib/apt/lists/*`,
      `COPY src/part${i}.js /app/src/`,
    );
  }
  lines.push('FROM node:20-bookworm-slim', 'COPY --from=build /app /app', 'USER 1000', 'CMD node /app/server.js');
  return lines.slice(0, 300).join('\n') + '\n';
}

export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Starts `shipshape lsp` from dist/ and a protocol client on its stdio. */
export async function server(root) {
  const rpc = require('vscode-languageserver-protocol/node.js');
  const proc = spawn(process.execPath, [join(root, 'dist/cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const waiters = new Map();
  conn.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
    const w = waiters.get(p.version);
    if (w) (waiters.delete(p.version), w(p));
  });
  conn.listen();
  await conn.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
  await conn.sendNotification(rpc.InitializedNotification.type, {});
  const forVersion = (v) => new Promise((resolve) => waiters.set(v, resolve));
  const stop = async () => {
    const exited = new Promise((r) => proc.once('exit', r));
    await conn.sendRequest(rpc.ShutdownRequest.type);
    await conn.sendNotification(rpc.ExitNotification.type);
    await exited;
    conn.dispose();
  };
  return { rpc, proc, conn, forVersion, stop };
}

export async function lspBenchmarks({ root, results, md, median, fmt }) {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-bench-lsp-'));
  const file = join(dir, 'Dockerfile');
  const text = dockerfile300();
  writeFileSync(file, text);
  // ShellCheck off (a process per analysis): the rows measure shipshape's own analysis after an edit.
  writeFileSync(join(dir, '.shipshape.yaml'), 'shellcheck: off\n');
  const uri = pathToFileURL(file).href;
  const s = await server(root);
  const { rpc, conn } = s;
  let version = 1;
  const opened = s.forVersion(1);
  await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version, text } });
  await opened;
  // One edit: the value of an ENV in the middle of the file changes (the file stays 300 lines).
  const edit = async () => {
    version++;
    const got = s.forVersion(version);
    const t0 = performance.now();
    await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: 149, character: 0 }, end: { line: 149, character: 0 } }, text: version % 2 ? 'x' : '' }],
    });
    await got;
    return performance.now() - t0;
  };
  // Odd versions insert an `x`, even ones would need a delete: alternate insert and delete of that one character.
  const editToggle = async () => {
    version++;
    const got = s.forVersion(version);
    const t0 = performance.now();
    const insert = version % 2 === 0;
    await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [insert ? { range: { start: { line: 149, character: 0 }, end: { line: 149, character: 0 } }, text: '#' } : { range: { start: { line: 149, character: 0 }, end: { line: 149, character: 1 } }, text: '' }],
    });
    await got;
    return performance.now() - t0;
  };
  void edit;
  for (let i = 0; i < 20; i++) await editToggle(); // warm-up
  const times = [];
  for (let i = 0; i < 200; i++) times.push(await editToggle());
  const latency = median(times);
  while (version < 100) await editToggle();
  const rss100 = rssKb(s.proc.pid);
  const EDITS = Number(process.env.BENCH_LSP_EDITS ?? 10_000);
  while (version < EDITS) await editToggle();
  const rss10k = rssKb(s.proc.pid);
  await s.stop();
  const memRatio = rss100 && rss10k ? rss10k / rss100 : null;
  results.lsp = { file: '300 lines (bench/lsp.mjs dockerfile300)', edits: times.length, medianMs: latency, p90Ms: [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)], target: 15, rssKbAfter100: rss100, rssKbAfterEdits: rss10k, edits10k: EDITS, memoryRatio: memRatio, memoryTarget: 1.2 };
  md.push(
    '## 3. Language server',
    '',
    `\`shipshape lsp\` (dist/cli.js) driven over stdio by vscode-languageserver-protocol's client: a 300-line Dockerfile (RUN bodies that load the shell grammar) is opened (its folder's \`.shipshape.yaml\` turns ShellCheck off, a process per analysis), then one character on line 150 is inserted and deleted in turn; each row times \`didChange\` -> the \`publishDiagnostics\` of that version, ${times.length} edits after 20 warm-up edits. Memory is the server process's resident set (VmRSS) after 100 edits and after ${EDITS.toLocaleString('en')} edits, each waited for.`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| didChange -> publishDiagnostics, median | ${fmt(latency, 2)} ms (p90 ${fmt(results.lsp.p90Ms, 2)} ms) | ≤ 15 ms: **${latency <= 15 ? 'met' : 'not met'}** |`,
    `| server RSS after ${EDITS.toLocaleString('en')} edits / after 100 | ${rss10k} kB / ${rss100} kB = ${memRatio === null ? 'n/a' : fmt(memRatio, 2)}x | ≤ 1.2x: **${memRatio !== null && memRatio <= 1.2 ? 'met' : 'not met'}** |`,
    '',
  );

  // 4. --fix over the real corpus against a plain check of it, in one process, alternating rounds.
  const corpus = join(root, '..', 'shared', 'corpus', 'real');
  const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8'));
  const inputs = manifest.map((m) => ({ kind: 'dockerfile', path: join(corpus, m.file), text: readFileSync(join(corpus, m.file), 'utf8'), contextDir: dirname(join(corpus, m.file)) }));
  const { analyzeTargets } = await import(pathToFileURL(join(root, 'dist/api.js')).href);
  // ShellCheck off in both: the row measures what the fix passes cost, not a ShellCheck process per pass.
  const plain = () => analyzeTargets(inputs, { config: join(dir, 'none.yaml'), shellcheck: 'off' }).catch(() => analyzeTargets(inputs, { shellcheck: 'off' }));
  const fixing = () => analyzeTargets(inputs, { fix: ['safe'], shellcheck: 'off' });
  await plain();
  await fixing();
  const pt = [];
  const ft = [];
  let changed = 0;
  const ROUNDS = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    await analyzeTargets(inputs, { shellcheck: 'off' });
    pt.push(performance.now() - t0);
    t0 = performance.now();
    const out = await fixing();
    ft.push(performance.now() - t0);
    changed = out.filter((x) => x.fixed && x.fixed.files.length).length;
  }
  const ratio = median(ft.map((f, i) => f / pt[i]));
  results.fix = { files: inputs.length, changed, plainMs: median(pt), fixMs: median(ft), ratio, target: 1.5 };
  md.push(
    '## 4. `--fix` against a plain check',
    '',
    `All ${inputs.length} files of \`../shared/corpus/real/\` through \`analyzeTargets\` (the CLI's analysis, each file with its directory as build context), plain and with \`fix: ['safe']\` (what \`--fix\` computes; nothing is written), ShellCheck off in both, ${ROUNDS} alternating rounds after a warm-up; the ratio is the median of the per-round ratios. ${changed} files get a fix.`,
    '',
    '| run | median ms |',
    '|---|---|',
    `| plain check | ${fmt(median(pt), 0)} |`,
    `| --fix (safe fixes, re-analysis after each pass) | ${fmt(median(ft), 0)} |`,
    '',
    `--fix / plain = ${fmt(ratio, 2)}x (target ≤ 1.5x: **${ratio <= 1.5 ? 'met' : 'not met'}**).`,
    '',
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const results = {};
  const md = [];
  await lspBenchmarks({ root, results, md, median, fmt: (x, d = 1) => x.toFixed(d) });
  console.log(md.join('\n'));
  console.log(JSON.stringify(results, null, 2));
}
