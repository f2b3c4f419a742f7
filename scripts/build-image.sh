#!/usr/bin/env bash
# Builds the debug-toolkit image without Docker: mmdebstrap makes a Debian root file system from
# infra/debug-toolkit-image/packages.txt, tar packs it as one reproducible layer, and umoci writes
# an OCI image layout (oci-layout, index.json, blobs/) to <out-dir>. docs/image.md tells more.
#
#   ./scripts/build-image.sh <out-dir>
#
# Environment:
#   IMAGE_CACHE_DIR   the cache (default $HOME/.cache/ecs-debug-toolkit/image): finished layouts,
#                     keyed by a hash of the image's inputs (packages.txt, this script and
#                     scripts/lib/image-manifest.sh, VERSION, the mirrors, the client configuration,
#                     extras.sh and its pins, and which of its downloads were had), and the .deb
#                     files of the last build. A second run with the same key copies the cached
#                     layout instead of building; when the cached layout for these inputs has every
#                     extra, nothing is downloaded at all.
#   IMAGE_OFFLINE=1   download no extra (where outbound traffic is dropped silently: each download
#                     would wait for its timeouts); the image is built (or taken from the cache)
#                     without them, unless the cache has a layout with every extra for the inputs.
#   IMAGE_REBUILD=1   build even when the cache has the key (and replace the cached layout), for
#                     example to try the archive's latest packages; publish such an image only under
#                     a new VERSION (the registry's tags are immutable).
#   IMAGE_MIRROR, IMAGE_SECURITY_MIRROR
#                     Debian mirrors (default deb.debian.org); a snapshot mirror pins the archive.
# Also AWS's session-manager-plugin package and Amazon RDS's CA bundle, downloaded and checked
# against the SHA-256 pinned in infra/debug-toolkit-image/extras.sh; when a download fails (no
# internet) the image is built without it, its labels say so, and the build ends with a warning.
# Needs root (mmdebstrap's root mode); installs mmdebstrap, umoci and jq with apt-get when missing.
set -euo pipefail

