/**
 * Which distribution and which language runtimes an image holds, and in which versions, for the
 * end-of-life check: read from the release files and version files the reader captured in its one
 * pass, and from the merged file list. Computed once per image.
 *
 * Runtimes installed by the distribution's package manager (`/usr/lib/python3.11`, Debian's
 * `nodejs`, headers under `/usr/include`) are left out: the distribution's security support covers
 * them for as long as it covers the distribution.
 */
import type { ImageFacts } from './facts.js';
import { cycleOf, osOfReleaseFiles, type EolProductId } from '../knowledge/eol.js';

/** A distribution or runtime found in the image. */
export interface ImageRuntime {
  product: EolProductId;
  /** The release line: `10`, `3.8`, `14`. */
  cycle: string;
  /** The version as the evidence states it: `10`, `3.8`, `14.17.0`, `go1.15.15`. */
  version: string;
  /** The file that says so. */
  path: string;
  layer: number;
  /** `/etc/os-release says Debian GNU/Linux 10 (buster)`, `/usr/local/go/VERSION says go1.15.15`. */
  evidence: string;
}

const memo = new WeakMap<ImageFacts, ImageRuntime[]>();

/** Prefixes a distribution installs into: a runtime found there is the distribution's. */
const DISTRO_PREFIX = /^\/usr\/(?:lib|lib64|share|include)\//;

function envValue(image: ImageFacts, name: string): string | null {
  const e = image.config.env.find((x) => x.startsWith(`${name}=`));
  return e ? e.slice(name.length + 1) : null;
}

/** The distribution and runtimes of an image (see the module comment), each product and cycle once. */
export function imageRuntimes(image: ImageFacts): readonly ImageRuntime[] {
  const hit = memo.get(image);
  if (hit) return hit;
  const out: ImageRuntime[] = [];
  const add = (product: EolProductId, version: string, path: string, evidence: string): void => {
    const cycle = cycleOf(product, version);
    const layer = image.files.get(path)?.layer;
    if (!cycle || layer === undefined || out.some((r) => r.product === product && r.cycle === cycle)) return;
    out.push({ product, cycle, version, path, layer, evidence });
  };

  // The distribution: /etc/os-release is often a link to /usr/lib/os-release, which holds the text.
  const cap = image.captured;
  const osPath = ['/etc/os-release', '/usr/lib/os-release'].find((p) => cap.has(p));
  const files = {
    ...(osPath ? { osRelease: cap.get(osPath)! } : {}),
    ...(cap.has('/etc/alpine-release') ? { alpineRelease: cap.get('/etc/alpine-release')! } : {}),
    ...(cap.has('/etc/debian_version') ? { debianVersion: cap.get('/etc/debian_version')! } : {}),
    ...(cap.has('/etc/redhat-release') ? { redhatRelease: cap.get('/etc/redhat-release')! } : {}),
  };
  const os = osOfReleaseFiles(files);
  if (os) {
    const path = { osRelease: osPath!, alpineRelease: '/etc/alpine-release', debianVersion: '/etc/debian_version', redhatRelease: '/etc/redhat-release' }[os.from];
    add(os.product, os.version, path, `${path} says ${os.pretty}`);
  }

  // Version files the reader captured.
  for (const [path, text] of cap) {
    if (DISTRO_PREFIX.test(path)) continue;
    if (path.endsWith('/go/VERSION')) {
      const v = /^go(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
      if (v) add('go', v, path, `${path} says go${v}`);
    } else if (path.endsWith('/include/node/node_version.h')) {
      const major = /#define NODE_MAJOR_VERSION (\d+)/.exec(text)?.[1];
      const minor = /#define NODE_MINOR_VERSION (\d+)/.exec(text)?.[1];
      const patch = /#define NODE_PATCH_VERSION (\d+)/.exec(text)?.[1];
      if (major) add('node', [major, minor, patch].filter((x) => x !== undefined).join('.'), path, `${path} says Node.js ${[major, minor, patch].filter(Boolean).join('.')}`);
    } else if (path.endsWith('/include/php/main/php_version.h')) {
      const v = /#define PHP_VERSION "([\d.]+)/.exec(text)?.[1];
      if (v) add('php', v, path, `${path} says PHP ${v}`);
    } else if (path.endsWith('/release')) {
      const v = /^JAVA_VERSION="([^"]+)"/m.exec(text)?.[1];
      if (v) add('java', v, path, `${path} says Java ${v}`);
    }
  }

  // Runtimes known by where their standard library lies.
  for (const [path, f] of image.files) {
    if (f.type !== 'file') continue;
    let m: RegExpExecArray | null;
    // .NET follows Microsoft's lifecycle wherever it lies (/usr/share/dotnet in Microsoft's images, /usr/lib/dotnet from Ubuntu).
    if (path.endsWith('.deps.json') && (m = /\/shared\/Microsoft\.NETCore\.App\/(\d+\.\d+\.\d+[^/]*)\/Microsoft\.NETCore\.App\.deps\.json$/.exec(path))) add('dotnet', m[1]!, path, `the .NET runtime ${path.slice(0, path.lastIndexOf('/'))}`);
    if (DISTRO_PREFIX.test(path)) continue;
    if (path.endsWith('/os.py') && (m = /\/lib\/python(\d+\.\d+)\/os\.py$/.exec(path))) add('python', m[1]!, path, `the standard library ${path.slice(0, -'/os.py'.length)}`);
    else if (path.endsWith('/rubygems.rb') && (m = /\/lib\/ruby\/(\d+\.\d+)\.0\/rubygems\.rb$/.exec(path))) add('ruby', m[1]!, path, `the standard library ${path.slice(0, -'/rubygems.rb'.length)}`);
  }

  // The official images state the version in the environment; the binary must be there too.
  const env: [EolProductId, string, string][] = [['node', 'NODE_VERSION', '/usr/local/bin/node'], ['go', 'GOLANG_VERSION', '/usr/local/go/bin/go'], ['php', 'PHP_VERSION', '/usr/local/bin/php']];
  for (const [product, name, binary] of env) {
    const v = envValue(image, name);
    if (v && image.files.has(binary) && !out.some((r) => r.product === product)) add(product, v, binary, `${binary} with ${name}=${v} in the config`);
  }
  memo.set(image, out);
  return out;
}
