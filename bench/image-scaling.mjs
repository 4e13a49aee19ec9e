// Scaling curves of the image side (issue 18): time and peak memory of one whole CLI process against
// an image's number of layers (1 to 127), its files per layer (1 to 500,000) and its size (10 MB to
// 2 GB). Each point is a docker-archive generated here (a tar writer of our own: ustar headers, the
// layers' sha256 as their diff ids), written to a temporary folder, analyzed `runs` times after a
// warm-up (median wall time, median peak RSS from /usr/bin/time), then deleted. `node -e 0` runs in
// the same rounds as the floor. Charts go to docs/perf/, drawn by bench/scaling.mjs's `chart`.
//
//   node bench/image-scaling.mjs          this section alone, merged into docs/performance.md
//   BENCH_IMAGE_SCALING_MAX_MB=300        a smaller size curve (the default goes to 2 GB)
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chart, fit, runOnce } from './scaling.mjs';
import { median, fmt } from './stats.mjs';

export const START = '<!-- bench:image-scaling:start -->';
export const END = '<!-- bench:image-scaling:end -->';
const MB = 1 << 20;

// --- A docker-archive writer -------------------------------------------------------------------

function octal(buf, at, width, value) {
  buf.write(value.toString(8).padStart(width - 1, '0') + '\0', at, width, 'latin1');
}

/** A ustar header; names past 100 bytes go to the prefix field (every name here fits the two). */
function header(name, size, type = '0') {
  const b = Buffer.alloc(512);
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  b.write(name, 0, 100, 'utf8');
  octal(b, 100, 8, type === '5' ? 0o755 : 0o644);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, size);
  octal(b, 136, 12, 1_700_000_000);
  b.fill(0x20, 148, 156);
  b.write(type, 156, 1, 'latin1');
  b.write('ustar\0', 257, 6, 'latin1');
  b.write('00', 263, 2, 'latin1');
  b.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

const pad = (n) => (512 - (n % 512)) % 512;

/**
 * A layer as a list of entries: { name, dir?: true, size?, fill? } where fill(size) gives the file's
 * bytes in chunks. Returns its tar size without building it (the archive's header needs it first).
 */
function layerSize(entries) {
  let n = 1024; // the two zero blocks at the end
  for (const e of entries) n += 512 + (e.dir ? 0 : e.size + pad(e.size));
  return n;
}

/** Writes one image as a docker-archive (layers, config, manifest.json) to `file`; returns its size. */
export function writeDockerArchive(file, layers) {
  const fd = openSync(file, 'w');
  let written = 0;
  const out = (buf) => {
    writeSync(fd, buf);
    written += buf.length;
  };
  const diffIds = [];
  try {
    layers.forEach((entries, i) => {
      const size = layerSize(entries);
      out(header(`L${i}/layer.tar`, size));
      const hash = createHash('sha256');
      const put = (buf) => {
        hash.update(buf);
        out(buf);
      };
      for (const e of entries) {
        if (e.dir) {
          put(header(e.name, 0, '5'));
          continue;
        }
        put(header(e.name, e.size));
        for (const chunk of e.fill(e.size)) put(chunk);
        if (pad(e.size)) put(Buffer.alloc(pad(e.size)));
      }
      put(Buffer.alloc(1024));
      out(Buffer.alloc(pad(size)));
      diffIds.push(`sha256:${hash.digest('hex')}`);
    });
    const config = Buffer.from(JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2026-01-01T00:00:00Z',
      config: { User: '10001', Entrypoint: ['/app/server'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `/bin/sh -c #(nop) COPY dir:layer${i} in /`, comment: 'bench' })),
    }));
    const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
    out(header(configName, config.length));
    out(config);
    out(Buffer.alloc(pad(config.length)));
    const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ['bench/scaling:1'], Layers: layers.map((_, i) => `L${i}/layer.tar`) }]));
    out(header('manifest.json', manifest.length));
    out(manifest);
    out(Buffer.alloc(pad(manifest.length)));
    out(Buffer.alloc(1024));
  } finally {
    closeSync(fd);
  }
  return written;
}

/** The first layer of every image: a small root file system with users, so the image is a plausible one. */
function baseLayer() {
  const text = (s) => ({ size: Buffer.byteLength(s), fill: () => [Buffer.from(s)] });
  return [
    { name: 'etc/', dir: true },
    { name: 'etc/passwd', ...text('root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/app:/sbin/nologin\n') },
    { name: 'etc/group', ...text('root:x:0:\napp:x:10001:\n') },
    { name: 'etc/os-release', ...text('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n') },
    { name: 'app/', dir: true },
    { name: 'app/server', ...text('#!/bin/sh\nexec sleep infinity\n') },
  ];
}

