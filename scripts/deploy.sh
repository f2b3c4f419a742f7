#!/usr/bin/env bash
# Deploys the toolkit (infra/template.yaml) with samconfig.toml and prints the next steps, each with
# the exact command or link from the stack's outputs (docs/deploying.md walks through them).
#
#   ./scripts/deploy.sh [--dry-run] [<sam deploy option>...]
#   ./scripts/deploy.sh --spoke [<sam deploy option>...]
#
#   --dry-run   everything that needs no AWS account: validate the templates (sam validate --lint),
#               check the Slack app manifest against the code (scripts/slack-manifest.py check),
#               build the five functions for Lambda (scripts/package.sh: sam build, arm64, zips),
#               render the manifest for a sample Function URL. CI runs it.
#   otherwise   the same, then `sam deploy` (samconfig.toml: stack ecs-debug-toolkit, the release's
#               DebugToolkitImageTag, a change set to confirm; every other parameter keeps the
#               stack's value, or its default on a new stack), then the next steps. The options
#               go to sam deploy (a dry run takes none), e.g. --guided, --stack-name, --region,
#               --profile, --config-env, --parameter-overrides ReservedConcurrency=5,
#               --no-confirm-changeset. --stack-name, --region and --profile (on the command line,
#               or else in the config env's section of samconfig.toml) are also used for the checks
#               and to read the outputs. With --guided, SAM saves its answers (if you let it) to a
#               temporary copy of samconfig.toml, removed at the end: never to samconfig.toml.
#   --spoke     deploys infra/spoke.yaml instead (docs/deploying.md, "Many accounts and regions"):
#               samconfig.toml's config env `spoke` (stack ecs-debug-toolkit-spoke), the spoke's
#               next steps. Its first deploy needs --parameter-overrides SpokeAlias=…
#               HubRoleArn=…; later ones keep them.
#   --dry-run and --spoke may come anywhere among the options; sam deploy never sees them.
# Needs: cargo from rustup (Rust $rust_version or later) with cc, python3 $python_version or later with venv
# (both checked first); installs SAM and cargo-lambda in a venv when missing (scripts/package.sh). A
# real deploy also needs the AWS CLI v2 and credentials it accepts: both are checked before the
# build. Runs under macOS's bash 3.2.
#
# On an update (the stack was there before this deploy) it prints first what an update asks: the
# image when the repository lacks the stack's tag, the Slack app when its manifest changed (a new
# scope needs the app reinstalled); the first deploy's steps follow, marked as done once. A stack
# its first deploy left ROLLBACK_COMPLETE (or one still in progress) stops it before the build,
# with the commands that show why and delete it.
#
# DEPLOY_PLAN=1 (for tests/templates/check_deploy.sh): print the sam deploy command and the next
# steps, with <OutputKey> for each stack output, and run nothing. DEPLOY_PLAN=update: the same for
# a stack that exists, whose manifest changed and whose repository lacks the tag. DEPLOY_PLAN=hub:
# an update of a hub (its Spokes set).
set -euo pipefail
# What Cargo.lock's crates need (their highest rust-version); tests/templates/check_toolchain.py
# keeps this, Cargo.toml and the docs the same.
rust_version="1.94.1"
# What aws-sam-cli 1.170.0 needs (macOS's /usr/bin/python3 is 3.9); check_toolchain.py keeps this,
# scripts/package.sh's and the docs' the same.
python_version="3.10"
cd "$(dirname "$0")/.."
# This script's own options, wherever they are; the rest goes to sam deploy.
dry_run=false spoke=false plan="${DEPLOY_PLAN:-0}" plan_update=false plan_spokes=""
if [ "$plan" = update ]; then plan=1 plan_update=true; fi
if [ "$plan" = hub ]; then plan=1 plan_update=true plan_spokes="<Spokes>"; fi
sam_args=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    --spoke) spoke=true ;;
    *) sam_args+=("$arg") ;;
  esac
