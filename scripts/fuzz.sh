#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo-fuzz (libFuzzer; needs a nightly toolchain): every target for
# RUNS executions (default 2,500,000 each, 12.5 million in all), two at a time, then the executions
# libFuzzer reports. A crash stops the script and leaves its input in fuzz/artifacts/<target>/.
# The first build compiles the AWS SDK with sanitizer coverage: ~25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs="${RUNS:-2500000}"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=(slack_form_grammar duration resource_properties tag_values events)
cargo +nightly fuzz build -O
results="$(mktemp -d)"

run_target() {
  local target="$1" log="$results/$1.log"
  mkdir -p "corpus/$target"
  if ! cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -runs="$runs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    echo "== $target failed:"; tail -n 40 "$log"; return 1
  fi
  local done_runs secs
  done_runs=$(awk '/^stat::number_of_executed_units/ {print $2}' "$log")
  secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{print $5}')
  printf '%-20s %12s executions in %4s s, corpus %s inputs\n' \
    "$target" "$done_runs" "${secs:-?}" "$(find "corpus/$target" -type f | wc -l)"
  echo "$done_runs" >"$results/$target.count"
}

# Two at a time: each new target waits for the oldest still running (bash 3.2 has no `wait -n`);
# `wait <pid>` returns the target's status, so a crash stops the script (set -e).
running=()
for target in "${targets[@]}"; do
  run_target "$target" &
  running+=($!)
  if [ "${#running[@]}" -ge 2 ]; then
    wait "${running[0]}"
    running=("${running[@]:1}")
  fi
done
for pid in ${running[@]+"${running[@]}"}; do wait "$pid"; done
echo "total: $(awk '{s += $1} END {print s}' "$results"/*.count) executions"
rm -rf "$results"
