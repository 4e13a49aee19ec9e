/** Which image a container's `image:` names: by repository tags, by the config's `images:` map. */
import { describe, expect, it } from 'vitest';
import { canonicalName, matchImage, matchMapping, parseRef, type ImageCandidate } from '../../src/pair/match.js';
import type { ImageFacts } from '../../src/image/facts.js';

const ref = (s: string) => parseRef(s)!;
const image = (tags: string[], manifestDigest?: string): ImageCandidate => ({ image: { tags, ...(manifestDigest ? { manifestDigest } : {}) } as unknown as ImageFacts, file: tags[0] ?? 'x.tar' });

describe('canonicalName', () => {
  it('resolves Docker Hub names as a registry does', () => {
    for (const s of ['nginx', 'nginx:1.27', 'docker.io/nginx', 'docker.io/library/nginx:latest', 'index.docker.io/library/nginx']) expect(canonicalName(ref(s))).toBe('docker.io/library/nginx');
    expect(canonicalName(ref('acme/app:1'))).toBe('docker.io/acme/app');
    expect(canonicalName(ref('ghcr.io/acme/app:1'))).toBe('ghcr.io/acme/app');
    expect(canonicalName(ref('localhost:5000/app'))).toBe('localhost:5000/app');
  });
});

describe('matchImage', () => {
  const web = image(['shipshape-sample/k8s-web:1.0.0']);
  const local = image(['localhost/api:dev']);
  const hub = image(['nginx:1.27']);

  it('matches the same name and tag, however the registry is written', () => {
    expect(matchImage(ref('shipshape-sample/k8s-web:1.0.0'), [hub, web])).toBe(web);
    expect(matchImage(ref('docker.io/shipshape-sample/k8s-web:1.0.0'), [web])).toBe(web);
    expect(matchImage(ref('docker.io/library/nginx:1.27'), [web, hub])).toBe(hub);
  });

  it('takes a localhost/ tag (buildah, Podman) for the unqualified name', () => {
    expect(matchImage(ref('api:dev'), [local])).toBe(local);
    expect(matchImage(ref('localhost/api:dev'), [local])).toBe(local);
  });

  it('does not match another tag, or latest when the image has only a version', () => {
    expect(matchImage(ref('shipshape-sample/k8s-web:2.0.0'), [web])).toBeNull();
    expect(matchImage(ref('shipshape-sample/k8s-web'), [web])).toBeNull();
    expect(matchImage(ref('ghcr.io/shipshape-sample/k8s-web:1.0.0'), [web])).toBeNull();
  });

  it('a reference by digest alone matches the name, the recorded digest first', () => {
    const a = image(['acme/app:1'], 'sha256:aaa');
    const b = image(['acme/app:2'], 'sha256:bbb');
    expect(matchImage(ref('acme/app@sha256:bbb'), [a, b])).toBe(b);
    expect(matchImage(ref('acme/app@sha256:ccc'), [a, b])).toBe(a);
    expect(matchImage(ref('acme/app:2@sha256:bbb'), [a, b])).toBe(b);
  });

  it('a digest matches the image\'s index digest (repoDigest) as well as its platform manifest\'s', () => {
    const a = image(['acme/app:1'], 'sha256:aaa');
    const multi = { image: { tags: ['acme/app:2'], manifestDigest: 'sha256:bbb', repoDigest: 'sha256:index' } as unknown as ImageFacts, file: 'multi.tar' };
    expect(matchImage(ref('acme/app@sha256:index'), [a, multi])).toBe(multi);
    expect(matchImage(ref('acme/app@sha256:bbb'), [a, multi])).toBe(multi);
  });
});

describe('matchMapping', () => {
  const maps = [
    { name: 'ghcr.io/acme/api', dockerfile: '/r/api/Dockerfile', context: '/r/api' },
    { name: 'ghcr.io/acme/api:canary', dockerfile: '/r/api/Dockerfile.canary', context: '/r/api' },
    { name: 'nginx', dockerfile: '/r/web/Dockerfile', context: '/r/web' },
  ];
  it('a name without a tag maps every tag; one with a tag only that tag', () => {
    expect(matchMapping(ref('ghcr.io/acme/api:1.4.2'), maps)?.dockerfile).toBe('/r/api/Dockerfile');
    expect(matchMapping(ref('ghcr.io/acme/api:canary'), maps)?.dockerfile).toBe('/r/api/Dockerfile.canary');
    expect(matchMapping(ref('ghcr.io/acme/api@sha256:abc'), maps)?.dockerfile).toBe('/r/api/Dockerfile');
    expect(matchMapping(ref('docker.io/library/nginx:1.27'), maps)?.dockerfile).toBe('/r/web/Dockerfile');
    expect(matchMapping(ref('ghcr.io/acme/web:1'), maps)).toBeNull();
  });
});
