/** An image reference (`registry/repo:tag@digest`) as a FROM, an image's tags or a manifest name it. */
export interface ImageRef {
  /** As written, before substitution. */
  raw: string;
  /** After ARG substitution. */
  resolved: string;
  /** Some variable in it has no known value. */
  unresolved: boolean;
  registry: string | null;
  /** Repository path without registry (`library/node` is given as `node`). */
  repository: string;
  tag: string | null;
  digest: string | null;
}


/** Splits `registry/repo:tag@digest` into its parts, after ARG substitution. */
export function parseImageRef(raw: string, resolved: string, unresolved: boolean): ImageRef {
  let rest = resolved;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const repository = rest.replace(/^library\//, '');
  return { raw, resolved, unresolved, registry, repository: registry === null || registry === 'docker.io' ? repository : repository, tag: tag === '' ? null : tag, digest };
}

/** Registries that serve Docker Hub's repositories under the same path (pull-through mirrors). */
const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.docker.com', 'registry.hub.docker.com', 'mirror.gcr.io', 'docker.m.daocloud.io', 'dockerhub.azk8s.cn', 'hub-mirror.c.163.com', 'dockerproxy.com']);

/**
 * The Docker Hub repository a reference names, directly or through a mirror, with `library/`
 * dropped (`golang`, `bitnami/redis`), or null for an image of another registry:
 * `mirror.gcr.io/library/golang`, `public.ecr.aws/docker/library/node` (Amazon's copy of the
 * official images) and a pull-through proxy path (`harbor.example.com/dockerhub/library/python`)
 * all name the official image, so the checks that know official images see through them.
 */
export function hubRepository(ref: Pick<ImageRef, 'registry' | 'repository'>): string | null {
  const repo = ref.repository;
  if (ref.registry === null || HUB_HOSTS.has(ref.registry)) return repo.replace(/^library\//, '');
  if (ref.registry === 'public.ecr.aws' && repo.startsWith('docker/library/')) return repo.slice('docker/library/'.length);
  const proxied = /^[^/]+(?:\/[^/]+)*\/library\/([^/]+)$/.exec(repo);
  return proxied ? proxied[1]! : null;
}

/**
 * Tags that follow a moving target like `latest`: `latest-dev`, `latest-${ARCH}`, Ubuntu's
 * `rolling` and `devel`, Alpine's `edge`, `nightly` (Debian's `sid` is a release channel an image may be built for on purpose).
 */
export function isMovingTag(tag: string): boolean {
  if (tag === 'latest' || ['rolling', 'edge', 'devel', 'nightly'].includes(tag)) return true;
  const m = /^latest[-_](.*)$/.exec(tag);
  // `latest-rust-1.95` pins what matters most (the toolchain) beside the moving part.
  return m !== null && !/\d+\.\d+/.test(m[1]!.replace(/amd64|arm64|x86_64|ppc64le|s390x|386|armv\d/g, ''));
}

/** Publishers whose free images come only as `latest` (Chainguard's free tier): the only pin is a digest. */
export function publishesOnlyLatest(ref: Pick<ImageRef, 'registry' | 'repository'>): boolean {
  return ref.registry === 'cgr.dev' && ref.repository.startsWith('chainguard/');
}

/** The repository path fixes the major version (`ubi9/ubi-minimal`, `redhat/ubi9-minimal`, `rhel8/…`), so `latest` floats over minor updates only. */
export function repositoryFixesMajor(ref: Pick<ImageRef, 'repository'>): boolean {
  return /(^|[/-])(ubi|rhel|el|centos|rockylinux|almalinux|ol)\d+([/-]|$)/.test(ref.repository);
}

/**
 * Official images of Docker Hub that Dockerfiles build on most (the `library/` namespace), so a bare
 * name can be told from a local build product (`zabbix-build-agent:7.0`) that has no registry either.
 */
export const OFFICIAL_IMAGES = new Set([
  'alpine', 'busybox', 'debian', 'ubuntu', 'fedora', 'centos', 'rockylinux', 'almalinux', 'amazonlinux', 'oraclelinux', 'archlinux', 'opensuse', 'photon', 'clearlinux',
  'python', 'node', 'golang', 'rust', 'ruby', 'php', 'perl', 'openjdk', 'eclipse-temurin', 'amazoncorretto', 'ibm-semeru-runtimes', 'sapmachine', 'maven', 'gradle', 'groovy', 'kotlin', 'scala', 'sbt', 'clojure',
  'haskell', 'erlang', 'elixir', 'julia', 'swift', 'dart', 'gcc', 'buildpack-deps', 'r-base', 'mono', 'pypy', 'haxe', 'nim', 'crystal', 'ghost', 'bash',
  'nginx', 'httpd', 'tomcat', 'jetty', 'caddy', 'traefik', 'haproxy', 'varnish', 'postgres', 'mysql', 'mariadb', 'mongo', 'redis', 'memcached', 'cassandra', 'couchdb', 'neo4j', 'influxdb',
  'elasticsearch', 'kibana', 'logstash', 'rabbitmq', 'zookeeper', 'solr', 'nats', 'eclipse-mosquitto', 'registry', 'docker', 'vault', 'consul', 'wordpress', 'drupal', 'joomla', 'nextcloud',
  'composer', 'gradle', 'jenkins', 'sonarqube', 'matomo', 'odoo', 'flink', 'spark', 'storm', 'telegraf', 'chronograf', 'kapacitor', 'percona', 'adminer', 'friendica', 'mediawiki', 'rocket.chat', 'hello-world', 'scratch',
]);

/**
 * Base images with no shell and no HTTP client: `scratch`, Google's distroless (but its `:debug`
 * tags, which add busybox) and Chainguard's `static`. A command there runs only what the image
 * copied in (no `sh -c`, no `curl` for a HEALTHCHECK).
 */
export function isShellLessBase(ref: Pick<ImageRef, 'registry' | 'repository' | 'tag'>): boolean {
  if (ref.repository === 'scratch' && ref.registry === null) return true;
  if (ref.registry === 'gcr.io' && ref.repository.startsWith('distroless/')) return !/debug/.test(ref.tag ?? '');
  return ref.registry === 'cgr.dev' && /^chainguard\/static$/.test(ref.repository);
}
