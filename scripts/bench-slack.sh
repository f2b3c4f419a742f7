#!/usr/bin/env bash
# Slack ack latency (median, p95, worst of 100 signed requests per command, warm) and AWS calls per
# command, against the release binaries and a local moto.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
python3 -c "import moto" 2>/dev/null || python3 -m pip install --quiet "moto[server]==5.2.1"
cargo build --workspace --exclude integration-tests --bins --release --locked --quiet
cargo build --workspace --bins --locked --quiet
DEBUG_TOOLKIT_BIN_DIR="$CARGO_TARGET_DIR/release" exec "$CARGO_TARGET_DIR/debug/slack-ack-bench"
