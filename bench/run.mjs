// npm run bench: shipshape against its peers and against the floor, in one run. Medians of several
// runs after a warm-up; every figure is also given as a ratio to a baseline measured in the same run.
import { readFileSync, writeFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const corpus = join(root, '..', 'shared', 'corpus', 'real');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const results = { date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', node: process.version }, runs: RUNS };
const md = [];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 1) => x.toFixed(d);

async function timed(fn, runs = RUNS) {
  await fn(); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { median: median(times), times };
}

// 1. Dockerfile throughput in one process
async function throughput() {
  const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8'));
  const texts = manifest.map((m) => readFileSync(join(corpus, m.file), 'utf8'));
  const { analyzeDockerfile } = await import(join(root, 'dist/api.js'));
  const { validate } = require('dockerfile-utils');
  const dockerfilelint = require('dockerfilelint');
  let ssCrashes = 0;
  let dflCrashes = 0;
  const ss = await timed(async () => {
    ssCrashes = 0;
    for (const t of texts) {
      try {
        await analyzeDockerfile(t);
      } catch {
        ssCrashes++;
      }
    }
  });
  const du = await timed(async () => {
    for (const t of texts) validate(t);
  });
  const dfl = await timed(async () => {
    dflCrashes = 0;
    for (const t of texts) {
      try {
        dockerfilelint.run(root, t);
      } catch {
        dflCrashes++;
      }
    }
  });
  // The floor set by the chosen dependencies themselves: dockerfile-ast's parse, and tree-sitter-bash
  // parsing every shell body (no model, no checks).
  const { DockerfileParser } = require('dockerfile-ast');
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const tsp = new Parser();
  tsp.setLanguage(bash);
  const bodies = [];
  for (const t of texts) {
    const f = await analyzeDockerfile(t);
    for (const i of f.facts.instructions) if (i.shell) bodies.push(i.bodyText.text);
  }
  const astOnly = await timed(async () => {
    for (const t of texts) DockerfileParser.parse(t);
  });
  const shellOnly = await timed(async () => {
    for (const b of bodies) tsp.parse(b).delete();
  });
  const n = texts.length;
  const rate = (r) => n / (r.median / 1000);
  const out = {
    files: n,
    shipshape: { filesPerSecond: rate(ss), medianMs: ss.median, crashes: ssCrashes },
    dockerfileUtilsValidate: { filesPerSecond: rate(du), medianMs: du.median },
    dockerfilelint: { filesPerSecond: rate(dfl), medianMs: dfl.median, crashes: dflCrashes },
    ratioVsDockerfileUtils: rate(ss) / rate(du),
    target: 1.2,
    floor: { dockerfileAstParseMs: astOnly.median, treeSitterBodiesMs: shellOnly.median, bodies: bodies.length, ratioVsDockerfileUtils: du.median / (astOnly.median + shellOnly.median) },
  };
  results.dockerfileThroughput = out;
  md.push(
    '## 1. Dockerfile throughput, one process',
    '',
    `All ${n} files of \`../shared/corpus/real/\`, analyzed in one process, ${RUNS} runs after a warm-up (median).`,
    '',
    '| tool | files/s | ratio to dockerfile-utils validate() | crashes |',
    '|---|---|---|---|',
    `| shipshape \`analyzeDockerfile\` (every check, shell parsed) | ${fmt(rate(ss), 0)} | ${fmt(out.ratioVsDockerfileUtils, 2)}x | ${ssCrashes} |`,
    `| dockerfile-utils \`validate()\` | ${fmt(rate(du), 0)} | 1.00x | — |`,
    `| dockerfilelint \`run()\` | ${fmt(rate(dfl), 0)} | ${fmt(rate(dfl) / rate(du), 2)}x | ${dflCrashes} |`,
    `| floor: dockerfile-ast \`parse()\` alone | ${fmt(rate(astOnly), 0)} | ${fmt(rate(astOnly) / rate(du), 2)}x | — |`,
    `| floor: dockerfile-ast \`parse()\` + tree-sitter-bash on all ${bodies.length} shell bodies, nothing else | ${fmt(n / ((astOnly.median + shellOnly.median) / 1000), 0)} | ${fmt(out.floor.ratioVsDockerfileUtils, 2)}x | — |`,
    '',
    'dockerfilelint crashes on some files (it throws on option-less `HEALTHCHECK CMD`, for one); a crashed file counts as analyzed in its rate.',
    'The last row is what the two parsers DESIGN.md prescribes cost by themselves, before shipshape builds its model or runs a check: shipshape cannot be faster than that row.',
    '',
    `Target: shipshape at least 1.2x dockerfile-utils: **${out.ratioVsDockerfileUtils >= 1.2 ? 'met' : 'not met'}**.`,
    '',
  );
}

// 2. Cold start of the bundled CLI
function coldStart() {
  const file = join(root, 'sample-images/node-app/Dockerfile');
  const cmds = {
    'node -e ""': [process.execPath, ['-e', '']],
    'shipshape (dist/cli.js)': [process.execPath, [join(root, 'dist/cli.js'), '--fail-on', 'none', file]],
    'dockerfile-utils lint': [process.execPath, [require.resolve('dockerfile-utils/bin/dockerfile-utils'), 'lint', file]],
    'dockerfilelint': [process.execPath, [join(root, 'node_modules/dockerfilelint/bin/dockerfilelint'), file]],
  };
  const out = {};
  const runs = Math.max(RUNS * 2, 10);
  for (const [name, [cmd, args]] of Object.entries(cmds)) {
    spawnSync(cmd, args, { stdio: 'ignore' });
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      spawnSync(cmd, args, { stdio: 'ignore' });
      times.push(performance.now() - t0);
    }
    out[name] = median(times);
  }
  const ss = out['shipshape (dist/cli.js)'];
  results.coldStart = { medianMs: out, ratioVsNode: ss / out['node -e ""'], ratioVsDockerfileUtils: ss / out['dockerfile-utils lint'], targets: { vsNode: 2.5, vsDockerfileUtils: 1.2 } };
  md.push(
    '## 2. Cold start',
    '',
    `One Dockerfile (\`sample-images/node-app/Dockerfile\`), ${runs} runs after a warm-up, median wall time.`,
    '',
    '| command | median ms | ratio to `node -e ""` |',
    '|---|---|---|',
    ...Object.entries(out).map(([k, v]) => `| ${k} | ${fmt(v)} | ${fmt(v / out['node -e ""'], 2)}x |`),
    '',
    `shipshape / dockerfile-utils lint = ${fmt(results.coldStart.ratioVsDockerfileUtils, 2)}x (target ≤ 1.2x: **${results.coldStart.ratioVsDockerfileUtils <= 1.2 ? 'met' : 'not met'}**); shipshape / node = ${fmt(results.coldStart.ratioVsNode, 2)}x (target ≤ 2.5x: **${results.coldStart.ratioVsNode <= 2.5 ? 'met' : 'not met'}**).`,
    '',
  );
}

let image = null;
try {
  image = await import('./image.mjs');
} catch {
  image = null;
}

await throughput();
coldStart();
if (image) await image.imageBenchmarks({ root, results, md, RUNS, median, fmt });

mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
const header = [
  '# Performance',
  '',
  `Measured by \`npm run bench\` on ${results.machine.cpus} cores (${results.machine.model}), Node ${results.machine.node}, ${results.date.slice(0, 10)}.`,
  'Every figure is the median of several runs after a warm-up; ratios compare tools measured in the same run, since these shared machines are noisy.',
  'Machine-readable results: `bench/results.json`.',
  '',
  'Commands: `npm run bench` (which runs `node scripts/build.mjs && node bench/run.mjs`); `BENCH_RUNS=N` changes the number of runs.',
  '',
];
writeFileSync(join(root, 'docs/performance.md'), [...header, ...md].join('\n'));
console.log([...header, ...md].join('\n'));
