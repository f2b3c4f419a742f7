#!/usr/bin/env bash
# Runs every test: unit tests, then the function binaries end to end against moto.
# Needs cargo, moto ("pip install 'moto[server]'"), Node (the test-only IAM simulator, installed
# here from tests/iam-simulator/package-lock.json) and nginx (the example application's check,
# tests/templates/: installed here as root with apt-get, else apt-get install nginx-light).
# Each end-to-end test starts its own moto behind
# the strict gate (tests/moto/strict); the gate's report over the run is printed at the end and
# written to $CARGO_TARGET_DIR/strict-report.md, and any denied or invalid call fails the run.
# The end-to-end suites run the debug binaries of this build, or those in $DEBUG_TOOLKIT_BIN_DIR
# (CI: the arm64 release binaries it packages, through $DEBUG_TOOLKIT_BIN_RUNNER=qemu-aarch64-static).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
# nginx runs the example application's configuration (tests/templates/test-app-config.sh): installed
# here when we may (root, apt-get), as .ci/run does; otherwise that script names the package.
if ! command -v nginx >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing nginx-light (the example application's check)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
./scripts/install-iam-simulator.sh
# The templates, samconfig.toml and the Slack manifest as a newcomer meets them (seconds).
./tests/templates/run.sh
# The strict gate's own tests: several accounts, trust and bus policies (each file a moto of its own).
python3 -m unittest discover -s tests/moto/strict -p 'test_*.py'
if [ -z "${DEBUG_TOOLKIT_BIN_DIR:-}" ]; then
  cargo build --workspace --bins --locked
fi
export STRICT_REPORT_DIR="$CARGO_TARGET_DIR/strict-report"
rm -rf "$STRICT_REPORT_DIR"
cargo test --workspace --locked "$@"
python3 tests/moto/strict/report.py "$STRICT_REPORT_DIR" "$CARGO_TARGET_DIR/strict-report.md"
