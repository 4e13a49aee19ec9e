/**
 * End of life of base distributions and language runtimes: an offline table (`eol.json`, dated, each
 * product with its source) and the lookups both inputs use: a Dockerfile's `FROM node:14`, an image's
 * `/etc/os-release` and the version files of the runtimes inside it.
 *
 * ## The table (`eol.json`)
 *
 * ```json
 * {
 *   "date": "2025-06-01",                       // the oldest `checked` of its products: the table's age
 *   "products": {
 *     "python": {
 *       "name": "Python",
 *       "checked": "2025-06-01",                // when these dates were last compared with the source
 *       "source": "https://devguide.python.org/versions/",
 *       "eolMeans": "end of security fixes",
 *       "cycles": [
 *         { "cycle": "3.8", "release": "2019-10-14", "eol": "2024-10-07" },
 *         { "cycle": "3.13", "release": "2024-10-07", "eol": "2029-10-31" }
 *       ]
 *     }
 *   }
 * }
 * ```
 *
 * A cycle's `eol` is a date (`YYYY-MM-DD`), `true` (ended, date unknown) or `false`/`null` (no end
 * known); `codename` (`buster`, `jammy`, `hydrogen`) and `lts` are optional, `releaseDate` is read as
 * `release`. `npm run update-eol FILE` merges a file of the same shape into the table: each product
 * it names gets its cycles merged by `cycle` (the file's entries win), `checked` from the product or
 * the file's `date`, and `name`/`source`/`eolMeans` when given; a product the table does not have
 * needs all of them. Cycles in endoflife.date's API form (`[{ "cycle": "3.8", "eol": "2024-10-07",
 * "releaseDate": … }]`) can be pasted as a product's `cycles` as they are.
 *
 * Product ids: `debian`, `ubuntu`, `alpine`, `rhel` (and UBI), `centos`, `centos-stream`,
 * `amazon-linux`, `node`, `python`, `go`, `java`, `ruby`, `php`, `dotnet`.
 */
import table from './eol.json' with { type: 'json' };
import type { ImageRef } from './image-ref.js';

export interface EolCycle {
  cycle: string;
  codename?: string;
  release?: string;
  /** A date, `true` (ended, date unknown), or `false`/`null` (no end known). */
  eol: string | boolean | null;
  lts?: boolean;
}

export interface EolProduct {
  name: string;
  checked: string;
  source: string;
  eolMeans: string;
  cycles: EolCycle[];
}

export interface EolTable {
  date: string;
  products: Record<string, EolProduct>;
}

export const EOL_TABLE = table as unknown as EolTable;

export type EolProductId = 'debian' | 'ubuntu' | 'alpine' | 'rhel' | 'centos' | 'centos-stream' | 'amazon-linux' | 'node' | 'python' | 'go' | 'java' | 'ruby' | 'php' | 'dotnet';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Today as `YYYY-MM-DD` (UTC): the date end-of-life dates are compared with. `SHIPSHAPE_TODAY`
 * (`YYYY-MM-DD`) sets it, for reproducible reports and tests.
 */
export function today(): string {
  // Asked once per FROM: the answer is kept for a second (reading the environment and formatting a
  // date cost more than the check that asks; a language server runs across midnight).
  const now = Date.now();
  if (todayCache && now - todayCache.at < 1000) return todayCache.value;
  const fixed = process.env.SHIPSHAPE_TODAY;
  const value = fixed && DATE.test(fixed) ? fixed : new Date(now).toISOString().slice(0, 10);
  todayCache = { at: now, value };
  return value;
}
let todayCache: { at: number; value: string } | null = null;

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A table is taken to speak for a year after its products were checked. */
const FRESH_DAYS = 365;

/** The table's age for `shipshape --version`: `EOL table of 2025-06-01 (553 days old; …)`. */
export function eolTableAge(now = today(), t: EolTable = EOL_TABLE): string {
  const age = days(t.date, now);
  const fresh = Object.values(t.products).filter((p) => p.checked > t.date);
  const newer = fresh.length ? `; ${fresh.map((p) => p.name).join(', ')} checked ${fresh.map((p) => p.checked).sort().at(-1)}` : '';
  const stale = age > FRESH_DAYS ? '; it may be stale: npm run update-eol refreshes it' : '';
  return `EOL table of ${t.date} (${age} day${age === 1 ? '' : 's'} old${newer}${stale})`;
}

