/** Image targets: read an archive and run the image checks. */
import type { Check, Finding } from '../engine/types.js';
import type { DockerfileFacts } from '../dockerfile/model.js';

export interface ImageTarget {
  path: string;
  data?: Buffer;
}

export interface ImageAnalyzeOptions {
  checks: readonly Check[];
  platform?: string;
  dockerfile?: DockerfileFacts | null;
}

/** An error that names the archive and what is wrong with it, in one line. */
export class ImageReadError extends Error {}

export async function analyzeImage(target: ImageTarget, _options: ImageAnalyzeOptions): Promise<{ results: { path: string; findings: Finding[] }[] }> {
  throw new ImageReadError(`${target.path}: image archives are not supported yet`);
}
