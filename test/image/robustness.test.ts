/**
 * Hostile image archives (issue 13, found by generating them; see test/fuzz/). Each is generated
 * here, run through the real CLI, and must end within the contract: exit 0, 1 or 2, one clear line
 * for an archive that cannot be read, valid JSON, no stack trace, and (where /usr/bin/time can
 * measure it) a peak RSS under 300 MB. Each once hung, crashed or ran out of memory.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { buildArchive, type ArchiveSpec, type EntrySpec, type GraphNode, type ImageRecipe } from '../fuzz/archives.js';
import { gnuLongName, paxHeader, sha256, tar, zstdRaw, type TarEntry } from '../fuzz/tar.js';
import { MAX_DESCRIPTORS, MAX_EXPANSION, MAX_INDEX_DEPTH, MAX_META_BYTES, MAX_PATH_BYTES, MAX_ZSTD_EMPTY_BLOCKS, MAX_ZSTD_WINDOW } from '../../src/image/limits.js';

const root = join(import.meta.dirname, '../..');
/** Only stops a hang: far above what any case needs, so a busy machine cannot fail a test. */
const HANG = 600_000;
const cli = join(root, 'dist/cli.js');
const TIME = existsSync('/usr/bin/time');
let tmp = '';

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  tmp = mkdtempSync(join(tmpdir(), 'shipshape-hostile-'));
});

interface Run {
  status: number | null;
  doc: { targets: { error: { message: string } | null; findings: { rule: string; message: string }[] }[] };
  stderr: string;
  stdout: string;
  rssMb: number | null;
}

/** Runs the CLI on an archive (--format json unless given), with peak RSS when /usr/bin/time is there. */
function run(name: string, data: Buffer, format = 'json'): Run {
  const p = join(tmp, name);
  writeFileSync(p, data);
  const args = ['--format', format, p];
  const r = TIME
    ? spawnSync('/usr/bin/time', ['-f', '__rss__ %M', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: HANG })
    : spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: HANG });
  let stderr = r.stderr;
  let rssMb: number | null = null;
  const m = /(?:Command exited with non-zero status \d+\n)?__rss__ (\d+)\s*$/.exec(stderr);
  if (m) {
    rssMb = Number(m[1]) / 1024;
    stderr = stderr.slice(0, m.index);
  }
  const out: Run = { status: r.status, doc: format === 'json' ? JSON.parse(r.stdout) : { targets: [] }, stderr, stdout: r.stdout, rssMb };
  expect(out.stdout + stderr).not.toMatch(/\n\s+at |internal error|RangeError|NaN/);
  if (rssMb !== null) expect(rssMb).toBeLessThan(300);
  return out;
}

/** The one-line error the CLI gives for an archive it cannot read (exit 2). */
function refused(r: Run): string {
  expect(r.status).toBe(2);
  const msg = r.doc.targets[0]!.error!.message;
  expect(msg.split('\n')).toHaveLength(1);
  expect(r.stderr).toBe(`shipshape: ${msg}\n`);
  return msg;
}

function image(entries: EntrySpec[][], config: Record<string, unknown> = {}): ImageRecipe {
  return {
    layers: entries.map((e) => ({ compression: 'none', entries: e })),
    config: { architecture: 'amd64', os: 'linux', config: { User: '1000', Cmd: ['app'] }, history: entries.map((_, i) => ({ created_by: `RUN step ${i}` })), ...config } as never,
    keepDiffIds: false,
    tags: ['app:1'],
    manifest: [],
  };
}

function spec(images: ImageRecipe[], over: Partial<ArchiveSpec> = {}): ArchiveSpec {
  return { layout: 'docker', outer: 'none', images, graph: { nodes: [], roots: [], rootMutations: [] }, manifestMutations: [], extra: [], reverse: false, cut: null, flips: [], name: 'x.tar', format: 'json', flags: [], ...over };
}

