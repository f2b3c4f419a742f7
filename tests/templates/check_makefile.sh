#!/usr/bin/env bash
# The root Makefile (sam build's BuildMethod makefile) from a checkout whose path has a space (a
# Mac's "My Projects"), run as SAM runs it (`make --makefile <absolute path> build-<LogicalId>`
# from another directory, ARTIFACTS_DIR set): each target must run scripts/build-function.py in
# the Makefile's own directory with the function's binary and ARTIFACTS_DIR whole. A stand-in
# build-function.py records what it was given; nothing is built. tests/templates/run.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v make >/dev/null || { echo "check_makefile: needs make (apt-get install make; a Mac: xcode-select --install)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checkout="$work/My Projects/ecs-debug-toolkit"
mkdir -p "$checkout/scripts" "$work/elsewhere"
cp "${CHECK_MAKEFILE:-Makefile}" "$checkout/Makefile"
printf 'import os, sys\nprint("ran in", os.getcwd(), "with", "|".join(sys.argv[1:]))\n' >"$checkout/scripts/build-function.py"
failures=0
for pair in EcsEnvironmentFunction:ecs-environment IdleReaperFunction:idle-reaper; do
  target=${pair%%:*} binary=${pair#*:}
  out=$(cd "$work/elsewhere" && ARTIFACTS_DIR="$work/artifacts dir/$target" \
    make -s --makefile "$checkout/Makefile" "build-$target" 2>&1) || true
  want="ran in $checkout with $binary|$work/artifacts dir/$target"
  if [ "$out" != "$want" ]; then
    echo "check_makefile: build-$target from a path with a space: got '$out', want '$want'" >&2
    failures=$((failures + 1))
  fi
done
[ "$failures" = 0 ] || exit 1
echo "Makefile: ok (a checkout under a path with a space: each target runs build-function.py in the Makefile's directory)"