/** What the table says about one cycle of a product that has reached its end of life. */
export interface EolVerdict {
  product: EolProductId;
  cycle: string;
  /** `Debian 10 (buster)`, `Node.js 14`, `Python 2.7`. */
  label: string;
  /** The date it ended, or null when the table only says it ended. */
  eol: string | null;
  /** What end of life means for it (the product's `eolMeans`). */
  means: string;
  /** The newest released cycle the table has with no end yet, LTS first (`Node.js 24`, `Debian 13 (trixie)`), to suggest; null when none. */
  newest: string | null;
  /**
   * Set when the date was a schedule when the table was last checked (the end came after it): the
   * table may be stale. A sentence to append to a message.
   */
  stale: string | null;
  source: string;
}

function labelOf(product: EolProductId, p: EolProduct, c: EolCycle): string {
  const name = product === 'rhel' ? 'RHEL' : p.name;
  const code = c.codename && (product === 'debian' || product === 'ubuntu') ? ` (${c.codename})` : '';
  return `${name} ${c.cycle}${code}`;
}

function ended(c: EolCycle, now: string): boolean {
  if (c.eol === true) return true;
  return typeof c.eol === 'string' && DATE.test(c.eol) && c.eol <= now;
}

/**
 * The verdict for a product's cycle when it has reached end of life by `now`; null when the cycle is
 * not in the table, has no end yet, or its end is still to come.
 */
export function eolOf(product: EolProductId, cycle: string, now = today(), t: EolTable = EOL_TABLE): EolVerdict | null {
  const p = t.products[product];
  const c = p?.cycles.find((x) => x.cycle === cycle);
  if (!p || !c || !ended(c, now)) return null;
  const live = p.cycles.filter((x) => !ended(x, now) && (!x.release || x.release <= now));
  const pick = live.filter((x) => x.lts).at(-1) ?? live.at(-1);
  const newest = pick ? labelOf(product, p, pick) : null;
  const eol = typeof c.eol === 'string' ? c.eol : null;
  const stale = eol && eol > p.checked ? `shipshape's table had this date as planned when last checked (${p.checked}) and may be stale` : null;
  return { product, cycle: c.cycle, label: labelOf(product, p, c), eol, means: p.eolMeans, newest, stale, source: p.source };
}

/** The cycle a version belongs to: `14.17.0` -> `14` (node), `3.8.10` -> `3.8` (python), `1.8.0_292` -> `8` (java). Null when it names none. */
export function cycleOf(product: EolProductId, version: string): string | null {
  const v = version.trim().replace(/^v/, '');
  const t = EOL_TABLE.products[product];
  switch (product) {
    case 'node': {
      const m = /^(\d+)(?:\.|$)/.exec(v);
      if (m) return m[1] === '0' ? (/^0\.(\d+)/.exec(v) ? `0.${/^0\.(\d+)/.exec(v)![1]}` : null) : m[1]!;
      return t?.cycles.find((c) => c.codename === v.toLowerCase())?.cycle ?? null;
    }
    case 'java': {
      const m = /^1\.(\d+)(?:[._]|$)/.exec(v) ?? /^(\d+)(?:[.u_+-]|$)/.exec(v);
      return m ? m[1]! : null;
    }
    case 'debian': {
      const m = /^(\d+)(?:\.|$)/.exec(v);
      if (m) return m[1]!;
      return t?.cycles.find((c) => c.codename === v.toLowerCase())?.cycle ?? null;
    }
    case 'ubuntu': {
      const m = /^(\d+\.\d+)/.exec(v);
      if (m) return m[1]!;
      return t?.cycles.find((c) => c.codename === v.toLowerCase())?.cycle ?? null;
    }
    case 'rhel':
    case 'centos':
    case 'centos-stream':
      return /^(\d+)(?:\.|$)/.exec(v)?.[1] ?? null;
    case 'amazon-linux': {
      if (/^2018\.03/.test(v) || v === '1') return '2018.03';
      return /^(2023|2)(?:\.|$)/.exec(v)?.[1] ?? null;
    }
    default:
      // alpine, python, go, ruby, php, dotnet: major.minor
      return /^(\d+\.\d+)(?:[.\-_a-z]|$)/.exec(v)?.[1] ?? null;
  }
}

// ---------------------------------------------------------------------------------------------------
// Image references: `node:14-alpine3.12`, `python:2.7-slim-buster`, `ubuntu:18.04`.