/** Pseudo-random bytes (incompressible, as real binaries mostly are), one 1 MB block reused. */
const BLOCK = (() => {
  const b = Buffer.alloc(MB);
  let x = 2463534242;
  for (let i = 0; i < b.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b.writeUInt32LE(x >>> 0, i);
  }
  return b;
})();
function* randomFill(size) {
  for (let left = size; left > 0; left -= MB) yield left >= MB ? BLOCK : BLOCK.subarray(0, left);
}
const smallFile = (size) => ({ size, fill: (n) => [BLOCK.subarray(0, n)] });

/** `n` layers of 20 files of 4 KB each (the base layer is the first). */
export function imageOfLayers(n) {
  return [baseLayer(), ...Array.from({ length: n - 1 }, (_, i) => [{ name: `opt/l${i}/`, dir: true }, ...Array.from({ length: 20 }, (_, j) => ({ name: `opt/l${i}/f${j}`, ...smallFile(4096) }))])];
}

/** The base layer and one layer of `n` files (100 bytes each, 1,000 per directory). */
export function imageOfFiles(n) {
  const entries = [];
  for (let i = 0; i < n; i++) {
    if (i % 1000 === 0) entries.push({ name: `srv/d${i / 1000}/`, dir: true });
    entries.push({ name: `srv/d${Math.floor(i / 1000)}/file-${i}.txt`, ...smallFile(100) });
  }
  return [baseLayer(), entries];
}

/** The base layer and 4 layers of 1 MB files, `mb` MB in all. */
export function imageOfSize(mb) {
  const per = Math.max(1, Math.round(mb / 4));
  return [baseLayer(), ...Array.from({ length: 4 }, (_, l) => [{ name: `data/l${l}/`, dir: true }, ...Array.from({ length: per }, (_, i) => ({ name: `data/l${l}/blob-${i}.bin`, size: MB, fill: randomFill }))])];
}

// --- Measuring ------------------------------------------------------------------------------

const CURVES = [
  { key: 'layers', title: 'layers', unit: 'layer', points: [1, 2, 4, 8, 16, 32, 64, 127], make: imageOfLayers, fmtX: String },
  { key: 'files', title: 'files in one layer', unit: 'file', points: [1, 10, 100, 1000, 10_000, 100_000, 500_000], make: imageOfFiles, fmtX: (x) => (x >= 1000 ? `${Number((x / 1000).toPrecision(3))}k` : String(x)) },
  { key: 'sizeMB', title: 'image size', unit: 'MB', points: [10, 30, 100, 300, 1000, 2000], make: imageOfSize, fmtX: (x) => (x >= 1000 ? `${x / 1000} GB` : `${x} MB`) },
];

