#!/usr/bin/env bash
# Every benchmark, against the release binaries and a local moto, written to docs/figures.md (the
# file is this script's output: edit the text here, never the file): release binary sizes, cold
# init (and the Python reference), Create with injected latency, the reaper over 1,000 and 5,000
# tasks, the Slack ack, `list` across 20 spokes, peak memory and AWS calls through the local
# story, the debug-toolkit image
# (build cold and warm, size), and the arm64 zips.
# About 5 minutes once built; the x86_64 release build and package.sh take longer the first time.
#   ./scripts/bench.sh            # writes docs/figures.md
#   FIGURES=/dev/stdout ./scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
figures="${FIGURES:-docs/figures.md}"
python3 -c "import moto" 2>/dev/null || python3 -m pip install --quiet "moto[server]==5.2.1"
./scripts/install-iam-simulator.sh >/dev/null
cargo build --workspace --exclude integration-tests --bins --release --locked --quiet
cargo build --workspace --bins --locked --quiet
export DEBUG_TOOLKIT_BIN_DIR="$CARGO_TARGET_DIR/release"
bench="$CARGO_TARGET_DIR/debug"

out="$(mktemp)"
trap 'status=$?; [ "$status" = 0 ] || { echo "bench.sh failed ($status); what it had measured:" >&2; cat "$out" >&2; }; rm -f "$out"' EXIT
section() { # title, what it measures and the target, then the command's output verbatim
  local title="$1" about="$2"; shift 2
  { printf '\n## %s\n\n%s\n\n```text\n' "$title" "$about"; "$@" 2>&1; printf '```\n'; } >>"$out"
}
binary_sizes() {
  for f in ecs-environment slack-command debug-launcher task-events idle-reaper; do
    awk -v name="$f" -v bytes="$(stat -c %s "$DEBUG_TOOLKIT_BIN_DIR/$f")" \
      'BEGIN { printf "%-18s %6.2f MiB\n", name, bytes / 1048576 }'
  done
}
story_figures() { "$bench/local-story" | grep -E "^▶|AWS calls|peak RSS|Done in" || true; }
image_figures() { # the debug-toolkit image: a cold build (empty cache), a warm one, its sizes
  local cache layout start
  cache=$(mktemp -d) layout=$(mktemp -d)
  start=$(date +%s.%N)
  IMAGE_CACHE_DIR="$cache" ./scripts/build-image.sh "$layout/cold" >/dev/null
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "build, cold (empty cache)  %6.1f s\n", e - s }'
  start=$(date +%s.%N)
  IMAGE_CACHE_DIR="$cache" ./scripts/build-image.sh "$layout/warm" >/dev/null
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "build, warm (cache hit)    %6.1f s\n", e - s }'
  awk -v b="$(du -sb "$layout/warm/blobs" | cut -f1)" 'BEGIN { printf "compressed (blobs)         %6.1f MiB\n", b / 1048576 }'
  mkdir "$layout/rootfs"
  umoci raw unpack --rootless --image "$layout/warm:$(cat infra/debug-toolkit-image/VERSION)" "$layout/rootfs" 2>/dev/null
  awk -v b="$(du -sb "$layout/rootfs" | cut -f1)" 'BEGIN { printf "unpacked (root file system) %5.1f MiB\n", b / 1048576 }'
  rm -rf "$cache" "$layout"
}
zips() { ./scripts/package.sh | tail -n 6; }

cat >"$out" <<EOF
# Figures

Written by \`./scripts/bench.sh\` on $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD)
($(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -m));
do not edit by hand: change the script and run it again. Every figure runs the release binaries
against a local moto behind the strict gate, which serves one call at a time, so wall times are
moto's as much as ours. Targets are in brackets.
EOF
section "Release binaries (x86_64, built only for these benchmarks)" \
  "Stripped, \`opt-level = \"z\"\`, fat LTO (the release profile: docs/decisions.md)." binary_sizes
section "Cold init" \
  "Process start to the first Runtime API \`/next\`, median of 15, with this machine's trust store and an AL2023-like one; the Python reference imports boto3 and builds an ECS and an IAM client. [≤ 10 ms; ≥ 30× faster than Python]" \
  "$bench/bench-cold-init"
section "Create with latency injected before every AWS call" \
  "Median of 3 after a warm-up; the added time divided by (dependency depth × latency) shows how well the work follows its dependencies. The strict gate plays AWS's consistency windows (a new role not passable yet, a new security group not known yet), each costing one retry after a 0.1 s wait. [≤ 1.4× the critical-path bound]" \
  "$bench/bench-create"
section "idle-reaper at scale" \
  "One managed cluster, every debug task expired. [DescribeTasks = ⌈n/100⌉; well inside the 120 s timeout]" \
  "$bench/bench-reaper"
section "slack-command ack" \
  "Warm, 100 signed requests per command through the Runtime API emulator; the bus has no rules (moto delivers to targets inside PutEvents, EventBridge does not). [≤ 300 ms worst]" \
  "$bench/slack-ack-bench"
section "list across 20 spokes" \
  "A hub whose \`SPOKES\` names 20 accounts (one managed cluster each), every AWS call delayed 100 ms by the fault proxy; cold (each spoke's role assumed first, after a primer instance warmed the test world) and warm (credentials cached). [≤ 1 s]" \
  "$bench/hub-list-bench"
section "Peak memory and AWS calls through the local story" \
  "VmHWM of each function process after the whole story (Create, Update, Slack, exec, reaper, Delete). [≤ 25 MB]" \
  story_figures
section "The debug-toolkit image" \
  "\`./scripts/build-image.sh\` (mmdebstrap + umoci, no Docker; docs/image.md): a build with an empty cache (downloads Debian's packages), one with the cache of the same package list, and the image's size. [warm ≤ 5 s]" \
  image_figures
section "arm64 Lambda zips" \
  "\`./scripts/package.sh\`: \`sam build\` of the five functions for provided.al2023 on arm64, as deployed. [≤ 4 MiB ecs-environment, ≤ 3 MiB the others]" \
  zips
cat "$out" >"$figures"
trap - EXIT
rm -f "$out"
echo "wrote $figures"
