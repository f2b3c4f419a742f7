#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo-fuzz (libFuzzer; needs a nightly toolchain): every target for
# RUNS executions each (default 2,000,000), two jobs at a time, then the executions libFuzzer
# reports. A crash stops the script and leaves its input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs="${RUNS:-2000000}"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=(slack_form_grammar duration resource_properties tag_values events)
cargo +nightly fuzz build -O
total=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "seeds/$target"
  log="$(mktemp)"
  cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -runs="$runs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>"$log" \
    || { tail -n 40 "$log"; exit 1; }
  done_runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{print $5}')
  printf '%-22s %12s executions in %4s s\n' "$target" "$done_runs" "${secs:-?}"
  total=$((total + done_runs))
  rm -f "$log"
done
echo "total: $total executions"