export async function imageScalingBenchmarks({ root, results, md, median, fmt, runs = 3 }) {
  const cli = join(root, 'dist/cli.cjs');
  const tmp = mkdtempSync(join(tmpdir(), 'shipshape-image-scaling-'));
  const timeFile = join(tmp, 'time.txt');
  const maxMB = Number(process.env.BENCH_IMAGE_SCALING_MAX_MB ?? 2000);
  const load = [loadavg()[0]];
  const out = { runs, curves: {} };
  try {
    for (const curve of CURVES) {
      const rows = [];
      for (const x of curve.points) {
        if (curve.key === 'sizeMB' && x > maxMB) continue;
        const file = join(tmp, `${curve.key}-${x}.docker.tar`);
        const t0 = performance.now();
        const bytes = writeDockerArchive(file, curve.make(x));
        const genMs = performance.now() - t0;
        const ss = [];
        const base = [];
        let refused = null;
        for (let r = -1; r < runs; r++) {
          const a = runOnce(process.execPath, [cli, '--format', 'json', '--fail-on', 'none', file], timeFile, 600_000);
          const b = runOnce(process.execPath, ['-e', '0'], timeFile);
          if (a.status !== 0) {
            refused = a.stderr.trim().split('\n')[0] || `exit status ${a.status}`;
            break;
          }
          if (r < 0) continue;
          ss.push(a);
          base.push(b);
        }
        rmSync(file, { force: true });
        const row = refused ? { x, bytes, refused } : { x, bytes, genMs, wallMs: median(ss.map((s) => s.wall)), peakRssMB: median(ss.map((s) => s.rss)), nodeMs: median(base.map((s) => s.wall)) };
        rows.push(row);
        process.stderr.write(`image scaling: ${curve.key} ${x}: ${refused ? `refused: ${refused}` : `${fmt(row.wallMs, 0)} ms, ${fmt(row.peakRssMB, 0)} MB`}\n`);
      }
      out.curves[curve.key] = rows;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  load.push(loadavg()[0]);
  out.loadAverage = load;
  results.imageScaling = out;
  writeCharts(root, out);
  md.push(...imageScalingMarkdown(out, fmt));
}

function writeCharts(root, out) {
  const dir = join(root, 'docs/perf');
  mkdirSync(dir, { recursive: true });
  for (const curve of CURVES) {
    const ok = (out.curves[curve.key] ?? []).filter((r) => !r.refused);
    if (ok.length < 2) continue;
    writeFileSync(join(dir, `image-${curve.key}-time.svg`), chart({ title: `Whole CLI process against ${curve.title}`, xLabel: `${curve.title} (log scale)`, yLabel: 'wall time, ms (log scale)', logY: true, xTicks: ok.map((r) => r.x), xFmt: curve.fmtX, series: [{ name: 'shipshape --format json IMAGE.tar', points: ok.map((r) => ({ x: r.x, y: r.wallMs })) }, { name: 'node -e 0', points: ok.map((r) => ({ x: r.x, y: r.nodeMs })) }] }));
    if (ok.every((r) => Number.isFinite(r.peakRssMB))) writeFileSync(join(dir, `image-${curve.key}-memory.svg`), chart({ title: `Peak memory against ${curve.title}`, xLabel: `${curve.title} (log scale)`, yLabel: 'peak RSS, MB', xTicks: ok.map((r) => r.x), xFmt: curve.fmtX, series: [{ name: 'shipshape --format json IMAGE.tar', points: ok.map((r) => ({ x: r.x, y: r.peakRssMB })) }] }));
  }
}

/** What holds memory on the files curve (measured while changing src/image/, 2026-12-06 and 2026-12-07); prose, not measured by each run. */
const FILES_NOTE = [
  'What holds memory on the files curve. Since 2026-12-07 the file index lives outside the heap\'s objects (`src/image/file-table.ts`): per file 10 bytes of typed-array columns in its layer\'s store (where its path begins, its (type, mode, owner) tuple, its size), 4 in the merged view and about 8 in the view\'s hash table, and its path\'s characters in pooled strings (25 here): about 50 bytes, against about 190 before (an entry object, a path string and a map slot). Three more changes apply to every image: when a target is an image the CLI sets V8\'s `--semi-space-growth-factor=1`, so the young generation keeps the size startup gave it instead of doubling to 16 MB semi-spaces under the reader\'s garbage (32 MB resident); the archive is read in 1 MiB reads instead of 4 MiB; the hashing worker is off unless asked for (section 5). The 500,000-file point was 217 MB on 2026-12-06; step by step, in alternating runs of the whole CLI: the off-heap index 219 → 155 MB (and 4.1 → 3.3 s), the young generation 155 → 127 MB, the reads and the packed columns 127 → 114 MB (the 1-file point: 75 MB in those runs).',
  '',
  'What is left above the 1-file point at 500,000 files (`process.memoryUsage()` at the peak): the path pool 12.5 MB, the columns and the hash table about 11 MB, and the captures of the first 5,500 small `.txt` files, about 3 MB (the reader keeps the heads of small configuration files for the secret checks, up to a budget of 2 MB, so this part stops growing past 5,500 such files). Until 2026-12-07 that budget counted the text of a capture alone, and the reader kept 21,000 of these files, 11 MB of resident memory for 2 MB of text; each capture is now charged its path and 256 bytes for the objects that carry it as well (the 500,000-file point 117 → 109 MB in 3 alternating runs, the 1-file point 77 MB in both; the JSON of the 61 sample, corpus and bench images unchanged). Tried and dropped (5 alternating runs each): a pool of names only, with a directory id per entry: 2.5 MB less at 500,000 files, but 13% more CPU, since every path a check read was then made by concatenation; a hash table filled to 0.7 with a 12-bit tag of the hash in each slot: 1 MB less, 5% more CPU.',
  '',
];

/** The section's text: per curve a table, the fitted line over the upper half, where it bends, and the memory ratio. */
export function imageScalingMarkdown(out, fmt) {
  const lines = [
    START,
    '## 7b. Scaling curves (images)',
    '',
    `One whole CLI process (\`node dist/cli.cjs --format json --fail-on none IMAGE.docker.tar\`) per generated docker-archive (\`bench/image-scaling.mjs\`, written by a tar writer of its own: a base layer with \`/etc/passwd\` and \`/etc/os-release\`, then N layers of 20 files of 4 KB; or one layer of N files of 100 bytes, 1,000 per directory; or 4 layers of 1 MB files of incompressible bytes, N MB in all), ${out.runs} runs after a warm-up, alternating with \`node -e 0\`; medians. Peak RSS from \`/usr/bin/time\`. Load average (1 min) at the start and the end: ${out.loadAverage.map((l) => fmt(l, 1)).join(', ')}.`,
    '',
  ];
  const verdicts = [];
  for (const curve of CURVES) {
    const rows = out.curves[curve.key] ?? [];
    const ok = rows.filter((r) => !r.refused);
    if (ok.length < 2) continue;
    lines.push(`![time against ${curve.title}](perf/image-${curve.key}-time.svg) ![peak memory against ${curve.title}](perf/image-${curve.key}-memory.svg)`, '');
    lines.push(`| ${curve.title} | archive MB | wall ms | \`node -e 0\` ms | peak RSS MB |`, '|---|---|---|---|---|');
    for (const r of rows) lines.push(r.refused ? `| ${curve.fmtX(r.x)} | ${fmt(r.bytes / MB, 1)} | refused: ${r.refused} | — | — |` : `| ${curve.fmtX(r.x)} | ${fmt(r.bytes / MB, 1)} | ${fmt(r.wallMs, 0)} | ${fmt(r.nodeMs, 0)} | ${fmt(r.peakRssMB, 0)} |`);
    const upper = ok.slice(Math.floor(ok.length / 2));
    const f = fit(upper.map((r) => ({ x: r.x, y: r.wallMs })));
    const bend = f.b > 0 ? f.a / f.b : null;
    const rss = ok.map((r) => r.peakRssMB);
    const ratio = Math.max(...rss) / Math.min(...rss);
    const largest = ok[ok.length - 1].peakRssMB;
    const flat = ratio <= 1.5 && largest <= 300;
    verdicts.push({ curve: curve.title, ratio, largest, flat });
    const shape = f.b <= 0 || f.r2 < 0.5
      ? `No growth above the noise from ${curve.fmtX(upper[0].x)} up (least squares slope ${fmt(f.b, 2)} ms per ${curve.unit}, R² ${fmt(f.r2, 3)}): the process's fixed part dominates every point`
      : `Linear from ${curve.fmtX(upper[0].x)} up: ${fmt(f.b, f.b < 1 ? 3 : 1)} ms per ${curve.unit} + ${fmt(f.a, 0)} ms (least squares over those points, R² ${fmt(f.r2, 3)})${bend === null ? '' : `; it bends (the ${curve.unit}s start to cost as much as the process's fixed part) near ${curve.fmtX(Math.round(bend))}`}`;
    lines.push('', `${shape}. Memory: peak RSS ${fmt(Math.min(...rss), 0)} to ${fmt(Math.max(...rss), 0)} MB, largest/smallest ${fmt(ratio, 2)}, ${fmt(largest, 0)} MB at the largest point: **${flat ? 'flat' : 'not flat'}** (target: ≤ 1.5 and ≤ 300 MB).`, '');
  }
  const all = verdicts.every((v) => v.flat);
  lines.push(...FILES_NOTE);
  lines.push(`Target (memory flat on every image curve): **${all ? 'met' : 'not met'}**${all ? '' : ` (${verdicts.filter((v) => !v.flat).map((v) => `${v.curve}: ${fmt(v.ratio, 2)}x, ${fmt(v.largest, 0)} MB`).join('; ')})`}.`, '', END, '');
  return lines;
}

// `node bench/image-scaling.mjs`: this section alone, merged into docs/performance.md and bench/results.json.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  if (!existsSync(join(root, 'dist/cli.cjs'))) throw new Error('dist/cli.cjs is missing: run npm run build');
  const resultsPath = join(root, 'bench/results.json');
  const results = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : { machine: { cpus: cpus().length } };
  const md = [];
  if (process.argv.includes('--markdown-from-results')) {
    // Rewrites the section from bench/results.json (after a change to this text).
    md.push(...imageScalingMarkdown(results.imageScaling, fmt));
    writeCharts(root, results.imageScaling);
  } else await imageScalingBenchmarks({ root, results, md, median, fmt, runs: Number(process.env.BENCH_RUNS ?? 3) });
  writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
  const docPath = join(root, 'docs/performance.md');
  const section = md.join('\n').trimEnd();
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Performance\n';
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a >= 0 && b > a) doc = doc.slice(0, a) + section + doc.slice(b + END.length);
  else {
    const at = doc.indexOf('\n## 8.');
    doc = at >= 0 ? `${doc.slice(0, at + 1)}${section}\n\n${doc.slice(at + 1)}` : `${doc.trimEnd()}\n\n${section}\n`;
  }
  writeFileSync(docPath, doc);
  console.log(section);
}
