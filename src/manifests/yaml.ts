/**
 * Reading the `yaml` package's syntax tree the way Kubernetes reads the file (YAML 1.1 as
 * sigs.k8s.io/yaml does: `yes` is true, `<<` merges), without turning it into plain objects, so
 * every value keeps its position. Aliases are followed within a budget: the walk only visits the
 * paths a pod spec has, and each alias it resolves counts.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { LineIndex, type MappedText, type Range } from '../util/text.js';

/** More aliases resolved than this in one document is not a manifest anybody wrote by hand. */
export const MAX_ALIAS_RESOLUTIONS = 10_000;

/** A problem with the file that stops its analysis: one line, naming the file. */
export class ManifestError extends Error {}

/** One document being read: its tree, the file's line index, the alias budget. */
export class DocReader {
  private resolutions = 0;
  constructor(
    readonly doc: Document.Parsed,
    readonly index: LineIndex,
    readonly path: string,
  ) {}

  /** The node an alias stands for (aliases of aliases followed), within the budget. */
  deref(node: unknown): Node | null {
    let n = node;
    for (let hops = 0; isAlias(n); hops++) {
      if (++this.resolutions > MAX_ALIAS_RESOLUTIONS || hops > 64) {
        const at = this.index.position((n as Alias).range?.[0] ?? 0);
        throw new ManifestError(`${this.path}:${at.line}:${at.column}: YAML aliases resolved more than ${MAX_ALIAS_RESOLUTIONS} times in one document (an alias bomb?); not analyzed`);
      }
      n = (n as Alias).resolve(this.doc);
    }
    return (n as Node | undefined) ?? null;
  }

  /** The map a node is (through aliases), else null. */
  map(node: unknown): YAMLMap | null {
    const n = this.deref(node);
    return isMap(n) ? n : null;
  }

  seq(node: unknown): YAMLSeq | null {
    const n = this.deref(node);
    return isSeq(n) ? n : null;
  }

  scalar(node: unknown): Scalar | null {
    const n = this.deref(node);
    return isScalar(n) ? n : null;
  }

  /** The pair of `key` in a map, following `<<` merge keys (the map's own keys win). */
  pair(map: YAMLMap | null, key: string, depth = 0): Pair | null {
    if (!map || depth > 16) return null;
    let merged: Pair | null = null;
    for (const item of map.items) {
      if (!isPair(item)) continue;
      const k = this.scalar(item.key);
      if (!k) continue;
      if (k.value === key) return item;
      if (merged === null && (k.value === '<<' || typeof k.value === 'symbol')) {
        const v = this.deref(item.value);
        const sources = isSeq(v) ? v.items : [v];
        for (const s of sources) {
          merged = this.pair(this.map(s), key, depth + 1);
          if (merged) break;
        }
      }
    }
    return merged;
  }

  /** The value node of `key` (through aliases). */
  get(map: YAMLMap | null, key: string): Node | null {
    const p = this.pair(map, key);
    return p ? this.deref(p.value) : null;
  }

  /** Follows a path of keys through maps. */
  dig(map: YAMLMap | null, keys: readonly string[]): Node | null {
    let cur: Node | null = map;
    for (const k of keys) {
      cur = this.get(this.map(cur), k);
      if (!cur) return null;
    }
    return cur;
  }

  /** The range of a node (its value, without trailing comments). */
  range(node: { range?: readonly [number, number, number] | null } | null | undefined): Range {
    const r = node?.range;
    if (!r) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
    return this.index.range(r[0], r[1]);
  }

  /** The range of a pair's key. */
  keyRange(pair: Pair): Range {
    return this.range(this.deref(pair.key) as Node | null);
  }

  /** A string value (a plain, quoted or block scalar that is a string, or a number written plainly), else null. */
  string(node: unknown): string | null {
    const s = this.scalar(node);
    if (!s) return null;
    if (typeof s.value === 'string') return own(s.value);
    if (typeof s.value === 'number' || typeof s.value === 'boolean') return String(s.source ?? s.value);
    return null;
  }

  /** An integer value, else null (Kubernetes rejects a quoted number where an integer goes). */
  int(node: unknown): number | null {
    const s = this.scalar(node);
    return s && typeof s.value === 'number' && Number.isInteger(s.value) ? s.value : null;
  }

  bool(node: unknown): boolean | null {
    const s = this.scalar(node);
    return s && typeof s.value === 'boolean' ? s.value : null;
  }

  /** The text of a string scalar, each character mapped to its offset in the file where that can be worked out. */
  mapped(node: unknown): MappedText | null {
    const s = this.scalar(node);
    if (!s || typeof s.value !== 'string' || !s.range) return null;
    return mapScalar(s, this.index.text);
  }
}

/**
 * A copy of a string that shares no memory with the parser's: the values the facts keep would
 * otherwise hold on to the parser's strings (measured: 30 MB kept for a 2 MB file of 5,000
 * Deployments).
 */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * The characters of a scalar's value mapped back to the file: exactly for plain and quoted scalars
 * without escapes and for literal block scalars (`|`); otherwise every character maps to the
 * scalar's start, so a finding inside it points at the scalar.
 */
export function mapScalar(s: Scalar, text: string): MappedText {
  const value = s.value as string;
  const [start, end] = s.range as [number, number, number];
  const raw = text.slice(start, end);
  if (s.type === 'PLAIN' && raw === value) return { text: value, map: null, start };
  if ((s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE') && raw.length === value.length + 2 && raw.slice(1, -1) === value) return { text: value, map: null, start: start + 1 };
  if (s.type === 'BLOCK_LITERAL') {
    const m = mapLiteralBlock(value, raw, start);
    if (m) return m;
  }
  const map = new Int32Array(value.length + 1).fill(start);
  return { text: value, map, start };
}

/** A literal block scalar: the header line, then lines that all start with the same indentation. */
function mapLiteralBlock(value: string, raw: string, start: number): MappedText | null {
  const nl = raw.indexOf('\n');
  if (nl < 0) return null;
  const body = raw.slice(nl + 1);
  const first = /^( *)\S/m.exec(body);
  if (!first) return null;
  const indent = first[1]!.length;
  const map = new Int32Array(value.length + 1);
  let v = 0;
  let at = nl + 1;
  for (const line of body.split('\n')) {
    const content = line.length >= indent ? line.slice(indent) : '';
    const from = line.length >= indent ? at + indent : at + line.length;
    for (let j = 0; j < content.length && v < value.length; j++) {
      if (value[v] !== content[j]) return null;
      map[v++] = start + from + j;
    }
    if (v < value.length) {
      if (value[v] !== '\n') return null;
      map[v++] = start + at + line.length;
    }
    at += line.length + 1;
    if (v >= value.length) break;
  }
  if (v !== value.length) return null;
  map[value.length] = (map[value.length - 1] ?? start) + 1;
  return { text: value, map, start };
}

export { LineIndex };
