/** The shipshape command line. */
import { Command, CommanderError, Option } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { analyzeTargets, applyBaselines, failed, keepChanged, UsageError, type AnalyzedTarget, type RunRequest } from '../analyze.js';
import { checks as allChecks } from '../../checks/index.js';
import { inputsOf, SEVERITY_RANK, type Check, type Severity } from '../engine/types.js';
import { resolveTargets, type Input } from '../targets.js';
import { stdinSource, type StdinSource } from '../stdin.js';
import { VERSION } from '../version.js';
import { eolTableAge } from '../knowledge/eol.js';
import { FORMATS, RENDERERS, type Format } from '../report/index.js';
import { renderRuleDoc, renderRuleText } from '../engine/docs.js';
import { designates, findingIdOf, findingRule, isKnownName, nameKey, namesFindings, peerTool, unknownName } from '../engine/names.js';
import { BASELINE_FILE } from '../engine/baseline.js';
import { addSourceOptions, SOURCES_HELP, sourceOptionsOf, type SourceFlags } from './sources.js';
import { analyzeInParallel, defaultJobs, MIN_FILES, serveAsWorker, WORKER_MARK } from './parallel.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Standard input, read only when a target is `-` (`stdinSource()`). */
  stdin: () => StdinSource;
  isTTY: boolean;
}

type FailOn = Severity | 'none';

interface CheckOptions extends SourceFlags {
  format: Format;
  /** Unset unless given: the config file's `failOn`, then `warning`. */
  failOn?: FailOn;
  output?: string;
  config?: string;
  minSeverity: Severity;
  ignore: string[];
  context?: string;
  platform?: string;
  imageRef?: string;
  baseFindings?: boolean;
  dockerfile?: string;
  target?: string;
  exclude: string[];
  baseline?: string;
  changedSince?: string;
  /** --shellcheck auto|on|off|PATH. */
  shellcheck?: string;
  /** False with --no-color. */
  color: boolean;
  fix?: boolean;
  fixUnsafe?: boolean;
  diff?: boolean;
  image: string[];
  imagesFromEngine?: boolean;
  /** --jobs: threads for a large batch of Dockerfiles (default: see defaultJobs). */
  jobs?: number;
}

const MIN_FILES_TEXT = String(MIN_FILES);

function jobsOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64) throw new UsageError(`--jobs ${value}: a whole number of threads from 1 to 64`);
  return n;
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** Targets resolved (globs, directories searched, compose and bake builds) and analysed with the flags' settings. */
async function analyzeFor(targets: string[], opts: CheckOptions, io: Io): Promise<AnalyzedTarget[]> {
  for (const r of opts.ignore) if (!isKnownName(allChecks, r)) throw new UsageError(`--ignore ${r}: ${unknownName(r, allChecks)}`);
  const resolved = await resolveTargets(targets, { context: opts.context ?? null, stdin: io.stdin, exclude: opts.exclude, ...(opts.config ? { config: opts.config } : {}) });
  for (const note of resolved.notes) io.stderr(`shipshape: note: ${note}\n`);
  const inputs: Input[] = [...resolved.inputs, ...resolved.unmatched.map((g): Input => ({ kind: 'error', path: g, targetKind: 'dockerfile', message: `${g}: matches no file` }))];
  // An image's file index lives outside the heap (src/image/file-table.ts), but reading it makes
  // garbage by the entry, and V8 doubles the young generation each time the bytes that survived
  // scavenges since the last doubling pass its size, up to 16 MB semi-spaces: 32 MB more resident,
  // most of an image's peak above Node's own. From here on it keeps the size startup gave it. On the
  // bench images the peak fell by 12 to 35 MB and the time did not move (docs/performance.md, 7b);
  // a Dockerfile batch keeps the default, which measured about 8% less CPU than this.
  if (inputs.some((i) => i.kind === 'image')) setFlagsFromString('--semi-space-growth-factor=1');
  const fixing = opts.fix || opts.fixUnsafe || opts.diff;
  if (fixing && !opts.diff && inputs.some((i) => i.path === '<stdin>')) throw new UsageError('--fix: a Dockerfile read from stdin cannot be rewritten; use --diff to print the changes');
  const sources = sourceOptionsOf(opts);
  const request: RunRequest = {
    ...(fixing ? { fix: opts.fixUnsafe ? (['safe', 'suggested'] as const) : (['safe'] as const) } : {}),
    ignore: opts.ignore,
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.failOn ? { failOn: opts.failOn } : {}),
    ...(opts.baseFindings ? { baseFindings: true } : {}),
    ...(opts.context ? { context: opts.context } : {}),
    ...(opts.platform ? { platform: opts.platform } : {}),
    ...(opts.imageRef ? { imageRef: opts.imageRef } : {}),
    ...(opts.dockerfile ? { dockerfile: opts.dockerfile } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    sources,
    ...(opts.image.length ? { images: opts.image } : {}),
    ...(opts.imagesFromEngine ? { imagesFromEngine: true } : {}),
    ...(opts.shellcheck ? { shellcheck: opts.shellcheck } : {}),
  };
  let results: AnalyzedTarget[];
  try {
    results = (await analyzeInParallel(inputs, request, opts.jobs ?? defaultJobs())) ?? (await analyzeTargets(inputs, request));
  } catch (e) {
    // A bad config file or --dockerfile: machine-readable output stays a document, each target carrying the error.
    if (!(e instanceof UsageError) || (opts.format !== 'json' && opts.format !== 'sarif')) throw e;
    results = inputs.map((i) => ({ path: i.path, kind: i.kind === 'error' ? i.targetKind : i.kind, error: e.message, findings: [], failOn: 'warning', notes: [] }));
  }
  for (const r of results) for (const note of r.notes) io.stderr(`shipshape: note: ${note}\n`);
  // The launcher (launch.ts) keeps V8's code cache from a run that analyzed a Dockerfile, so the cache holds the checks.
  if (results.some((r) => r.kind === 'dockerfile' && r.error === null)) (globalThis as Record<symbol, unknown>)[Symbol.for('shipshape.codeCache')] = true;
  return results;
}

