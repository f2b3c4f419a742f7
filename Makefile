# `sam build` (BuildMethod makefile, infra/*.yaml) runs `make build-<LogicalId>` with ARTIFACTS_DIR
# set: each function's arm64 release binary, built by cargo-lambda once per set of inputs
# (scripts/build-function.py). scripts/package.sh checks that these targets and the templates'
# BuildProperties.Binary agree. Run it with `sam build --build-in-source` (samconfig.toml says so):
# a copy elsewhere would build in another directory each time.
PYTHON ?= python3

build-EcsEnvironmentFunction:
	$(PYTHON) scripts/build-function.py ecs-environment "$(ARTIFACTS_DIR)"

build-SlackCommandFunction:
	$(PYTHON) scripts/build-function.py slack-command "$(ARTIFACTS_DIR)"

build-DebugLauncherFunction:
	$(PYTHON) scripts/build-function.py debug-launcher "$(ARTIFACTS_DIR)"

build-TaskEventsFunction:
	$(PYTHON) scripts/build-function.py task-events "$(ARTIFACTS_DIR)"

build-IdleReaperFunction:
	$(PYTHON) scripts/build-function.py idle-reaper "$(ARTIFACTS_DIR)"

.PHONY: build-EcsEnvironmentFunction build-SlackCommandFunction build-DebugLauncherFunction \
	build-TaskEventsFunction build-IdleReaperFunction
