// Scaling curves of the Dockerfile side (issue 18): time and peak memory of one whole CLI process
// against the Dockerfile's size and its number of stages, drawn as SVG charts by this script (not by
// hand). Each point is one generated Dockerfile, run `runs` times (median wall time, median peak RSS
// from /usr/bin/time); `node -e 0` is measured in the same rounds as the floor.
import { writeFileSync, mkdirSync, mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tmpdir, loadavg } from 'node:os';
import { median } from './stats.mjs';

/** One block of a realistic single-stage Dockerfile (package installs, a shell script that needs the grammar, copies, env). */
function block(i) {
  return [
    `# step ${i}`,
    `ENV APP_HOME=/opt/app${i} PATH=/opt/app${i}/bin:$PATH`,
    `RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates git \\`,
    `    && rm -rf /var/lib/apt/lists/*`,
    `COPY --chown=app:app src/part${i}/ /opt/app${i}/`,
    `RUN if [ -f /opt/app${i}/setup.sh ]; then sh /opt/app${i}/setup.sh --prefix "$APP_HOME" > /tmp/setup${i}.log 2>&1; fi; \\`,
    `    for f in /opt/app${i}/*.conf; do cp "$f" /etc/app/; done`,
    `WORKDIR /opt/app${i}`,
    '',
  ].join('\n');
}

