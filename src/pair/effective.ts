/**
 * The container as Kubernetes runs it: a manifest's container laid over the image (or the Dockerfile)
 * matched to it. `command:` replaces ENTRYPOINT and CMD, `args:` replaces CMD; runAsUser and
 * runAsGroup (the container's over the pod's) replace USER; `env:` adds to and overrides the image's
 * environment; volume mounts cover the image's paths. The launch chain (init, shells, entrypoint
 * scripts, the program) is followed with the same analysis as the image and Dockerfile sides
 * (`src/knowledge/launch.ts`), with the manifest's words placed in the manifest.
 *
 * The checks' `container` hook receives these (`ctx.containers`); an unmatched container has
 * `source: null` and only what the manifest says is known.
 */
import { posix } from 'node:path';
import type { DockerfileFacts, Instruction } from '../dockerfile/model.js';
import { contextScripts, dockerfileLaunch, finalCommands, instructionItems } from '../dockerfile/launch.js';
import { stageChain } from '../dockerfile/stages.js';
import type { ImageFacts } from '../image/facts.js';
import { configItems, imageScripts, launchNeedsShell } from '../image/launch.js';
import { parseAccounts, type PasswdEntry } from '../image/users.js';
import type { ImageRef } from '../knowledge/image-ref.js';
import { analyzeLaunch, baseOf, SHELLS, type ArgvItem, type Launch, type LaunchScript, type Where } from '../knowledge/launch.js';
import type { Container, ManifestFacts, ManifestWord, Workload } from '../manifests/model.js';
import { effectiveSecurity, type EffectiveSecurity } from '../manifests/security.js';
import { loadShellParser, parseShell } from '../shell/shell.js';

/**
 * The other input a finding about a Kubernetes container names: the image or Dockerfile (or an
 * entrypoint script) the manifest runs, and the place in it (a line, a config field, an in-image path).
 */
export interface Counterpart {
  /** The image archive, the Dockerfile, or a build-context script. */
  file: string;
  line?: number;
  field?: string;
  path?: string;
  layer?: number;
}

/** The image settings a manifest meets. */
export type Setting = 'entrypoint' | 'cmd' | 'user' | 'stopSignal' | 'healthcheck' | 'expose' | 'volume' | 'env' | 'workdir';

/** What the image (or the Dockerfile that builds it) says, read the same way from either. */
export interface ImageSide {
  kind: 'image' | 'dockerfile';
  /** How findings name it: the archive (`app.tar`, `app.tar#acme/app:1`) or the Dockerfile's path. */
  file: string;
  /** For messages: `app.tar (acme/app:1.0)` or `Dockerfile`. */
  label: string;
  /** How it was matched to the container. */
  matchedBy: 'tag' | 'config' | 'only' | 'lookup';
  image: ImageFacts | null;
  dockerfile: DockerfileFacts | null;
  /** The exec-form words Docker stores (a shell-form instruction is `/bin/sh -c body`); null when unset. */
  entrypoint: string[] | null;
  cmd: string[] | null;
  /** The USER in force ('' unset: root); null when a Dockerfile leaves it to a base image it does not know. */
  user: string | null;
  stopSignal: string | null;
  /** A HEALTHCHECK other than NONE. */
  healthcheck: boolean;
  /** `8080/tcp`, `53/udp`. */
  exposed: string[];
  volumes: string[];
  env: ReadonlyMap<string, string>;
  workdir: string;
  /** The image's own launch (ENTRYPOINT and CMD as `docker run` starts them). */
  launch: Launch | null;
  /** The final stage's base image (Dockerfile side), for what the base decides. */
  base: ImageRef | null;
  /** Where a setting is written in the image or the Dockerfile. */
  place(setting: Setting): Counterpart;
}

