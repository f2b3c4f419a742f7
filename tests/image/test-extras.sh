#!/usr/bin/env bash
# Tests what the debug-toolkit image takes from outside Debian (infra/debug-toolkit-image/extras.sh:
# AWS's session-manager-plugin and Amazon RDS's CA bundle, each pinned by SHA-256), both branches:
#  - the image as built here: its labels and its files agree (this machine has no internet, so
#    both are absent and the labels say where the docs tell how to add them);
#  - the download failing: `extras.sh fetch` goes on without it, `--required` (the Dockerfile) stops;
#  - the download working, with local stand-ins (a tiny session-manager-plugin package made here
#    with dpkg-deb, a CA file made here) behind file:// URLs and their SHA-256 pinned by this test
#    through extras.sh's test overrides: fetched, then installed chrooted in a copy of the image's
#    root file system as build-image.sh does (dpkg knows the package, the binary runs, the bundle
#    is where the docs say);
#  - a download whose SHA-256 is not the pinned one is refused and stops the build (the plugin);
#    the RDS bundle's (a mutable URL) is left out with a loud warning, the build goes on, and
#    extras.txt records `rds-ca-bundle absent-changed <its SHA-256>`.
# Needs root (chroot). Ends with `N passed, M failed`.
#
#   tests/image/test-extras.sh <out-dir>
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 <out-dir>" >&2; exit 2; }
layout=$1
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
extras="$root_dir/infra/debug-toolkit-image/extras.sh"

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

if [ "$(id -u)" -ne 0 ]; then echo "test-extras.sh: needs root (chroot)" >&2; exit 1; fi
[ -f "$layout/oci-layout" ] && [ -f "$layout/index.json" ] ||
  { echo "test-extras.sh: $layout is not an OCI image layout" >&2; exit 1; }
if [ "${DEBUG_TOOLKIT_TEST_NS:-}" != 1 ]; then
  exec unshare --mount --propagation private env DEBUG_TOOLKIT_TEST_NS=1 bash "$(readlink -f "$0")" "$@"
fi
work=$(mktemp -d "${TMPDIR:-/var/tmp}/debug-toolkit-extras.XXXXXX")
mount -t tmpfs -o size=3g,mode=0755 debug-toolkit-extras "$work" || { rmdir "$work"; exit 1; }
trap 'umount -l "$work" && rmdir "$work"' EXIT
trap 'exit 143' TERM INT

blob() { echo "$layout/blobs/${1%%:*}/${1#*:}"; }
ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // empty' "$layout/index.json")
config=$(blob "$(jq -r '.config.digest' "$(blob "$(jq -r '.manifests[0].digest' "$layout/index.json")")")")
label() { jq -r --arg k "$1" '.config.Labels[$k] // empty' "$config"; }
if ! umoci raw unpack --image "$layout${ref:+:$ref}" "$work/rootfs" >"$work/unpack.log" 2>&1; then
  cat "$work/unpack.log"; fail "umoci raw unpack"; finish