const node = (kind: GraphNode['kind'], children: number[] = []): GraphNode => ({ kind, children, image: 0, mediaType: kind === 'index' ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json', platform: null, annotations: null, size: null, mutations: [] });

describe('OCI index graphs', { timeout: 3 * HANG }, () => {
  it('a diamond fanning out (each index lists the same 4 indexes, 8 levels: 65,536 paths) is walked once per index (was: 60 s, 2.1 GB)', () => {
    const nodes: GraphNode[] = [node('manifest')];
    let level = [0];
    for (let l = 0; l < 8; l++) level = [0, 1, 2, 3].map(() => nodes.push(node('index', [...level])) - 1);
    const r = run('diamond.tar', buildArchive(spec([image([[{ k: 'file', path: 'app', size: 10 }]])], { layout: 'oci', graph: { nodes, roots: level.slice(0, 1), rootMutations: [] } })));
    expect(r.status).toBe(1);
    expect(r.doc.targets).toHaveLength(1);
    expect(r.doc.targets[0]!.error).toBeNull();
  });

  it('an index that lists itself, or a loop of two, is a damaged archive in one line', () => {
    for (const self of [true, false]) {
      const nodes = [node('index'), node('index'), node('manifest')];
      nodes[0]!.children = self ? [0, 2] : [1, 2];
      nodes[1]!.children = [0];
      const msg = refused(run(`cycle-${self}.tar`, buildArchive(spec([image([[{ k: 'file', path: 'app', size: 10 }]])], { layout: 'oci', graph: { nodes, roots: [0], rootMutations: [] } }))));
      // Index blobs of a loop cannot carry their own digest: the first one read says so.
      expect(msg).toMatch(/cycle-(true|false)\.tar: nested index blobs\/sha256\/[0-9a-f]{64} does not match its digest/);
    }
  });

  it(`indexes nested deeper than ${MAX_INDEX_DEPTH} are refused in one line`, () => {
    const msg = refused(run('deep-index.tar', deepIndex(MAX_INDEX_DEPTH + 2)));
    expect(msg).toContain(`indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  });

  it(`an index listing more than ${MAX_DESCRIPTORS} descriptors is refused in one line`, () => {
    const manifest = JSON.stringify({ schemaVersion: 2, config: { digest: `sha256:${'1'.repeat(64)}` }, layers: [] });
    const d = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha256(manifest)}` };
    const data = tar([
      { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
      { name: `blobs/sha256/${sha256(manifest)}`, body: manifest },
      { name: 'index.json', body: JSON.stringify({ schemaVersion: 2, manifests: Array(MAX_DESCRIPTORS + 1).fill(d) }) },
    ]);
    expect(refused(run('wide.tar', data))).toContain(`the indexes list more than ${MAX_DESCRIPTORS} descriptors`);
  });

  it('a descriptor whose size is not what the archive holds, or is negative, is refused in the index\'s terms', () => {
    const g = { nodes: [node('manifest')], roots: [0], rootMutations: [] };
    g.nodes[0]!.size = 5;
    expect(refused(run('size.tar', buildArchive(spec([image([[]])], { layout: 'oci', graph: g }))))).toMatch(/index\.json: descriptor sha256:[0-9a-f]{12}… declares 5 bytes, but the archive holds \d+$/);
    g.nodes[0]!.size = -1;
    expect(refused(run('size-neg.tar', buildArchive(spec([image([[]])], { layout: 'oci', graph: g }))))).toMatch(/index\.json: manifests\[0\]\.size is the number -1; it must be 0 or more$/);
  });
});

/** A chain of honest nested indexes (each named by its own digest), `depth` deep, over one manifest. */
function deepIndex(depth: number): Buffer {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  const manifest = JSON.stringify({ schemaVersion: 2, config: { digest: `sha256:${sha256(config)}`, size: config.length }, layers: [] });
  const members: TarEntry[] = [
    { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
    { name: `blobs/sha256/${sha256(config)}`, body: config },
    { name: `blobs/sha256/${sha256(manifest)}`, body: manifest },
  ];
  let d = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha256(manifest)}` };
  for (let i = 0; i < depth; i++) {
    const idx = JSON.stringify({ schemaVersion: 2, manifests: [d] });
    members.push({ name: `blobs/sha256/${sha256(idx)}`, body: idx });
    d = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${sha256(idx)}` };
  }
  members.push({ name: 'index.json', body: JSON.stringify({ schemaVersion: 2, manifests: [d] }) });
  return tar(members);
}

describe('layers', { timeout: 3 * HANG }, () => {
  it('2,000 nested directories, removed by a whiteout in the next layer, merge without recursion (was: internal error, Maximum call stack size exceeded)', () => {
    const r = run('nested.tar', buildArchive(spec([image([[{ k: 'nested', depth: 2000, name: 'a', style: 'pax' }], [{ k: 'whiteout', path: 'a' }]])])));
    expect([0, 1]).toContain(r.status);
    expect(r.doc.targets[0]!.error).toBeNull();
  });

  it(`3,000 nested directories reach paths longer than PATH_MAX (${MAX_PATH_BYTES}): one line, exit 2`, { timeout: 3 * HANG }, () => {
    const msg = refused(run('nested-3k.tar', buildArchive(spec([image([[{ k: 'nested', depth: 3000, name: 'a', style: 'gnu' }]])]))));
    expect(msg).toMatch(/layer .*: entry "a\/a\/a.*"… has a name of 4098 characters, longer than PATH_MAX \(4096\)$/);
  });

  it('300 GNU long-name records and 600 pax records of long names stay small (were: 693 MB and 1.3 GB)', () => {
    const gnu = run('gnu.tar', buildArchive(spec([image([[{ k: 'longnames', n: 300, len: 4000, style: 'gnu' }]])])));
    expect(gnu.status).toBe(0);
    const pax = run('pax.tar', buildArchive(spec([image([[{ k: 'longnames', n: 600, len: 4000, style: 'pax' }]])])));
    expect(pax.status).toBe(0);
  });

  it(`a pax or GNU record larger than ${MAX_META_BYTES} bytes, or naming a path of a megabyte, is one line`, () => {
    const big = tar([paxHeader({ comment: 'x'.repeat(MAX_META_BYTES + 10) }), { name: 'f', body: 'x' }]);
    const layer = (inner: Buffer): Buffer => buildArchive(spec([{ ...image([[]]), layers: [{ compression: 'none', entries: [], raw: inner.toString('latin1') }] }]));
    expect(refused(run('pax-big.tar', layer(big)))).toMatch(/: a pax record of \d+ bytes \(more than 1048576\)$/);
    const longName = tar([gnuLongName('n'.repeat(1000000)), { name: 'f', body: 'x' }]);
    expect(refused(run('gnu-long.tar', layer(longName)))).toMatch(/has a name of 1000000 characters, longer than PATH_MAX \(4096\)$/);
  });

  it('a header with damaged numbers puts no NaN in the markdown report', () => {
    const inner = tar([{ name: 'usr/bin/tool', body: 'x', modeField: 'zzzzzzz\0', uidField: '\0\0\0\0\0\0\0\0' }, { name: 'usr/bin/sudo', body: 'x', mode: 0o4755 }]);
    const recipe = { ...image([[]]), layers: [{ compression: 'none' as const, entries: [], raw: inner.toString('latin1') }] };
    const r = run('nan.tar', buildArchive(spec([recipe])), 'markdown');
    expect([0, 1]).toContain(r.status);
    expect(r.stdout).toContain('shipshape');
  });

  it(`a layer that inflates more than ${MAX_EXPANSION} times (a gzip of zeros) is refused as a decompression bomb`, async () => {
    // 400 MB of zeros in one tar member, gzipped as it is made: about 400 KB.
    const header = tar([{ name: 'zero', size: 400 << 20, body: '' }], true);
    const gz = await new Promise<Buffer>((resolve) => {
      const z = createGzip({ level: 1 });
      const parts: Buffer[] = [];
      z.on('data', (c: Buffer) => parts.push(c));
      z.on('end', () => resolve(Buffer.concat(parts)));
      z.write(header);
      const chunk = Buffer.alloc(1 << 20);
      for (let i = 0; i < 400; i++) z.write(chunk);
      z.end(Buffer.alloc(1024));
    });
    const recipe = { ...image([[]]), layers: [{ compression: 'none' as const, entries: [], raw: gz.toString('latin1') }], keepDiffIds: true };
    (recipe.config as Record<string, unknown>).rootfs = { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] };
    const msg = refused(run('bomb.tar', buildArchive(spec([recipe]))));
    expect(msg).toMatch(new RegExp(`decompresses to more than ${MAX_EXPANSION} times its size .*: a decompression bomb, not read further`));
  }, 120_000);
});

