#!/usr/bin/env bash
# Runs every test: unit tests, then the function binaries end to end against moto.
# Needs cargo and moto ("pip install 'moto[server]'"); each end-to-end test starts its own moto.
# The end-to-end suites run the debug binaries of this build, or those in $DEBUG_TOOLKIT_BIN_DIR
# (CI: the arm64 release binaries it packages, through $DEBUG_TOOLKIT_BIN_RUNNER=qemu-aarch64-static).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
if [ -z "${DEBUG_TOOLKIT_BIN_DIR:-}" ]; then
  cargo build --workspace --bins --locked
fi
cargo test --workspace --locked "$@"
