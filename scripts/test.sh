#!/usr/bin/env bash
# Runs every test: unit tests, then the function binaries end to end against moto.
# Needs cargo and moto ("pip install 'moto[server]'"); each end-to-end test starts its own moto.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
# The end-to-end tests run the function binaries, so build them first (same profile as the tests).
cargo build --workspace --bins --locked
cargo test --workspace --locked "$@"