done
set -- ${sam_args[@]+"${sam_args[@]}"}
if $dry_run && { [ $# -gt 0 ] || $spoke; }; then
  echo "deploy: a dry run takes no other option (it checks the spoke's template too): $*" >&2; exit 2
fi
config_env=default
if $spoke; then config_env=spoke; fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
export SAM_CLI_TELEMETRY=0
build_dir="$CARGO_TARGET_DIR/sam-build"
sam_venv="$HOME/.cache/ecs-debug-toolkit/sam-venv"
step() { echo; echo "== $*"; }
fail() { echo "deploy: $*" >&2; exit 1; }

# What the stack is called, where it goes and with which profile: the options, else the config
# env's section of samconfig.toml (as SAM reads them), else the environment.
stack="" region="" profile="" guided=false
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  next="${args[$((i + 1))]:-}"
  case "${args[$i]}" in
    --stack-name) stack="$next" ;;
    --stack-name=*) stack="${args[$i]#*=}" ;;
    --region) region="$next" ;;
    --region=*) region="${args[$i]#*=}" ;;
    --config-env) config_env="$next" ;;
    --config-env=*) config_env="${args[$i]#*=}" ;;
    --profile) profile="$next" ;;
    --profile=*) profile="${args[$i]#*=}" ;;
    --guided|-g) guided=true ;;
  esac
done
# config_value <key>: its first value in the config env's deploy or global section.
config_value() {
  awk -v deploy="[$config_env.deploy." -v global="[$config_env.global." -v key="$1" '
    index($0, "[") == 1 { section = $0 }
    (index(section, deploy) == 1 || index(section, global) == 1) && index($0, key " = \"") == 1 {
      value = substr($0, length(key) + 5); sub(/".*$/, "", value); print value; exit }' samconfig.toml
}
[ -n "$stack" ] || stack=$(config_value stack_name)
[ -n "$stack" ] || fail "samconfig.toml has no stack_name for config env $config_env (or pass --stack-name)"
[ -n "$region" ] || region=$(config_value region)
[ -n "$region" ] || region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
[ -n "$profile" ] || profile=$(config_value profile)
aws_options=()
if [ -n "$profile" ]; then aws_options=(--profile "$profile"); fi
# The profile the printed commands name: the one given, else the shell's AWS_PROFILE.
profile_note="${profile:-${AWS_PROFILE:-}}"

# at_least <version> <minimum>: dotted numbers, compared part by part.
at_least() {
  local IFS=. i have need
  # shellcheck disable=SC2206
  have=($1) need=($2)
  for i in 0 1 2; do
    [ "${have[$i]:-0}" -gt "${need[$i]:-0}" ] && return 0
    [ "${have[$i]:-0}" -lt "${need[$i]:-0}" ] && return 1
  done
  return 0
}

# The built template (with the functions' artifacts) and the repository's samconfig.toml, or, with
# --guided, a temporary copy of it: SAM's "Save arguments to configuration file" (default Y) would
# write every parameter into samconfig.toml's [default.deploy.parameters], and each later deploy
# would give them all again, resetting what --parameter-overrides set (docs/deploying.md).
template="$build_dir/template.yaml"
if $spoke; then template="$CARGO_TARGET_DIR/sam-build-spoke/template.yaml"; fi
config_file="$PWD/samconfig.toml"
if $guided; then
  guided_dir=$(mktemp -d "${TMPDIR:-/tmp}/ecs-debug-toolkit-guided.XXXXXX")
  trap 'rm -rf "$guided_dir"' EXIT
  config_file="$guided_dir/samconfig.toml"
  cp samconfig.toml "$config_file"
fi
if [ "$plan" = 1 ]; then
  account="<account>" region="${region:-<region>}"
  output() { echo "<$1>"; }
  # An update's plan: a manifest that changed, a repository without the stack's tag.
  parameter() { case "$1" in Spokes) [ -z "$plan_spokes" ] || echo "$plan_spokes" ;; *) echo "<$1>" ;; esac; }
  image_published() { return 1; }
else
  output() {
    aws ${aws_options[@]+"${aws_options[@]}"} cloudformation describe-stacks --region "$region" --stack-name "$stack" \
      --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
  }
  parameter() {
    aws ${aws_options[@]+"${aws_options[@]}"} cloudformation describe-stacks --region "$region" --stack-name "$stack" \
      --query "Stacks[0].Parameters[?ParameterKey=='$1'].ParameterValue" --output text
  }
  # image_published <repository uri> <tag>: the repository holds an image with that tag.
  image_published() {
    aws ${aws_options[@]+"${aws_options[@]}"} ecr describe-images --region "$region" --repository-name "${1#*/}" \
      --image-ids "imageTag=$2" --query 'imageDetails[0].imageDigest' --output text >/dev/null 2>&1
  }