export interface EffectiveUser {
  /** The UID the container runs as; null when it cannot be told (a name the image does not resolve, or no image). */
  uid: number | null;
  /** The primary GID; null when it cannot be told. */
  gid: number | null;
  /** Where the UID comes from. */
  from: 'runAsUser' | 'image' | 'unknown';
  /** The image's user as written ('' when unset, so root); null when unknown. */
  imageUser: string | null;
  /** The image's `/etc/passwd` entry of the UID the container runs as (images only). */
  entry: PasswdEntry | null;
  /** The image has a captured `/etc/passwd`; null without an image. */
  hasPasswd: boolean | null;
}

export interface EffectiveContainer {
  /** The manifest file. */
  file: string;
  workload: Workload;
  container: Container;
  security: EffectiveSecurity;
  /** The image or Dockerfile matched to the container; null when none was. */
  source: ImageSide | null;
  /** The manifest's command replaces ENTRYPOINT (and CMD); its args replace CMD. */
  overrides: { command: boolean; args: boolean };
  /** What Kubernetes starts; null when it cannot be known (no command in the manifest and no image). */
  argv: ArgvItem[] | null;
  launch: Launch | null;
  user: EffectiveUser;
  /** terminationGracePeriodSeconds, 30 when unset. */
  grace: number;
  /** The environment: the image's, then the manifest's (`null` for a value from `valueFrom`). */
  env: ReadonlyMap<string, string | null>;
  /** A short name for messages: `container web of Deployment/api`. */
  label: string;
}

/** Reads the image side from an image's facts. */
export function imageSide(image: ImageFacts, matchedBy: ImageSide['matchedBy'], file = image.path): ImageSide {
  const c = image.config;
  const field: Record<Setting, string> = { entrypoint: 'Entrypoint', cmd: 'Cmd', user: 'User', stopSignal: 'StopSignal', healthcheck: 'Healthcheck', expose: 'ExposedPorts', volume: 'Volumes', env: 'Env', workdir: 'WorkingDir' };
  const env = new Map<string, string>();
  for (const e of c.env) {
    const eq = e.indexOf('=');
    if (eq > 0) env.set(e.slice(0, eq), e.slice(eq + 1));
  }
  const tag = image.tags[0];
  return {
    kind: 'image',
    file,
    label: tag && !file.endsWith(`#${tag}`) ? `${file} (${tag})` : file,
    matchedBy,
    image,
    dockerfile: null,
    entrypoint: c.entrypoint,
    cmd: c.cmd,
    user: c.user.trim(),
    stopSignal: c.stopSignal,
    healthcheck: c.healthcheck !== null && c.healthcheck.length > 0 && c.healthcheck[0] !== 'NONE',
    exposed: c.exposedPorts,
    volumes: c.volumes,
    env,
    workdir: c.workingDir,
    launch: image.launch ?? null,
    base: null,
    place: (setting) => ({ file, field: field[setting] }),
  };
}

const unquote = (s: string): string => s.replace(/^"(.*)"$|^'(.*)'$/, '$1$2');

