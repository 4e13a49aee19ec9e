#!/usr/bin/env bash
# Builds the sample images under sample-images/images/ with buildah and saves each one twice:
#   OUT/<name>.docker.tar  (buildah push … docker-archive:…)
#   OUT/<name>.oci.tar     (buildah push … oci-archive:…)
#
# usage: sample-images/build.sh [--out DIR] [--base busybox|debian|all] [NAME…]
#   --out DIR   where the tarballs go (default: sample-images/build, git-ignored).
#               The committed busybox tarballs: --out sample-images/built --base busybox
#   --base      which samples to build: the busybox-based ones (default), the Debian-based
#               ones, or all. Each Dockerfile names its base on the line `# base: busybox|debian`
#               and its tag on `# tag: repo:tag`.
#   --images DIR  where the sample directories are (default: sample-images/images; the
#               benchmark keeps its own under bench/work/images)
#   NAME…       only these samples (directory names under the images directory)
#
# Needs root, buildah and busybox-static (and debootstrap for the Debian base).
# Storage: vfs driver, chroot isolation, in $SHIPSHAPE_BUILDAH_ROOT (default
# /var/tmp/shipshape-buildah), so it touches no other container storage on the machine.
# Builds are deterministic where buildah allows it: --timestamp 0 and no buildah version
# label, so rebuilding gives the same tarballs and the committed ones do not churn.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build"
images="$here/images"
base_kind=busybox
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --base) base_kind="$2"; shift 2 ;;
    --images) images="$(cd "$2" && pwd)"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "build.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
case "$base_kind" in busybox|debian|all) ;; *) echo "build.sh: --base is busybox, debian or all" >&2; exit 2 ;; esac

if [ "$(id -u)" != 0 ]; then echo "build.sh: needs root (buildah with vfs storage and chroot isolation)" >&2; exit 3; fi
command -v buildah >/dev/null || { echo "build.sh: buildah is not installed (apt-get install buildah)" >&2; exit 3; }

root="${SHIPSHAPE_BUILDAH_ROOT:-/var/tmp/shipshape-buildah}"
export BUILDAH_ISOLATION=chroot STORAGE_DRIVER=vfs
bah() { buildah --root "$root/storage" --runroot "$root/run" --storage-driver vfs "$@"; }
bud() { bah build --quiet --layers --timestamp 0 --identity-label=false --isolation chroot "$@"; }

mkdir -p "$out" "$root"
out="$(cd "$out" && pwd)"
work="$(mktemp -d "$root/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

have_image() { [ -n "$(bah images --quiet --noheading "$1" 2>/dev/null || true)" ]; }

# A base image from busybox-static: the binary, links for a small set of applets (no network
# tools, no su: the samples that want those add them), the users and a CMD, like a real base.
busybox_base() {
  local img=localhost/busybox-base:1
  [ -x /bin/busybox ] || { echo "build.sh: /bin/busybox missing (apt-get install busybox-static)" >&2; exit 3; }
  if have_image "$img"; then return; fi
  local ctx="$work/busybox-base" rootfs="$work/busybox-base/rootfs"
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,root,home/app,var/log}
  cp /bin/busybox "$rootfs/bin/busybox"
  local a
  for a in sh ash cat cp chmod chown chgrp date dd echo env false find grep head id kill ln ls \
    mkdir mktemp mv printf ps pwd rm rmdir sed sleep sort stat tail tee test touch tr true uname wc \
    xargs basename dirname cut uniq expr hostname which '['; do
    ln -s busybox "$rootfs/bin/$a"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'app:x:10001:10001:app:/home/app:/bin/sh' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'app:x:10001:' 'nogroup:x:65534:' >"$rootfs/etc/group"
  printf '%s\n' 'NAME="BusyBox"' 'ID=busybox' "VERSION_ID=$(busybox 2>&1 | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p')" >"$rootfs/etc/os-release"
  chmod 1777 "$rootfs/tmp"; chmod 700 "$rootfs/root"
  chown -R 10001:10001 "$rootfs/home/app"
  # A fixed mtime on every file keeps the base layer byte-identical from build to build.
  find "$rootfs" -exec touch -h -d @0 {} +
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' 'CMD ["/bin/sh"]' >"$ctx/Dockerfile"
  bud -t "$img" "$ctx" >/dev/null
  echo "built $img"
}

