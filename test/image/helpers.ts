/** Builds small image archives in memory for the reader's tests. */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface Member {
  name: string;
  body?: Buffer | string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
  mode?: number;
}

/** A tar with these members, in this order. */
export async function packTar(members: Member[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const m of members) {
    const type = m.type ?? 'file';
    const header: Partial<tar.Header> & { name: string } = { name: m.name, type, mode: m.mode ?? (type === 'directory' ? 0o755 : 0o644) };
    if (m.linkname !== undefined) header.linkname = m.linkname;
    await new Promise<void>((resolve, reject) => {
      if (type === 'file') pack.entry(header, typeof m.body === 'string' ? Buffer.from(m.body) : m.body ?? Buffer.alloc(0), (e) => (e ? reject(e) : resolve()));
      else pack.entry(header, (e) => (e ? reject(e) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export interface ImageSketch {
  /** Inner members of each layer. */
  layers: Member[][];
  config?: Record<string, unknown>;
  tags?: string[];
  gzipLayers?: boolean;
}

/** A docker-archive (`manifest.json` last, like docker save) for these layers and this config. */
export async function dockerArchive(img: ImageSketch, tamper: (members: Member[]) => Member[] = (m) => m): Promise<Buffer> {
  const layerTars = await Promise.all(img.layers.map((l) => packTar(l)));
  const blobs = layerTars.map((t) => (img.gzipLayers ? gzipSync(t) : t));
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { User: 'app', Cmd: ['/app/run'] },
    rootfs: { type: 'layers', diff_ids: layerTars.map((t) => `sha256:${sha(t)}`) },
    history: img.layers.map((_, i) => ({ created_by: `/bin/sh -c step ${i}` })),
    ...img.config,
  };
  const configText = JSON.stringify(config);
  const configName = `${sha(configText)}.json`;
  const layerNames = blobs.map((b, i) => `layer${i}/layer.tar${img.gzipLayers ? '.gz' : ''}`);
  const members: Member[] = [
    { name: configName, body: configText },
    ...blobs.map((b, i) => ({ name: layerNames[i]!, body: b })),
    { name: 'manifest.json', body: JSON.stringify([{ Config: configName, RepoTags: img.tags ?? ['demo:1.0'], Layers: layerNames }]) },
  ];
  return packTar(tamper(members));
}
