/**
 * Where a finding about a Kubernetes container goes, for the checks' `container` hooks: always a
 * range in the manifest (the field that causes it, or the container's `image:` when the cause is in
 * the image), and the place in the image or Dockerfile the manifest meets (`pairedWith`), so the
 * finding names both files.
 */
import { posix } from 'node:path';
import type { Launch, ShellHop, Where } from '../knowledge/launch.js';
import { shellOf } from '../image/launch.js';
import type { Range } from '../util/text.js';
import type { Counterpart, EffectiveContainer, Setting } from './effective.js';

/** The container's `image:` value in the manifest (its name when it has no image). */
export function imageLine(c: EffectiveContainer): Range {
  return c.container.image?.range ?? c.container.nameRange;
}

/** The report fields for a place in the launch chain: `at` in the manifest, `pairedWith` in the other input. */
export function launchPlace(c: EffectiveContainer, where: Where): { at: Range; pairedWith?: Counterpart } {
  const side = c.source;
  if (where.kind === 'manifest') {
    // command replaces ENTRYPOINT (and CMD with it), args replaces CMD.
    const replaced = where.field === 'command' && side?.entrypoint?.length ? 'entrypoint' : 'cmd';
    return side ? { at: where.range, pairedWith: side.place(replaced) } : { at: where.range };
  }
  if (!side) return { at: imageLine(c) };
  if (where.kind === 'config') return { at: imageLine(c), pairedWith: { file: side.file, field: where.field } };
  if (where.kind === 'dockerfile') return { at: imageLine(c), pairedWith: { file: side.file, line: where.range.line } };
  const script = where.script;
  if (side.image) {
    const p: Counterpart = { file: side.file, path: script.imagePath, line: where.range.line };
    if (script.layer !== null) p.layer = script.layer;
    return { at: imageLine(c), pairedWith: p };
  }
  const root = side.dockerfile?.context.root;
  return { at: imageLine(c), pairedWith: { file: root ? posix.join(root, script.file) : script.file, line: where.range.line } };
}

/** The report fields for an image setting the manifest meets (USER, STOPSIGNAL, HEALTHCHECK…), pointing at `at` in the manifest. */
export function settingPlace(c: EffectiveContainer, setting: Setting, at: Range = imageLine(c)): { at: Range; pairedWith?: Counterpart } {
  return c.source ? { at, pairedWith: c.source.place(setting) } : { at };
}

/** A shell in the effective chain that the manifest put there: its `command:`/`args:`, or a script they run that the image's own launch does not. */
export function manifestHop(c: EffectiveContainer, hop: ShellHop): boolean {
  if (hop.at.kind === 'manifest') return true;
  if (!c.overrides.command && !c.overrides.args) return false;
  const own = c.source?.launch?.hops ?? [];
  if (hop.script) return !own.some((h) => h.script?.imagePath === hop.script!.imagePath);
  return !own.some((h) => h.kind === hop.kind && h.shellName === hop.shellName && JSON.stringify(h.at) === JSON.stringify(hop.at));
}

/** The main program of the effective chain came from the manifest (its command or args name it, or a hop of its own runs it). */
export function manifestMain(c: EffectiveContainer, launch: Launch | null = c.launch): boolean {
  const main = launch?.main;
  if (!main) return false;
  if (main.at.kind === 'manifest') return true;
  return launch!.hops.some((h) => manifestHop(c, h));
}

/** ` (the manifest's command replaces app.tar's ENTRYPOINT)`, for messages; '' when the manifest overrides nothing. */
export function overrideText(c: EffectiveContainer): string {
  const s = c.source;
  if (!s) return '';
  if (c.overrides.command) return ` (its command replaces the ENTRYPOINT and CMD of ${s.label})`;
  if (c.overrides.args) return ` (its args replace the CMD of ${s.label})`;
  return '';
}

/**
 * The program PID 1 runs: the first shell of the chain that neither execs nor runs a lone command
 * (it stays PID 1: a script's name, or `sh`), else the main program; null when unknown.
 */
export function pid1Program(launch: Launch | null | undefined): string | null {
  const stay = launch?.hops.find((h) => !h.execs && !h.lone);
  if (stay) return stay.kind === 'script' ? (stay.script?.imagePath.replace(/^.*\//, '') ?? 'sh') : stay.shellName;
  return launch?.main?.base ?? null;
}

/**
 * Whether `/bin/sh` of the container's image is busybox (busybox ash execs the last command of
 * `sh -c` itself): from the image's files when it is given, else from the base image of the
 * Dockerfile or the image's own name (`alpine`, `busybox`); null when unknown.
 */
export function busyboxSh(c: EffectiveContainer): boolean | null {
  const image = c.source?.image;
  if (image) return shellOf(image, '/bin/sh') === 'busybox';
  const ref = c.source ? c.source.base : c.container.imageRef;
  if (!ref) return null;
  // `alpine`, `busybox`, and the official images' Alpine variants (`python:3.12-alpine`).
  return /(^|\/)(alpine|busybox)$/.test(ref.repository) || /(^|-)alpine/.test(ref.tag ?? '') ? true : null;
}

/** A container that runs until it is stopped (not an init container, which runs to completion before the others start). */
export function longRunning(c: EffectiveContainer): boolean {
  return c.container.role !== 'init';
}
