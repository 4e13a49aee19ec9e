/**
 * The real manifests of ../shared/corpus/k8s/ (read in place): every file parses into the workloads
 * and containers its manifest.json lists, every one is analyzed without a crash, the Helm templates
 * are refused with the Helm message, and the findings shipshape gives on them (the manifests alone:
 * no image or Dockerfile of theirs is here) are exactly the ones reviewed by hand in
 * test/k8s-review.json, each with a verdict. A new finding, or one that went away, fails here until
 * it is reviewed.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('a directory of Helm templates only: passed over, and said so', () => {
    const [r] = resolveTarget(join(corpus, 'unrendered'), null, () => bufferSource(Buffer.alloc(0)));
    expect(r).toMatchObject({ kind: 'error' });
    expect((r as { message: string }).message).toMatch(/no Dockerfile, Containerfile, \*\.Dockerfile, Dockerfile\.\* or Kubernetes manifest in this directory or below; 3 unrendered Helm templates skipped \(.*\): render the chart and pipe it in/);
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
    // The Helm templates named one by one: a directory run passes over them (see below).
    const files = [...readdirSync(corpus).filter((f) => /\.(ya?ml|template)$/.test(f)).map((f) => join(corpus, f)), ...readdirSync(join(corpus, 'unrendered')).map((f) => join(corpus, 'unrendered', f))].sort();
    const inputs = files.flatMap((f) => resolveTarget(f, null, () => bufferSource(Buffer.alloc(0))));
    const results = await analyzeTargets(inputs);
    expect(results.filter((r) => r.kind === 'manifest' && r.error === null)).toHaveLength(52);
    expect(results.filter((r) => r.error !== null).map((r) => r.error)).toEqual(expect.arrayContaining([expect.stringMatching(/unrendered Helm template/)]));
    expect(results.filter((r) => r.error !== null)).toHaveLength(3);
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

  it('pairs the microservices-demo manifests with their real Dockerfiles through the config’s images: map', async () => {
    const real = join(corpus, '../real/GoogleCloudPlatform__microservices-demo');
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-msd-'));
    const config = join(dir, '.shipshape.yaml');
    const df = (name: string): string => `{ dockerfile: ${join(real, name)}, context: ${dir} }`;
    writeFileSync(config, `images:\n  adservice: ${df('src__adservice__Dockerfile')}\n  cartservice: ${df('src__cartservice__src__Dockerfile')}\n  frontend: ${df('src__frontend__Dockerfile')}\n  loadgenerator: ${df('src__loadgenerator__Dockerfile')}\n`);
    const files = ['adservice', 'cartservice', 'frontend', 'loadgenerator'].map((s) => join(corpus, `GoogleCloudPlatform__microservices-demo__kubernetes-manifests__${s}.yaml`));
    const results = await analyzeTargets(files.flatMap((f) => resolveTarget(f, null, () => bufferSource(Buffer.alloc(0)))), { config });
    // Every service container found its Dockerfile: only redis:alpine and the busybox init container are not built here.
    const unmatched = results.flatMap((r) => r.notes).filter((n) => n.includes('no image or Dockerfile of this run matches it'));
    expect(unmatched.map((n) => /: (\S+ ?\S* \S+) of /.exec(n)?.[1])).toEqual(['container redis', 'init container frontend-check']);
    // Reviewed: distroless and chiseled bases, numeric runAsUser in every pod, exec-form entrypoints; the
    // loadgenerator's shell-form ENTRYPOINT runs under python:*-alpine, whose busybox sh execs locust.
    expect(results.flatMap((r) => r.findings.map((f) => `${basename(r.path)} ${f.rule}: ${f.message}`))).toEqual([]);
  });
});
