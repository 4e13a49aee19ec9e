/**
 * The layer tar walker against tar-stream on the same bytes: tars written by GNU tar in its three
 * formats (long names as GNU `L`/`K` entries, as pax headers, as ustar prefixes; a base-256 uid),
 * by tar-stream's packer, fed in chunks of every awkward size, plus damaged ones.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, linkSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { TarWalker, type TarHeader } from '../../src/image/tar-walk.js';
import { packTar } from './helpers.js';

interface Seen {
  name: string;
  type: string | null;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string | null;
  body: string;
}

function walk(buf: Buffer, chunk: number): Seen[] {
  const out: Seen[] = [];
  let cur: Seen | null = null;
  const w = new TarWalker(
    (h: TarHeader) => {
      cur = { ...h, body: '' };
      out.push(cur);
      const mine = cur;
      return (c) => {
        mine.body += c.toString('latin1');
      };
    },
    () => {
      cur = null;
    },
  );
  for (let i = 0; i < buf.length; i += chunk) w.write(buf.subarray(i, i + chunk));
  w.end();
  return out;
}

async function reference(buf: Buffer): Promise<Seen[]> {
  const out: Seen[] = [];
  const ex = tar.extract();
  const done = (async () => {
    for await (const e of ex) {
      const h = e.header;
      const parts: Buffer[] = [];
      for await (const c of e as AsyncIterable<Buffer>) parts.push(c);
      out.push({ name: h.name, type: h.type ?? null, mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0, size: h.size ?? 0, linkname: h.linkname ?? null, body: Buffer.concat(parts).toString('latin1') });
    }
  })();
  ex.end(buf);
  await done;
  return out;
}

const long = 'a-directory-name-that-is-long/'.repeat(5) + 'and-a-file-name-past-one-hundred-bytes.txt';

function gnuTar(format: 'gnu' | 'posix' | 'ustar'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tarwalk-'));
  try {
    const root = join(dir, 'root');
    mkdirSync(join(root, ...long.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(root, long), 'long name body\n');
    writeFileSync(join(root, 'odd-size'), Buffer.alloc(1537, 0x41));
    writeFileSync(join(root, 'empty'), '');
    linkSync(join(root, 'odd-size'), join(root, 'zz-hard'));
    symlinkSync(format === 'ustar' ? 'odd-size' : long, join(root, 'sym'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    const owner = format === 'gnu' ? ['--owner=0:3000000', '--group=0:7'] : ['--owner=0:1234', '--group=0:7'];
    const file = join(dir, 'out.tar');
    execFileSync('tar', ['-C', root, `--format=${format}`, ...owner, '--sort=name', '-cf', file, '.']);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('TarWalker reads what tar-stream reads', () => {
  for (const format of ['gnu', 'posix', 'ustar'] as const) {
    it(`GNU tar --format=${format}`, async () => {
      const buf = gnuTar(format);
      const want = await reference(buf);
      expect(want.some((e) => e.name.endsWith('and-a-file-name-past-one-hundred-bytes.txt'))).toBe(true);
      for (const chunk of [1, 7, 511, 512, 513, 4096, buf.length]) expect(walk(buf, chunk)).toEqual(want);
      const got = walk(buf, 1000);
      expect(got.find((e) => e.name.endsWith('.txt'))).toMatchObject({ name: `./${long}`, type: 'file', body: 'long name body\n' });
      expect(got.find((e) => e.name === './odd-size')).toMatchObject({ size: 1537, uid: format === 'gnu' ? 3000000 : 1234, gid: 7 });
      expect(got.find((e) => e.name === './zz-hard')).toMatchObject({ type: 'link', linkname: './odd-size', size: 0 });
      expect(got.find((e) => e.name === './sym')).toMatchObject({ type: 'symlink', linkname: format === 'ustar' ? 'odd-size' : long });
    });
  }

  it("tar-stream's own packer (pax for long names, directories, symlinks)", async () => {
    const buf = await packTar([
      { name: 'etc', type: 'directory' },
      { name: 'etc/passwd', body: 'root:x:0:0::/root:/bin/sh\n' },
      { name: 'x/'.repeat(80) + 'deep', body: 'deep' },
      { name: 'ln', type: 'symlink', linkname: 'etc/passwd' },
      { name: 'etc/.wh.gone', body: '' },
    ]);
    const want = await reference(buf);
    for (const chunk of [3, 512, 10_000]) expect(walk(buf, chunk)).toEqual(want);
  });

  it('a file whose long name GNU tar truncates to end in "/" is a file, not a directory (its body was read as the next header)', async () => {
    // GNU tar --format=posix keeps the first 100 bytes of a path too long for ustar in the header
    // itself; here they end in `/`. tar-stream takes that for a directory too, so no comparison.
    const dir = mkdtempSync(join(tmpdir(), 'tarwalk-'));
    try {
      const deep = Array.from({ length: 200 }, () => 'd').join('/');
      mkdirSync(join(dir, 'root', deep), { recursive: true });
      writeFileSync(join(dir, 'root', deep, 'f'), 'deep body\n');
      writeFileSync(join(dir, 'root', 'zz-after'), 'after\n');
      const file = join(dir, 'out.tar');
      execFileSync('tar', ['-C', join(dir, 'root'), '--format=posix', '--sort=name', '-cf', file, 'd', 'zz-after']);
      const buf = readFileSync(file);
      for (const chunk of [512, 4096, buf.length]) {
        const got = walk(buf, chunk);
        expect(got.find((e) => e.name === `${deep}/f`)).toMatchObject({ type: 'file', size: 10, body: 'deep body\n' });
        expect(got.find((e) => e.name === 'zz-after')).toMatchObject({ type: 'file', body: 'after\n' });
        expect(got.filter((e) => e.type === 'directory')).toHaveLength(200);
      }
      // a regular-file entry whose whole name ends in `/` is still taken for a directory
      const slash = await packTar([{ name: 'dir/', body: '' }, { name: 'dir/x', body: 'x' }]);
      expect(walk(slash, 512).map((e) => e.type)).toEqual(['directory', 'file']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails like tar-stream on a truncated tar and on a damaged header', async () => {
    const buf = gnuTar('posix');
    expect(() => walk(buf.subarray(0, 1700), 100)).toThrow(/Unexpected end of data/);
    const bad = Buffer.from(buf);
    bad[20] = bad[20]! ^ 0xff;
    expect(() => walk(bad, 512)).toThrow(/Invalid tar header/);
    await expect(reference(bad)).rejects.toThrow(/Invalid tar header/);
    expect(() => walk(Buffer.alloc(1024, 0x41), 512)).toThrow(/Invalid tar header/);
  });
});
