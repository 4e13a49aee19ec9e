/**
 * A table-driven tester for checks of Kubernetes containers: each case is a manifest and what its
 * containers run (a Dockerfile with its build context, or a committed sample image from
 * sample-images/built/), and the findings must be exactly the listed ones. The manifest is read,
 * every container laid over the image and the check run through the same functions the analysis
 * uses (`readManifests`, `effectiveContainer`, `runContainerChecks`); matching by tag is tested on
 * its own (test/manifests/).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { memoryReader } from '../../src/dockerfile/context.js';
import { readImages } from '../../src/image/read-images.js';
import type { ImageFacts } from '../../src/image/facts.js';
import { readManifests } from '../../src/manifests/read.js';
import { dockerfileSide, effectiveContainer, imageSide, type ImageSide } from '../../src/pair/effective.js';
import { runContainerChecks, sortFindings } from '../../src/engine/run.js';
import type { Check, CheckSettings, Finding } from '../../src/engine/types.js';
import { counterpartText } from '../../src/report/model.js';

export const BUILT = join(import.meta.dirname, '../../sample-images/built');

export interface ContainerCase {
  name?: string;
  manifest: string;
  /** The Dockerfile every container of the manifest runs. */
  dockerfile?: string;
  context?: Record<string, string>;
  /** A committed sample image every container runs: `setuid.docker` is sample-images/built/setuid.docker.tar. */
  image?: string;
  settings?: CheckSettings;
}

export interface ExpectedContainerFinding {
  messageId: string;
  line: number;
  column?: number;
  severity?: string;
  /** The other file, as the text report shows it (`Dockerfile:4`, `app.tar config User`). */
  pairedWith?: string;
}

const images = new Map<string, Promise<ImageFacts>>();

/** A sample image, read once per test file. */
export function sampleImage(name: string): Promise<ImageFacts> {
  let p = images.get(name);
  if (!p) {
    p = readImages({ path: join(BUILT, `${name}.tar`) }).then((all) => all[0]!);
    images.set(name, p);
  }
  return p;
}

async function sideOf(c: ContainerCase): Promise<ImageSide | null> {
  if (c.image) {
    const image = await sampleImage(c.image);
    return imageSide(image, 'only', `${c.image}.tar`);
  }
  if (c.dockerfile !== undefined) {
    const facts = await parseDockerfile(c.dockerfile, { path: 'Dockerfile', reader: memoryReader(c.context ?? {}) });
    return dockerfileSide(facts, 'only');
  }
  return null;
}

/** Runs only `check` over the containers of `c.manifest`, each paired with the case's image or Dockerfile. */
export async function containerFindingsOf(check: Check, c: ContainerCase): Promise<Finding[]> {
  const m = readManifests(c.manifest, 'k8s.yaml');
  const side = await sideOf(c);
  const containers = [];
  for (const w of m.workloads) for (const ct of w.pod.containers) containers.push(await effectiveContainer(m, w, ct, side));
  return sortFindings(runContainerChecks(m, containers, [check], c.settings ? { settings: c.settings } : {}));
}

function shape(f: Finding, want: ExpectedContainerFinding): ExpectedContainerFinding {
  const loc = f.location;
  const out: ExpectedContainerFinding = { messageId: f.messageId, line: loc.kind === 'image' ? -1 : loc.range.line };
  if (want.column !== undefined && loc.kind !== 'image') out.column = loc.range.column;
  if (want.severity !== undefined) out.severity = f.severity;
  if (want.pairedWith !== undefined) out.pairedWith = f.pairedWith ? counterpartText(f.pairedWith) : '';
  return out;
}

export function testContainerCheck(check: Check, cases: { valid: ContainerCase[]; invalid: (ContainerCase & { errors: ExpectedContainerFinding[] })[] }): void {
  describe(`${check.id} (containers)`, () => {
    for (const [i, c] of cases.valid.entries()) {
      it(`valid #${i + 1}${c.name ? `: ${c.name}` : ''}`, async () => {
        const fs = await containerFindingsOf(check, c);
        expect(fs.map((f) => `${f.messageId}: ${f.message}`)).toEqual([]);
      });
    }
    for (const [i, c] of cases.invalid.entries()) {
      it(`invalid #${i + 1}${c.name ? `: ${c.name}` : ''}`, async () => {
        const fs = await containerFindingsOf(check, c);
        expect(fs.map((f, j) => shape(f, c.errors[j] ?? { messageId: '', line: 0 }))).toEqual(c.errors);
        for (const f of fs) {
          expect(f.message).not.toMatch(/\{\w+\}/);
          expect(f.location.kind).toBe('manifest');
        }
      });
    }
  });
}
