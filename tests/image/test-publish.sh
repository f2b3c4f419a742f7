#!/usr/bin/env bash
# Tests scripts/publish-image.sh against a local registry: Debian's docker-registry (the CNCF
# distribution registry) on 127.0.0.1 at a free port, storage in a temporary folder, stopped at
# exit. Publishes the layout (no login, plain HTTP), pulls it back by digest and compares; also the
# login path with a stand-in `aws` (the password never printed), how URIs are read, and a publish
# through a stand-in for Ubuntu 22.04's skopeo 1.4 (which lacks --preserve-digests), pushed to the
# digest before the tag; a layout whose labels say an extra is absent is refused without
# PUBLISH_ALLOW_ABSENT=1 (this machine's offline build is then published with it).
# Ends with `N passed, M failed` (exit 1 on any failure).
#
#   tests/image/test-publish.sh <out-dir>
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 <out-dir>" >&2; exit 2; }
layout=$(cd "$1" && pwd)
root_dir=$(cd "$(dirname "$0")/../.." && pwd)
publish="$root_dir/scripts/publish-image.sh"
version=$(tr -d '[:space:]' <"$root_dir/infra/debug-toolkit-image/VERSION")
tools_dir="$HOME/.cache/ecs-debug-toolkit/tools"

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }

missing=()
for pair in skopeo:skopeo jq:jq curl:curl; do command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}"); done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The registry binary, unpacked from Debian's package rather than installed: installing it would
# register (and on a machine with an init system, start) a system-wide service on port 5000.
registry_bin=$(command -v docker-registry || true)
if [ -z "$registry_bin" ]; then
  registry_bin="$tools_dir/docker-registry/usr/bin/docker-registry"
  if [ ! -x "$registry_bin" ]; then
    deb_dir=$(mktemp -d)
    (cd "$deb_dir" && chmod 755 . && apt-get download docker-registry >/dev/null 2>&1) ||
      { apt-get update -qq && (cd "$deb_dir" && apt-get download docker-registry >/dev/null 2>&1); } ||
      { echo "test-publish.sh: could not download Debian's docker-registry" >&2; exit 1; }
    mkdir -p "$tools_dir/docker-registry"
    dpkg-deb -x "$deb_dir"/docker-registry_*.deb "$tools_dir/docker-registry"
    rm -rf "$deb_dir"
  fi
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/debug-toolkit-publish.XXXXXX")
registry_pid=""
stop_registry() {
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2>/dev/null
    wait "$registry_pid" 2>/dev/null
    echo "registry (pid $registry_pid) stopped"
    registry_pid=""
  fi
}
cleanup() {
  stop_registry
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
finish() {
  stop_registry
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
export REGISTRY_AUTH_FILE="$work/auth.json"

manifest=$(jq -r '.manifests[0].digest' "$layout/index.json")
echo "image: $layout, manifest $manifest"

echo "== a layout whose labels say an extra is absent: refused unless PUBLISH_ALLOW_ABSENT=1"
config="$layout/blobs/sha256/$(jq -r '.config.digest' "$layout/blobs/sha256/${manifest#sha256:}" | cut -d: -f2)"
absent=$(jq -r '.config.Labels | to_entries[] | select(.key | test("session-manager-plugin|rds-ca-bundle")) |
  select(.value | startswith("absent")) | .key' "$config")
if [ -n "$absent" ]; then
  if out=$(env -u PUBLISH_ALLOW_ABSENT PUBLISH_DRY_RUN=1 "$publish" "$layout" localhost:5000/a/b 2>&1); then
    fail "a layout without $(echo $absent) was accepted: $out"
  else
    [[ $out == *"PUBLISH_ALLOW_ABSENT=1"* ]] && pass "refused (absent: $(echo $absent)), the refusal names PUBLISH_ALLOW_ABSENT=1" ||
      fail "refused, but without naming PUBLISH_ALLOW_ABSENT=1: $out"
  fi
else
  pass "this layout has every extra: nothing to refuse"
fi
# The rest publishes this (offline) build on purpose.
export PUBLISH_ALLOW_ABSENT=1

echo "== how publish-image.sh reads URIs (dry run)"
dry() { PUBLISH_DRY_RUN=1 "$publish" "$layout" "$1" 2>&1; }
ecr=123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit
out=$(dry "$ecr")
[[ $out == *"registry=123456789012.dkr.ecr.eu-west-1.amazonaws.com repository=ecs-debug-toolkit/debug-toolkit tag=$version region=eu-west-1"* ]] &&
  pass "ECR URI without a tag: tag $version (VERSION), region eu-west-1" || fail "ECR URI: $out"
out=$(dry "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.2.3-rc.1")
[[ $out == *"repository=ecs-debug-toolkit/debug-toolkit tag=1.2.3-rc.1 region=us-gov-west-1"* ]] &&
  pass "ECR URI with a tag: tag and region read" || fail "ECR URI with a tag: $out"
out=$(PUBLISH_AWS_REGION='' AWS_REGION='' AWS_DEFAULT_REGION='' dry "localhost:5000/a/b")
[[ $out == *"registry=localhost:5000 repository=a/b tag=$version region=none"* ]] &&
  pass "a registry with a port is not taken for a tag" || fail "registry with a port: $out"
if out=$(dry "$ecr@$manifest"); then fail "a digest URI was accepted: $out"
else pass "a digest URI is refused"; fi
if out=$(dry "$ecr:latest:x"); then fail "'$ecr:latest:x' was accepted: $out"
else pass "an invalid tag is refused"; fi

echo "== local registry"
start_registry() {
  local port i
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue # taken
    mkdir -p "$work/storage"
    cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$port
EOF
    # (The registry reads REGISTRY_* variables as configuration: not skopeo's REGISTRY_AUTH_FILE.)
    env -u REGISTRY_AUTH_FILE "$registry_bin" serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
    registry_pid=$!
    for ((i = 0; i < 100; i++)); do
      if curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
        registry="127.0.0.1:$port"; return 0
      fi
      kill -0 "$registry_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$registry_pid" 2>/dev/null; wait "$registry_pid" 2>/dev/null; registry_pid=""
  done
  return 1
}
if start_registry; then
  pass "docker-registry $("$registry_bin" --version 2>&1 | awk '{print $NF}') listening on $registry (pid $registry_pid)"
else
  fail "the registry did not start: $(cat "$work/registry.log" 2>/dev/null)"; finish
fi
repo="$registry/ecs-debug-toolkit/debug-toolkit"

echo "== publish (no login, plain HTTP)"
if out=$(PUBLISH_SKIP_LOGIN=1 PUBLISH_REGISTRY_TLS_VERIFY=false "$publish" "$layout" "$repo" 2>&1); then
  pass "publish-image.sh $repo"
else
  fail "publish-image.sh exited non-zero: $out"; finish
fi
printf '%s\n' "$out" | sed 's/^/    /'
digest=$(printf '%s\n' "$out" | sed -n 's/^digest: //p')
[ "$digest" = "$manifest" ] && pass "pushed digest $digest is the layout's manifest" ||
  fail "pushed digest '$digest', layout's $manifest"
printf '%s\n' "$out" | grep -qxF "reference: $repo@$manifest" && pass "printed reference $repo@$manifest" ||
  fail "no 'reference: $repo@$manifest' line"
[[ $out == *"copying with --preserve-digests"* ]] &&
  pass "skopeo $(skopeo --version | awk '{print $3}') has --preserve-digests: used" ||
  fail "skopeo $(skopeo --version | awk '{print $3}'): publish did not copy with --preserve-digests"

echo "== pull back by digest"
if skopeo copy --quiet --src-tls-verify=false "docker://$repo@$digest" "oci:$work/pulled:pulled" >"$work/pull.log" 2>&1; then
  pulled=$(jq -r '.manifests[0].digest' "$work/pulled/index.json")
  [ "$pulled" = "$manifest" ] && pass "pulled back $repo@$digest: manifest digest $pulled, as built" ||
    fail "pulled manifest $pulled, built $manifest"
  layer=$(jq -r '.layers[0].digest' "$layout/blobs/sha256/${manifest#sha256:}")
  cmp -s "$layout/blobs/sha256/${layer#sha256:}" "$work/pulled/blobs/sha256/${layer#sha256:}" &&
    pass "layer $layer pulled back byte for byte" || fail "layer $layer differs after the round trip"
else
  fail "skopeo copy docker://$repo@$digest: $(cat "$work/pull.log")"
fi
if inspect=$(skopeo inspect --tls-verify=false "docker://$repo:$version" 2>&1); then
  [ "$(jq -r .Digest <<<"$inspect")" = "$manifest" ] && pass "tag $version resolves to $manifest" ||
    fail "tag $version resolves to $(jq -r .Digest <<<"$inspect")"
  [ "$(jq -r '.Labels["org.opencontainers.image.version"]' <<<"$inspect")" = "$version" ] &&
    pass "the registry's config says version $version" || fail "version label lost in the registry"
else
  fail "skopeo inspect $repo:$version: $inspect"
fi

echo "== publish through the login path (a stand-in aws; an explicit tag)"
mkdir -p "$work/bin"
secret="not-a-real-password-$RANDOM$RANDOM"
cat >"$work/bin/aws" <<EOF
#!/bin/sh
echo "\$*" >>"$work/aws.args"
echo "$secret"
EOF
chmod +x "$work/bin/aws"
if out=$(PATH="$work/bin:$PATH" PUBLISH_AWS_REGION=eu-west-1 PUBLISH_REGISTRY_TLS_VERIFY=false \
  "$publish" "$layout" "$repo:login-test" 2>&1); then
  pass "publish-image.sh $repo:login-test with a login"
else
  fail "publish with a login exited non-zero: $out"
fi
[ "$(cat "$work/aws.args" 2>/dev/null)" = "ecr get-login-password --region eu-west-1" ] &&
  pass "logged in with 'aws ecr get-login-password --region eu-west-1'" ||
  fail "aws was called as: $(cat "$work/aws.args" 2>/dev/null)"
[[ $out != *"$secret"* ]] && pass "the password is not printed" || fail "the password was printed"
jq -e --arg r "$registry" '.auths[$r]' "$REGISTRY_AUTH_FILE" >/dev/null 2>&1 &&
  pass "skopeo login stored the registry's credentials (REGISTRY_AUTH_FILE)" ||
  fail "no credentials stored for $registry"
[ "$(printf '%s\n' "$out" | sed -n 's/^digest: //p')" = "$manifest" ] &&
  pass "same digest under the tag login-test" || fail "login-test digest differs: $out"

echo "== publish with Ubuntu 22.04's skopeo 1.4 (a stand-in: this skopeo, refusing what 1.4 lacks)"
# skopeo 1.4.1 answers a flag it does not know with "unknown flag" and exit 1; these are copy flags
# added after 1.4 (--preserve-digests in 1.6). The rest goes to the real skopeo.
real_skopeo=$(command -v skopeo)
mkdir -p "$work/skopeo-1.4"
cat >"$work/skopeo-1.4/skopeo" <<EOF
#!/bin/sh
echo "\$*" >>"$work/skopeo-1.4.args"
newer='--preserve-digests --dest-precompute-digests --image-parallel-copies --retry-delay --sign-by-sigstore --sign-by-sq-fingerprint --sign-passphrase-file --sign-identity --dest-compress-level --force-compression'
if [ "\$1" = --version ]; then echo "skopeo version 1.4.1"; exit 0; fi
if [ "\$1" = copy ]; then
  for arg in "\$@"; do
    for flag in \$newer; do
      case \$arg in "\$flag" | "\$flag="*) echo "FATA[0000] unknown flag: \$flag" >&2; exit 1 ;; esac
    done
  done
  if [ "\$2" = --help ]; then
    "$real_skopeo" copy --help | grep -v -F -e "\$(printf '%s\n' \$newer)"
    exit 0
  fi
fi
exec "$real_skopeo" "\$@"
EOF
chmod +x "$work/skopeo-1.4/skopeo"
stand_in() { PATH="$work/skopeo-1.4:$PATH" "$@"; }
if ! stand_in skopeo copy --preserve-digests --help >/dev/null 2>&1 &&
  ! stand_in skopeo copy --help | grep -q -- --preserve-digests; then
  pass "the stand-in refuses --preserve-digests and does not list it, as skopeo 1.4 does"
else
  fail "the stand-in for skopeo 1.4 takes or lists --preserve-digests"
fi
: >"$work/skopeo-1.4.args"
if out=$(stand_in env PUBLISH_SKIP_LOGIN=1 PUBLISH_REGISTRY_TLS_VERIFY=false \
  "$publish" "$layout" "$repo:skopeo-1.4" 2>&1); then
  pass "publish-image.sh $repo:skopeo-1.4 with skopeo 1.4"
else
  fail "publish-image.sh with skopeo 1.4 exited non-zero: $out"
fi
copy_args=$(grep '^copy .*docker://' "$work/skopeo-1.4.args")
[[ $copy_args == *"--format oci"* ]] && [[ $copy_args != *--preserve-digests* ]] &&
  pass "skopeo 1.4: copied with --format oci, no --preserve-digests ($copy_args)" ||
  fail "skopeo 1.4 was called as: ${copy_args:-nothing}"
[ "$(printf '%s\n' "$out" | sed -n 's/^digest: //p')" = "$manifest" ] &&
  pass "skopeo 1.4: the same digest, $manifest" || fail "skopeo 1.4: digest differs or none: $out"
first=$(printf '%s\n' "$copy_args" | head -1)
[[ $first == *" docker://$repo@$manifest" ]] && [[ $(printf '%s\n' "$copy_args" | sed -n 2p) == *" docker://$repo:skopeo-1.4" ]] &&
  pass "skopeo 1.4: pushed to @$manifest first (no manifest change possible), then the tag" ||
  fail "skopeo 1.4: not pushed by digest first: $copy_args"

finish
