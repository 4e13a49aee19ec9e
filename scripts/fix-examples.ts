// The bad example of each fixable check after its own fixes (safe and suggested), for its docs page.
import { analyzeDockerfile } from '../src/analyze.js';
import { memoryReader } from '../src/dockerfile/context.js';
import type { Check } from '../src/engine/types.js';
import type { FixedExample } from '../src/engine/docs.js';
import { fixFiles, fixKinds } from '../src/fix/loop.js';

export async function fixedExamples(checks: readonly Check[]): Promise<Map<string, FixedExample>> {
  const out = new Map<string, FixedExample>();
  for (const c of checks) {
    if (!c.fixable || !c.dockerfile) continue;
    const context = c.docs.context ?? {};
    const lint = async (files: ReadonlyMap<string, string>) => (await analyzeDockerfile(files.get('')!, { checks: [c], reader: memoryReader({ ...context, ...Object.fromEntries([...files].filter(([k]) => k !== '')) }) })).findings;
    const r = await fixFiles(new Map([['', c.docs.bad]]), lint, fixKinds(true), undefined, (f) => context[f] ?? null);
    const files: Record<string, string> = {};
    for (const [k, v] of r.files) if (k !== '' && v !== context[k]) files[k] = v;
    out.set(c.id, { dockerfile: r.files.get('')!, files });
  }
  return out;
}