/** A single-stage Dockerfile of about `bytes` bytes. */
export function dockerfileOfSize(bytes) {
  const head = 'FROM debian:12-slim\nRUN useradd --create-home app\n';
  const tail = 'USER app\nCMD ["/opt/app0/bin/server"]\n';
  const parts = [head];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const b = block(i);
    parts.push(b);
    size += b.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** A Dockerfile of `n` stages, each built on the one before and copying from the one before that. */
export function dockerfileOfStages(n) {
  const out = ['FROM debian:12-slim AS s0', 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*', ''];
  for (let i = 1; i < n; i++) {
    out.push(`FROM s${i - 1} AS s${i}`, `COPY --from=s${Math.max(0, i - 2)} /etc/os-release /tmp/os-release-${i}`, `RUN echo "stage ${i}" > /tmp/stage-${i} && test -s /tmp/os-release-${i}`, '');
  }
  out.push('USER nobody', 'CMD ["true"]', '');
  return out.join('\n');
}

/** One run: wall ms, and peak RSS in MB when /usr/bin/time is there (NaN otherwise). */
export function runOnce(cmd, args, timeFile, timeout = 300_000) {
  const time = existsSync('/usr/bin/time');
  const opts = { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout, maxBuffer: 64 << 20 };
  const t0 = performance.now();
  const r = time ? spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%M', cmd, ...args], opts) : spawnSync(cmd, args, opts);
  const wall = performance.now() - t0;
  const rss = time ? Number(/(\d+)\s*$/.exec(readFileSync(timeFile, 'utf8'))?.[1] ?? NaN) / 1024 : NaN;
  return { wall, rss, status: r.status, stderr: r.stderr ?? '' };
}

/** Least-squares line y = a + b·x and its R². */
export function fit(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const b = sxx === 0 ? 0 : sxy / sxx;
  const a = my - b * mx;
  const ssr = points.reduce((s, p) => s + (p.y - (a + b * p.x)) ** 2, 0);
  const sst = points.reduce((s, p) => s + (p.y - my) ** 2, 0);
  return { a, b, r2: sst === 0 ? 1 : 1 - ssr / sst };
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A line chart as SVG: log-scaled x, linear or log y, one or more series of {x, y} points. */
export function chart({ title, xLabel, yLabel, series, logY = false, xTicks, xFmt = String }) {
  const W = 640, H = 360, L = 70, R = 20, T = 40, B = 55;
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const x0 = Math.log10(Math.min(...xs)), x1 = Math.log10(Math.max(...xs));
  const yMin = logY ? Math.min(...ys) / 1.3 : 0;
  const yMax = Math.max(...ys) * 1.1;
  const y0 = logY ? Math.log10(yMin) : 0, y1 = logY ? Math.log10(yMax) : yMax;
  const px = (x) => Math.round((L + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - L - R)) * 10) / 10;
  const py = (y) => Math.round((H - B - (((logY ? Math.log10(y) : y) - y0) / (y1 - y0 || 1)) * (H - T - B)) * 10) / 10;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`];
  // Axes, ticks and grid.
  out.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`, `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`);
  for (const t of xTicks) {
    out.push(`<line x1="${px(t)}" y1="${T}" x2="${px(t)}" y2="${H - B}" stroke="#ddd"/>`, `<text x="${px(t)}" y="${H - B + 16}" text-anchor="middle">${esc(xFmt(t))}</text>`);
  }
  const yTicks = [];
  if (logY) {
    for (let e = Math.floor(y0); e <= Math.ceil(y1); e++) for (const m of [1, 2, 5]) { const v = m * 10 ** e; if (v >= yMin && v <= yMax) yTicks.push(v); }
  } else {
    const step = 10 ** Math.floor(Math.log10(yMax / 5));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => yMax / s <= 8) ?? step * 10;
    for (let v = 0; v <= yMax; v += nice) yTicks.push(v);
  }
  for (const t of yTicks) out.push(`<line x1="${L}" y1="${py(t)}" x2="${W - R}" y2="${py(t)}" stroke="#eee"/>`, `<text x="${L - 6}" y="${py(t) + 4}" text-anchor="end">${esc(t >= 1000 ? `${t / 1000}k` : t)}</text>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`, `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  const colors = ['#1f6feb', '#8b949e', '#d1242f'];
  series.forEach((s, i) => {
    const c = colors[i % colors.length];
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${s.points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of s.points) out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${c}"/>`);
    out.push(`<rect x="${L + 12}" y="${T + 4 + i * 18}" width="12" height="4" fill="${c}"/>`, `<text x="${L + 30}" y="${T + 10 + i * 18}">${esc(s.name)}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}


/**
 * The section's text from the measured points. Linear or not: a least-squares line over the points
 * of the upper half (below them Node's start and the bundle dominate), and where the curve bends on
 * the log-log chart: the size at which the size-proportional part equals the fixed part (intercept / slope).
 */
export function scalingMarkdown(sc, fmt, cpus) {
  const { runs, loadAverage: load, dockerfileSize: sizes, stages } = sc;
  const okSizes = sizes.filter((s) => !s.refused);
  const okStages = stages.filter((s) => !s.refused);
  const curve = (pts) => {
    const upper = pts.slice(Math.floor(pts.length / 2));
    const f = fit(upper);
    return { ...f, from: upper[0].x, bend: f.b > 0 ? f.a / f.b : null };
  };
  const size = curve(okSizes.map((s) => ({ x: s.bytes / (1 << 20), y: s.wallMs })));
  const st = curve(okStages.map((s) => ({ x: s.stages, y: s.wallMs })));
  sc.fits = { dockerfileSize: size, stages: st };
  const refused = sizes.find((s) => s.refused);
  const rss = (pts) => `peak RSS from ${fmt(Math.min(...pts.map((s) => s.peakRssMB)), 0)} to ${fmt(Math.max(...pts.map((s) => s.peakRssMB)), 0)} MB`;
  return [
    '## 7. Scaling curves (Dockerfiles)',
    '',
    `One whole CLI process (\`node dist/cli.cjs --shellcheck off --format json --fail-on none FILE\`, shipshape's own analysis) per generated Dockerfile (\`bench/scaling.mjs\`: a single stage of repeated blocks of ENV, an \`apt-get install\` RUN, COPY, a RUN with an \`if\`/\`for\` script that needs the shell grammar, WORKDIR; or N stages each built on the one before and copying from the one before that), ${runs} runs after a warm-up, alternating with \`node -e 0\`; medians. Peak RSS from \`/usr/bin/time\`. Load average (1 min) at the start and the end: ${load.map((l) => fmt(l, 1)).join(', ')} on ${cpus} cores: on a machine this busy, the small points (where Node's start dominates) move by a few hundred ms from run to run, as the \`node -e 0\` column shows.`,
    '',
    '![time against Dockerfile size](perf/dockerfile-size-time.svg) ![peak memory against Dockerfile size](perf/dockerfile-size-memory.svg)',
    '',
    '| Dockerfile size | lines | wall ms | `node -e 0` ms | peak RSS MB |',
    '|---|---|---|---|---|',
    ...sizes.map((s) => (s.refused ? `| ${fmtBytes(s.bytes)} | ${s.lines} | refused: ${esc(s.refused)} | — | — |` : `| ${fmtBytes(s.bytes)} | ${s.lines} | ${fmt(s.wallMs, 0)} | ${fmt(s.nodeMs, 0)} | ${fmt(s.peakRssMB, 0)} |`)),
    '',
    `Linear from ${fmtBytes(Math.round(size.from * (1 << 20)))} up: ${fmt(size.b, 0)} ms per MB + ${fmt(size.a, 0)} ms (least squares over those points, R² ${fmt(size.r2, 3)}). It bends (the file starts to cost as much as the process's fixed part) near ${size.bend === null ? '—' : fmtBytes(Math.round((size.bend * (1 << 20)) / 1024) * 1024)}; below that the curve is flat. Memory: ${rss(okSizes)}, growing with the file (the model, the shell trees and the findings are held until the report is written). The curve stops at ${fmtBytes(okSizes[okSizes.length - 1].bytes)} by default (4 and 8 MB would take several minutes per point on this machine; \`BENCH_SCALING_MAX_KB=8192\` runs 4 and 8 MB too).${refused ? ` The ${fmtBytes(refused.bytes)} file is refused (${esc(refused.refused)}), so the curve stops there.` : ''}`,
    '',
    '![time against stages](perf/stages-time.svg) ![peak memory against stages](perf/stages-memory.svg)',
    '',
    '| stages | bytes | wall ms | `node -e 0` ms | peak RSS MB |',
    '|---|---|---|---|---|',
    ...stages.map((s) => (s.refused ? `| ${s.stages} | ${s.bytes} | refused: ${esc(s.refused)} | — | — |` : `| ${s.stages} | ${s.bytes} | ${fmt(s.wallMs, 0)} | ${fmt(s.nodeMs, 0)} | ${fmt(s.peakRssMB, 0)} |`)),
    '',
    `Linear from ${st.from} stages up: ${fmt(st.b, 2)} ms per stage + ${fmt(st.a, 0)} ms (R² ${fmt(st.r2, 3)}); it bends near ${st.bend === null ? '—' : fmt(st.bend, 0)} stages, below which the stages cost less than the process's fixed part. Memory: ${rss(okStages)}.`,
    '',
  ];
}

const KB = 1024;
const fmtBytes = (b) => (b >= 1 << 20 ? `${b / (1 << 20)} MB` : `${b / KB} KB`);

export async function scalingBenchmarks({ root, results, md, median, fmt, runs = 3 }) {
  const tmp = mkdtempSync(join(tmpdir(), 'shipshape-scaling-'));
  const timeFile = join(tmp, 'time.txt');
  const cli = join(root, 'dist/cli.cjs');
  const node = process.execPath;
  const load = [loadavg()[0]];
  const measure = (file) => {
    const ss = [];
    const base = [];
    for (let r = -1; r < runs; r++) {
      const a = runOnce(node, [cli, '--shellcheck', 'off', '--format', 'json', '--fail-on', 'none', file], timeFile);
      const b = runOnce(node, ['-e', '0'], timeFile);
      if (r < 0) {
        if (a.status !== 0) return { refused: a.stderr.trim().split('\n')[0] };
        continue;
      }
      ss.push(a);
      base.push(b);
    }
    return { wallMs: median(ss.map((x) => x.wall)), peakRssMB: median(ss.map((x) => x.rss)), nodeMs: median(base.map((x) => x.wall)) };
  };
  try {
    const sizes = [];
    for (const bytes of (process.env.BENCH_SCALING_MAX_KB ? [1, 4, 16, 64, 256, 1024, 4096, 8192].filter((k) => k <= Number(process.env.BENCH_SCALING_MAX_KB)) : [1, 4, 16, 64, 256, 1024]).map((k) => k * KB)) {
      const file = join(tmp, `size-${bytes}.Dockerfile`);
      const text = dockerfileOfSize(bytes);
      writeFileSync(file, text);
      const m = measure(file);
      sizes.push({ bytes, actualBytes: Buffer.byteLength(text), lines: text.split('\n').length - 1, ...m });
      if (m.refused || m.wallMs > 120_000) break;
    }
    const stages = [];
    for (const n of [1, 3, 10, 30, 100, 300, 1000]) {
      const file = join(tmp, `stages-${n}.Dockerfile`);
      const text = dockerfileOfStages(n);
      writeFileSync(file, text);
      stages.push({ stages: n, bytes: Buffer.byteLength(text), ...measure(file) });
    }
    load.push(loadavg()[0]);
    results.scaling = { runs, loadAverage: load, dockerfileSize: sizes, stages };
    const okSizes = sizes.filter((s) => !s.refused);
    const okStages = stages.filter((s) => !s.refused);

    const dir = join(root, 'docs/perf');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'dockerfile-size-time.svg'),
      chart({ title: 'Whole CLI process against Dockerfile size', xLabel: 'Dockerfile size (log scale)', yLabel: 'wall time, ms (log scale)', logY: true, xTicks: okSizes.map((s) => s.bytes), xFmt: fmtBytes, series: [{ name: 'shipshape --format json FILE', points: okSizes.map((s) => ({ x: s.bytes, y: s.wallMs })) }, { name: 'node -e 0', points: okSizes.map((s) => ({ x: s.bytes, y: s.nodeMs })) }] }),
    );
    const haveRss = [...okSizes, ...okStages].every((s) => Number.isFinite(s.peakRssMB));
    if (haveRss) writeFileSync(
      join(dir, 'dockerfile-size-memory.svg'),
      chart({ title: 'Peak memory against Dockerfile size', xLabel: 'Dockerfile size (log scale)', yLabel: 'peak RSS, MB', xTicks: okSizes.map((s) => s.bytes), xFmt: fmtBytes, series: [{ name: 'shipshape --format json FILE', points: okSizes.map((s) => ({ x: s.bytes, y: s.peakRssMB })) }] }),
    );
    writeFileSync(
      join(dir, 'stages-time.svg'),
      chart({ title: 'Whole CLI process against number of stages', xLabel: 'stages (log scale)', yLabel: 'wall time, ms (log scale)', logY: true, xTicks: okStages.map((s) => s.stages), series: [{ name: 'shipshape --format json FILE', points: okStages.map((s) => ({ x: s.stages, y: s.wallMs })) }, { name: 'node -e 0', points: okStages.map((s) => ({ x: s.stages, y: s.nodeMs })) }] }),
    );
    if (haveRss) writeFileSync(
      join(dir, 'stages-memory.svg'),
      chart({ title: 'Peak memory against number of stages', xLabel: 'stages (log scale)', yLabel: 'peak RSS, MB', xTicks: okStages.map((s) => s.stages), series: [{ name: 'shipshape --format json FILE', points: okStages.map((s) => ({ x: s.stages, y: s.peakRssMB })) }] }),
    );

    md.push(...scalingMarkdown(results.scaling, fmt, results.machine.cpus));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// `node bench/scaling.mjs`: these curves alone, printed (the charts are written to docs/perf/).
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const { cpus } = await import('node:os');
  const root = join(new URL('.', import.meta.url).pathname, '..');
  const results = { machine: { cpus: cpus().length } };
  const md = [];
  if (process.argv.includes('--markdown-from-results')) {
    // Rewrites section 7 of docs/performance.md from bench/results.json (after a change to this text).
    const saved = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8'));
    const text = scalingMarkdown(saved.scaling, (x, d = 1) => x.toFixed(d), saved.machine.cpus).join('\n');
    const docPath = join(root, 'docs/performance.md');
    const doc = readFileSync(docPath, 'utf8');
    const a = doc.indexOf('## 7. Scaling curves');
    const b = doc.indexOf('\n## 8.', a);
    writeFileSync(docPath, doc.slice(0, a) + text + doc.slice(b));
    writeFileSync(join(root, 'bench/results.json'), JSON.stringify(saved, null, 2) + '\n');
    process.exit(0);
  }
  if (!existsSync(join(root, 'dist/cli.cjs'))) throw new Error('dist/cli.cjs is missing: run npm run build');
  await scalingBenchmarks({ root, results, md, median, fmt: (x, d = 1) => x.toFixed(d), runs: Number(process.env.BENCH_RUNS ?? 3) });
  console.log(md.join('\n'));
}
