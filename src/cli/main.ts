/** The shipshape command line. */
import { Command, CommanderError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { analyzeTargets, failed, UsageError } from '../analyze.js';
import { checks as allChecks } from '../../checks/index.js';
import { inputsOf, SEVERITY_RANK, type Severity } from '../engine/types.js';
import { resolveTarget, type Input } from '../targets.js';
import { stdinSource, type StdinSource } from '../stdin.js';
import { VERSION } from '../version.js';
import { FORMATS, RENDERERS, type Format } from '../report/index.js';
import { renderRuleDoc } from '../engine/docs.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Standard input, read only when a target is `-` (`stdinSource()`). */
  stdin: () => StdinSource;
  isTTY: boolean;
}

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
  target?: string;
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

async function runCheck(targets: string[], opts: CheckOptions, io: Io): Promise<number> {
  const known = new Set<string>([...allChecks.map((c) => c.id), ...allChecks.map((c) => c.category), ...allChecks.flatMap((c) => c.aliases ?? [])]);
  for (const r of opts.ignore) if (!known.has(r)) throw new UsageError(`--ignore ${r}: no such rule or category (see \`shipshape rules\`)`);
  const inputs: Input[] = targets.flatMap((t) => resolveTarget(t, opts.context ?? null, io.stdin));
  const results = await analyzeTargets(inputs, {
    ignore: opts.ignore,
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.failOn ? { failOn: opts.failOn } : {}),
    ...(opts.baseFindings ? { baseFindings: true } : {}),
    ...(opts.context ? { context: opts.context } : {}),
    ...(opts.platform ? { platform: opts.platform } : {}),
    ...(opts.imageRef ? { imageRef: opts.imageRef } : {}),
    ...(opts.dockerfile ? { dockerfile: opts.dockerfile } : {}),
    ...(opts.target ? { target: opts.target } : {}),
  });
  for (const r of results) for (const note of r.notes) io.stderr(`shipshape: note: ${note}\n`);
  // The launcher (launch.ts) keeps V8's code cache from a run that analyzed a Dockerfile, so the cache holds the checks.
  if (results.some((r) => r.kind === 'dockerfile' && r.error === null)) (globalThis as Record<symbol, unknown>)[Symbol.for('shipshape.codeCache')] = true;
  const min = SEVERITY_RANK[opts.minSeverity];
  const shown = results.map((r) => ({ ...r, findings: r.findings.filter((f) => SEVERITY_RANK[f.severity] >= min) }));
  const report = RENDERERS[opts.format](shown, { color: io.isTTY && !opts.output, checks: allChecks });
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
  return failed(results, SEVERITY_RANK) ? 1 : 0;
}

function runRules(format: 'text' | 'json', io: Io): number {
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
    .addOption(new Option('-f, --format <format>', 'output format: text, json, sarif (code scanning), github (annotations), markdown (job summary)').choices([...FORMATS]).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: the config\'s failOn, else warning)').choices([...severities, 'none']))
    .option('-o, --output <file>', 'write the report to this file instead of stdout (the exit status is unchanged)')
    .option('-c, --config <file>', 'use this config file instead of the nearest .shipshape.yaml above each target')
    .addOption(new Option('--min-severity <severity>', 'show findings at or above this severity').choices(severities).default('info'))
    .option('--ignore <rule>', 'skip a rule id, a category or a peer id (repeatable, comma-separated)', collect, [])
    .option('--context <dir>', 'build context directory (default: the Dockerfile\'s directory)')
    .option('--target <stage>', 'analyze this stage as the image, as docker build --target builds it (default: the last stage)')
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
    .action((opts: { format: 'text' | 'json' }) => {
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