function writeReport(report: string, output: string | undefined, io: Io): void {
  if (!output) return io.stdout(report);
  try {
    writeFileSync(output, report);
  } catch (e) {
    throw new UsageError(`--output ${output}: ${(e as Error).message.split('\n', 1)[0]}`);
  }
}

async function runCheck(targets: string[], opts: CheckOptions, io: Io): Promise<number> {
  let results = await analyzeFor(targets, opts, io);
  if (opts.fix || opts.fixUnsafe || opts.diff) {
    // Writing files and diffs: loaded only for a run that fixes.
    const { writeFixes } = await import('./fix-output.js');
    const changed = writeFixes(results, Boolean(opts.diff), io);
    if (opts.diff) return results.some((r) => r.error !== null) ? 2 : changed ? 1 : 0;
  }
  let baseline;
  if (opts.baseline || results.some((r) => r.baseline)) {
    const applied = await applyBaselines(results, opts.baseline);
    results = applied.results;
    baseline = applied.outcomes;
    if (opts.format !== 'text' && opts.format !== 'json') for (const b of baseline) io.stderr(`shipshape: baseline ${b.path}: ${b.matched} already recorded, ${b.gone} gone\n`);
  }
  if (opts.changedSince) results = await keepChanged(results, opts.changedSince);
  const min = SEVERITY_RANK[opts.minSeverity];
  const shown = results.map((r) => ({ ...r, findings: r.findings.filter((f) => SEVERITY_RANK[f.severity] >= min) }));
  const color = io.isTTY && !opts.output && opts.color;
  writeReport(RENDERERS[opts.format](shown, { color, checks: allChecks, ...(baseline ? { baseline } : {}) }), opts.output, io);
  if (results.some((r) => r.error !== null)) {
    if (opts.format !== 'text' || opts.output) for (const m of new Set(results.map((r) => r.error))) if (m !== null) io.stderr(`shipshape: ${m}\n`);
    return 2;
  }
  return failed(results, SEVERITY_RANK) ? 1 : 0;
}

/** `shipshape baseline`: records every current finding, so later runs with the baseline report only new ones. */
async function runBaseline(targets: string[], opts: CheckOptions, io: Io): Promise<number> {
  const results = await analyzeFor(targets, opts, io);
  const unread = results.filter((r) => r.error !== null);
  if (unread.length) {
    for (const r of unread) io.stderr(`shipshape: ${r.error}\n`);
    io.stderr('shipshape: no baseline written: every target must be read\n');
    return 2;
  }
  const { baselineOf, baselineText } = await import('../engine/baseline.js');
  const file = opts.output ?? BASELINE_FILE;
  const b = baselineOf(results, file);
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeReport(baselineText(b), file, io);
  const files = new Set(b.entries.map((e) => e.file)).size;
  io.stdout(`wrote ${file}: ${b.entries.length} finding${b.entries.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; \`shipshape --baseline ${file} …\` (or \`baseline: ${file}\` in .shipshape.yaml) now reports only new ones\n`);
  return 0;
}

