/** Turns command-line targets into inputs: Dockerfile text with its context, or an image archive. */
import { readdirSync, statSync, openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StdinSource } from './stdin.js';

export const MAX_DOCKERFILE_BYTES = 8 * 1024 * 1024;

export type Input =
  | { kind: 'dockerfile'; path: string; text: string; contextDir: string | null }
  | { kind: 'image'; path: string; stream?: { head: Buffer; rest: AsyncIterable<Buffer> } }
  | { kind: 'error'; path: string; targetKind: 'dockerfile' | 'image'; message: string };

/** The kind of a file from its first bytes: tar (ustar magic), gzip, zstd, or text. */
export function sniff(head: Buffer): 'tar' | 'gzip' | 'zstd' | 'binary' | 'text' {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  if (head.includes(0)) return 'binary';
  return 'text';
}

const DOCKERFILE_NAME = /^(Dockerfile|Containerfile)$|\.(Dockerfile|Containerfile)$|^(Dockerfile|Containerfile)\./i;

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many symbolic links';
  return (err as Error).message.split('\n', 1)[0] ?? 'cannot be read';
}

function headOf(path: string, bytes = 65536): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Why a file that starts with a UTF-16 byte-order mark (PowerShell 5's `>` writes one) is not read. */
const UTF16 = 'is UTF-16 text; Docker reads a Dockerfile as UTF-8, so save it as UTF-8';
const isUtf16 = (head: Buffer): boolean => head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));

/** Text of a Dockerfile-sized buffer, or why it is not one. */
export function dockerfileText(buf: Buffer): { text: string } | { error: string } {
  const kind = sniff(buf.subarray(0, 65536));
  if (isUtf16(buf)) return { error: UTF16 };
  if (kind === 'binary') return { error: 'is a binary file, not a Dockerfile' };
  if (buf.length > MAX_DOCKERFILE_BYTES) return { error: `is ${(buf.length / 1048576).toFixed(1)} MB; a Dockerfile larger than ${MAX_DOCKERFILE_BYTES / 1048576} MB is not analyzed` };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf).replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD') && (text.match(/\uFFFD/g)?.length ?? 0) > 16) return { error: 'is not UTF-8 text, not a Dockerfile' };
  return { text };
}

/** Resolves one command-line target (a file, a directory or `-`) into inputs. */
export function resolveTarget(target: string, contextDir: string | null, stdin: () => StdinSource): Input[] {
  if (target === '-') {
    let data: Buffer;
    try {
      const src = stdin();
      const k = sniff(src.head.subarray(0, 512));
      if (k === 'tar' || k === 'gzip' || k === 'zstd') return [{ kind: 'image', path: '<stdin>', stream: { head: src.head, rest: src.rest() } }];
      data = src.readAll(MAX_DOCKERFILE_BYTES);
    } catch (e) {
      return [{ kind: 'error', path: '<stdin>', targetKind: 'dockerfile', message: `<stdin>: ${describe(e)}` }];
    }
    const t = dockerfileText(data);
    if ('error' in t) return [{ kind: 'error', path: '<stdin>', targetKind: 'dockerfile', message: `<stdin>: ${t.error}` }];
    return [{ kind: 'dockerfile', path: '<stdin>', text: t.text, contextDir }];
  }
  let st;
  try {
    st = statSync(target);
  } catch (e) {
    return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${describe(e)}` }];
  }
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = readdirSync(target);
    } catch (e) {
      return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${describe(e)}` }];
    }
    const found = names.filter((n) => DOCKERFILE_NAME.test(n)).sort();
    const files = found.filter((n) => {
      try {
        return statSync(join(target, n)).isFile();
      } catch {
        return false;
      }
    });
    if (files.length === 0) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: no Dockerfile, Containerfile, *.Dockerfile or Dockerfile.* in this directory` }];
    return files.flatMap((n) => resolveTarget(join(target, n), contextDir, stdin));
  }
  if (!st.isFile()) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: not a regular file` }];
  let head: Buffer;
  try {
    head = headOf(target);
  } catch (e) {
    return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${describe(e)}` }];
  }
  const k = sniff(head);
  if (k === 'tar' || k === 'gzip' || k === 'zstd') return [{ kind: 'image', path: target }];
  if (isUtf16(head)) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${UTF16}` }];
  if (k === 'binary') return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: is a binary file, not a Dockerfile or an image archive` }];
  if (st.size > MAX_DOCKERFILE_BYTES) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: is ${(st.size / 1048576).toFixed(1)} MB; a Dockerfile larger than ${MAX_DOCKERFILE_BYTES / 1048576} MB is not analyzed` }];
  let buf: Buffer;
  try {
    buf = readFileSync(target);
  } catch (e) {
    return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${describe(e)}` }];
  }
  const t = dockerfileText(buf);
  if ('error' in t) return [{ kind: 'error', path: target, targetKind: 'dockerfile', message: `${target}: ${t.error}` }];
  return [{ kind: 'dockerfile', path: target, text: t.text, contextDir: contextDir ?? dirname(target) }];
}

export function isDockerfileName(path: string): boolean {
  return DOCKERFILE_NAME.test(basename(path));
}
