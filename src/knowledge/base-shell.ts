/**
 * Which program `/bin/sh` is in a base image: the shell a shell-form RUN runs in when no SHELL
 * instruction says otherwise. Debian and Ubuntu link it to dash (strict POSIX: `[[`, `source` and
 * arrays fail), Alpine and BusyBox to BusyBox's ash (which has `[[`, `source` and `$RANDOM`, but no
 * arrays), the Red Hat family, SUSE and Arch to bash.
 */
import type { ImageRef } from './image-ref.js';

/** The program behind `/bin/sh`: `dash`, `busybox` (ash), `bash`, or null when the image does not say. */
export type BinSh = 'dash' | 'busybox' | 'bash';

/** Distributions whose `/bin/sh` is bash. */
const BASH_SH = /(^|\/)(centos|fedora|rockylinux|almalinux|amazonlinux|oraclelinux|redhat\/ubi\d*[\w-]*|ubi\d+[\w-]*|ubi|rhel\d*[\w-]*|opensuse\/[\w.-]+|opensuse|sles|archlinux|photon|clearlinux|mageia|cbl-mariner\/[\w/.-]+|azurelinux\/[\w/.-]+)$/;
const BUSYBOX_SH = /(^|\/)(alpine|busybox)$|(^|\/)alpine\/[\w.-]+$/;
const DASH_SH = /(^|\/)(debian|ubuntu|buildpack-deps|kalilinux\/kali-[\w-]+)$/;
/**
 * Docker's official language images: Debian-based unless their tag names another distribution
 * (`-alpine`, `-ubi`, `windowsservercore`…).
 */
const OFFICIAL_DEBIAN = new Set([
  'python', 'node', 'golang', 'ruby', 'php', 'openjdk', 'eclipse-temurin', 'maven', 'gradle', 'rust', 'perl', 'r-base',
  'elixir', 'erlang', 'haskell', 'julia', 'swift', 'clojure', 'groovy', 'nginx', 'httpd', 'postgres', 'mysql', 'mariadb',
  'redis', 'mongo', 'rabbitmq', 'wordpress', 'drupal', 'tomcat', 'jetty', 'gcc', 'pypy', 'haproxy', 'memcached',
]);

/**
 * The `/bin/sh` of a base image, from its name and tag; null for an image it cannot tell (a private
 * image, a variable). Official images without an Alpine or other distribution tag are Debian's.
 */
export function baseBinSh(image: ImageRef | null): BinSh | null {
  if (!image || image.unresolved) return null;
  const registry = image.registry ?? 'docker.io';
  const repo = image.repository.replace(/^library\//, '');
  const tag = (image.tag ?? '').toLowerCase();
  const path = `${registry === 'docker.io' ? '' : `${registry}/`}${repo}`;
  if (/alpine/.test(tag) || BUSYBOX_SH.test(path)) return 'busybox';
  if (BASH_SH.test(repo) || /(^|-)(ubi\d*|centos\d*|fedora|amazonlinux\d*|rockylinux|almalinux|oraclelinux\d*|mariner|azurelinux)(\b|$)/.test(tag)) return 'bash';
  if (/windowsservercore|nanoserver/.test(tag)) return null;
  if (DASH_SH.test(path) || (registry === 'docker.io' && !repo.includes('/') && OFFICIAL_DEBIAN.has(repo))) return 'dash';
  if (/(^|-)(bookworm|bullseye|buster|stretch|trixie|jammy|focal|noble|bionic|slim)(\b|$)/.test(tag)) return 'dash';
  return null;
}

/** The `/bin/sh` a package manager's distribution has: apt means Debian or Ubuntu, apk Alpine, dnf/yum/microdnf/zypper a bash-based one. */
export function binShOfPackageManager(command: string): BinSh | null {
  if (command === 'apt-get' || command === 'apt' || command === 'dpkg') return 'dash';
  if (command === 'apk') return 'busybox';
  if (command === 'yum' || command === 'dnf' || command === 'microdnf' || command === 'zypper' || command === 'rpm' || command === 'pacman' || command === 'tdnf') return 'bash';
  return null;
}
