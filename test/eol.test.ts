/** The end-of-life table and its lookups (src/knowledge/eol.ts), `npm run update-eol`, and `shipshape --version`. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EOL_TABLE, EolTableError, cycleOf, eolOf, eolTableAge, formatEolTable, imageRefProducts, mergeEolTable, osOfReleaseFiles, type EolTable } from '../src/knowledge/eol.js';
import { parseImageRef } from '../src/knowledge/image-ref.js';

const root = join(import.meta.dirname, '..');
const ref = (s: string) => parseImageRef(s, s, false);

describe('the table', () => {
  it('is dated, and every product has a source, a checked date and dated cycles', () => {
    expect(EOL_TABLE.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const id of ['debian', 'ubuntu', 'alpine', 'rhel', 'amazon-linux', 'node', 'python', 'go', 'java', 'ruby', 'php', 'dotnet']) {
      const p = EOL_TABLE.products[id]!;
      expect(p, id).toBeDefined();
      expect(p.source).toMatch(/^https:\/\//);
      expect(p.checked >= EOL_TABLE.date).toBe(true);
      expect(p.cycles.length).toBeGreaterThanOrEqual(3);
      for (const c of p.cycles) expect(c.eol === null || typeof c.eol === 'boolean' || /^\d{4}-\d{2}-\d{2}$/.test(c.eol)).toBe(true);
    }
  });

  it('is written as `npm run update-eol` writes it', () => {
    const text = readFileSync(join(root, 'src/knowledge/eol.json'), 'utf8');
    const doc = JSON.parse(text) as EolTable & { $comment: string };
    expect(formatEolTable(doc, doc.$comment)).toBe(text);
  });
});

describe('lookups', () => {
  it('reads a version as its cycle', () => {
    expect(cycleOf('node', '14.17.0')).toBe('14');
    expect(cycleOf('node', 'hydrogen')).toBe('18');
    expect(cycleOf('python', '3.8.10')).toBe('3.8');
    expect(cycleOf('java', '1.8.0_292')).toBe('8');
    expect(cycleOf('java', '11.0.22')).toBe('11');
    expect(cycleOf('java', '8u212')).toBe('8');
    expect(cycleOf('debian', 'buster')).toBe('10');
    expect(cycleOf('debian', '10.13')).toBe('10');
    expect(cycleOf('ubuntu', 'jammy')).toBe('22.04');
    expect(cycleOf('alpine', '3.12.0')).toBe('3.12');
    expect(cycleOf('rhel', '8.9')).toBe('8');
    expect(cycleOf('amazon-linux', '2.0.20240101.0')).toBe('2');
    expect(cycleOf('python', '3')).toBeNull();
  });

  it('compares with the date it is given: before the end nothing, on and after it the verdict', () => {
    expect(eolOf('node', '20', '2026-04-29')).toBeNull();
    expect(eolOf('node', '20', '2026-04-30')).toMatchObject({ label: 'Node.js 20', eol: '2026-04-30', newest: 'Node.js 24', stale: null });
    expect(eolOf('debian', '10', '2026-12-06')).toMatchObject({ label: 'Debian 10 (buster)', eol: '2024-06-30', newest: 'Debian 13 (trixie)' });
    expect(eolOf('python', '3.99', '2026-12-06')).toBeNull();
    expect(eolOf('java', '17', '2040-01-01')).toBeNull();
  });

  it('says the table may be stale when an end it records was only planned when it was checked', () => {
    const python = EOL_TABLE.products.python!;
    const planned = python.cycles.find((c) => typeof c.eol === 'string' && c.eol > python.checked)!;
    expect(eolOf('python', planned.cycle, '2040-01-01')!.stale).toMatch(/planned when last checked \(\d{4}-\d{2}-\d{2}\) and may be stale/);
    expect(eolOf('python', '2.7', '2040-01-01')!.stale).toBeNull();
  });

  it('reads image references: the repository and the distribution a tag names', () => {
    expect(imageRefProducts(ref('node:18.20-alpine3.19'))).toEqual([{ product: 'node', cycle: '18' }, { product: 'alpine', cycle: '3.19' }]);
    expect(imageRefProducts(ref('python:3.11.4-slim-buster'))).toEqual([{ product: 'python', cycle: '3.11' }, { product: 'debian', cycle: '10' }]);
    expect(imageRefProducts(ref('docker.io/library/debian:bullseye-slim'))).toEqual([{ product: 'debian', cycle: '11' }]);
    expect(imageRefProducts(ref('registry.access.redhat.com/ubi8/ubi-minimal:8.9'))).toEqual([{ product: 'rhel', cycle: '8' }]);
    expect(imageRefProducts(ref('quay.io/centos/centos:stream8'))).toEqual([{ product: 'centos-stream', cycle: '8' }]);
    expect(imageRefProducts(ref('node:lts-slim'))).toEqual([]);
    expect(imageRefProducts(parseImageRef('node:${V}', 'node:', true))).toEqual([]);
  });

  it('reads the release files of an image', () => {
    expect(osOfReleaseFiles({ osRelease: 'PRETTY_NAME="Debian GNU/Linux 10 (buster)"\nID=debian\nVERSION_ID="10"\n' })).toMatchObject({ product: 'debian', version: '10', from: 'osRelease' });
    expect(osOfReleaseFiles({ osRelease: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.3\n' })).toMatchObject({ product: 'alpine', version: '3.10.3' });
    expect(osOfReleaseFiles({ osRelease: 'NAME="Amazon Linux"\nID="amzn"\nVERSION_ID="2"\n' })).toMatchObject({ product: 'amazon-linux', version: '2' });
    expect(osOfReleaseFiles({ osRelease: 'NAME="CentOS Stream"\nID="centos"\nVERSION_ID="8"\n' })).toMatchObject({ product: 'centos-stream' });
    // Debian testing has no VERSION_ID; its debian_version is `trixie/sid`.
    expect(osOfReleaseFiles({ osRelease: 'ID=debian\nVERSION_CODENAME=trixie\n', debianVersion: 'trixie/sid\n' })).toBeNull();
    expect(osOfReleaseFiles({ osRelease: 'ID=alpine\nVERSION_ID=3.21_alpha20240807\n' })).toBeNull();
    expect(osOfReleaseFiles({ osRelease: 'NAME="BusyBox"\nID=busybox\nVERSION_ID=1.35.0\n' })).toBeNull();
    expect(osOfReleaseFiles({ redhatRelease: 'CentOS release 6.10 (Final)\n' })).toMatchObject({ product: 'centos', version: '6', from: 'redhatRelease' });
    expect(osOfReleaseFiles({ alpineRelease: '3.8.5\n' })).toMatchObject({ product: 'alpine', version: '3.8' });
  });

  it("shows the table's age, and past a year that it may be stale", () => {
    const t: EolTable = { date: '2026-01-01', products: { go: { ...EOL_TABLE.products.go!, checked: '2026-01-01' } } };
    expect(eolTableAge('2026-01-31', t)).toBe('EOL table of 2026-01-01 (30 days old)');
    expect(eolTableAge('2027-06-01', t)).toMatch(/^EOL table of 2026-01-01 \(516 days old; it may be stale: npm run update-eol refreshes it\)$/);
  });
});

describe('update-eol', () => {
  it('merges a product by cycle, takes its checked date, and keeps the others', () => {
    const merged = mergeEolTable(EOL_TABLE, { date: '2030-01-01', products: { go: { cycles: [{ cycle: '1.24', eol: '2026-02-10' }, { cycle: '1.26', releaseDate: '2026-02-10', eol: false }] } } });
    const go = merged.products.go!;
    expect(go.checked).toBe('2030-01-01');
    expect(go.cycles.find((c) => c.cycle === '1.24')).toEqual({ cycle: '1.24', eol: '2026-02-10' });
    expect(go.cycles.at(-1)).toEqual({ cycle: '1.26', release: '2026-02-10', eol: false });
    expect(go.cycles.find((c) => c.cycle === '1.9')).toBeDefined();
    expect(merged.products.debian).toEqual(EOL_TABLE.products.debian);
    expect(merged.date).toBe(EOL_TABLE.date);
  });

  it('names what is wrong with a file', () => {
    expect(() => mergeEolTable(EOL_TABLE, [])).toThrow(EolTableError);
    expect(() => mergeEolTable(EOL_TABLE, { products: { go: { cycles: [{ cycle: '1.2', eol: 'soon' }] } } })).toThrow(/products\.go\.cycles\[0\] \(1\.2\): "eol" must be a YYYY-MM-DD date, true, false or null/);
    expect(() => mergeEolTable(EOL_TABLE, { products: { deno: { cycles: [] } } })).toThrow(/products\.deno\.name is needed/);
  });

  it('npm run update-eol rewrites the table from a file, and a bad file is one line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eol-'));
    try {
      mkdirSync(join(dir, 'src/knowledge'), { recursive: true });
      copyFileSync(join(root, 'src/knowledge/eol.json'), join(dir, 'src/knowledge/eol.json'));
      writeFileSync(join(dir, 'update.json'), JSON.stringify({ date: '2031-05-01', products: { alpine: { cycles: [{ cycle: '3.23', release: '2025-12-03', eol: '2027-11-01' }] } } }));
      const ok = spawnSync(process.execPath, [join(root, 'dist/update-eol.js'), 'update.json'], { cwd: dir, encoding: 'utf8' });
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/^update-eol: merged alpine into src\/knowledge\/eol\.json; EOL table of /);
      const table = JSON.parse(readFileSync(join(dir, 'src/knowledge/eol.json'), 'utf8')) as EolTable;
      expect(table.products.alpine!.checked).toBe('2031-05-01');
      expect(table.products.alpine!.cycles.at(-1)).toEqual({ cycle: '3.23', release: '2025-12-03', eol: '2027-11-01' });
      writeFileSync(join(dir, 'bad.json'), '{"products": {"alpine": {"cycles": [{"cycle": "3.24", "eol": "next year"}]}}}');
      const bad = spawnSync(process.execPath, [join(root, 'dist/update-eol.js'), 'bad.json'], { cwd: dir, encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe('update-eol: bad.json: products.alpine.cycles[0] (3.24): "eol" must be a YYYY-MM-DD date, true, false or null\n');
      const none = spawnSync(process.execPath, [join(root, 'dist/update-eol.js')], { cwd: dir, encoding: 'utf8' });
      expect(none.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shipshape --version shows the table and its age', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), '--version'], { encoding: 'utf8', env: { ...process.env, SHIPSHAPE_TODAY: '2026-12-06' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\nEOL table of \d{4}-\d{2}-\d{2} \(\d+ days? old[^)]*\)\n$/);
  });
});