describe('zstd layers (Node 20 decodes zstd in JavaScript)', { timeout: 3 * HANG }, () => {
  const ZSTD_HEAD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]);
  const zstdLayer = (blob: Buffer, diffId = '0'.repeat(64)): ImageRecipe => ({ ...image([[]]), layers: [{ compression: 'none' as const, entries: [], raw: blob.toString('latin1') }], keepDiffIds: true, config: { ...image([[]]).config as object, rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] } } as never });

  it('a 24 MB zstd layer read from a file decodes whole: blocks cut by the reader\'s chunks survive the reuse of its buffers (was: fzstd kept views of a reused buffer, the stream decoded into garbage and millions of empty blocks, 59 s; fuzz campaign seed 13, archive:3044)', () => {
    const noise = Buffer.alloc(24 << 20);
    for (let i = 0; i < noise.length; i += 4) noise.writeUInt32LE(((Math.imul(i, 2654435761) >>> 0) ^ (i >>> 7)) >>> 0, i);
    const inner = tar([{ name: 'opt/data.bin', body: noise }, { name: 'usr/bin/sudo', body: 'x', mode: 0o4755 }]);
    const r = run('zstd-big.tar', buildArchive(spec([zstdLayer(zstdRaw(inner), sha256(inner))])));
    expect(r.doc.targets[0]!.error).toBeNull();
    expect(r.doc.targets[0]!.findings.map((f) => f.rule)).toContain('tools/sudo');
  });

  it(`a zstd frame header followed by zero bytes (each three of them an empty block) is refused past ${MAX_ZSTD_EMPTY_BLOCKS} empty blocks (JavaScript decoding costs about 20 s for 100 MB of them)`, () => {
    const msg = refused(run('zeros.tar', buildArchive(spec([zstdLayer(Buffer.concat([ZSTD_HEAD, Buffer.alloc(4 << 20)]))]))));
    expect(msg).toContain(`more than ${MAX_ZSTD_EMPTY_BLOCKS} empty zstd blocks, which no encoder writes (a run of zero bytes?)`);
  });

  /** A zstd frame (128 KiB window) holding the tar one byte per block: four bytes of zstd per byte. */
  const oneByteBlocks = (inner: Buffer): Buffer => {
    const parts = [ZSTD_HEAD];
    for (let i = 0; i < inner.length; i++) parts.push(Buffer.from([(1 << 3) | (i === inner.length - 1 ? 1 : 0), 0, 0, inner[i]!]));
    return Buffer.concat(parts);
  };

  it('a small zstd layer of one-byte blocks is read whole; a large one is refused before the decoder moves its window once per byte (was: 8.7 s and 362 MB for 6 MB)', () => {
    const small = tar([{ name: 'usr/bin/sudo', body: 'x'.repeat(20_000), mode: 0o4755 }, { name: 'etc/passwd', body: 'root:x:0:0::/root:/bin/sh\n' }]);
    const r = run('small-blocks.tar', buildArchive(spec([zstdLayer(oneByteBlocks(small), sha256(small))])));
    expect(r.doc.targets[0]!.error).toBeNull();
    expect(r.doc.targets[0]!.findings.map((f) => f.rule)).toContain('tools/sudo');
    const large = tar([{ name: 'usr/bin/sudo', body: 'x'.repeat(1_500_000), mode: 0o4755 }]);
    const msg = refused(run('tiny-blocks.tar', buildArchive(spec([zstdLayer(oneByteBlocks(large), sha256(large))]))));
    expect(msg).toMatch(/: [\d,]+ zstd blocks in \d MB, each moving the decoder's 128 KB window: more than 2048 times the bytes read; not read further$/);
  });

  it(`a zstd frame asking a window over ${MAX_ZSTD_WINDOW / 1048576} MiB is refused before it is allocated`, () => {
    // Window descriptor 0xa8: 2^(10+21) = 2 GiB.
    const frame = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8]), Buffer.from([(5 << 3) | 1, 0, 0]), Buffer.from('hello')]);
    const msg = refused(run('window.tar', buildArchive(spec([zstdLayer(frame)]))));
    expect(msg).toContain('a zstd frame asks for a 2048 MB window, more than the 32 MB any compression level up to 20 uses; not read');
  });
});