/** Reads the image side from the Dockerfile that builds it (its final stage and the stages under it). */
export function dockerfileSide(facts: DockerfileFacts, matchedBy: ImageSide['matchedBy']): ImageSide {
  const chain = facts.finalStage ? stageChain(facts.finalStage) : [];
  const all = chain.flatMap((s) => s.instructions);
  const last = (kw: string): Instruction | null => {
    let found: Instruction | null = null;
    for (const i of all) if (i.keyword === kw) found = i;
    return found;
  };
  const { entrypoint, cmd } = finalCommands(facts);
  const words = (ins: Instruction | null): string[] | null => (ins ? (ins.json ?? ['/bin/sh', '-c', ins.body]) : null);
  const user = last('USER');
  const stop = last('STOPSIGNAL');
  const health = last('HEALTHCHECK');
  const workdir = last('WORKDIR');
  const env = new Map<string, string>();
  const exposed: string[] = [];
  const volumes: string[] = [];
  const lines: Partial<Record<Setting, number>> = {};
  for (const i of all) {
    if (i.keyword === 'ENV') {
      for (const p of i.properties) if (p.value !== null) env.set(p.name, unquote(p.value));
      lines.env = i.range.line;
    } else if (i.keyword === 'EXPOSE') {
      for (const a of i.args) {
        const v = unquote(a.value);
        if (/^\d+(\/(tcp|udp|sctp))?$/i.test(v)) exposed.push(v.includes('/') ? v.toLowerCase() : `${v}/tcp`);
      }
      lines.expose = i.range.line;
    } else if (i.keyword === 'VOLUME') {
      volumes.push(...(i.json ?? i.args.map((a) => unquote(a.value))));
      lines.volume = i.range.line;
    }
  }
  const lineOf: Record<Setting, Instruction | null> = { entrypoint, cmd, user, stopSignal: stop, healthcheck: health, expose: null, volume: null, env: null, workdir };
  const fromLine = facts.finalStage?.from.range.line ?? 1;
  const root = chain[0]?.image ?? null;
  return {
    kind: 'dockerfile',
    file: facts.path,
    label: facts.path,
    matchedBy,
    image: null,
    dockerfile: facts,
    entrypoint: words(entrypoint),
    cmd: entrypoint && entrypoint.json === null ? null : words(cmd),
    user: user ? unquote(user.args[0]?.value ?? '') : null,
    stopSignal: stop ? unquote(stop.args[0]?.value ?? '') : null,
    healthcheck: health !== null && !/^NONE$/i.test(health.args[0]?.value ?? ''),
    exposed,
    volumes,
    env,
    workdir: workdir ? unquote(workdir.args[0]?.value ?? '/') : '/',
    launch: dockerfileLaunch(facts),
    base: root && !root.unresolved ? root : null,
    place: (setting) => ({ file: facts.path, line: lineOf[setting]?.range.line ?? lines[setting] ?? fromLine }),
  };
}

/** The words of a manifest list as launch items; the operand of a `-c` after a shell is parsed in place. */
function manifestItems(list: ManifestWord[], field: 'command' | 'args', before: readonly string[], manifest: ManifestFacts): ArgvItem[] {
  const values = [...before, ...list.map((w) => w.value)];
  const shellAt = values.findIndex((v) => SHELLS.has(baseOf(v)));
  return list.map((w, k) => {
    const item: ArgvItem = { value: w.value, at: { kind: 'manifest', field, range: w.range } };
    const i = before.length + k;
    if (shellAt >= 0 && i > shellAt + 1 && /^-\w*c\w*$/.test(values[i - 1]!)) item.shell = parseShell(w.text, manifest.index);
    return item;
  });
}

/** The image side's ENTRYPOINT and CMD words as launch items (image config fields, or Dockerfile lines). */
function sideItems(side: ImageSide, which: 'entrypoint' | 'cmd'): ArgvItem[] | null {
  if (side.image) {
    const argv = which === 'entrypoint' ? side.image.config.entrypoint : side.image.config.cmd;
    return configItems(which === 'entrypoint' ? 'Entrypoint' : 'Cmd', argv ?? []);
  }
  const facts = side.dockerfile!;
  const { entrypoint, cmd } = finalCommands(facts);
  const ins = which === 'entrypoint' ? entrypoint : entrypoint && entrypoint.json === null ? null : cmd;
  if (!ins) return [];
  return instructionItems(ins);
}

function needsShell(container: Container, side: ImageSide | null): boolean {
  const words = [...(container.command?.items ?? []), ...(container.args?.items ?? [])].map((w) => w.value);
  if (words.some((w) => SHELLS.has(baseOf(w)))) return true;
  if (side?.image) return launchNeedsShell(side.image, [...words, ...(side.entrypoint ?? []), ...(side.cmd ?? [])]);
  return false;
}

