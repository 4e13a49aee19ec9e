/** One registry: the files under checks/ = the registry = the pages under docs/rules/, and every check's docs behave. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { checks } from '../checks/index.js';
import { renderAllDocs } from '../src/engine/docs.js';
import { fixedExamples } from '../scripts/fix-examples.js';
import { CATEGORIES } from '../src/engine/types.js';
import { findingsOf } from './helpers/tester.js';
import { containerFindingsOf } from './helpers/container-tester.js';

const root = join(import.meta.dirname, '..');

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const cat of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (!cat.isDirectory()) continue;
    for (const f of readdirSync(join(root, dir, cat.name))) if (f.endsWith(ext)) out.push(`${cat.name}/${f.slice(0, -ext.length)}`);
  }
  return out.sort();
}

describe('registry', () => {
  it('lists exactly the files under checks/, each id equal to its path', () => {
    expect(checks.map((c) => c.id)).toEqual(filesUnder('checks', '.ts'));
  });

  it('has a docs page for each check and no other, identical to the generated text (npm run docs)', async () => {
    const pages = renderAllDocs(checks, await fixedExamples(checks));
    expect(filesUnder('docs/rules', '.md')).toEqual(checks.map((c) => c.id));
    for (const [rel, text] of pages) {
      const p = join(root, 'docs/rules', rel);
      expect(existsSync(p), `${rel} is missing: run npm run docs`).toBe(true);
      expect(readFileSync(p, 'utf8'), `${rel} drifted from its check: run npm run docs`).toBe(text);
    }
  });

  it('gives each check a known category that matches its id, and unique aliases per check', () => {
    for (const c of checks) {
      expect(CATEGORIES).toContain(c.category);
      expect(c.id.split('/')[0]).toBe(c.category);
      expect(new Set(c.aliases ?? []).size).toBe((c.aliases ?? []).length);
    }
  });

  it('tests each check in the test file of its category (test/checks/<category>.test.ts or <category>-containers.test.ts), with a table of cases', () => {
    const missing: string[] = [];
    const imageTests = readdirSync(join(root, 'test/image')).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(join(root, 'test/image', f), 'utf8')).join('\n');
    for (const c of checks) {
      // The Kubernetes container tables may live in test/checks/<category>-containers.test.ts.
      const text = [`${c.category}.test.ts`, `${c.category}-containers.test.ts`].map((f) => join(root, 'test/checks', f)).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
      const name = new RegExp(`^import (\\w+) from '\\.\\./\\.\\./checks/${c.id}\\.js';$`, 'm').exec(text)?.[1];
      // A check of Kubernetes containers has a table of manifests (testContainerCheck) in its category's file.
      if (c.container && (!name || !new RegExp(`testContainerCheck\\(${name},`).test(text))) missing.push(`${c.id} (containers)`);
      if (!c.dockerfile && !c.image) continue;
      // An image-only check is tested on images (test/image/), by its id.
      if (!c.dockerfile) {
        if (!imageTests.includes(`'${c.id}'`) && !imageTests.includes(`checks/${c.id}.js`)) missing.push(c.id);
        continue;
      }
      if (!name || !new RegExp(`testCheck\\(${name},`).test(text)) missing.push(c.id);
    }
    expect(missing).toEqual([]);
  });
});

describe('docs examples', () => {
  it('gives every check of containers alone a manifest example', () => {
    expect(checks.filter((c) => c.container && !c.dockerfile && !c.image && !c.docs.manifest).map((c) => c.id)).toEqual([]);
  });
  for (const c of checks.filter((x) => x.container && x.docs.manifest)) {
    it(`${c.id}: the bad manifest fires and the good one is clean`, async () => {
      const m = c.docs.manifest!;
      const run = (manifest: string, dockerfile: string) => containerFindingsOf(c, { manifest, ...(m.image ? { image: m.image } : dockerfile.trim() ? { dockerfile, context: c.docs.context ?? {} } : {}) });
      const bad = await run(m.bad, m.dockerfile ?? c.docs.bad);
      expect(bad.length, `bad manifest of ${c.id} gives no finding`).toBeGreaterThan(0);
      const good = await run(m.good, m.dockerfile ?? c.docs.good);
      expect(good.map((f) => f.message)).toEqual([]);
    });
  }
  for (const c of checks.filter((x) => x.dockerfile)) {
    it(`${c.id}: the bad example fires and the good example is clean`, async () => {
      const bad = await findingsOf(c, c.docs.bad, c.docs.context);
      expect(bad.length, `bad example of ${c.id} gives no finding`).toBeGreaterThan(0);
      const good = await findingsOf(c, c.docs.good, c.docs.context);
      expect(good.map((f) => f.message)).toEqual([]);
    });
  }
});
