/** The `check` options for images in registries, the engine and layout directories, and their help. */
import { Option, type Command } from 'commander';
import { UsageError } from '../analyze.js';
import type { SourceOptions } from '../image/sources/index.js';

export interface SourceFlags {
  pull?: 'never' | 'missing' | 'always';
  registryUser?: string;
  insecureRegistry?: string[];
  timeout?: string;
}

function collect(value: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function addSourceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--pull <policy>', 'for a bare image name: missing = the engine if it has it, else the registry; never = the engine only; always = the registry only').choices(['never', 'missing', 'always']))
    .option('--registry-user <user>', 'registry user name; the password is read from SHIPSHAPE_REGISTRY_PASSWORD (default: ~/.docker/config.json and its credential helpers)')
    .option('--insecure-registry <host[:port]>', 'speak plain HTTP to this registry (a local one; repeatable)', collect)
    .option('--timeout <seconds>', 'give up on a registry or engine that sends nothing for this long (default 30)');
}

export const SOURCES_HELP = [
  '',
  'Images:',
  '  app.tar, -                      a saved archive (docker save, podman save, skopeo/buildah oci-archive), or stdin',
  '  DIR, oci:DIR[:REF]              an OCI image layout directory (skopeo copy … oci:DIR, buildah push … oci:DIR)',
  '  docker://REGISTRY/REPO:TAG      a registry (Distribution API v2); multi-platform: linux/amd64 unless --platform',
  '  docker-daemon:NAME:TAG          the local Docker engine (DOCKER_HOST, docker context, /var/run/docker.sock) or Podman\'s service',
  '  NAME:TAG, REGISTRY/NAME         a file if one exists, else the engine\'s image, else the registry\'s (see --pull);',
  '                                  a note on stderr says where it was read from',
].join('\n');

/** The source options from the flags and the environment (the password never comes from the command line). */
export function sourceOptionsOf(flags: SourceFlags, env: NodeJS.ProcessEnv = process.env): SourceOptions {
  const out: SourceOptions = {};
  if (flags.pull) out.pull = flags.pull;
  if (flags.insecureRegistry?.length) out.insecureRegistries = flags.insecureRegistry;
  if (flags.timeout !== undefined) {
    const t = Number(flags.timeout);
    if (!Number.isFinite(t) || t <= 0) throw new UsageError(`--timeout ${flags.timeout}: a number of seconds above 0`);
    out.timeoutSeconds = t;
  }
  if (flags.registryUser !== undefined) {
    const password = env.SHIPSHAPE_REGISTRY_PASSWORD;
    if (!password) throw new UsageError(`--registry-user ${flags.registryUser}: set the password (or token) in SHIPSHAPE_REGISTRY_PASSWORD; it is never taken on the command line`);
    out.registryUser = flags.registryUser;
    out.registryPassword = password;
  }
  return out;
}
