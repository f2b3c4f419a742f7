#!/usr/bin/env bash
# The release-profile table of docs/figures.md: builds the five arm64 functions with ./scripts/package.sh
# (the deploy path: sam build, zips) under each profile cell, set through CARGO_PROFILE_RELEASE_*
# ("opt-level lto codegen-units"), and prints per cell the build time and every zip's size. Cells
# share a target directory under $MATRIX_DIR (default ~/.cache/ecs-debug-toolkit/matrix) by
# opt-level and codegen-units. A cell whose profile was built there before only compiles our crates
# and links again ("relink", what a CI run with warm dependencies pays); otherwise it is "cold"
# (changing LTO rebuilds the dependencies too: they are compiled for it). With X86=1 it also builds the cell's x86_64 binaries and runs bench-cold-init
# (this machine's trust store) and bench-create (Create under injected latency).
#
#   ./scripts/profile-matrix.sh "z fat 16" "z thin 16" "3 fat 16"
set -euo pipefail
cd "$(dirname "$0")/.."
matrix_dir="${MATRIX_DIR:-$HOME/.cache/ecs-debug-toolkit/matrix}"
functions=(ecs-environment slack-command debug-launcher task-events idle-reaper)
[ $# -gt 0 ] || set -- "z fat 16" "z thin 16" "3 fat 16" "3 thin 16" "s fat 16" "s thin 16"

printf '%-16s %-8s %7s   %s\n' "cell" "build" "seconds" "arm64 zips (MiB): ${functions[*]}"
for cell in "$@"; do
  read -r opt lto cgu <<<"$cell"
  export CARGO_TARGET_DIR="$matrix_dir/o$opt-cgu$cgu"
  export CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" CARGO_PROFILE_RELEASE_LTO="$lto" \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS="$cgu"
  built_marker="$CARGO_TARGET_DIR/.profile-matrix-$lto"
  kind=cold
  [ -e "$built_marker" ] && kind=relink
  start=$SECONDS
  ./scripts/package.sh >"$CARGO_TARGET_DIR.log" 2>&1 || { tail -n 30 "$CARGO_TARGET_DIR.log"; exit 1; }
  took=$(( SECONDS - start ))
  touch "$built_marker"
  sizes=""
  for f in "${functions[@]}"; do
    sizes+=$(awk -v b="$(stat -c %s "$CARGO_TARGET_DIR/lambda/$f/bootstrap.zip")" 'BEGIN { printf "%6.2f", b / 1048576 }')
  done
  printf '%-16s %-8s %7s   %s\n' "O$opt $lto cgu$cgu" "$kind" "$took" "$sizes"
  if [ "${X86:-0}" = 1 ]; then
    cargo build --workspace --exclude integration-tests --bins --release --locked --quiet
    cargo build --workspace --bin bench-cold-init --bin bench-create --locked --quiet
    DEBUG_TOOLKIT_BIN_DIR="$CARGO_TARGET_DIR/release" "$CARGO_TARGET_DIR/debug/bench-cold-init" | sed 's/^/    /'
    DEBUG_TOOLKIT_BIN_DIR="$CARGO_TARGET_DIR/release" "$CARGO_TARGET_DIR/debug/bench-create" | sed 's/^/    /'
  fi
done
