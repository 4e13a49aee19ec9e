/**
 * The real manifests of ../shared/corpus/k8s/ (read in place): every file parses into the workloads
 * and containers its manifest.json lists, every one is analyzed without a crash, the Helm templates
 * are refused with the Helm message, and the findings shipshape gives on them (the manifests alone:
 * no image or Dockerfile of theirs is here) are exactly the ones reviewed by hand in
 * test/k8s-review.json, each with a verdict. A new finding, or one that went away, fails here until
 * it is reviewed.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readManifests, ManifestError } from '../../src/manifests/read.js';
import { analyzeTargets } from '../../src/analyze.js';
import { resolveTarget } from '../../src/targets.js';
import { bufferSource } from '../../src/stdin.js';

const corpus = join(import.meta.dirname, '../../../shared/corpus/k8s');
const have = existsSync(join(corpus, 'manifest.json'));
if (!have) console.warn(`skipping the Kubernetes corpus tests: ${corpus} is absent`);

interface Listed {
  file: string;
  parses_as_yaml: boolean;
  workloads?: { kind: string; name: string; containers?: { name: string; type: string; image: string | null }[] }[];
}

interface Reviewed {
  file: string;
  rule: string;
  line: number;
  verdict: 'act' | 'info-ok';
  reason: string;
}

const review = JSON.parse(readFileSync(join(import.meta.dirname, '../k8s-review.json'), 'utf8')) as { findings: Reviewed[]; fixed: { file: string; rule: string; line: number; reason: string }[] };

describe.skipIf(!have)('the Kubernetes corpus', () => {
  const listed = have ? (JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { files: Listed[] }).files : [];

  it('every file that is YAML reads into the containers manifest.json lists', () => {
    const type: Record<string, string> = { init: 'init', sidecar: 'init-sidecar', container: 'container', ephemeral: 'ephemeral' };
    let containers = 0;
    for (const f of listed.filter((x) => x.parses_as_yaml)) {
      const m = readManifests(readFileSync(join(corpus, f.file), 'utf8'), f.file);
      const got = m.workloads.map((w) => ({ kind: w.kind, name: w.name, containers: w.pod.containers.map((c) => ({ name: c.name, type: type[c.role], image: c.image?.value ?? null })) }));
      const want = (f.workloads ?? []).filter((w) => (w.containers ?? []).length > 0).map((w) => ({ kind: w.kind, name: w.name, containers: (w.containers ?? []).map((c) => ({ name: c.name, type: c.type, image: c.image })) }));
      expect(got, f.file).toEqual(want);
      containers += got.reduce((n, w) => n + w.containers.length, 0);
    }
    expect(containers).toBe(91);
  });

  it('the unrendered Helm templates are refused with the place of the first {{ }}', () => {
    for (const f of listed.filter((x) => !x.parses_as_yaml)) {
      expect(() => readManifests(readFileSync(join(corpus, f.file), 'utf8'), f.file), f.file).toThrow(ManifestError);
      try {
        readManifests(readFileSync(join(corpus, f.file), 'utf8'), f.file);
      } catch (e) {
        expect((e as Error).message).toMatch(/^unrendered\/\S+:\d+:\d+: \{\{.*\}\} is an unrendered Helm template; render the chart first/);
      }
    }
  });

  it('gives exactly the reviewed findings, each with a verdict', async () => {
    const files = [...readdirSync(corpus).filter((f) => /\.(ya?ml|template)$/.test(f)).map((f) => join(corpus, f)), join(corpus, 'unrendered')].sort();
    const inputs = files.flatMap((f) => resolveTarget(f, null, () => bufferSource(Buffer.alloc(0))));
    const results = await analyzeTargets(inputs);
    expect(results.filter((r) => r.kind === 'manifest' && r.error === null)).toHaveLength(52);
    expect(results.filter((r) => r.error !== null).map((r) => basename(r.path))).toHaveLength(3);
    const got = results.flatMap((r) => r.findings.map((f) => `${basename(r.path)} ${f.rule} ${f.location.kind === 'image' ? 0 : f.location.range.line}`)).sort();
    const want = review.findings.map((f) => `${f.file} ${f.rule} ${f.line}`).sort();
    expect(got).toEqual(want);
    for (const f of review.findings) {
      expect(['act', 'info-ok']).toContain(f.verdict);
      expect(f.reason.length, `${f.file} ${f.rule}: give a reason`).toBeGreaterThan(20);
    }
    // What the review found wrong is gone.
    for (const f of review.fixed) expect(got).not.toContain(`${f.file} ${f.rule} ${f.line}`);
  }, 120_000);
});
