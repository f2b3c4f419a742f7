#!/usr/bin/env bash
# The templates as a newcomer meets them (scripts/test.sh runs this first): the Slack app manifest
# against the code, infra/spoke.yaml as scripts/spoke-template.py makes it from template.yaml (and
# no looser than it should be: check.py), parameters, samconfig.toml and docs in step, the
# ExecUserPolicy judged by the IAM simulator, the example application started the way its task
# definition says; the Rust version the docs state is what Cargo.lock needs (check_toolchain.py),
# and the Python version deploy.sh and package.sh check is the docs' (check_toolchain.py), the
# scripts run under macOS's bash 3.2 (check_bash32.py, itself tried on samples by
# test_check_bash32.py), deploy.sh's options and printed commands are what the docs say
# (check_deploy.sh), and docs/migrating.md maps every variable of the Terraform module, names every
# property and declares what its HCL uses (check_migrating.py), and the Makefile builds from a
# checkout whose path has a space (check_makefile.sh); slack-command reserves concurrency by default
# and no role of the stacks gets ExecUserPolicy (check_security_defaults.py).
# Needs python3 with PyYAML, cargo (reads the lock's manifests), Node (the simulator) and, for the
# application, root and nginx.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/install-iam-simulator.sh
python3 scripts/slack-manifest.py check --schema
python3 scripts/spoke-template.py check
python3 tests/templates/check.py
python3 tests/templates/check_security_defaults.py
python3 tests/templates/check_toolchain.py
python3 tests/templates/test_check_bash32.py
python3 tests/templates/test_function_inputs.py
python3 tests/templates/check_bash32.py
./tests/templates/check_deploy.sh
python3 tests/templates/check_migrating.py
./tests/templates/check_makefile.sh
./tests/templates/test-app-config.sh
