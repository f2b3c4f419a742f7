#!/usr/bin/env bash
# Pushes the debug-toolkit image (an OCI image layout from scripts/build-image.sh) to a registry,
# ECR in the first place, with skopeo; logs in with `aws ecr get-login-password` first.
#
#   ./scripts/publish-image.sh <out-dir> <repository-uri>[:<tag>]
#   ./scripts/publish-image.sh ./image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit
#
# The tag defaults to infra/debug-toolkit-image/VERSION (the toolkit's version), which must be the
# version the layout was built with. ECR's tags are immutable here: a new image is a new VERSION.
# Prints the pushed manifest digest and the `<repository-uri>@sha256:...` reference to put in the
# stack's parameter. The registry password only ever goes through a pipe: it is never printed,
# nor passed as an argument.
#
# skopeo from Ubuntu 22.04 (1.4) through today's: `--preserve-digests` (skopeo 1.6+) when skopeo
# has it; otherwise `--format oci`, so that skopeo cannot convert the manifest (the only change to
# the digest it would make here: it recompresses nothing unless asked) and fails instead. Either
# way the push goes to the layout's digest first (no manifest change possible), then the tag.
#
# Environment:
#   PUBLISH_SKIP_LOGIN=1               no `aws ecr get-login-password | skopeo login` (a local test
#                                      registry, or skopeo already logged in)
#   PUBLISH_REGISTRY_TLS_VERIFY=false  plain HTTP or unverified TLS: for a local test registry only
#   PUBLISH_AWS_REGION                 the region to log in to when the URI is not ECR's
#                                      (<account>.dkr.ecr.<region>.amazonaws.com); else AWS_REGION
#   PUBLISH_DRY_RUN=1                  print what would be pushed where, and push nothing
#   PUBLISH_ALLOW_ABSENT=1             publish even when the layout's labels say the plugin or the
#                                      RDS CA bundle is absent (refused otherwise)
#   REGISTRY_AUTH_FILE                 where skopeo keeps the login (skopeo's own variable)
set -euo pipefail