/** `shipshape config --from-hadolint`: hadolint's config as the equivalent .shipshape.yaml. */
async function runConfig(opts: { fromHadolint?: string | true; output?: string; force?: boolean }, io: Io): Promise<number> {
  if (!opts.fromHadolint) throw new UsageError('config: say what to convert: --from-hadolint [FILE]');
  const source = typeof opts.fromHadolint === 'string' ? opts.fromHadolint : ['.hadolint.yaml', '.hadolint.yml'].find((f) => existsSync(f));
  if (!source) throw new UsageError('config --from-hadolint: no .hadolint.yaml or .hadolint.yml in this directory (name the file: --from-hadolint FILE)');
  const { loadConfig, configText } = await import('../engine/config.js');
  const { ConfigError } = await import('../engine/config-resolve.js');
  const { basename } = await import('node:path');
  let loaded;
  try {
    // Read as hadolint's whatever its name.
    loaded = loadConfig(source, allChecks, { as: 'hadolint' });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`config --from-hadolint: ${e.message}`);
    throw e;
  }
  const header = [`shipshape's settings, converted from hadolint's ${basename(source)} by \`shipshape config --from-hadolint\`.`, 'Keys: ignore, severity, failOn, trustedRegistries, labelSchema, strictLabels (see docs/configuration.md).'];
  for (const d of loaded.dropped ?? []) header.push(`not taken over: ${d}`);
  const text = configText(loaded.config, header);
  const out = opts.output ?? '.shipshape.yaml';
  if (out === '-') {
    io.stdout(text);
    return 0;
  }
  if (existsSync(out) && !opts.force) throw new UsageError(`config --from-hadolint: ${out} exists; --force replaces it, --output - prints the result`);
  writeReport(text, out, io);
  io.stdout(`wrote ${out} from ${source}${loaded.dropped?.length ? ` (${loaded.dropped.length} setting${loaded.dropped.length === 1 ? '' : 's'} not taken over, listed at its top)` : ''}\n`);
  return 0;
}

function runRules(format: 'text' | 'json', io: Io): number {
  const rules = allChecks.map((c) => ({
    id: c.id,
    category: c.category,
    severity: c.severity,
    title: c.title,
    inputs: inputsOf(c),
    aliases: [...(c.aliases ?? [])],
    fixable: c.fixable ?? 'none',
    // A check whose findings carry a peer's ids: the rule ids they are reported under (`shellcheck/SCnnnn`).
    ...(c.findingRules ? { findingRules: `${c.findingRules.prefix}/${c.findingRules.shape}` } : {}),
  }));
  if (format === 'json') io.stdout(JSON.stringify({ rules }, null, 2) + '\n');
  else {
    const w = Math.max(...rules.map((r) => r.id.length));
    for (const r of rules) io.stdout(`${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.title}${r.aliases.length ? `  (${r.aliases.join(', ')})` : ''}${r.findingRules ? `  (findings: ${r.findingRules})` : ''}\n`);
  }
  return 0;
}

/** The checks a query names: a rule id, peer id or category in any case, or a part of a rule's name. */
function explainMatches(query: string): { how: 'exact' | 'category' | 'partial' | 'finding'; checks: Check[] } {
  // The check's id, a peer id, or the prefix of its findings' rule ids (`shellcheck` for `shellcheck/SC…`).
  const exact = allChecks.filter((c) => [c.id, ...(c.aliases ?? []), ...(c.findingRules ? [c.findingRules.prefix] : [])].some((n) => nameKey(n) === nameKey(query)));
  if (exact.length) return { how: 'exact', checks: exact };
  // One kind of finding of a check (ShellCheck's SC2086 or shellcheck/SC2086 for correctness/shellcheck).
  const reporting = allChecks.filter((c) => namesFindings(c, query));
  if (reporting.length) return { how: 'finding', checks: reporting };
  const category = allChecks.filter((c) => designates(c, query));
  if (category.length) return { how: 'category', checks: category };
  const q = query.toLowerCase().replace(/^\/+|\/+$/g, '');
  const byName = allChecks.filter((c) => c.id.split('/')[1] === q);
  if (byName.length) return { how: 'exact', checks: byName };
  return { how: 'partial', checks: q.length >= 2 ? allChecks.filter((c) => c.id.includes(q) || c.title.toLowerCase().includes(q)) : [] };
}