fi
rootfs="$work/rootfs"
in_root() { chroot "$rootfs" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

echo "== the image as built: labels and files agree"
record=$(cat "$rootfs/usr/share/ecs-debug-toolkit/extras.txt" 2>/dev/null)
[ -n "$record" ] && pass "extras.txt: $(printf '%s' "$record" | tr '\n' ';')" || fail "no /usr/share/ecs-debug-toolkit/extras.txt"
smp_label=$(label ecs-debug-toolkit.session-manager-plugin)
if in_root /bin/sh -c 'command -v session-manager-plugin' >/dev/null; then
  [ "$smp_label" = installed ] && pass "session-manager-plugin installed, label installed" ||
    fail "session-manager-plugin installed, label '$smp_label'"
else
  [[ $smp_label == "absent: "*docs/image.md* ]] && pass "session-manager-plugin absent, label says so and points to the docs: $smp_label" ||
    fail "session-manager-plugin absent, label '$smp_label'"
fi
rds_label=$(label ecs-debug-toolkit.rds-ca-bundle)
if [ -f "$rootfs/etc/ssl/certs/rds-global-bundle.pem" ]; then
  [ "$rds_label" = /etc/ssl/certs/rds-global-bundle.pem ] && pass "RDS CA bundle installed, label $rds_label" ||
    fail "RDS CA bundle installed, label '$rds_label'"
else
  [[ $rds_label == "absent: "*docs/image.md* ]] && { [[ $record != *absent-changed* ]] || [[ $rds_label == "absent: upstream changed (sha256 "* ]]; } && pass "RDS CA bundle absent, label says so and points to the docs: $rds_label" ||
    fail "RDS CA bundle absent, label '$rds_label'"
fi
[ -f "$rootfs/etc/mysql/mariadb.conf.d/90-debug-toolkit-client.cnf" ] &&
  cmp -s "$rootfs/etc/mysql/mariadb.conf.d/90-debug-toolkit-client.cnf" "$root_dir/infra/debug-toolkit-image/mariadb-client.cnf" &&
  pass "the MariaDB client configuration is infra/debug-toolkit-image/mariadb-client.cnf" ||
  fail "no (or another) /etc/mysql/mariadb.conf.d/90-debug-toolkit-client.cnf"

echo "== stand-ins for the downloads"
# Laid out as AWS's package is: the binary under /usr/local/sessionmanagerplugin, linked into
# /usr/local/bin by its postinst, which also looks at PID 1 to start a service (none here: the
# build's chroot has no /proc).
pkg="$work/pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/local/sessionmanagerplugin/bin"
cat >"$pkg/DEBIAN/control" <<'EOF'
Package: session-manager-plugin
Version: 0.0.1-test
Architecture: amd64
Maintainer: ecs-debug-toolkit tests <tests@invalid>
Description: stand-in for AWS's session-manager-plugin package (tests/image/test-extras.sh)
EOF
cat >"$pkg/DEBIAN/postinst" <<'EOF'
#!/bin/sh
case $(cat /proc/1/comm 2>/dev/null) in
  init | systemd) echo "stand-in postinst: would start a service under $(cat /proc/1/comm)" >&2; exit 1 ;;
esac
ln -sf /usr/local/sessionmanagerplugin/bin/session-manager-plugin /usr/local/bin/session-manager-plugin
EOF
printf '#!/bin/sh\necho 0.0.1-test\n' >"$pkg/usr/local/sessionmanagerplugin/bin/session-manager-plugin"
chmod 755 "$pkg/DEBIAN/postinst" "$pkg/usr/local/sessionmanagerplugin/bin/session-manager-plugin"
dpkg-deb --root-owner-group --build "$pkg" "$work/stand-in.deb" >/dev/null ||
  { fail "dpkg-deb could not make the stand-in package"; finish; }
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=stand-in RDS CA" \
  -keyout "$work/ca.key" -out "$work/stand-in-bundle.pem" 2>/dev/null
sum() { sha256sum "$1" | cut -d' ' -f1; }
export DEBUG_TOOLKIT_SMP_URL="file://$work/stand-in.deb" DEBUG_TOOLKIT_SMP_SHA256
export DEBUG_TOOLKIT_RDS_CA_URL="file://$work/stand-in-bundle.pem" DEBUG_TOOLKIT_RDS_CA_SHA256
DEBUG_TOOLKIT_SMP_SHA256=$(sum "$work/stand-in.deb")
DEBUG_TOOLKIT_RDS_CA_SHA256=$(sum "$work/stand-in-bundle.pem")
pass "a stand-in package (session-manager-plugin 0.0.1-test) and bundle, their SHA-256 pinned by the test"

echo "== the download fails: the build goes on without it (offline)"
if out=$(DEBUG_TOOLKIT_SMP_URL="file://$work/missing.deb" DEBUG_TOOLKIT_RDS_CA_URL=http://127.0.0.1:9/none.pem \
  sh "$extras" fetch "$work/dl-offline" 2>&1); then
  [ -z "$(ls -A "$work/dl-offline")" ] && [[ $out == *"going on without it"* ]] &&
    pass "extras.sh fetch: status 0, nothing kept, 'going on without it'" || fail "extras.sh fetch offline: $out"
else
  fail "extras.sh fetch stopped on a failed download: $out"
fi
if out=$(DEBUG_TOOLKIT_SMP_URL="file://$work/missing.deb" sh "$extras" fetch "$work/dl-required" --required 2>&1); then
  fail "extras.sh fetch --required (the Dockerfile) went on after a failed download: $out"
else
  pass "extras.sh fetch --required (the Dockerfile) stops on a failed download"
fi

echo "== a SHA-256 other than the pinned one: refused"
if out=$(DEBUG_TOOLKIT_SMP_SHA256=$(printf 'x' | sha256sum | cut -d' ' -f1) sh "$extras" fetch "$work/dl-bad" 2>&1); then
  fail "extras.sh fetch accepted a package whose SHA-256 is not the pinned one: $out"
