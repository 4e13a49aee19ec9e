/** The shipshape command line. */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DockerfileFacts } from '../dockerfile/model.js';
import { setFlagsFromString } from 'node:v8';
import { analyzeDockerfile, looksLikeDockerfile, selectChecks } from '../api.js';
import { directoryReader } from '../dockerfile/context.js';
import { checks as allChecks } from '../../checks/index.js';
import { inputsOf, SEVERITY_RANK, type Severity } from '../engine/types.js';
import { resolveTarget, type Input } from './targets.js';
import { stdinSource, type StdinSource } from './stdin.js';
import { renderJson, VERSION } from '../report/json.js';
import { renderText } from '../report/text.js';
import { renderSarif } from '../report/sarif.js';
import { renderGithub } from '../report/github.js';
import { renderMarkdown } from '../report/markdown.js';
import { ConfigError, findConfig, resolveFor, severityFrom, type LoadedConfig } from '../engine/config-resolve.js';
import type { TargetResult } from '../report/model.js';
import { renderRuleDoc } from '../engine/docs.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Standard input, read only when a target is `-` (`stdinSource()`). */
  stdin: () => StdinSource;
  isTTY: boolean;
}

type Format = 'text' | 'json' | 'sarif' | 'github' | 'markdown';
type FailOn = Severity | 'none';

interface CheckOptions {
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
}

class UsageError extends Error {}