function runExplain(query: string, opts: { format: 'text' | 'markdown' }, io: Io, color: boolean): number {
  const { how, checks } = explainMatches(query);
  const bold = (s: string): string => (color ? `\u001b[1m${s}\u001b[22m` : s);
  const page = (c: Check): string => (opts.format === 'markdown' ? renderRuleDoc(c) : renderRuleText(c, bold));
  if (how === 'exact' && checks.length === 1) {
    io.stdout(page(checks[0]!));
    return 0;
  }
  if (how === 'finding') {
    // `SC2086` or `shellcheck/SC2086`: the rule its findings carry, whose it is, and where the peer explains it.
    const heads = checks.map((c) => {
      const id = findingIdOf(c, query)!;
      const tool = peerTool(id);
      const rules = c.findingRules;
      // A check that reports the code under a rule of its own (shellcheck/SC2086) says so, and where the peer explains it.
      if (rules) return `${findingRule(rules, id)} is ${tool ? `${tool}'s ${id}` : id}, reported by ${c.id}; what it means: ${rules.helpUri.replace('{id}', id)}`;
      return `${id} is ${tool ? `${tool}'s` : 'a kind of finding'}, reported by ${c.id}`;
    });
    io.stdout(`${heads.join('\n')}\n\n${checks.map(page).join('\n')}`);
    return 0;
  }
  if (checks.length === 0) throw new UsageError(`explain ${query}: ${unknownName(query, allChecks)}`);
  const w = Math.max(...checks.map((c) => c.id.length));
  const head = how === 'category' ? `the ${checks[0]!.category} category has ${checks.length} rules:` : how === 'exact' ? `${query} is covered by ${checks.length} rules:` : `${checks.length} rule${checks.length === 1 ? '' : 's'} match "${query}":`;
  const list = checks.map((c) => `  ${c.id.padEnd(w)}  ${c.severity.padEnd(7)}  ${c.title}`);
  if (how === 'partial' && checks.length === 1) {
    io.stdout(page(checks[0]!));
    return 0;
  }
  io.stdout(`${head}\n${list.join('\n')}\n\nshipshape explain <rule> shows one.\n`);
  return 0;
}

/** The top-level help's part about the default command: its flags, then examples. */
function checkHelp(check: Command): string {
  const help = check.createHelp();
  const options = help.visibleOptions(check).filter((o) => o.long !== '--help');
  const w = Math.max(...options.map((o) => help.optionTerm(o).length));
  const lines = options.map((o) => `  ${help.optionTerm(o).padEnd(w)}  ${help.optionDescription(o)}`);
  return `\nFlags of check (the default command):\n${lines.join('\n')}\n`;
}

