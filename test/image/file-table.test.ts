/**
 * The file index kept outside the heap (src/image/file-table.ts) against the Map it stands for:
 * every entry comes back as it went in, and the merged view keeps a Map's order and answers
 * through any mix of adds, in-place replacements and deletions.
 */
import { describe, expect, it } from 'vitest';
import { EntryStore, FileView } from '../../src/image/file-table.js';
import type { FileEntry } from '../../src/image/facts.js';

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Input = Omit<FileEntry, 'layer'>;

function put(store: EntryStore, e: Input): void {
  store.add(e.path.slice(1), e.type, e.mode, e.uid, e.gid, e.size, e.linkTarget);
}

describe('EntryStore', () => {
  it('gives back every entry as it was added: odd names, long paths, huge sizes, links, across chunks and pool strings', () => {
    const store = new EntryStore();
    const added: Input[] = [];
    const odd = ['/etc/passwd', '/x', '/usr/bin/ü-tool', '/opt/日本語/ファイル', '/a/\u{1f600}.txt', '/d/' + 'n'.repeat(70_000), '/lone/\ud800', '/sp ace/t\tab'];
    for (let i = 0; i < 30_000; i++) {
      const path = i < odd.length ? odd[i]! : `/srv/d${Math.floor(i / 1000)}/${'long-name-'.repeat(i % 7)}file-${i}.txt`;
      const type = (['file', 'dir', 'symlink', 'hardlink', 'other'] as const)[i % 5]!;
      const e: Input = { path, type, mode: (i * 7) % 0o7777, uid: i % 3 === 0 ? 0 : 1000 + (i % 11), gid: i % 5, size: i === 9 ? 2 ** 40 + 3 : i === 10 ? 0xffffffff : type === 'file' ? i * 13 : 0 };
      if (type === 'symlink') e.linkTarget = `../t${i}`;
      if (type === 'hardlink') e.linkTarget = `/srv/h${i}`;
      put(store, e);
      added.push(e);
    }
    expect(store.length).toBe(added.length);
    // More than one pool string (256 Ki characters) and more than one column chunk (8,192 entries) were filled.
    expect(added.reduce((n, e) => n + e.path.length, 0)).toBeGreaterThan(3 * (1 << 18));
    added.forEach((e, i) => {
      expect(store.entry(i, 4)).toEqual({ ...e, layer: 4 });
      expect(store.path(i)).toBe(e.path);
      expect(store.type(i)).toBe(e.type);
      expect(store.size(i)).toBe(e.size);
      expect(store.hasDir(e.path.slice(0, e.path.lastIndexOf('/')) || '/')).toBe(true);
    });
    expect(Array.from({ length: store.length }, (_, i) => store.entry(i, -1).path)).toEqual(added.map((e) => e.path));
    expect(store.hasDir('/srv')).toBe(false);
    expect(store.hasDir('/')).toBe(true);
  });

  it('keeps entries right past 65,535 distinct (type, mode, owner) tuples, and a long path between two pooled ones', () => {
    const store = new EntryStore();
    const n = 66_000;
    for (let i = 0; i < n; i++) store.add(`o/${i}`, 'file', 0o600, i, i % 7, 1);
    store.add('x/' + 'y'.repeat(70_000), 'dir', 0o755, 0, 0, 0);
    store.add('z', 'file', 0o644, 0, 0, 5);
    for (const i of [0, 65_534, 65_535, 65_536, n - 1]) expect(store.entry(i, 0)).toEqual({ path: `/o/${i}`, type: 'file', mode: 0o600, uid: i, gid: i % 7, size: 1, layer: 0 });
    expect(store.path(n)).toBe('/x/' + 'y'.repeat(70_000));
    expect(store.path(n - 1)).toBe(`/o/${n - 1}`);
    expect(store.path(n + 1)).toBe('/z');
  });

  it('keeps the key order of the entry a reader gave before (path, type, mode, uid, gid, size, layer, linkTarget)', () => {
    const store = new EntryStore();
    store.add('bin/sh', 'symlink', 0o777, 0, 0, 0, 'busybox');
    expect(Object.keys(store.entry(0, 0))).toEqual(['path', 'type', 'mode', 'uid', 'gid', 'size', 'layer', 'linkTarget']);
    expect(JSON.stringify(store.entry(0, 0))).toBe('{"path":"/bin/sh","type":"symlink","mode":511,"uid":0,"gid":0,"size":0,"layer":0,"linkTarget":"busybox"}');
  });
});

