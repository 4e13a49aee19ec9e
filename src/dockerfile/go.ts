/** Go builds as the build context decides them: a vendored module, a module whose go.mod pins what `go install` builds. */
import type { DockerfileFacts, Instruction } from './model.js';
import type { ShellCommand } from '../shell/shell.js';
import { contextFile } from './context.js';

/** The `-mod` mode a go command asks for (`-mod=vendor`, `-mod mod`), on its command line or in GOFLAGS; null when none. */
function modFlag(cmd: ShellCommand, ins: Instruction): string | null {
  const i = cmd.argv.findIndex((a) => a === '-mod' || a === '--mod' || a.startsWith('-mod=') || a.startsWith('--mod='));
  if (i >= 0) {
    const a = cmd.argv[i]!;
    return a.includes('=') ? a.slice(a.indexOf('=') + 1) : (cmd.argv[i + 1] ?? null);
  }
  const flags = [...cmd.assignments.filter((a) => a.startsWith('GOFLAGS=')).map((a) => a.slice(8)), ins.vars.get('GOFLAGS') ?? ''].join(' ');
  return /(?:^|\s)["']?-mod=(\w+)/.exec(flags)?.[1] ?? null;
}

/** The `go 1.N` directive of a go.mod text, as N; null when absent. */
function goMinor(gomod: string): number | null {
  const m = /^go\s+1\.(\d+)/m.exec(gomod);
  return m ? Number(m[1]) : null;
}

/**
 * True when a go command builds from vendored dependencies, so it downloads nothing: `-mod=vendor`
 * (on the command or in GOFLAGS), or a context holding `vendor/modules.txt`, which Go uses by default
 * since 1.14 unless `-mod=mod` or `-mod=readonly` says otherwise.
 */
export function goVendored(facts: DockerfileFacts, ins: Instruction, cmd: ShellCommand): boolean {
  const mode = modFlag(cmd, ins);
  if (mode !== null) return mode === 'vendor';
  if (contextFile(facts, 'vendor/modules.txt') === null) return false;
  const minor = goMinor(contextFile(facts, 'go.mod') ?? '');
  return minor === null || minor >= 14;
}

/** True when the build context is a Go module (a go.mod at its root): `go install pkg` there builds the version go.mod requires. */
export function contextIsGoModule(facts: DockerfileFacts): boolean {
  return contextFile(facts, 'go.mod') !== null;
}