usage() { echo "usage: $0 <out-dir> <repository-uri>[:<tag>]" >&2; exit 2; }
[ $# -eq 2 ] && [ -n "$1" ] && [ -n "$2" ] || usage
layout=$1 uri=$2
root_dir=$(cd "$(dirname "$0")/.." && pwd)
version=$(tr -d '[:space:]' <"$root_dir/infra/debug-toolkit-image/VERSION")

die() { echo "publish-image.sh: $*" >&2; exit 1; }

missing=()
for pair in skopeo:skopeo jq:jq; do command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}"); done
if [ "${#missing[@]}" -gt 0 ] && [ "${PUBLISH_DRY_RUN:-0}" != 1 ]; then
  # A Mac (or any system without apt-get): say what to install, and stop.
  command -v apt-get >/dev/null || die "needs ${missing[*]}: brew install ${missing[*]} (macOS), or your system's packages"
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# <registry>/<repository>[:<tag>]; the registry may have a port, so the tag is looked for after the
# last slash only.
case $uri in *@*) die "give a repository URI and optionally a :tag, not a digest: $uri" ;; esac
case $uri in */*) ;; *) die "no repository in '$uri' (expected <registry>/<repository>[:<tag>])" ;; esac
last=${uri##*/}
if [[ $last == *:* ]]; then
  tag=${last##*:} repository_uri=${uri%:*}
else
  tag=$version repository_uri=$uri
fi
registry=${repository_uri%%/*}
repository=${repository_uri#*/}
[ -n "$repository" ] || die "no repository in '$uri'"
[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "'$tag' is not a valid tag"
[[ $repository =~ ^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$ ]] ||
  die "'$repository' is not a valid repository name (lower case, digits, . _ - and /)"
if [[ $registry =~ ^[0-9]{12}\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$ ]]; then
  region=${BASH_REMATCH[2]}
else
  region=${PUBLISH_AWS_REGION:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}
fi

[ -f "$layout/oci-layout" ] && [ -f "$layout/index.json" ] || die "$layout is not an OCI image layout"
case $layout in *:*) die "the layout's path may not contain ':' (skopeo's oci: transport)" ;; esac
[ "$(jq '.manifests | length' "$layout/index.json")" = 1 ] || die "$layout holds more than one image"
ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // empty' "$layout/index.json")
manifest=$(jq -r '.manifests[0].digest' "$layout/index.json")
config="$layout/blobs/sha256/$(jq -r '.config.digest' "$layout/blobs/sha256/${manifest#sha256:}" | cut -d: -f2)"
built=$(jq -r '.config.Labels["org.opencontainers.image.version"] // empty' "$config")
[ "$built" = "$version" ] ||
  die "the layout was built as version '$built' but VERSION says '$version': rebuild it (scripts/build-image.sh)"
# An image without the plugin or the RDS CA bundle (a build that could not download them) is not
# what docs/image.md promises; under an immutable tag it would stay so.
absent=$(jq -r '.config.Labels // {} | to_entries[] | select(.key == "ecs-debug-toolkit.session-manager-plugin"
  or .key == "ecs-debug-toolkit.rds-ca-bundle") | select(.value | startswith("absent")) | "\(.key)=\(.value)"' "$config")
if [ -n "$absent" ] && [ "${PUBLISH_ALLOW_ABSENT:-0}" != 1 ]; then
  die "the layout lacks what it takes from outside Debian ($(printf '%s' "$absent" | tr '\n' ';')); rebuild where the downloads work, or set PUBLISH_ALLOW_ABSENT=1 to publish it anyway (tags are immutable)"
fi
[ -z "$absent" ] || echo "PUBLISH_ALLOW_ABSENT=1: publishing an image without: $(printf '%s' "$absent" | tr '\n' ';')"

tls=()
if [ "${PUBLISH_REGISTRY_TLS_VERIFY:-true}" = false ]; then tls=(--tls-verify=false); fi
echo "publishing $layout${ref:+ (ref $ref)}, manifest $manifest"
echo "  to $repository_uri:$tag (registry $registry${region:+, region $region})"
if [ "${PUBLISH_DRY_RUN:-0}" = 1 ]; then
  echo "dry run: registry=$registry repository=$repository tag=$tag region=${region:-none}"
  exit 0
fi

if [ "${PUBLISH_SKIP_LOGIN:-0}" != 1 ]; then
  [ -n "$region" ] || die "cannot tell the region of '$registry': set PUBLISH_AWS_REGION (or PUBLISH_SKIP_LOGIN=1)"
  command -v aws >/dev/null || die "aws (AWS CLI) is needed to log in to ECR (or PUBLISH_SKIP_LOGIN=1 when logged in)"
  echo "logging in to $registry (aws ecr get-login-password --region $region | skopeo login)"
  aws ecr get-login-password --region "$region" |
    skopeo login ${tls[@]+"${tls[@]}"} --username AWS --password-stdin "$registry"
fi

digest_file=$(mktemp)
trap 'rm -f "$digest_file"' EXIT
dest_tls=()
if [ "${#tls[@]}" -gt 0 ]; then dest_tls=(--dest-tls-verify=false); fi
# skopeo 1.6 added --preserve-digests (fail rather than change the image); 1.4 (Ubuntu 22.04)
# rejects it as an unknown flag. Without it, --format oci: the layout's own manifest type, so
# skopeo has no conversion to fall back to (a registry refusing OCI fails the push, no new digest).
copy_help=$(skopeo copy --help 2>&1 || true)
if [[ $copy_help == *--preserve-digests* ]]; then
  keep_digest=(--preserve-digests)
else
  keep_digest=(--format oci)
fi
echo "skopeo: $(skopeo --version 2>&1 | head -1); copying with ${keep_digest[*]}"
# First to the layout's digest: a digested destination makes skopeo (containers/image) refuse any
# change to the manifest (a conversion, a blob swapped from its blob-info cache), before any tag
# exists. Then the tag, copied from that digest in the registry (its blobs already there).
skopeo copy --retry-times 3 "${keep_digest[@]}" --digestfile "$digest_file" ${dest_tls[@]+"${dest_tls[@]}"} \
  "oci:$layout${ref:+:$ref}" "docker://$repository_uri@$manifest"
digest=$(cat "$digest_file")
[ "$digest" = "$manifest" ] || die "the registry holds $digest, not the layout's $manifest; no tag written"
src_tls=()
if [ "${#tls[@]}" -gt 0 ]; then src_tls=(--src-tls-verify=false); fi
skopeo copy --retry-times 3 "${keep_digest[@]}" --digestfile "$digest_file" ${dest_tls[@]+"${dest_tls[@]}"} \
  ${src_tls[@]+"${src_tls[@]}"} "docker://$repository_uri@$manifest" "docker://$repository_uri:$tag"
digest=$(cat "$digest_file")
[ "$digest" = "$manifest" ] ||
  die "the tag $tag holds $digest, not the layout's $manifest; tags are immutable: build and publish a new VERSION"
echo "pushed: $repository_uri:$tag"
echo "digest: $digest"
echo "reference: $repository_uri@$digest"
