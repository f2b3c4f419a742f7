#!/usr/bin/env bash
# The strict test world's IAM simulator (test-only, Node): installed from its lock file when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d tests/iam-simulator/node_modules/@cloud-copilot/iam-simulate ]; then
  command -v npm >/dev/null || { echo "npm is needed for the test-only IAM simulator (apt-get install nodejs npm)" >&2; exit 1; }
  npm ci --prefix tests/iam-simulator --no-audit --no-fund --loglevel=error
fi