const EXAMPLES = `
Examples:
  shipshape .                                   every Dockerfile in the repository (.gitignore respected)
  shipshape Dockerfile                          one file; exit 1 when a finding is a warning or worse
  shipshape --fail-on error --ignore tags/no-digest services/
  shipshape --exclude 'legacy/**' --format sarif --output shipshape.sarif .
  shipshape baseline . && shipshape --baseline .shipshape-baseline.json .
  shipshape --changed-since origin/main .       only findings on lines changed since that ref
  shipshape --format json app.tar               an image saved with docker save
  shipshape ghcr.io/acme/app:1.4                an image: a file, else the engine's, else the registry's (check --help)
  docker save app:1.2 | shipshape -
  shipshape explain dl3025                      a rule's documentation (any case, peer ids, partial names)
  shipshape config --from-hadolint              .hadolint.yaml -> .shipshape.yaml
  shipshape --fix Dockerfile                    apply the safe fixes (--diff shows them, --fix-unsafe adds suggested ones)
  shipshape lsp                                 the language server for editors (docs/editors.md)
`;

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit status. */
export async function run(argv: string[], io: Io): Promise<number> {
  let status = 0;
  const program = new Command('shipshape');
  program
    .description('Best-practice analyzer for containers: Dockerfiles and saved image tarballs')
    .usage('[check] [flags] <targets...>  |  <command> [args]')
    .version(`${VERSION}\n${eolTableAge()}`, '-V, --version', 'print the version and the age of the end-of-life table')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError(false);

  const severities = ['error', 'warning', 'info'];
  const check = program
    .command('check', { isDefault: true })
    .description('analyze Dockerfiles, images (tarballs, registries, the engine, OCI layouts), Kubernetes manifests, directories holding them, or - for stdin')
    .argument('<targets...>', 'Dockerfile, directory, image tarball (docker save / OCI archive), Kubernetes YAML, -, or an image (see Images below)')
    .addOption(new Option('-f, --format <format>', 'output format: text, json, sarif (code scanning), github (annotations), markdown (job summary), checkstyle, junit, gitlab (Code Quality)').choices([...FORMATS]).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: the config\'s failOn, else warning)').choices([...severities, 'none']))
    .option('-o, --output <file>', 'write the report to this file instead of stdout (the exit status is unchanged)')
    .option('-c, --config <file>', 'use this config file instead of the nearest .shipshape.yaml above each target')
    .addOption(new Option('--min-severity <severity>', 'show findings at or above this severity').choices(severities).default('info'))
    .option('--ignore <rule>', 'skip a rule id, a category or a peer id (repeatable, comma-separated)', collect, [])
    .option('--context <dir>', 'build context directory (default: the Dockerfile\'s directory)')
    .option('--target <stage>', 'analyze this stage as the image, as docker build --target builds it (default: the last stage)')
    .option('--platform <os/arch>', 'platform to analyze in a multi-platform image (default: linux/amd64 from a registry, the host\'s from an archive or layout)')
    .option('--image-ref <ref>', 'analyze only this image (tag, OCI ref name or id prefix) of an archive holding several')
    .option('--dockerfile <file>', 'the Dockerfile the image targets were built from: image findings name the line that made their layer')
    .option('--base-findings', 'report what the base image owns (its tools, its wasted bytes) at full severity instead of info')
    .option('--image <image>', 'an image the Kubernetes manifest targets run, named as an image target is (archive, OCI layout, docker://, docker-daemon:, or a name for the engine or registry); matched to containers by its tags, not analyzed itself; repeatable', (v: string, prev: string[]) => [...prev, v], [])
    .option('--images-from-engine', 'with Kubernetes manifests: read the image of each container nothing else matches from the local Docker or Podman engine, when it has it (never pulled)')
    .option('--exclude <glob>', 'in directories and globs, skip paths matching this glob (repeatable; .gitignore, node_modules and vendor are always skipped)', collect, [])
    .option('--baseline <file>', 'report only findings not recorded in this baseline (written by `shipshape baseline`)')
    .option('--changed-since <ref>', 'report only findings on lines changed since this git revision (uncommitted changes included)')
    .option('--shellcheck <mode>', 'run ShellCheck over RUN bodies and entrypoint scripts: auto (when it is on the PATH; the default), on, off, or the path of the shellcheck executable')
    .option('--no-color', 'no ANSI colours (also NO_COLOR=1; colours are only ever used on a terminal)')
    .option('--fix', 'rewrite the Dockerfiles (and entrypoint scripts) with the safe fixes, then report what is left')
    .option('--fix-unsafe', 'also apply suggested fixes, which change behaviour you should review')
    .option('--diff', 'print the fixes as a unified diff instead of writing them (exit 1 when there are changes)')
    .option('--jobs <n>', `threads over a batch of ${MIN_FILES_TEXT} or more Dockerfiles (default: one fewer than the machine's cores, at most 4, and 1 below 3 cores; 1: one thread); the report is the same`, jobsOption)
    .addHelpText('after', '\nExamples:\n  shipshape Dockerfile\n  shipshape --format json app.tar\n  shipshape --fail-on error --ignore tags/no-digest .\n  shipshape --format sarif --output shipshape.sarif Dockerfile\n  shipshape --format github --config ci/.shipshape.yaml services/\n  shipshape --min-severity warning --context . docker/api.Dockerfile\n  shipshape --platform linux/arm64 --image-ref app:1.2 images.tar\n  shipshape --base-findings app.tar\n  shipshape --dockerfile Dockerfile app.tar\n  docker save app:1.2 | shipshape -')
    // Examples of the repository, baseline and colour flags (continuing the list above).
    .addHelpText('after', "  shipshape --target build Dockerfile\n  shipshape --exclude 'legacy/**' --exclude vendor-images .\n  shipshape --baseline .shipshape-baseline.json --changed-since origin/main .\n  shipshape --no-color --format text . | less\n  shipshape k8s/ --image app.tar --images-from-engine\n  shipshape --fix Dockerfile\n  shipshape --diff --fix-unsafe .\n  shipshape --shellcheck off Dockerfile\n  shipshape --shellcheck /opt/shellcheck/shellcheck --ignore shellcheck/SC2086 .\n  shipshape --jobs 1 --format json monorepo/")

    // Examples of the image-source flags, and how a target that is no file is read.
    .addHelpText('after', '  shipshape --insecure-registry localhost:5000 docker://localhost:5000/team/app:1.4\n  SHIPSHAPE_REGISTRY_PASSWORD=$TOKEN shipshape --registry-user ci-bot ghcr.io/acme/app:1.4\n  shipshape --pull never --timeout 60 docker-daemon:app:1.2')
    .addHelpText('after', SOURCES_HELP)
    .action(async (targets: string[], opts: CheckOptions) => {
      status = await runCheck(targets, opts, io);
    });
  addSourceOptions(check);

  const baseline = program
    .command('baseline')
    .description(`record every current finding in ${BASELINE_FILE}, so that --baseline reports only new ones`)
    .argument('[targets...]', 'what check would analyse (default: .)');
  for (const o of check.options) if (!['--format', '--fail-on', '--min-severity', '--baseline', '--changed-since', '--no-color', '--fix', '--fix-unsafe', '--diff'].includes(o.long ?? '')) baseline.addOption(o);
  baseline.action(async (targets: string[], opts: CheckOptions) => {
    status = await runBaseline(targets.length ? targets : ['.'], opts, io);
  });

  program
    .command('config')
    .description('write a .shipshape.yaml equivalent to another tool\'s settings')
    .option('--from-hadolint [file]', 'convert hadolint\'s config (default: .hadolint.yaml or .hadolint.yml here)')
    .option('-o, --output <file>', 'where to write (default .shipshape.yaml; - prints it)')
    .option('--force', 'replace an existing file')
    .action(async (opts: { fromHadolint?: string | true; output?: string; force?: boolean }) => {
      status = await runConfig(opts, io);
    });

  program
    .command('rules')
    .description('list every check')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: 'text' | 'json' }) => {
      status = runRules(opts.format, io);
    });

  program
    .command('explain')
    .description('print the documentation of a rule (plain text; --format markdown for the Markdown page)')
    .argument('<rule>', 'rule id (pid1/shell-form-command), peer id (DL3025, DS-0002, CKV_DOCKER_2), category (pid1) or part of a name (no-init), in any case')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'markdown']).default('text'))
    .option('--no-color', 'no bold headings')
    .action((rule: string, opts: { format: 'text' | 'markdown'; color: boolean }) => {
      status = runExplain(rule, opts, io, io.isTTY && opts.color);
    });

  program
    .command('lsp')
    .description('run the language server for editors (Language Server Protocol over stdio; see docs/editors.md)')
    .option('--stdio', 'talk over stdin and stdout (the default, accepted as editors pass it)')
    .allowUnknownOption()
    .action(async () => {
      // The server and its protocol libraries load only for this command (dist/cli-lsp.cjs).
      const { startServer } = await import('../lsp/server.js');
      startServer();
    });

  program.addHelpText('after', () => checkHelp(check) + EXAMPLES);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      io.stderr(`shipshape: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// The Action bundle (dist/action.js) imports `run` and must not start the CLI itself.
const isWorker = process.argv.includes(WORKER_MARK);
if (isWorker) void serveAsWorker();
const isMain = !isWorker && !import.meta.url.endsWith('/action.js') && (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/shipshape') || /cli\.c?js$/.test(process.argv[1] ?? ''));
if (isMain) {
  // One short run never pays back V8's optimizing compile of the bash grammar's wasm (about 400 ms
  // that blocks exit); the baseline compiler alone starts in a tenth of that.
  setFlagsFromString('--liftoff-only');
  // A reader that stops early (`shipshape rules | head -1`) closes the pipe: what is left of the
  // output has nowhere to go and the run ends with its own exit status, without a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    });
  }
  run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stdin: () => stdinSource(),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`shipshape: internal error: ${(e as Error).message?.split('\n', 1)[0] ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