else
  [ ! -e "$work/dl-bad/session-manager-plugin.deb" ] && [[ $out == *"not the pinned"* ]] &&
    pass "extras.sh fetch refuses it and keeps nothing: $(printf '%s' "$out" | grep 'not the pinned' | head -1)" ||
    fail "extras.sh fetch with a wrong SHA-256: $out"
fi

echo "== the RDS bundle's SHA-256 changed upstream (a mutable URL): the build goes on without it"
wrong=$(printf 'y' | sha256sum | cut -d' ' -f1)
if out=$(DEBUG_TOOLKIT_RDS_CA_SHA256=$wrong sh "$extras" fetch "$work/dl-changed" --required 2>&1); then
  [ -f "$work/dl-changed/session-manager-plugin.deb" ] && [ ! -e "$work/dl-changed/rds-global-bundle.pem" ] &&
    [ "$(cat "$work/dl-changed/rds-global-bundle.pem.changed" 2>/dev/null)" = "$DEBUG_TOOLKIT_RDS_CA_SHA256" ] &&
    [[ $out == *"WARNING"*"WITHOUT it"* ]] &&
    pass "extras.sh fetch (even --required): status 0, plugin kept, bundle left out, new SHA-256 recorded, a loud warning" ||
    fail "extras.sh fetch with the bundle changed upstream: $out"
else
  fail "extras.sh fetch stopped on the RDS bundle's new SHA-256 (every online build would): $out"
fi

echo "== the download works: fetched, checked, installed into the image's root file system"
if out=$(sh "$extras" fetch "$work/dl" 2>&1) && [ -f "$work/dl/session-manager-plugin.deb" ] &&
  [ -f "$work/dl/rds-global-bundle.pem" ]; then
  pass "extras.sh fetch: both downloaded and as pinned"
else
  fail "extras.sh fetch with the stand-ins: $out"; finish
fi
# As build-image.sh does it.
mkdir -p "$rootfs/tmp/extras"
cp "$extras" "$rootfs/tmp/extras.sh"
cp -a "$work/dl/." "$rootfs/tmp/extras/"
if out=$(in_root sh /tmp/extras.sh install /tmp/extras 2>&1); then
  pass "extras.sh install, chrooted in the image"
else
  fail "extras.sh install: $out"; finish
fi
out=$(in_root session-manager-plugin --version 2>&1)
[ "$out" = 0.0.1-test ] && pass "session-manager-plugin --version in the image: $out" || fail "session-manager-plugin --version: $out"
out=$(in_root dpkg-query -W -f='${Status} ${Version}' session-manager-plugin 2>&1)
[ "$out" = "install ok installed 0.0.1-test" ] && pass "dpkg knows it: $out" || fail "dpkg-query session-manager-plugin: $out"
cmp -s "$rootfs/etc/ssl/certs/rds-global-bundle.pem" "$work/stand-in-bundle.pem" &&
  pass "the bundle is /etc/ssl/certs/rds-global-bundle.pem" || fail "no bundle at /etc/ssl/certs/rds-global-bundle.pem"
out=$(cat "$rootfs/usr/share/ecs-debug-toolkit/extras.txt")
[ "$out" = $'session-manager-plugin installed 0.0.1-test\nrds-ca-bundle installed /etc/ssl/certs/rds-global-bundle.pem' ] &&
  pass "extras.txt records both installed (what the labels are made from)" || fail "extras.txt: $out"
# The bundle changed upstream: extras.txt says so with its new SHA-256 (build-image.sh's label:
# "absent: upstream changed (sha256 ...)").
rm -f "$rootfs/etc/ssl/certs/rds-global-bundle.pem"
mkdir -p "$rootfs/tmp/extras-changed"
cp -a "$work/dl-changed/." "$rootfs/tmp/extras-changed/"
out=$(in_root sh /tmp/extras.sh install /tmp/extras-changed 2>&1 && cat "$rootfs/usr/share/ecs-debug-toolkit/extras.txt")
[[ $out == *"rds-ca-bundle absent-changed $DEBUG_TOOLKIT_RDS_CA_SHA256"* ]] && [ ! -e "$rootfs/etc/ssl/certs/rds-global-bundle.pem" ] &&
  pass "extras.sh install, the bundle changed upstream: extras.txt 'rds-ca-bundle absent-changed <its SHA-256>', no bundle" ||
  fail "extras.sh install with the bundle changed upstream: $out"

finish
