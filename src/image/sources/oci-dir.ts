/**
 * An OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), as `skopeo copy
 * … oci:DIR` and `buildah push … oci:DIR` write it. Only the blobs of the chosen images are read.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageReadError } from '../read.js';
import { MAX_MANIFEST, sha256Digest, shortDigest, type BlobStore, type FetchedManifest, type OpenedBlob } from './store.js';

const DIGEST = /^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$/;

export class OciDir implements BlobStore {
  readonly where: string;
  constructor(
    private readonly dir: string,
    private readonly label: string,
  ) {
    this.where = dir;
  }

  private fail(what: string): never {
    throw new ImageReadError(`${this.label}: ${what}`);
  }

  private path(digest: string): string {
    const m = DIGEST.exec(digest);
    if (!m) this.fail(`${digest} is not a digest shipshape can read`);
    return join(this.dir, 'blobs', m[1]!, m[2]!);
  }

  /** `index.json`, the layout's entry point. */
  index(): Buffer {
    let st;
    try {
      st = statSync(this.dir);
    } catch {
      this.fail('no such directory');
    }
    if (!st.isDirectory()) this.fail('not a directory (oci:DIR names an OCI image layout directory)');
    if (!existsSync(join(this.dir, 'index.json'))) this.fail('not an OCI image layout: no index.json');
    try {
      return readFileSync(join(this.dir, 'index.json'));
    } catch (e) {
      this.fail(`index.json: ${(e as Error).message.split('\n', 1)[0]}`);
    }
  }

  async manifest(reference: string): Promise<FetchedManifest> {
    const digest = reference;
    const file = this.path(digest);
    let bytes: Buffer;
    try {
      const fh = await open(file, 'r');
      try {
        const { size } = await fh.stat();
        if (size > MAX_MANIFEST) this.fail(`manifest ${shortDigest(digest)} is larger than ${MAX_MANIFEST / 1048576} MiB; not a manifest`);
        bytes = await fh.readFile();
      } finally {
        await fh.close();
      }
    } catch (e) {
      if (e instanceof ImageReadError) throw e;
      this.fail(`manifest ${shortDigest(digest)} is missing from the layout (blobs/${digest.replace(':', '/')})`);
    }
    const got = sha256Digest(bytes);
    let mediaType = '';
    try {
      mediaType = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? '';
    } catch {
      this.fail(`manifest ${shortDigest(digest)} is not valid JSON`);
    }
    return { bytes, digest: got, mediaType };
  }

  async blob(digest: string, size: number, offset: number, what: string): Promise<OpenedBlob> {
    const file = this.path(digest);
    let actual: number;
    try {
      actual = statSync(file).size;
    } catch {
      this.fail(`${what} ${shortDigest(digest)} is missing from the layout (blobs/${digest.replace(':', '/')})`);
    }
    if (actual !== size) this.fail(`${what} ${shortDigest(digest)}: the manifest gives it ${size} bytes but the file has ${actual}`);
    const body = createReadStream(file, { start: offset, highWaterMark: 1 << 20 });
    return { body, skip: 0 };
  }

  close(): void {}
}
