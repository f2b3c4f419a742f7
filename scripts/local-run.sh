#!/usr/bin/env bash
# The whole story locally: moto, the real ecs-environment binary under a Lambda Runtime API
# emulator, CloudFormation played with real-shaped requests. Stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
python3 -c "import moto" 2>/dev/null || python3 -m pip install --quiet "moto[server]==5.2.1"
./scripts/install-iam-simulator.sh
# The functions: this build's debug binaries, or those in $DEBUG_TOOLKIT_BIN_DIR (see scripts/test.sh).
if [ -z "${DEBUG_TOOLKIT_BIN_DIR:-}" ]; then
  cargo build --workspace --bins --locked --quiet
else
  # Built as the test stage builds it (`cargo test` makes the harness's binaries too): the same
  # feature set, dev-dependencies included, so nothing is compiled again after the tests.
  cargo test --workspace --no-run --locked --quiet
fi
exec "$CARGO_TARGET_DIR/debug/local-story"