fi
# Whether this deploy updates a stack, and the stack's Slack app manifest and people's policy
# before it (filled in before sam deploy runs).
existing=$plan_update manifest_before="" policy_before=""
if $plan_update; then
  manifest_before="<SlackAppManifest before this deploy>" policy_before="<ExecUserPolicyArn before this deploy>"
fi
# The next steps: what an update asks, then the first deploy's (for a toolkit or a spoke).
source scripts/lib/deploy-steps.sh
if [ "$plan" = 1 ]; then
  sam_deploy=(sam deploy --template-file "$template" --config-file "$config_file" --config-env "$config_env"
    --stack-name "$stack" --region "$region" "$@")
  echo "plan: $(printf '%q ' "${sam_deploy[@]}")"
  next_steps
  exit 0
fi

# Everything a real deploy needs from the machine and the account, before a 10-minute build.
command -v python3 >/dev/null || fail "needs python3 $python_version or later (with venv)"
python3 -c "import sys; sys.exit(sys.version_info < tuple(int(p) for p in '$python_version'.split('.')))" ||
  fail "needs Python $python_version or later (the AWS SAM CLI 1.170.0 does); python3 is $(python3 --version 2>&1). On a Mac: brew install python@3.12, then export PATH=\"\$(brew --prefix python@3.12)/libexec/bin:\$PATH\" (its python3) and run this again"
command -v cargo >/dev/null || fail "needs cargo (https://rustup.rs)"
# The build adds Rust's aarch64-unknown-linux-gnu target with rustup: a Rust without it (Homebrew's
# rust, a distribution's cargo) has no standard library for Lambda's arm64.
command -v rustup >/dev/null ||
  fail "needs rustup (https://rustup.rs), which adds Rust's aarch64-unknown-linux-gnu target for Lambda; a Rust without it (brew's rust, a distribution's cargo) cannot build for arm64: remove it, then install Rust with rustup"
# cargo links the crates' build scripts for this machine with cc (zig links only the functions).
# A Mac without the Command Line Tools still has /usr/bin/cc and /usr/bin/make: stubs that fail
# ("xcrun: error: invalid active developer path") once the build runs.
if [ "$(uname -s)" = Darwin ] && ! xcode-select -p >/dev/null 2>&1; then
  fail "needs the Xcode Command Line Tools (cc and make; /usr/bin/cc is only a stub without them): xcode-select --install"
fi
command -v cc >/dev/null ||
  fail "needs a C compiler and linker (cc) for cargo's build scripts: Debian/Ubuntu: sudo apt-get install build-essential; a Mac: xcode-select --install"
command -v make >/dev/null ||
  fail "needs make (sam build runs the repository's Makefile): on a Mac xcode-select --install; Debian/Ubuntu: sudo apt-get install make (build-essential has it)"
rustc_version=$(rustc --version 2>/dev/null | sed -n 's/^rustc \([0-9][0-9.]*\).*/\1/p')
at_least "${rustc_version:-0}" "$rust_version" ||
  fail "needs Rust $rust_version or later (what Cargo.lock's crates declare); rustc is ${rustc_version:-missing}: rustup update stable"
if ! $dry_run; then
  command -v aws >/dev/null || fail "needs the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html; a Mac: brew install awscli)"
  [ -n "$region" ] || region=$(aws ${aws_options[@]+"${aws_options[@]}"} configure get region 2>/dev/null || true)
  [ -n "$region" ] || fail "no region: export AWS_REGION=<region> (or pass --region)"
  # The AWS CLI's own error, if any, is printed above this script's.
  account=$(aws ${aws_options[@]+"${aws_options[@]}"} sts get-caller-identity --query Account --output text) ||
    fail "aws sts get-caller-identity failed (its error is above): credentials with aws configure or aws sso login, or name a profile with --profile <name>"
  echo "deploying stack $stack to account $account, region $region${profile:+ (profile $profile)}"
  # A stack that is there already is updated: its first deploy's steps are done. Its manifest now,
  # to tell whether the Slack app must follow. A failed first deploy's stack (ROLLBACK_COMPLETE)
  # can only be deleted: said now, not after the build.
  stack_status=$(aws ${aws_options[@]+"${aws_options[@]}"} cloudformation describe-stacks --region "$region" \
    --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text 2>/dev/null || true)
  case "$stack_status" in
    ""|REVIEW_IN_PROGRESS|DELETE_COMPLETE) ;;
    ROLLBACK_COMPLETE|ROLLBACK_FAILED)
      on="${profile_note:+--profile $profile_note }--region $region --stack-name $stack"
      fail "stack $stack is $stack_status: its first deploy failed, and CloudFormation can only delete it. Why it failed:
  aws cloudformation describe-stack-events $on --query \"StackEvents[?ends_with(ResourceStatus, 'FAILED')].[LogicalResourceId,ResourceStatusReason]\" --output table