describe('FileView', () => {
  /** Runs random merges over `layers` stores, and checks the view against a Map doing the same. */
  function compare(seed: number, layers: number, perLayer: number, pathsPool: number): void {
    const rand = rng(seed);
    const stores: EntryStore[] = [];
    const inputs: Input[][] = [];
    for (let L = 0; L < layers; L++) {
      const store = new EntryStore();
      const list: Input[] = [];
      for (let i = 0; i < perLayer; i++) {
        const k = Math.floor(rand() * pathsPool);
        const path = k % 17 === 0 ? `/w/${k}-é` : `/p/${k % 13}/${k}`;
        const e: Input = { path, type: rand() < 0.2 ? 'dir' : 'file', mode: 0o644, uid: L, gid: 0, size: Math.floor(rand() * 1000) };
        put(store, e);
        list.push(e);
      }
      stores.push(store);
      inputs.push(list);
    }
    const view = new FileView(stores);
    const model = new Map<string, FileEntry>();
    for (let L = 0; L < layers; L++) {
      inputs[L]!.forEach((e, i) => {
        const at = view.findEntry(L, i);
        expect(at === -1).toBe(!model.has(e.path));
        const r = rand();
        if (at !== -1 && r < 0.3) {
          // In place, as a directory written again.
          view.replace(at, L, i);
          model.set(e.path, { ...e, layer: L });
        } else if (at !== -1 && r < 0.6) {
          view.remove(at);
          model.delete(e.path);
        } else {
          if (at !== -1) {
            expect(view.delete(e.path)).toBe(true);
            model.delete(e.path);
          }
          view.append(L, i);
          model.set(e.path, { ...e, layer: L });
        }
      });
      expect(view.size).toBe(model.size);
    }
    expect([...view.keys()]).toEqual([...model.keys()]);
    expect([...view.values()]).toEqual([...model.values()]);
    expect([...view]).toEqual([...model]);
    const each: string[] = [];
    view.forEach((v, k, map) => {
      expect(map).toBe(view);
      expect(v.path).toBe(k);
      each.push(k);
    });
    expect(each).toEqual([...model.keys()]);
    for (let k = 0; k < pathsPool; k++) {
      for (const path of [`/p/${k % 13}/${k}`, `/w/${k}-é`]) {
        expect(view.get(path)).toEqual(model.get(path));
        expect(view.has(path)).toBe(model.has(path));
      }
    }
    expect(view.get('/p')).toBeUndefined();
    expect(view.delete('/nowhere')).toBe(false);
  }

  it('agrees with a Map over random merges (few paths, many deletions and re-adds)', () => {
    for (let seed = 1; seed <= 20; seed++) compare(seed, 4, 300, 200);
  });

  it('agrees with a Map when the table grows and is compacted (many paths, 8 layers)', () => {
    compare(99, 8, 20_000, 50_000);
  });

  it('after reserve() holds as many positions without rebuilding, and stays right', () => {
    const store = new EntryStore();
    for (let i = 0; i < 5000; i++) store.add(`f${i}`, 'file', 0o644, 0, 0, i);
    const view = new FileView([store]);
    view.reserve(store.length);
    for (let i = 0; i < store.length; i++) view.append(0, i);
    expect(view.size).toBe(5000);
    expect(view.get('/f4999')).toEqual({ path: '/f4999', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 4999, layer: 0 });
    expect([...view.keys()].slice(0, 3)).toEqual(['/f0', '/f1', '/f2']);
  });
});