/** The user Kubernetes runs the container as. */
function effectiveUser(security: EffectiveSecurity, side: ImageSide | null): EffectiveUser {
  const passwdText = side?.image?.captured.get('/etc/passwd');
  const accounts = passwdText === undefined ? [] : parseAccounts(passwdText);
  const imageUser = side ? side.user : null;
  const [name = '', group] = (imageUser ?? '').split(':');
  const numeric = /^\d+$/.test(name);
  const byName = !numeric && name !== '' ? accounts.find((a) => a.name === name) ?? (name === 'root' ? { name: 'root', uid: 0, gid: 0 } : null) : null;
  let uid: number | null;
  let from: EffectiveUser['from'];
  if (security.runAsUser) {
    uid = security.runAsUser.value;
    from = 'runAsUser';
  } else if (imageUser === null) {
    uid = null;
    from = 'unknown';
  } else {
    uid = name === '' ? 0 : numeric ? Number(name) : (byName?.uid ?? null);
    from = uid === null ? 'unknown' : 'image';
  }
  const entry = uid === null ? null : (accounts.find((a) => a.uid === uid) ?? null);
  let gid: number | null = security.runAsGroup?.value ?? null;
  if (gid === null && !security.runAsUser && imageUser !== null) {
    // The image's `user:group`, else the user's passwd group, else 0.
    if (group !== undefined && /^\d+$/.test(group)) gid = Number(group);
    else if (group === undefined) gid = byName?.gid ?? entry?.gid ?? (uid !== null ? 0 : null);
  } else if (gid === null && security.runAsUser) gid = entry?.gid ?? 0;
  return { uid, gid, from, imageUser, entry, hasPasswd: side?.image ? passwdText !== undefined : null };
}

/** Builds the effective container (loads the shell parser when the chain has a shell or a script). */
export async function effectiveContainer(manifest: ManifestFacts, workload: Workload, container: Container, source: ImageSide | null): Promise<EffectiveContainer> {
  if (needsShell(container, source)) await loadShellParser();
  const security = effectiveSecurity(workload.pod, container);
  const command = container.command;
  const args = container.args;
  let argv: ArgvItem[] | null = null;
  if (command) {
    const head = manifestItems(command.items, 'command', [], manifest);
    argv = args ? [...head, ...manifestItems(args.items, 'args', command.items.map((w) => w.value), manifest)] : head;
  } else if (source) {
    const entry = sideItems(source, 'entrypoint');
    if (entry) {
      const tail = args ? manifestItems(args.items, 'args', source.entrypoint ?? [], manifest) : sideItems(source, 'cmd');
      argv = tail ? [...entry, ...tail] : null;
    }
  }
  let launch: Launch | null = null;
  if (argv && argv.length > 0) {
    let script: (program: string, at: Where) => LaunchScript | null = () => null;
    if (source?.image) script = imageScripts(source.image);
    else if (source?.dockerfile) script = contextScripts(source.dockerfile);
    launch = analyzeLaunch({ argv, script });
  }
  const env = new Map<string, string | null>(source?.env ?? []);
  for (const e of container.env) env.set(e.name, e.value);
  const grace = workload.pod.terminationGracePeriodSeconds?.value ?? 30;
  return {
    file: manifest.path,
    workload,
    container,
    security,
    source,
    overrides: { command: command !== null, args: args !== null },
    argv,
    launch,
    user: effectiveUser(security, source),
    grace,
    env,
    label: `${container.role === 'container' ? 'container' : container.role === 'init' ? 'init container' : container.role === 'sidecar' ? 'sidecar container' : 'ephemeral container'} ${container.name || '(unnamed)'} of ${workload.kind}/${workload.name || '(unnamed)'}`,
  };
}

/** The in-image directory a path is under (`/var/cache/nginx/x` is under `/var/cache/nginx`). */
export function under(path: string, dir: string): boolean {
  const d = posix.normalize(dir).replace(/\/+$/, '') || '/';
  const p = posix.normalize(path);
  return d === '/' || p === d || p.startsWith(`${d}/`);
}