const HUB = new Set([null, 'docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Official (or vendor) repositories whose tag starts with the version of what they hold. */
const RUNTIME_REPOS: Record<string, EolProductId> = {
  node: 'node',
  python: 'python',
  golang: 'go',
  ruby: 'ruby',
  php: 'php',
  openjdk: 'java',
  'eclipse-temurin': 'java',
  amazoncorretto: 'java',
  adoptopenjdk: 'java',
  sapmachine: 'java',
  'ibm-semeru-runtimes': 'java',
  debian: 'debian',
  ubuntu: 'ubuntu',
  alpine: 'alpine',
  centos: 'centos',
  amazonlinux: 'amazon-linux',
};

/** Repositories of other registries: `mcr.microsoft.com/dotnet/aspnet`, `registry.access.redhat.com/ubi8/…`. */
function repoProduct(ref: ImageRef): { product: EolProductId; version: string } | null {
  const repo = ref.repository.toLowerCase();
  const tag = ref.tag ?? '';
  if (HUB.has(ref.registry)) {
    const product = RUNTIME_REPOS[repo];
    if (product) return tag ? { product, version: tag } : null;
    const adopt = /^adoptopenjdk\/openjdk(\d+)/.exec(repo);
    if (adopt) return { product: 'java', version: adopt[1]! };
    if (/^(microsoft\/(dotnet|aspnetcore(-build)?))$/.test(repo)) return tag ? { product: 'dotnet', version: tag } : null;
    const ubi = /^redhat\/ubi(\d+)(?:[-/]|$)/.exec(repo);
    if (ubi) return { product: 'rhel', version: ubi[1]! };
    return null;
  }
  if (ref.registry === 'mcr.microsoft.com' && /^dotnet\/(core\/|core-nightly\/|nightly\/)?(aspnet|runtime|runtime-deps|sdk)$/.test(repo)) {
    return tag ? { product: 'dotnet', version: tag } : null;
  }
  if (ref.registry && /^registry\.(access\.)?redhat\.(io|com)$/.test(ref.registry)) {
    const m = /^(?:ubi|rhel)(\d+)(?:[-/]|$)/.exec(repo);
    if (m) return { product: 'rhel', version: m[1]! };
  }
  if (ref.registry === 'quay.io' && repo === 'centos/centos') {
    const m = /^stream(\d+)/.exec(tag);
    if (m) return { product: 'centos-stream', version: m[1]! };
  }
  if (ref.registry === 'public.ecr.aws' && /^(amazonlinux\/)?amazonlinux$/.test(repo)) return tag ? { product: 'amazon-linux', version: tag } : null;
  return null;
}

/** The version a runtime repository's tag starts with: `14.17.0-alpine3.13` -> `14.17.0`, `8u212-jre` -> `8u212`. */
function leadingVersion(product: EolProductId, tag: string): string | null {
  if (product === 'debian' || product === 'ubuntu') return tag.split('-')[0]!;
  if (product === 'centos') return tag.replace(/^centos/, '');
  if (product === 'node' && /^[a-z]+$/.test(tag.split('-')[0]!)) return tag.split('-')[0]!;
  if (product === 'python' && /^2(?:-|$)/.test(tag)) return '2.7';
  return /^v?\d+(?:\.\d+)*(?:u\d+)?/.exec(tag)?.[0] ?? null;
}

/** Distribution parts of a tag: `-alpine3.12`, `-buster`, `-slim-bullseye`, `ubuntu18.04`, `-centos7`, `-ubi8`. */
function tagDistributions(tag: string): { product: EolProductId; version: string }[] {
  const out: { product: EolProductId; version: string }[] = [];
  const parts = tag.toLowerCase().split(/[-_]/);
  const deb = EOL_TABLE.products.debian?.cycles ?? [];
  const ubu = EOL_TABLE.products.ubuntu?.cycles ?? [];
  for (const part of parts) {
    let m: RegExpExecArray | null;
    if ((m = /^alpine(\d+\.\d+)(?:\.\d+)?$/.exec(part))) out.push({ product: 'alpine', version: m[1]! });
    else if ((m = /^ubuntu(\d+\.\d+)$/.exec(part))) out.push({ product: 'ubuntu', version: m[1]! });
    else if ((m = /^centos(\d+)$/.exec(part))) out.push({ product: 'centos', version: m[1]! });
    else if ((m = /^ubi(\d+)$/.exec(part))) out.push({ product: 'rhel', version: m[1]! });
    else if ((m = /^(?:debian|deb)(\d+)$/.exec(part))) out.push({ product: 'debian', version: m[1]! });
    else if (deb.some((c) => c.codename === part)) out.push({ product: 'debian', version: part });
    else if (ubu.some((c) => c.codename === part)) out.push({ product: 'ubuntu', version: part });
  }
  return out;
}

/** What an image reference names, for the EOL table: the runtime or distribution of its repository, and the distribution its tag names. */
export function imageRefProducts(ref: ImageRef): { product: EolProductId; cycle: string }[] {
  if (ref.unresolved) return [];
  const out: { product: EolProductId; cycle: string }[] = [];
  const add = (product: EolProductId, version: string): void => {
    const cycle = cycleOf(product, version);
    if (cycle && !out.some((o) => o.product === product && o.cycle === cycle)) out.push({ product, cycle });
  };
  const own = repoProduct(ref);
  if (own) {
    const v = RUNTIME_REPOS[ref.repository.toLowerCase()] && HUB.has(ref.registry) ? leadingVersion(own.product, own.version) : own.version;
    if (v) add(own.product, v);
  }
  // The distribution a tag names (`node:18-buster`); an OS repository's own tag is its version, not a suffix.
  const osRepo = own && ['debian', 'ubuntu', 'alpine', 'centos', 'amazon-linux', 'rhel', 'centos-stream'].includes(own.product);
  if (!osRepo && ref.tag) for (const d of tagDistributions(ref.tag)) add(d.product, d.version);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// An image's own files: `/etc/os-release` and its older relatives.

export interface ReleaseFiles {
  osRelease?: string;
  alpineRelease?: string;
  debianVersion?: string;
  redhatRelease?: string;
}

/** The distribution the release files name, and which file said it; null for others (busybox, distroless static…). */
export function osOfReleaseFiles(files: ReleaseFiles): { product: EolProductId; version: string; pretty: string; from: keyof ReleaseFiles } | null {
  if (files.osRelease !== undefined) {
    const kv = new Map<string, string>();
    for (const line of files.osRelease.split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) kv.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
    }
    const id = (kv.get('ID') ?? '').toLowerCase();
    const version = kv.get('VERSION_ID') ?? '';
    const pretty = kv.get('PRETTY_NAME') ?? `${kv.get('NAME') ?? id} ${version}`.trim();
    const name = kv.get('NAME') ?? '';
    const product: EolProductId | null =
      id === 'debian' ? 'debian' : id === 'ubuntu' ? 'ubuntu' : id === 'alpine' ? 'alpine' : id === 'rhel' ? 'rhel' : id === 'amzn' ? 'amazon-linux' : id === 'centos' ? (/stream/i.test(name) ? 'centos-stream' : 'centos') : null;
    // Debian testing and sid have no VERSION_ID; Alpine edge has `3.21_alpha…`.
    if (product && version && !/_alpha|_beta|_rc/.test(version)) return { product, version, pretty, from: 'osRelease' };
    if (product === 'debian' && !version && files.debianVersion) {
      const v = /^(\d+)(?:\.\d+)*\s*$/.exec(files.debianVersion)?.[1];
      if (v) return { product, version: v, pretty, from: 'debianVersion' };
    }
    if (product || id) return null;
  }
  if (files.alpineRelease) {
    const v = /^(\d+\.\d+)\.\d+\s*$/.exec(files.alpineRelease)?.[1];
    if (v) return { product: 'alpine', version: v, pretty: `Alpine Linux ${files.alpineRelease.trim()}`, from: 'alpineRelease' };
  }
  if (files.debianVersion) {
    const v = /^(\d+)(?:\.\d+)*\s*$/.exec(files.debianVersion)?.[1];
    if (v) return { product: 'debian', version: v, pretty: `Debian ${files.debianVersion.trim()}`, from: 'debianVersion' };
  }
  if (files.redhatRelease) {
    const r = files.redhatRelease.trim();
    const m = /^(CentOS Stream|CentOS(?: Linux)?|Red Hat Enterprise Linux)[^\d]*release (\d+)/.exec(r);
    if (m) return { product: m[1] === 'CentOS Stream' ? 'centos-stream' : m[1]!.startsWith('CentOS') ? 'centos' : 'rhel', version: m[2]!, pretty: r, from: 'redhatRelease' };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// `npm run update-eol`: merging a file into the table, and writing it back.

export class EolTableError extends Error {}

function checkCycle(where: string, c: unknown): EolCycle {
  if (!c || typeof c !== 'object') throw new EolTableError(`${where}: not an object`);
  const o = c as Record<string, unknown>;
  const cycle = typeof o.cycle === 'number' ? String(o.cycle) : o.cycle;
  if (typeof cycle !== 'string' || !cycle) throw new EolTableError(`${where}: "cycle" must be a string`);
  const eol = o.eol;
  if (!(eol === null || eol === undefined || typeof eol === 'boolean' || (typeof eol === 'string' && DATE.test(eol)))) throw new EolTableError(`${where} (${cycle}): "eol" must be a YYYY-MM-DD date, true, false or null`);
  const release = o.release ?? o.releaseDate;
  if (release !== undefined && release !== null && (typeof release !== 'string' || !DATE.test(release))) throw new EolTableError(`${where} (${cycle}): "release" must be a YYYY-MM-DD date`);
  // Keys in this order, so the table reads cycle, codename, release, eol.
  const out = { cycle } as EolCycle;
  if (typeof o.codename === 'string' && o.codename) out.codename = o.codename.toLowerCase();
  if (typeof release === 'string') out.release = release;
  out.eol = eol === undefined ? null : eol;
  if (o.lts === true || (typeof o.lts === 'string' && DATE.test(o.lts))) out.lts = true;
  return out;
}

const cycleKey = (c: string): number[] => c.split('.').map((n) => Number(n) || 0);
const byCycle = (a: EolCycle, b: EolCycle): number => {
  const x = cycleKey(a.cycle);
  const y = cycleKey(b.cycle);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

/** The table with `update` merged in (see the format above); throws `EolTableError` naming what is wrong. */
export function mergeEolTable(current: EolTable, update: unknown, on = today()): EolTable {
  if (!update || typeof update !== 'object' || Array.isArray(update)) throw new EolTableError('the file must hold a JSON object with "products"');
  const u = update as { date?: unknown; products?: unknown };
  if (u.date !== undefined && (typeof u.date !== 'string' || !DATE.test(u.date))) throw new EolTableError('"date" must be a YYYY-MM-DD date');
  if (!u.products || typeof u.products !== 'object' || Array.isArray(u.products)) throw new EolTableError('"products" must be an object of products');
  const products: Record<string, EolProduct> = structuredClone(current.products);
  for (const [id, raw] of Object.entries(u.products as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object') throw new EolTableError(`products.${id}: not an object`);
    const p = raw as Record<string, unknown>;
    const cycles = p.cycles;
    if (!Array.isArray(cycles)) throw new EolTableError(`products.${id}.cycles must be an array`);
    const checked = (p.checked as string | undefined) ?? (u.date as string | undefined) ?? on;
    if (typeof checked !== 'string' || !DATE.test(checked)) throw new EolTableError(`products.${id}.checked must be a YYYY-MM-DD date`);
    const have = products[id];
    const text = (k: 'name' | 'source' | 'eolMeans'): string => {
      const v = p[k] ?? have?.[k];
      if (typeof v !== 'string' || !v) throw new EolTableError(`products.${id}.${k} is needed for a product the table does not have`);
      return v;
    };
    const merged = new Map((have?.cycles ?? []).map((c) => [c.cycle, c]));
    cycles.forEach((c, i) => {
      const cy = checkCycle(`products.${id}.cycles[${i}]`, c);
      merged.set(cy.cycle, cy);
    });
    products[id] = { name: text('name'), checked, source: text('source'), eolMeans: text('eolMeans'), cycles: [...merged.values()].sort(byCycle) };
  }
  const date = Object.values(products).map((p) => p.checked).sort()[0] ?? on;
  return { date, products };
}

/** The table as `eol.json` holds it: one line per cycle. */
export function formatEolTable(t: EolTable, comment: string): string {
  const lines = ['{', `  "$comment": ${JSON.stringify(comment)},`, `  "date": ${JSON.stringify(t.date)},`, '  "products": {'];
  const ids = Object.keys(t.products);
  ids.forEach((id, i) => {
    const p = t.products[id]!;
    lines.push(`    ${JSON.stringify(id)}: {`);
    for (const k of ['name', 'checked', 'source', 'eolMeans'] as const) lines.push(`      ${JSON.stringify(k)}: ${JSON.stringify(p[k])},`);
    lines.push('      "cycles": [');
    p.cycles.forEach((c, j) => lines.push(`        ${JSON.stringify(c)}${j < p.cycles.length - 1 ? ',' : ''}`));
    lines.push('      ]', `    }${i < ids.length - 1 ? ',' : ''}`);
  });
  lines.push('  }', '}', '');
  return lines.join('\n');
}
