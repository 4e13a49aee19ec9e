/**
 * `--fix` and `--fix-unsafe` over every Dockerfile of ../shared/corpus/real and the peer suites: no
 * fixed file fails to parse or holds a shell or JSON error it did not have, no check reports more
 * than before, and no finding with a fix of the applied kinds is left.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDockerfile, looksLikeDockerfile } from '../../src/analyze.js';
import { memoryReader } from '../../src/dockerfile/context.js';
import type { Finding } from '../../src/engine/types.js';
import { fixFiles, fixKinds, MAX_PASSES } from '../../src/fix/loop.js';

const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const present = existsSync(join(corpus, 'real', 'manifest.json'));

function files(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const manifest = JSON.parse(readFileSync(join(corpus, 'real', 'manifest.json'), 'utf8')) as { file: string }[];
  for (const m of manifest) out.push({ name: `real/${m.file}`, text: readFileSync(join(corpus, 'real', m.file), 'utf8') });
  for (const suite of ['hadolint', 'trivy', 'buildkit']) {
    for (const line of readFileSync(join(corpus, suite, 'cases.jsonl'), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const c = JSON.parse(line) as { id: string; dockerfile: string };
      out.push({ name: `${suite}/${c.id}`, text: c.dockerfile });
    }
  }
  return out;
}

interface Health {
  dockerfile: boolean;
  jsonErrors: number;
  shellErrors: number;
  counts: Map<string, number>;
}

async function health(text: string, findings?: Finding[]): Promise<Health> {
  const r = await analyzeDockerfile(text, { reader: memoryReader({}) });
  const counts = new Map<string, number>();
  for (const f of findings ?? r.findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  const all = r.facts.instructions.flatMap((i) => (i.trigger ? [i, i.trigger] : [i]));
  return { dockerfile: looksLikeDockerfile(r.facts), jsonErrors: all.filter((i) => i.jsonError).length, shellErrors: all.filter((i) => i.shell?.hasError).length, counts };
}

describe.skipIf(!present)('--fix over the corpora', () => {
  for (const unsafe of [false, true]) {
    it(`${unsafe ? '--fix-unsafe' : '--fix'}: every file still parses, nothing new is reported, the fixed findings are gone`, async () => {
      const kinds = fixKinds(unsafe);
      const problems: string[] = [];
      let changed = 0;
      let applied = 0;
      const all = files();
      expect(all.length).toBeGreaterThan(2000);
      for (const { name, text } of all) {
        const lint = async (fs: ReadonlyMap<string, string>): Promise<Finding[]> => (await analyzeDockerfile(fs.get('')!, { reader: memoryReader({}) })).findings;
        const before = await lint(new Map([['', text]]));
        if (!before.some((f) => f.fix && kinds.has(f.fix.kind))) continue;
        const r = await fixFiles(new Map([['', text]]), lint, kinds, before);
        const out = r.files.get('')!;
        if (out === text) continue;
        changed++;
        applied += r.applied.length;
        const was = await health(text, before);
        const now = await health(out, r.findings);
        if (was.dockerfile && !now.dockerfile) problems.push(`${name}: no longer reads as a Dockerfile`);
        if (now.jsonErrors > was.jsonErrors) problems.push(`${name}: ${now.jsonErrors - was.jsonErrors} new malformed JSON array(s)`);
        if (now.shellErrors > was.shellErrors) problems.push(`${name}: ${now.shellErrors - was.shellErrors} new shell syntax error(s)`);
        // size/package-cache-left's fix deletes a cache; in a Dockerfile that already uses BuildKit,
        // cache/package-cache-mount then offers (info) the mount that keeps it instead: advice on the
        // fixed line by design, never both findings on one command.
        for (const [rule, n] of now.counts) if (rule !== 'cache/package-cache-mount' && n > (was.counts.get(rule) ?? 0)) problems.push(`${name}: ${rule} ${was.counts.get(rule) ?? 0} -> ${n}`);
        const left = r.findings.filter((f) => f.fix && kinds.has(f.fix.kind));
        if (left.length && r.passes < MAX_PASSES) problems.push(`${name}: ${left.length} fixable finding(s) left: ${left.map((f) => f.rule).join(', ')}`);
        if (r.passes >= MAX_PASSES) problems.push(`${name}: still fixing after ${MAX_PASSES} passes`);
      }
      console.log(`${unsafe ? '--fix-unsafe' : '--fix'}: ${changed} of ${all.length} files changed, ${applied} fixes applied`);
      expect(problems).toEqual([]);
      expect(changed).toBeGreaterThan(300);
    }, 600_000);
  }
});