function collect(value: string, prev: string[]): string[] {
  return [...prev, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

async function runCheck(targets: string[], opts: CheckOptions, io: Io): Promise<number> {
  const known = new Set<string>([...allChecks.map((c) => c.id), ...allChecks.map((c) => c.category), ...allChecks.flatMap((c) => c.aliases ?? [])]);
  for (const r of opts.ignore) if (!known.has(r)) throw new UsageError(`--ignore ${r}: no such rule or category (see \`shipshape rules\`)`);
  const setup = await configLoader(opts);
  const built = opts.dockerfile ? await pairedDockerfile(opts.dockerfile, opts.context) : null;
  const inputs: Input[] = targets.flatMap((t) => resolveTarget(t, opts.context ?? null, io.stdin));
  const results: TargetResult[] = [];
  const failOns: FailOn[] = [];
  for (const input of inputs) {
    const { checks, severity, settings: configured, failOn } = await setup(input.path === '<stdin>' ? null : input.path);
    const settings = opts.baseFindings ? { ...configured, baseFindings: true } : configured;
    failOns[results.length] = failOn;
    if (input.kind === 'error') {
      results.push({ path: input.path, kind: input.targetKind, error: input.message, findings: [] });
      continue;
    }
    if (input.kind === 'image') {
      // The image reader (tar walk, zstd, zod schemas) loads only when an image is given.
      const { analyzeImage, ImageReadError } = await import('../image/analyze.js');
      try {
        const imageOpts = { checks, settings, dockerfile: built, ...(severity ? { severity } : {}), ...(opts.platform ? { platform: opts.platform } : {}), ...(opts.imageRef ? { imageRef: opts.imageRef } : {}) };
        const r = await analyzeImage(input, imageOpts);
        for (const one of r.results) {
          for (const note of one.notes) io.stderr(`shipshape: note: ${note}\n`);
          failOns[results.length] = failOn;
          results.push({ path: one.path, kind: 'image', error: null, findings: one.findings });
        }
      } catch (e) {
        if (!(e instanceof ImageReadError)) throw e;
        results.push({ path: input.path, kind: 'image', error: e.message, findings: [] });
      }
      continue;
    }
    const contextDir = opts.context ?? input.contextDir;
    const { facts, findings } = await analyzeDockerfile(input.text, {
      path: input.path,
      checks,
      settings,
      ...(severity ? { severity } : {}),
      ...(contextDir ? { reader: directoryReader(contextDir) } : {}),
    });
    if (!looksLikeDockerfile(facts)) {
      results.push({ path: input.path, kind: 'dockerfile', error: `${input.path}: does not look like a Dockerfile: it does not start with an instruction and most of its lines are not instructions`, findings: [] });
      continue;
    }
    results.push({ path: input.path, kind: 'dockerfile', error: null, findings });
    // The launcher (launch.ts) keeps V8's code cache from a run that analyzed a Dockerfile, so the cache holds the checks.
    (globalThis as Record<symbol, unknown>)[Symbol.for('shipshape.codeCache')] = true;
  }
  const min = SEVERITY_RANK[opts.minSeverity];
  const shown = results.map((r) => ({ ...r, findings: r.findings.filter((f) => SEVERITY_RANK[f.severity] >= min) }));
  const report = render(opts.format, shown, io.isTTY && !opts.output);
  if (opts.output) {
    try {
      writeFileSync(opts.output, report);
    } catch (e) {
      throw new UsageError(`--output ${opts.output}: ${(e as Error).message.split('\n', 1)[0]}`);
    }
  } else io.stdout(report);
  if (results.some((r) => r.error !== null)) {
    if (opts.format !== 'text' || opts.output) for (const r of results) if (r.error !== null) io.stderr(`shipshape: ${r.error}\n`);
    return 2;
  }
  return results.some((r, i) => {
    const failOn = failOns[i] ?? 'warning';
    return failOn !== 'none' && r.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
  }) ? 1 : 0;
}

/**
 * `--dockerfile`: the Dockerfile the image targets were built from, parsed once. Image findings then
 * name the instruction that made their layer, and the base image ends exactly where its FROM is.
 */
async function pairedDockerfile(path: string, context: string | undefined): Promise<DockerfileFacts> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--dockerfile ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
  const { facts } = await analyzeDockerfile(text, { path, checks: [], reader: directoryReader(context ?? dirname(path)) });
  if (!looksLikeDockerfile(facts)) throw new UsageError(`--dockerfile ${path}: does not look like a Dockerfile: it does not start with an instruction and most of its lines are not instructions`);
  return facts;
}

function render(format: Format, results: readonly TargetResult[], color: boolean): string {
  if (format === 'json') return renderJson(results);
  if (format === 'sarif') return renderSarif(results, allChecks);
  if (format === 'github') return renderGithub(results);
  if (format === 'markdown') return renderMarkdown(results);
  return renderText(results, color);
}

/**
 * Per target: the config file that applies (`--config`, or the nearest `.shipshape.yaml`), merged
 * under the flags. The loader (yaml, zod) is imported only when there is a file to load.
 */
async function configLoader(opts: CheckOptions) {
  const cache = new Map<string, LoadedConfig | null>();
  const load = async (file: string): Promise<LoadedConfig> => {
    const { loadConfig } = await import('../engine/config.js');
    try {
      return loadConfig(file, allChecks);
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message);
      throw e;
    }
  };
  const fixed = opts.config ? await load(opts.config) : undefined;
  return async (path: string | null) => {
    let loaded: LoadedConfig | null;
    if (fixed) loaded = fixed;
    else {
      const found = findConfig(path === null ? process.cwd() : path);
      if (found && !cache.has(found)) cache.set(found, await load(found));
      loaded = found ? (cache.get(found) ?? null) : null;
    }
    const eff = resolveFor(loaded, path);
    return {
      checks: selectChecks([...eff.ignore, ...opts.ignore]),
      severity: severityFrom(eff.severity),
      settings: eff.settings,
      failOn: opts.failOn ?? eff.failOn ?? 'warning',
    };
  };
}