# A Debian base from debootstrap --variant=minbase, imported the same way. Cached in the storage.
debian_base() {
  local img=localhost/debian-base:bookworm
  if have_image "$img"; then return; fi
  command -v debootstrap >/dev/null || { echo "build.sh: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 3; }
  local mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  local ctx="$work/debian-base"
  mkdir -p "$ctx"
  debootstrap --variant=minbase bookworm "$ctx/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$ctx/rootfs/var/cache/apt/archives/"*.deb "$ctx/rootfs/var/lib/apt/lists/"* "$ctx/rootfs/dev/"* "$ctx/rootfs/proc/"* "$ctx/rootfs/sys/"*
  # Resolve names inside RUN steps the way the host does.
  cp /etc/resolv.conf "$ctx/rootfs/etc/resolv.conf" 2>/dev/null || true
  # COPY from a build context drops setuid/setgid bits; written into the mounted container the
  # rootfs keeps them (su, mount, passwd…), as a real Debian base image has.
  local ctr mnt
  ctr="$(bah from --quiet scratch)"
  mnt="$(bah mount "$ctr")"
  cp -a "$ctx/rootfs/." "$mnt/"
  bah umount "$ctr" >/dev/null
  bah config --created-by "debootstrap --variant=minbase bookworm" "$ctr"
  bah commit --quiet --identity-label=false --timestamp 0 "$ctr" localhost/debian-rootfs:bookworm >/dev/null
  bah rm "$ctr" >/dev/null
  printf '%s\n' 'FROM localhost/debian-rootfs:bookworm' 'CMD ["bash"]' >"$ctx/Dockerfile"
  bud -t "$img" "$ctx" >/dev/null
  echo "built $img"
}

field() { sed -n "s/^# $1: *//p" "$2" | head -1; }

if [ ${#names[@]} -eq 0 ]; then
  for d in "$images"/*/; do names+=("$(basename "$d")"); done
fi

built=0
for name in "${names[@]}"; do
  dir="$images/$name"
  [ -f "$dir/Dockerfile" ] || { echo "build.sh: no sample $name" >&2; exit 2; }
  kind="$(field base "$dir/Dockerfile")"
  tag="$(field tag "$dir/Dockerfile")"
  [ -n "$kind" ] && [ -n "$tag" ] || { echo "build.sh: $name/Dockerfile needs '# base:' and '# tag:' lines" >&2; exit 2; }
  [ "$base_kind" = all ] || [ "$base_kind" = "$kind" ] || continue
  case "$kind" in busybox) busybox_base ;; debian) debian_base ;; *) echo "build.sh: $name: unknown base $kind" >&2; exit 2 ;; esac
  t0=$(date +%s)
  id="$(bud -t "$tag" "$dir")"
  rm -f "$out/$name.docker.tar" "$out/$name.oci.tar"
  # An image tagged only `latest` keeps that single tag in both archives.
  bah push --quiet "$id" "docker-archive:$out/$name.docker.tar:$tag" >/dev/null
  bah push --quiet "$id" "oci-archive:$out/$name.oci.tar:$tag" >/dev/null
  echo "$name: $tag ($(( $(date +%s) - t0 )) s; docker $(stat -c %s "$out/$name.docker.tar") B, oci $(stat -c %s "$out/$name.oci.tar") B)"
  built=$((built + 1))
done
echo "build.sh: $built images in $(( $(date +%s) - start )) s -> $out"
