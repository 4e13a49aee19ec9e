/**
 * The image side of the PID 1 facts: the config's Entrypoint and Cmd, the `sh -c` strings in them and
 * the entrypoint scripts captured from the layers, parsed once with the same shell parser as the
 * build context's scripts, then followed by the shared analysis (`src/knowledge/launch.ts`).
 */
import { posix } from 'node:path';
import { analyzeLaunch, SHELLS, type ArgvItem, type Launch, type LaunchScript, type Where } from '../knowledge/launch.js';
import { loadShellParser, parseScriptText } from '../shell/shell.js';
import type { ImageFacts } from './facts.js';
import { resolveCommand } from './processes.js';
import { layerOrigin, settingOrigin, type DockerfileLine, type OriginContext } from './origin.js';

/** The words of the config's Entrypoint or Cmd as launch items (the `sh -c` operands parsed; call `loadShellParser()` first when one is a shell). */
export function configItems(field: 'Entrypoint' | 'Cmd', argv: string[]): ArgvItem[] {
  const at = { kind: 'config', field } as const;
  const shellAt = argv.findIndex((a) => SHELLS.has(posix.basename(a)));
  return argv.map((value, k) => {
    const item: ArgvItem = { value, at };
    // `/bin/sh -c body` alone is what Docker stores for a shell-form instruction.
    if (k === 0 && value === '/bin/sh' && argv.length === 3 && argv[1] === '-c') item.shellForm = field === 'Cmd' ? 'CMD' : 'ENTRYPOINT';
    if (shellAt >= 0 && k > shellAt + 1 && /^-\w*c\w*$/.test(argv[k - 1]!)) item.shell = parseScriptText(value);
    return item;
  });
}

/** The shell script `program` names inside the image, when the pass captured it. */
function scriptIn(image: ImageFacts, program: string, cache: Map<string, LaunchScript | null>, runBy: Where): LaunchScript | null {
  const path = resolveCommand(image, program)?.path;
  if (!path) return null;
  if (cache.has(path)) return cache.get(path)!;
  const text = image.captured.get(path);
  let script: LaunchScript | null = null;
  const shebang = text ? /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text) : null;
  if (text && shebang) {
    const interp = posix.basename(shebang[1]!.endsWith('/env') ? shebang[2] ?? '' : shebang[1]!);
    if (SHELLS.has(interp)) script = { file: path, imagePath: path, layer: image.files.get(path)?.layer ?? null, shell: parseScriptText(text), runBy };
  }
  cache.set(path, script);
  return script;
}

/**
 * The shell scripts a launch may run, looked up in the image (for a chain that starts somewhere else:
 * a Kubernetes `command:`). Call `loadShellParser()` first.
 */
export function imageScripts(image: ImageFacts): (program: string, at: Where) => LaunchScript | null {
  const cache = new Map<string, LaunchScript | null>();
  return (program, at) => scriptIn(image, program, cache, at);
}

/** True when running `words` in this image needs the shell parser (a shell, or a captured script). */
export function launchNeedsShell(image: ImageFacts, words: readonly string[]): boolean {
  return words.some((w) => SHELLS.has(posix.basename(w))) || words.some((w) => {
    const p = resolveCommand(image, w)?.path;
    return p !== undefined && /^#!/.test(image.captured.get(p) ?? '');
  });
}

/** Builds `image.launch` once, loading the shell parser only when the image starts a shell or a script. */
export async function addLaunch(image: ImageFacts): Promise<void> {
  const entrypoint = image.config.entrypoint ?? [];
  const cmd = image.config.cmd ?? [];
  const words = [...entrypoint, ...cmd];
  if (words.length === 0) return;
  const needsShell = launchNeedsShell(image, words);
  if (needsShell) await loadShellParser();
  const cache = new Map<string, LaunchScript | null>();
  const launch: Launch = analyzeLaunch({
    argv: [...configItems('Entrypoint', entrypoint), ...configItems('Cmd', cmd)],
    script: (program, at) => (needsShell ? scriptIn(image, program, cache, at) : null),
  });
  image.launch = launch;
}

/**
 * Where an image-side pid1 finding goes, and what to say about its origin: a config field (set by the
 * base image or by this build, from the history) or a script file (the layer that wrote it).
 */
export function imageTarget(ctx: OriginContext, where: Where): { image: { path?: string; layer?: number; field?: string }; origin: string; fromBase: boolean; dockerfile?: DockerfileLine } {
  if (where.kind === 'script') {
    const layer = where.script.layer;
    if (layer === null) return { image: { path: where.script.imagePath }, origin: 'in the image', fromBase: false };
    const o = layerOrigin(ctx, layer);
    return { image: { path: where.script.imagePath, layer }, origin: o.says, fromBase: o.fromBase };
  }
  const field = where.kind === 'config' ? where.field : 'Cmd';
  const o = settingOrigin(ctx, field === 'Cmd' ? 'CMD' : 'ENTRYPOINT');
  const out: ReturnType<typeof imageTarget> = { image: { field }, origin: `${field} ${o.says}`, fromBase: o.fromBase };
  if (o.dockerfile) out.dockerfile = o.dockerfile;
  return out;
}

/** The shell `/bin/sh` is in the image: `busybox`, `dash`, `bash`…; null when the image has none. */
export function shellOf(image: ImageFacts, program = '/bin/sh'): string | null {
  const hit = resolveCommand(image, program);
  return hit ? posix.basename(hit.path) : null;
}