function runRules(format: Format, io: Io): number {
  const rules = allChecks.map((c) => ({
    id: c.id,
    category: c.category,
    severity: c.severity,
    title: c.title,
    inputs: inputsOf(c),
    aliases: [...(c.aliases ?? [])],
    fixable: c.fixable ?? false,
  }));
  if (format === 'json') io.stdout(JSON.stringify({ rules }, null, 2) + '\n');
  else {
    const w = Math.max(...rules.map((r) => r.id.length));
    for (const r of rules) io.stdout(`${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.title}${r.aliases.length ? `  (${r.aliases.join(', ')})` : ''}\n`);
  }
  return 0;
}

function runExplain(rule: string, io: Io): number {
  const c = allChecks.find((x) => x.id === rule || (x.aliases ?? []).includes(rule));
  if (!c) throw new UsageError(`explain ${rule}: no such rule (see \`shipshape rules\`)`);
  io.stdout(renderRuleDoc(c));
  return 0;
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit status. */
export async function run(argv: string[], io: Io): Promise<number> {
  let status = 0;
  const program = new Command('shipshape');
  program
    .description('Best-practice analyzer for containers: Dockerfiles and saved image tarballs')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError(false);

  const severities = ['error', 'warning', 'info'];
  program
    .command('check', { isDefault: true })
    .description('analyze Dockerfiles, directories holding them, image tarballs, or - for stdin')
    .argument('<targets...>', 'Dockerfile, directory, image tarball (docker save / OCI archive) or -')
    .addOption(new Option('-f, --format <format>', 'output format: text, json, sarif (code scanning), github (annotations), markdown (job summary)').choices(['text', 'json', 'sarif', 'github', 'markdown']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: the config\'s failOn, else warning)').choices([...severities, 'none']))
    .option('-o, --output <file>', 'write the report to this file instead of stdout (the exit status is unchanged)')
    .option('-c, --config <file>', 'use this config file instead of the nearest .shipshape.yaml above each target')
    .addOption(new Option('--min-severity <severity>', 'show findings at or above this severity').choices(severities).default('info'))
    .option('--ignore <rule>', 'skip a rule id, a category or a peer id (repeatable, comma-separated)', collect, [])
    .option('--context <dir>', 'build context directory (default: the Dockerfile\'s directory)')
    .option('--platform <os/arch>', 'platform to analyze in a multi-platform image archive')
    .option('--image-ref <ref>', 'analyze only this image (tag, OCI ref name or id prefix) of an archive holding several')
    .option('--dockerfile <file>', 'the Dockerfile the image targets were built from: image findings name the line that made their layer')
    .option('--base-findings', 'report what the base image owns (its tools, its wasted bytes) at full severity instead of info')
    .addHelpText('after', '\nExamples:\n  shipshape Dockerfile\n  shipshape --format json app.tar\n  shipshape --fail-on error --ignore tags/no-digest .\n  shipshape --format sarif --output shipshape.sarif Dockerfile\n  shipshape --format github --config ci/.shipshape.yaml services/\n  shipshape --min-severity warning --context . docker/api.Dockerfile\n  shipshape --platform linux/arm64 --image-ref app:1.2 images.tar\n  shipshape --base-findings app.tar\n  shipshape --dockerfile Dockerfile app.tar\n  docker save app:1.2 | shipshape -')
    .action(async (targets: string[], opts: CheckOptions) => {
      status = await runCheck(targets, opts, io);
    });

  program
    .command('rules')
    .description('list every check')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: Format }) => {
      status = runRules(opts.format, io);
    });

  program
    .command('explain')
    .description('print the documentation of a rule')
    .argument('<rule>', 'rule id (pid1/shell-form-command) or peer id (DL3025)')
    .action((rule: string) => {
      status = runExplain(rule, io);
    });

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
const isMain = !import.meta.url.endsWith('/action.js') && (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/shipshape') || process.argv[1]?.endsWith('cli.js'));
if (isMain) {
  // One short run never pays back V8's optimizing compile of the bash grammar's wasm (about 400 ms
  // that blocks exit); the baseline compiler alone starts in a tenth of that.
  setFlagsFromString('--liftoff-only');
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