describe('JSON documents', { timeout: 3 * HANG }, () => {
  it('a config of 20,000 history entries and 20,000 variables is read in one pass (was: no answer in 20 s)', () => {
    const history = [...Array.from({ length: 20000 }, (_, i) => ({ created_by: `/bin/sh -c #(nop) ENV SECRET_TOKEN_${i}=x`, empty_layer: true })), { created_by: 'ADD file:x in /' }];
    const env = Array.from({ length: 20000 }, (_, i) => `SECRET_TOKEN_${i}=v${i}`);
    const r = run('big-config.tar', buildArchive(spec([image([[{ k: 'file', path: 'etc/passwd', size: 0, content: 'passwd' }]], { history, config: { User: '1000', Env: env } })])));
    expect(r.status).toBe(1);
    expect(r.doc.targets[0]!.findings.filter((f) => f.rule === 'security/secret-in-arg-env')).toHaveLength(20000);
  });

  it('a manifest without a config digest is described in the manifest\'s terms, not the schema library\'s', () => {
    const g = { nodes: [node('manifest')], roots: [0], rootMutations: [] };
    g.nodes[0]!.mutations.push({ path: ['config', 'digest'], value: '__delete__' });
    const msg = refused(run('no-digest.tar', buildArchive(spec([image([[]])], { layout: 'oci', graph: g }))));
    expect(msg).toMatch(/: manifest blobs\/sha256\/[0-9a-f]{64}: config\.digest is missing; it must be a string$/);
    expect(msg).not.toContain('Invalid input');
  });

  it('a config with the wrong types says which field and what it holds', () => {
    const msg = refused(run('bad-config.tar', buildArchive(spec([image([[]], { history: [{ created_by: ['RUN', 'x'] }] })]))));
    expect(msg).toMatch(/config [0-9a-f]{64}\.json is malformed: history\[0\]\.created_by is a list; it must be a string$/);
  });
});

describe('empty archives', { timeout: 3 * HANG }, () => {
  it('an empty app.tar is an empty archive (exit 2), not an empty Dockerfile', () => {
    const r = run('app.tar', Buffer.alloc(0));
    expect(refused(r)).toMatch(/app\.tar: empty archive \(0 bytes\)$/);
    const zeros = run('zeros.tar', Buffer.alloc(1024));
    expect(refused(zeros)).toMatch(/zeros\.tar: empty archive \(no members\)$/);
  });
});

describe('limits', { timeout: 3 * HANG }, () => {
  it('docs/image-analysis.md lists every limit of src/image/limits.ts with its value', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(join(root, 'docs/image-analysis.md'), 'utf8');
    const limits = await import('../../src/image/limits.js');
    const rows = new Map([...doc.matchAll(/^\| `(\w+)` \| ([\d,]+) \|/gm)].map((m) => [m[1]!, Number(m[2]!.replace(/,/g, ''))]));
    for (const [name, value] of Object.entries(limits)) expect(rows.get(name), name).toBe(value);
    expect([...rows.keys()].sort()).toEqual(Object.keys(limits).sort());
  });
});
