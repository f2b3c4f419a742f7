#!/usr/bin/env bash
# The templates as a newcomer meets them (scripts/test.sh runs this first): the Slack app manifest
# against the code, infra/spoke.yaml as scripts/spoke-template.py makes it from template.yaml (and
# no looser than it should be: check.py), parameters, samconfig.toml and docs in step, the
# ExecUserPolicy judged by the IAM simulator, and the example application started the way its task
# definition says.
# Needs python3 with PyYAML, Node (the simulator) and, for the application, root and nginx.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/install-iam-simulator.sh
python3 scripts/slack-manifest.py check --schema
python3 scripts/spoke-template.py check
python3 tests/templates/check.py
./tests/templates/test-app-config.sh
