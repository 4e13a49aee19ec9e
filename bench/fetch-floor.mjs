// The least a Node client must do to get an image from a source, and nothing else: the floor rows of
// bench/sources.mjs, which tell how much of shipshape's time any tool written for Node pays.
//
//   node bench/fetch-floor.mjs registry HOST REPO TAG            download every layer blob, 2 at a time, discard
//   node bench/fetch-floor.mjs registry HOST REPO TAG --inflate  the same, and gunzip each blob (output discarded)
//   node bench/fetch-floor.mjs engine SOCKET NAME                GET /images/NAME/get from the engine, discard
//
// Plain HTTP on 127.0.0.1 or a unix socket only; no digest check, no tar walk, no analysis.
import { request } from 'node:http';
import { createGunzip } from 'node:zlib';

function get(opts) {
  return new Promise((resolve, reject) => {
    const req = request({ method: 'GET', ...opts }, (res) => {
      if (res.statusCode === 307 || res.statusCode === 302) {
        res.resume();
        const u = new URL(res.headers.location, `http://${opts.host}:${opts.port}`);
        resolve(get({ host: u.hostname, port: u.port, path: u.pathname + u.search }));
        return;
      }
      if (res.statusCode !== 200) reject(new Error(`${opts.path}: HTTP ${res.statusCode}`));
      else resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads a response to its end; `sink(chunk)` sees every chunk; resolves with the byte count. */
function drain(res, sink) {
  return new Promise((resolve, reject) => {
    let n = 0;
    res.on('data', (c) => {
      n += c.length;
      sink?.(c);
    });
    res.on('end', () => resolve(n));
    res.on('error', reject);
  });
}

async function registry(hostPort, repo, tag, inflate) {
  const [host, port] = hostPort.split(':');
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const mres = await get({ host, port, path: `/v2/${repo}/manifests/${tag}`, headers: { accept } });
  const chunks = [];
  await drain(mres, (c) => chunks.push(c));
  const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const blobs = manifest.layers.map((l) => l.digest);
  let next = 0;
  let total = 0;
  async function worker() {
    while (next < blobs.length) {
      const digest = blobs[next++];
      const res = await get({ host, port, path: `/v2/${repo}/blobs/${digest}` });
      if (!inflate) {
        const n = await drain(res);
        total += n;
        continue;
      }
      // The network's small chunks joined into 1 MiB writes: zlib pays per write, and this is the
      // cheapest size (shipshape's registry reader joins them the same way).
      const gunzip = createGunzip({ chunkSize: 1 << 20 });
      const done = drain(gunzip);
      let parts = [];
      let held = 0;
      res.on('data', (c) => {
        parts.push(c);
        held += c.length;
        if (held >= 1 << 20) {
          gunzip.write(Buffer.concat(parts, held));
          parts = [];
          held = 0;
        }
      });
      res.on('end', () => gunzip.end(parts.length ? Buffer.concat(parts, held) : undefined));
      const n = await done;
      total += n;
    }
  }
  await Promise.all([worker(), worker()]);
  return total;
}

async function engine(socketPath, name) {
  const path = `/images/${name.split('/').map(encodeURIComponent).join('/').replace(/%3A/gi, ':')}/get`;
  return drain(await get({ socketPath, path }));
}

const [mode, ...args] = process.argv.slice(2);
const n = mode === 'registry' ? await registry(args[0], args[1], args[2], args.includes('--inflate')) : await engine(args[0], args[1]);
process.stdout.write(`${n}\n`);