usage() { echo "usage: $0 <out-dir>" >&2; exit 2; }
[ $# -eq 1 ] && [ -n "$1" ] || usage
out=$1
root_dir=$(cd "$(dirname "$0")/.." && pwd)
image_dir="$root_dir/infra/debug-toolkit-image"
script="$root_dir/scripts/build-image.sh"
extras="$image_dir/extras.sh"
client_cnf="$image_dir/mariadb-client.cnf"
manifest_lib="$root_dir/scripts/lib/image-manifest.sh"
# shellcheck source=scripts/lib/image-manifest.sh
. "$manifest_lib"

suite=trixie
mirror=${IMAGE_MIRROR:-http://deb.debian.org/debian}
security_mirror=${IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# Every timestamp in the image (file times are clamped to it, the config's `created`): fixed, so the
# same packages give the same bytes. 2026-01-01T00:00:00Z.
export SOURCE_DATE_EPOCH=1767225600
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
cache_dir=${IMAGE_CACHE_DIR:-$HOME/.cache/ecs-debug-toolkit/image}
started=$(date +%s)

if [ "$(id -u)" -ne 0 ]; then
  echo "build-image.sh: needs root (mmdebstrap --mode=root, chroot)" >&2
  exit 1
fi

version=$(tr -d '[:space:]' <"$image_dir/VERSION")
# The version is the image's tag (and a registry tag's characters).
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([.-][0-9A-Za-z.-]+)?$ ]]; then
  echo "build-image.sh: VERSION '$version' is not MAJOR.MINOR.PATCH[-suffix]" >&2
  exit 1
fi

# packages.txt without comments and blanks, one name a line.
packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$image_dir/packages.txt" | grep -v '^$' || true; }
mapfile -t listed < <(packages)
[ "${#listed[@]}" -gt 0 ] || { echo "build-image.sh: packages.txt lists no package" >&2; exit 1; }

ensure_tools() {
  local missing=() cmd pkg
  for pair in mmdebstrap:mmdebstrap umoci:umoci jq:jq flock:util-linux unshare:util-linux tar:tar \
    gzip:gzip sha256sum:coreutils curl:curl; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null || missing+=("$pkg")
  done
  # The trixie archive's signing keys.
  [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
ensure_tools

# The rest runs in a mount namespace of its own, so that the work folder can be a tmpfs (the
# root file system and its tar are a gigabyte written and removed: slow on a busy disk) that goes
# away with the build however it ends.
if [ "${DEBUG_TOOLKIT_BUILD_NS:-}" != 1 ]; then
  exec unshare --mount --propagation private env DEBUG_TOOLKIT_BUILD_NS=1 bash "$(readlink -f "$0")" "$@"
fi

# The image's inputs but the downloads: every file of the build (this script, what it sources),
# the mirrors, extras.sh's pins.
mkdir -p "$cache_dir"
exec 9>"$cache_dir/.lock" # one build at a time per cache
flock 9
inputs=$( {
  sha256sum "$image_dir/packages.txt" "$script" "$manifest_lib" "$image_dir/VERSION" "$extras" "$client_cnf" | cut -d' ' -f1
  echo "$mirror $security_mirror"
  sh "$extras" pins
} | sha256sum | cut -c1-16)
# A layout built from these inputs with every extra installed needs no download: its extras are the
# pinned files (the pins are in $inputs). Then no fetch (where outbound traffic is dropped silently,
# each download waits for its timeouts). Otherwise the extras (extras.sh), into the cache's
# downloads folder: each there only if its download worked and matched its pin; a wrong SHA-256
# stops the build (the RDS bundle's: left out, recorded as changed upstream). IMAGE_OFFLINE=1: no
# download (the layout as an offline build).
downloads="$cache_dir/downloads"
complete=""
if [ "${IMAGE_REBUILD:-0}" != 1 ] && [ -f "$cache_dir/complete/$inputs" ]; then
  complete=$(cat "$cache_dir/complete/$inputs")
  [ -e "$cache_dir/layouts/$complete/index.json" ] || complete=""
fi
if [ -n "$complete" ]; then
  key=$complete
  echo "cached layout $key has every extra for these inputs: no download"
else
  rm -rf "$downloads.new"
  if [ "${IMAGE_OFFLINE:-0}" = 1 ]; then
    echo "IMAGE_OFFLINE=1: no download of the extras (the image is built without them)"
    mkdir -p "$downloads.new"
  else
    sh "$extras" fetch "$downloads.new" || { echo "build-image.sh: extras.sh fetch failed" >&2; exit 1; }
  fi
  rm -rf "$downloads" && mv "$downloads.new" "$downloads"
  # The inputs, and which downloads were had (and the new SHA-256 of a bundle changed upstream).
  key=$( { echo "$inputs"; (cd "$downloads" && ls -1 && cat ./*.changed 2>/dev/null || true); } |
    sha256sum | cut -c1-16)
fi

# <out-dir> is replaced only when it is empty or already an image layout: checked before building.
if [ -e "$out" ] && ! { [ -d "$out" ] && { [ -e "$out/oci-layout" ] || [ -z "$(ls -A "$out")" ]; }; }; then
  echo "build-image.sh: $out exists and is not an OCI image layout; not replacing it" >&2
  exit 1
fi
prepare_out() {
  rm -rf "$out"
  mkdir -p "$(dirname "$out")"
}

# A label's value for an extra: what it is, or that it is absent and where the docs say how to add it.
how_to_add() {
  case $1 in
    absent) echo 'absent: the build could not download it (docs/image.md, "What an offline build lacks", says how to add it)' ;;
    changed:*) echo "absent: upstream changed (sha256 ${1#changed:}); the pin in extras.sh must move (docs/image.md, \"What an offline build lacks\")" ;;
    *) echo "$1" ;;
  esac
}

build() {
  local work rootfs layout debs="$cache_dir/debs" include
  work=$(mktemp -d "${TMPDIR:-/var/tmp}/debug-toolkit-image.XXXXXX")
  mount -t tmpfs -o size=4g,mode=0755 debug-toolkit-image "$work" # 0755: apt downloads as _apt
  # shellcheck disable=SC2064
  trap "umount -l '$work' && rmdir '$work'" EXIT
  rootfs="$work/rootfs" layout="$work/layout"
  mkdir -p "$debs"
  include=$(IFS=,; echo "${listed[*]}")

  echo "mmdebstrap: $suite, variant apt, --include=$include"
  # The slim Debian images' exclusions (docs but the copyright files, man pages, locales), except
  # groff's files, which `aws help` renders with. The Dockerfile keeps the same.
  # The .deb files of the last build are synced in and the new set out again (the cache). The
  # image's own apt sources say https: the debug task's security group lets out port 443 only.
  mmdebstrap --mode=root --variant=apt --format=directory --architectures=amd64 \
    --include="$include" \
    --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/lintian/*' \
    --dpkgopt='path-exclude=/usr/share/linda/*' \
    --skip=essential/unlink \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
    --setup-hook="sync-in '$debs' /var/cache/apt/archives/" \
    --customize-hook="sync-out /var/cache/apt/archives '$work/debs'" \
    --customize-hook='rm -f "$1"/etc/resolv.conf "$1"/etc/hostname' \
    --customize-hook='sed -i "s|http://deb.debian.org/|https://deb.debian.org/|" "$1"/etc/apt/sources.list' \
    --customize-hook='rm -f "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old' \
    "$suite" "$rootfs" \
    "deb $mirror $suite main" \
    "deb $mirror $suite-updates main" \
    "deb $security_mirror $suite-security main"
  rm -rf "$debs" && mv "$work/debs" "$debs"
  rm -f "$debs"/lock && rm -rf "$debs"/partial

  # MariaDB's client: TLS without verification by default, as MySQL's client (PREFERRED).
  install -m 644 "$client_cnf" "$rootfs/etc/mysql/mariadb.conf.d/90-debug-toolkit-client.cnf"
  # What extras.sh could download: installed chrooted, recorded in .../extras.txt.
  mkdir -p "$rootfs/tmp/extras"
  cp "$extras" "$rootfs/tmp/extras.sh"
  cp -a "$downloads/." "$rootfs/tmp/extras/"
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    sh /tmp/extras.sh install /tmp/extras
  rm -rf "$rootfs/tmp/extras" "$rootfs/tmp/extras.sh"
  extra_state() { awk -v n="$1" '$1 == n { print $2 }' "$rootfs/usr/share/ecs-debug-toolkit/extras.txt"; }
  smp_label=absent
  [ "$(extra_state session-manager-plugin)" != installed ] || smp_label=installed
  rds_ca_label=absent
  [ "$(extra_state rds-ca-bundle)" != installed ] || rds_ca_label=/etc/ssl/certs/rds-global-bundle.pem
  [ "$(extra_state rds-ca-bundle)" != absent-changed ] ||
    rds_ca_label="changed:$(awk '$1 == "rds-ca-bundle" { print $3 }' "$rootfs/usr/share/ecs-debug-toolkit/extras.txt")"
  # The runtime brings /dev (and /proc, /sys, /etc/resolv.conf, /etc/hostname).
  find "$rootfs/dev" -mindepth 1 -delete
  package_manifest "$rootfs"
  printf '%s\n' "$version" >"$rootfs/usr/share/ecs-debug-toolkit/VERSION"
  cp "$image_dir/packages.txt" "$rootfs/usr/share/ecs-debug-toolkit/packages.txt"

  echo "packing the root file system ($(du -sh "$rootfs" | cut -f1)) into one layer"
  tar --create --file="$work/layer.tar" --directory="$rootfs" \
    --sort=name --format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime --numeric-owner \
    --xattrs --xattrs-include=security.capability --one-file-system .
  rm -rf "$rootfs"

  local image="$layout:$version"
  umoci init --layout "$layout"
  umoci new --image "$image"
  umoci raw add-layer --image "$image" --history.created="$created" \
    --history.author=ecs-debug-toolkit \
    --history.created_by="scripts/build-image.sh: mmdebstrap --variant=apt $suite + packages.txt" \
    "$work/layer.tar"
  rm -f "$work/layer.tar"
  umoci config --image "$image" --no-history \
    --created="$created" --author=ecs-debug-toolkit --architecture=amd64 --os=linux \
    --config.user=root --config.cmd=/bin/sh \
    --config.env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.label="org.opencontainers.image.title=ecs-debug-toolkit debug-toolkit" \
    --config.label="org.opencontainers.image.description=Debug tools for ECS tasks: network, AWS CLI, database clients (Debian $suite)" \
    --config.label="org.opencontainers.image.version=$version" \
    --config.label="org.opencontainers.image.created=$created" \
    --config.label="org.opencontainers.image.licenses=$licences_label" \
    --config.label="ecs-debug-toolkit.packages=$packages_label" \
    --config.label="ecs-debug-toolkit.debian-suite=$suite" \
    --config.label="ecs-debug-toolkit.build=scripts/build-image.sh" \
    --config.label="ecs-debug-toolkit.session-manager-plugin=$(how_to_add "$smp_label")" \
    --config.label="ecs-debug-toolkit.rds-ca-bundle=$(how_to_add "$rds_ca_label")"
  umoci gc --layout "$layout"
  chmod -R a+rX "$layout" # umoci writes 0600 files: let any user read (and push) the image

  # Into the cache first (complete or not at all), then the cache's copy out.
  mkdir -p "$cache_dir/layouts"
  rm -rf "$cache_dir/layouts/$key.tmp"
  cp -a "$layout" "$cache_dir/layouts/$key.tmp"
  rm -rf "$cache_dir/layouts/$key"
  mv "$cache_dir/layouts/$key.tmp" "$cache_dir/layouts/$key"
  if [ "$smp_label" = installed ] && [ "$rds_ca_label" = /etc/ssl/certs/rds-global-bundle.pem ]; then
    mkdir -p "$cache_dir/complete" && echo "$key" >"$cache_dir/complete/$inputs"
  fi
  # Keep the three newest layouts.
  ls -1t "$cache_dir/layouts" | tail -n +4 | while read -r old; do rm -rf "${cache_dir:?}/layouts/$old"; done
}

if [ "${IMAGE_REBUILD:-0}" != 1 ] && [ -e "$cache_dir/layouts/$key/index.json" ]; then
  echo "cache hit: $cache_dir/layouts/$key (the image's inputs unchanged): copied the cached layout, no rebuild"
  touch "$cache_dir/layouts/$key"
else
  if [ "${IMAGE_REBUILD:-0}" = 1 ]; then
    echo "IMAGE_REBUILD=1: building (cache key $key)"
  else
    echo "cache miss: building (cache key $key)"
  fi
  build
fi
prepare_out
cp -a "$cache_dir/layouts/$key" "$out"

manifest=$(jq -r '.manifests[0].digest' "$out/index.json")
layer_bytes=$(jq -r '[.layers[].size] | add' "$out/blobs/sha256/${manifest#sha256:}")
echo "image layout: $out (ref $version)"
echo "manifest digest: $manifest"
echo "compressed layer size: $layer_bytes bytes ($(( layer_bytes / 1048576 )) MiB)"
# Loud when an extra is absent: such an image lacks what docs/image.md promises, and
# publish-image.sh refuses it unless PUBLISH_ALLOW_ABSENT=1.
config="$out/blobs/sha256/$(jq -r '.config.digest' "$out/blobs/sha256/${manifest#sha256:}" | cut -d: -f2)"
absent=$(jq -r '.config.Labels | to_entries[] | select(.key == "ecs-debug-toolkit.session-manager-plugin"
  or .key == "ecs-debug-toolkit.rds-ca-bundle") | select(.value | startswith("absent")) | "  \(.key)=\(.value)"' "$config")
if [ -n "$absent" ]; then
  echo "**********************************************************************"
  echo "WARNING: this image lacks what it takes from outside Debian:"
  echo "$absent"
  echo "publish-image.sh refuses it unless PUBLISH_ALLOW_ABSENT=1; docs/image.md says how to add them."
  echo "**********************************************************************"
fi
echo "build-image.sh took $(( $(date +%s) - started )) s"
