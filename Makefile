# `sam build` (BuildMethod makefile, infra/*.yaml) runs `make build-<LogicalId>` with ARTIFACTS_DIR
# set: each function's arm64 release binary, built by cargo-lambda once per set of inputs
# (scripts/build-function.py). scripts/package.sh checks that these targets and the templates'
# BuildProperties.Binary agree. The build runs in this file's directory even when SAM works on a
# copy of the sources (sam sync, or sam build without --build-in-source): the copy would be built
# in another directory each time.
# This file's path, read before any include (MAKEFILE_LIST then holds it, after the environment's
# MAKEFILES, left out), kept as one string: make splits a path with spaces into words (a checkout
# in a Mac's "My Projects"), so the shell, not make, takes its directory.
MAKEFILE_PATH := $(strip $(filter-out $(MAKEFILES),$(MAKEFILE_LIST)))
BUILD_FUNCTION_PYTHON ?= python3
build = $(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set: sam build sets it)) \
	cd "$$(dirname "$(MAKEFILE_PATH)")" && $(BUILD_FUNCTION_PYTHON) scripts/build-function.py $(1) "$(ARTIFACTS_DIR)"

build-EcsEnvironmentFunction:
	$(call build,ecs-environment)

build-SlackCommandFunction:
	$(call build,slack-command)

build-DebugLauncherFunction:
	$(call build,debug-launcher)

build-TaskEventsFunction:
	$(call build,task-events)

build-IdleReaperFunction:
	$(call build,idle-reaper)

.PHONY: build-EcsEnvironmentFunction build-SlackCommandFunction build-DebugLauncherFunction \
	build-TaskEventsFunction build-IdleReaperFunction
