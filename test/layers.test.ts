/**
 * The layers of CONTRIBUTING.md, checked on every import of src/ and checks/: each part imports only
 * the parts under it, the never-rules hold, and no module imports itself back through others.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = join(import.meta.dirname, '..');

/**
 * Each part and what it may import at run time. `types` lists parts it may import types from only
 * (the facts the engine hands to checks). Everything under src/ belongs to the part of its first
 * folder; `src/analyze.ts`, `src/targets.ts`, `src/stdin.ts` and `src/analyze-*.ts`, `src/targets-*.ts` are the `analyze` part.
 */
const LAYERS: Record<string, { imports: string[]; types?: string[] }> = {
  util: { imports: [] },
  shell: { imports: ['util'] },
  knowledge: { imports: ['util', 'shell'] },
  dockerfile: { imports: ['util', 'shell', 'knowledge'] },
  image: { imports: ['util', 'shell', 'knowledge'] },
  manifests: { imports: ['util', 'shell', 'knowledge'] },
  pair: { imports: ['util', 'shell', 'knowledge', 'dockerfile', 'image', 'manifests'] },
  repo: { imports: ['util'] },
  engine: { imports: ['util', 'knowledge', 'version'], types: ['dockerfile', 'image', 'manifests', 'pair', 'shell'] },
  fix: { imports: ['util', 'knowledge', 'engine'], types: ['dockerfile', 'image', 'shell'] },
  checks: { imports: ['util', 'shell', 'knowledge', 'dockerfile', 'image', 'manifests', 'pair', 'engine', 'fix'] },
  report: { imports: ['util', 'knowledge', 'engine', 'version'], types: ['dockerfile', 'image', 'analyze'] },
  analyze: { imports: ['util', 'shell', 'knowledge', 'dockerfile', 'image', 'manifests', 'pair', 'repo', 'engine', 'fix', 'checks', 'report'] },
  cli: { imports: ['util', 'knowledge', 'dockerfile', 'image', 'engine', 'fix', 'checks', 'report', 'analyze', 'version', 'lsp'] },
  action: { imports: ['util', 'knowledge', 'engine', 'checks', 'report', 'analyze', 'version'] },
  lsp: { imports: ['util', 'knowledge', 'dockerfile', 'engine', 'fix', 'checks', 'report', 'analyze', 'version'] },
  version: { imports: [] },
};

/** The never-rules, stated on their own so that a change to LAYERS cannot drop them silently. */
const NEVER: [string, string, string][] = [
  ['image', 'dockerfile', 'the image side reads images only; a Dockerfile reaches it as a BuildSource (src/pair/)'],
  ['dockerfile', 'image', 'the Dockerfile front end knows no image'],
  ['engine', 'image', 'the engine knows no input; image-side steps are passed to it (amend)'],
  ['engine', 'dockerfile', 'the engine knows no input; the front end reads pragmas, the engine applies them'],
  ['engine', 'manifests', 'the engine knows no input; containers reach it as facts built in src/pair/'],
  ['engine', 'pair', 'the engine knows no input; the pairing hands it plain facts'],
  ['manifests', 'dockerfile', 'the manifest reader knows no Dockerfile; src/pair/ meets them'],
  ['manifests', 'image', 'the manifest reader knows no image; src/pair/ meets them'],
  ['knowledge', 'manifests', 'knowledge is shared by every input'],
  ['image', 'manifests', 'the image side knows no manifest; src/pair/ meets them'],
  ['dockerfile', 'manifests', 'the Dockerfile front end knows no manifest; src/pair/ meets them'],
  ['checks', 'cli', 'checks never import a front end'],
  ['checks', 'action', 'checks never import a front end'],
  ['checks', 'lsp', 'checks never import a front end'],
  ['checks', 'analyze', 'checks never import the analysis entry'],
  ['knowledge', 'dockerfile', 'knowledge is shared by both inputs'],
  ['knowledge', 'image', 'knowledge is shared by both inputs'],
  ['action', 'cli', 'the Action shares the analysis and the renderers, not the CLI'],
];

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function partOf(file: string): string | null {
  const rel = relative(root, file).split(sep);
  if (rel[0] === 'checks') return 'checks';
  if (rel[0] !== 'src') return null;
  if (rel.length === 2) {
    const name = rel[1]!.replace(/\.ts$/, '');
    return name === 'targets' || name === 'stdin' || /^(analyze|targets)-/.test(name) ? 'analyze' : name;
  }
  return rel[1]!;
}

/** Relative imports of a file: static (`import`/`export … from`) and dynamic (`import('…')`). */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  const lineAt = (i: number): number => text.slice(0, i).split('\n').length;
  const add = (spec: string, typeOnly: boolean, at: number): void => {
    if (!spec.startsWith('.')) return;
    out.push({ from: file, to: resolve(dirname(file), spec).replace(/\.js$/, '.ts'), typeOnly, line: lineAt(at) });
  };
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'/gms)) {
    const names = m[3] ?? '';
    const allTypes = /^\{[^}]*\}$/.test(names.trim()) && names.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((n) => n.startsWith('type'));
    add(m[4]!, Boolean(m[2]) || allTypes, m.index);
  }
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) add(m[1]!, false, m.index);
  return out;
}

const all = [...files(join(root, 'src')), ...files(join(root, 'checks'))];
const imports = all.flatMap(importsOf);

describe('layers', () => {
  it('every module belongs to a known part', () => {
    expect(all.map((f) => [relative(root, f), partOf(f)]).filter(([, p]) => p === null || !(p! in LAYERS))).toEqual([]);
  });

  it('each part imports only the parts under it (type-only imports of facts where listed)', () => {
    const bad: string[] = [];
    for (const i of imports) {
      const a = partOf(i.from)!;
      const b = partOf(i.to);
      if (b === null || a === b) continue;
      const rule = LAYERS[a]!;
      if (rule.imports.includes(b) || (i.typeOnly && rule.types?.includes(b))) continue;
      bad.push(`${relative(root, i.from)}:${i.line}: ${a} imports ${i.typeOnly ? 'types from ' : ''}${b} (${relative(root, i.to)})`);
    }
    expect(bad).toEqual([]);
  });

  it('the never-rules hold at run time', () => {
    const bad: string[] = [];
    for (const [a, b, why] of NEVER) {
      for (const i of imports) if (!i.typeOnly && partOf(i.from) === a && partOf(i.to) === b) bad.push(`${relative(root, i.from)}:${i.line}: ${a} imports ${b}: ${why}`);
      // The table must agree with the rule too.
      if (LAYERS[a]!.imports.includes(b)) bad.push(`LAYERS lets ${a} import ${b}, against: ${why}`);
    }
    expect(bad).toEqual([]);
  });

  it('no module imports itself back through others (types included)', () => {
    const graph = new Map<string, string[]>();
    for (const i of imports) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (n: string): void => {
      state.set(n, 1);
      stack.push(n);
      for (const m of graph.get(n) ?? []) {
        if (state.get(m) === 1) cycles.push([...stack.slice(stack.indexOf(m)), m].map((f) => relative(root, f)).join(' -> '));
        else if (!state.has(m)) visit(m);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const f of all) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('finds a broken rule (the test itself can fail)', () => {
    const fake: Import = { from: join(root, 'src/image/x.ts'), to: join(root, 'src/dockerfile/model.ts'), typeOnly: false, line: 1 };
    const a = partOf(fake.from)!;
    const b = partOf(fake.to)!;
    expect(LAYERS[a]!.imports.includes(b)).toBe(false);
  });
});