Delete it, then run this again:
  aws cloudformation delete-stack $on
  aws cloudformation wait stack-delete-complete $on" ;;
    *_IN_PROGRESS) fail "stack $stack is $stack_status: wait until it ends (aws cloudformation describe-stacks${profile_note:+ --profile $profile_note} --region $region --stack-name $stack), then run this again" ;;
    *)
      existing=true policy_before=$(output ExecUserPolicyArn || true)
      if ! $spoke; then manifest_before=$(output SlackAppManifest || true); fi ;;
  esac
fi

step "build: the five functions for Lambda (arm64), as sam deploy will upload them"
./scripts/package.sh
# package.sh made the venv: its SAM, and its Python (which has PyYAML) for the manifest.
export PATH="$sam_venv/bin:$PATH"
python="$sam_venv/bin/python"

step "validate: the templates (sam validate --lint) and the Slack app manifest against the code"
# Linting needs a region name only; nothing is sent to AWS. The spoke's template (infra/spoke.yaml,
# docs/deploying.md "Many accounts and regions") is validated too, and must be what
# scripts/spoke-template.py makes from the toolkit's.
sam validate --lint --template infra/template.yaml --region "${region:-eu-west-1}"
sam validate --lint --template infra/spoke.yaml --region "${region:-eu-west-1}"
"$python" scripts/spoke-template.py check
"$python" scripts/slack-manifest.py check

step "render: the Slack app manifest for a sample Function URL"
sample_url="https://0123456789abcdefghijklmnopqrstuv.lambda-url.${region:-eu-west-1}.on.aws/"
"$python" scripts/slack-manifest.py render "$sample_url" >"$build_dir/slack-app-manifest.json"
echo "$build_dir/slack-app-manifest.json (the stack's output SlackAppManifest has the real URL)"

if $dry_run; then
  step "dry run: nothing deployed. Deploy with ./scripts/deploy.sh (docs/deploying.md)"
  exit 0
fi

if $spoke; then
  step "build: the spoke's template (infra/spoke.yaml: the same functions but slack-command)"
  sam build --build-in-source --template infra/spoke.yaml --build-dir "$CARGO_TARGET_DIR/sam-build-spoke" \
    --cache-dir "$CARGO_TARGET_DIR/sam-cache" >"$CARGO_TARGET_DIR/sam-build-spoke.log" 2>&1 ||
    { tail -n 60 "$CARGO_TARGET_DIR/sam-build-spoke.log"; fail "sam build of infra/spoke.yaml failed"; }
fi

# What sam deploy uploads is what the build made (its records: scripts/build-function.py).
"$python" scripts/build-function.py --verify "$(dirname "$template")" >/dev/null ||
  fail "the built functions in $(dirname "$template") changed after their build: run this again"
step "deploy: stack $stack in account $account, region $region"
if $guided; then
  echo "--guided: SAM saves its answers (if you let it) to $config_file, removed at the end;"
  echo "samconfig.toml stays as it is (keep your values in a config env: docs/deploying.md, \"Your own values\")"
fi
sam_deploy=(sam deploy --template-file "$template" --config-file "$config_file" --config-env "$config_env"
  --stack-name "$stack" --region "$region" "$@")
"${sam_deploy[@]}"
# SAM's "Deploy this changeset? [y/N]" answered N ends sam deploy without an error: a new stack
# then stays REVIEW_IN_PROGRESS, with no outputs for the next steps.
if ! $existing; then
  stack_status=$(aws ${aws_options[@]+"${aws_options[@]}"} cloudformation describe-stacks --region "$region" \
    --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text 2>/dev/null || true)
  case "$stack_status" in ""|REVIEW_IN_PROGRESS)
    fail "nothing deployed: stack $stack was not created (SAM's change set was not executed: \"Deploy this changeset?\" answered N$($guided && echo "; or --guided's Stack Name prompt named another stack: give it with --stack-name")). Run this again and answer y" ;;
  esac
fi
next_steps
