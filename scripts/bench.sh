#!/usr/bin/env bash
# Every benchmark of docs/figures.md, against the release binaries and a local moto: cold
# init (and the Python reference), Create with injected latency, the reaper over 1,000 and 5,000
# tasks, the Slack ack, peak memory through the local story, and the arm64 zip sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
python3 -c "import moto" 2>/dev/null || python3 -m pip install --quiet "moto[server]==5.2.1"
cargo build --workspace --exclude integration-tests --bins --release --locked --quiet
cargo build --workspace --bins --locked --quiet
export DEBUG_TOOLKIT_BIN_DIR="$CARGO_TARGET_DIR/release"
bench="$CARGO_TARGET_DIR/debug"

echo "== release binaries (x86_64)"
for f in ecs-environment slack-command debug-launcher task-events idle-reaper; do
  awk -v name="$f" -v bytes="$(stat -c %s "$DEBUG_TOOLKIT_BIN_DIR/$f")" 'BEGIN { printf "%-18s %6.2f MiB\n", name, bytes / 1048576 }'
done
echo; echo "== cold init";                 "$bench/bench-cold-init"
echo; echo "== Create with latency";       "$bench/bench-create"
echo; echo "== idle-reaper at scale";      "$bench/bench-reaper"
echo; echo "== Slack ack";                 "$bench/slack-ack-bench"
echo; echo "== peak memory through the local story"
"$bench/local-story" | grep -E "peak RSS|Done in"
echo; echo "== arm64 Lambda zips";         ./scripts/package.sh | tail -n 6
