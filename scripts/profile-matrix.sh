#!/usr/bin/env bash
# The release-profile table of docs: builds the five functions as arm64 Lambda zips under each
# profile cell (opt-level × LTO × codegen-units, set through CARGO_PROFILE_RELEASE_*), and prints
# per cell: the cold build time (empty target dir) or, for a cell sharing its dependencies with an
# earlier one, "deps shared"; the relink time after a change in shared/ (what a warm CI run pays);
# every zip's size. With X86=1 it also builds the x86_64 binaries of the cell and runs
# bench-cold-init (this machine's trust store) and bench-create (100 ms per AWS call).
#
#   ./scripts/profile-matrix.sh "3 fat 1" "z fat 1" ...     # cells as "opt-level lto codegen-units"
#
# Cells with the same opt-level and codegen-units share a target directory under
# $MATRIX_DIR (default ~/.cache/ecs-debug-toolkit/matrix): LTO only changes the final link.
set -euo pipefail
cd "$(dirname "$0")/.."
matrix_dir="${MATRIX_DIR:-$HOME/.cache/ecs-debug-toolkit/matrix}"
functions=(ecs-environment slack-command debug-launcher task-events idle-reaper)
[ $# -gt 0 ] || set -- "3 fat 1" "3 thin 1" "s fat 1" "s thin 1" "z fat 1" "z thin 1" "z thin 16"

seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1; echo $(( SECONDS - start )); }

build_arm64() {
  cargo lambda build --release --arm64 --output-format zip --locked \
    --workspace --exclude integration-tests --lambda-dir "$CARGO_TARGET_DIR/lambda"
}

printf '%-16s %-14s %-8s %s\n' "cell" "build (s)" "relink" "arm64 zips (MiB): ${functions[*]}"
for cell in "$@"; do
  read -r opt lto cgu <<<"$cell"
  export CARGO_TARGET_DIR="$matrix_dir/o$opt-cgu$cgu"
  export CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" CARGO_PROFILE_RELEASE_LTO="$lto" \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS="$cgu"
  if [ -d "$CARGO_TARGET_DIR/aarch64-unknown-linux-gnu" ]; then cold="deps shared"; else cold=""; fi
  build=$(seconds build_arm64)
  [ -n "$cold" ] && build="$build ($cold)"
  touch shared/src/lib.rs
  relink=$(seconds build_arm64)
  sizes=""
  for f in "${functions[@]}"; do
    sizes+=$(awk -v b="$(stat -c %s "$CARGO_TARGET_DIR/lambda/$f/bootstrap.zip")" 'BEGIN { printf "%6.2f", b / 1048576 }')
  done
  printf '%-16s %-14s %-8s %s\n' "O$opt $lto cgu$cgu" "$build" "$relink" "$sizes"
  if [ "${X86:-0}" = 1 ]; then
    cargo build --workspace --exclude integration-tests --bins --release --locked --quiet
    cargo build -p integration-tests --bins --locked --quiet
    DEBUG_TOOLKIT_BIN_DIR="$CARGO_TARGET_DIR/release" "$CARGO_TARGET_DIR/debug/bench-cold-init" | sed 's/^/    /'
    DEBUG_TOOLKIT_BIN_DIR="$CARGO_TARGET_DIR/release" "$CARGO_TARGET_DIR/debug/bench-create" | sed 's/^/    /'
  fi
done
