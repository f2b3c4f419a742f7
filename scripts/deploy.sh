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
# Needs: cargo (rustup, Rust $rust_version or later), python3 $python_version or later with venv
# (both checked first); installs SAM and cargo-lambda in a venv when missing (scripts/package.sh). A
# real deploy also needs the AWS CLI v2 and credentials it accepts: both are checked before the
# build. Runs under macOS's bash 3.2.
#
# DEPLOY_PLAN=1 (for tests/templates/check_deploy.sh): print the sam deploy command and the next
# steps, with <OutputKey> for each stack output, and run nothing.
set -euo pipefail
# What Cargo.lock's crates need (their highest rust-version); tests/templates/check_toolchain.py
# keeps this, Cargo.toml and the docs the same.
rust_version="1.94.1"
# What aws-sam-cli 1.170.0 needs (macOS's /usr/bin/python3 is 3.9); check_toolchain.py keeps this,
# scripts/package.sh's and the docs' the same.
python_version="3.10"
cd "$(dirname "$0")/.."
# This script's own options, wherever they are; the rest goes to sam deploy.
dry_run=false spoke=false plan="${DEPLOY_PLAN:-0}"
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
else
  output() {
    aws ${aws_options[@]+"${aws_options[@]}"} cloudformation describe-stacks --region "$region" --stack-name "$stack" \
      --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
  }
fi
# The printed commands run with the credentials this deploy used.
with_profile="${profile_note:+ --profile $profile_note}"
env_profile="${profile_note:+AWS_PROFILE=$profile_note }"
next_steps() {
  if $spoke; then
    step "next steps for this spoke (docs/deploying.md, \"Many accounts and regions\", step 2)"
    cat <<NEXT
With this spoke's credentials${profile_note:+ (profile $profile_note)}: account $account, region $region.
- Publish the debug-toolkit image to the spoke's repository (as step 2 of the path):
     ${env_profile}./scripts/publish-image.sh ./image $(output DebugToolkitRepositoryUri)
- Put the Slack app's bot token (xoxb-...) into the spoke's secret:
     $(output SlackBotTokenCommand)$with_profile
- Attach the people's policy (IAM Identity Center: the name ecs-debug-toolkit-exec-$region, path /,
  in a permission set of this region's accounts only: docs/deploying.md, step 5):
     $(output ExecUserPolicyArn)
- Make environments here, with ToolkitStackName=$stack and$with_profile --region $region.
- All of this stack's outputs:
     aws cloudformation describe-stacks$with_profile --region $region --stack-name $stack --query 'Stacks[0].Outputs' --output table
Then, with the hub's credentials and region again, add this spoke to the hub's Spokes (step 3).
NEXT
    return
  fi
  step "next steps (docs/deploying.md, steps 2 to 7)"
  cat <<NEXT
2. Publish the debug-toolkit image to the stack's repository (Debian or Ubuntu, root for the build;
   skopeo and jq publish it, mmdebstrap and umoci build it):
     sudo apt-get install -y mmdebstrap umoci skopeo jq
     sudo ./scripts/build-image.sh ./image
     ${env_profile}./scripts/publish-image.sh ./image $(output DebugToolkitRepositoryUri)
3. Create the Slack app from its manifest: open this link, pick your workspace, Create, then
   "Install to Workspace":
     $(output SlackAppCreateUrl)
4. Give the functions the app's secrets (paste each value in place of PASTE-...):
     $(output SlackSigningSecretCommand)$with_profile
     $(output SlackBotTokenCommand)$with_profile
5. Let people use what the bot hands out: attach this managed policy to their IAM role, group or
   user (IAM Identity Center: a customer managed policy reference, name ecs-debug-toolkit-exec-$region,
   path /, in a permission set of this region's accounts only: docs/deploying.md, step 5); they
   also need the AWS CLI v2 and the Session Manager plugin:
     $(output ExecUserPolicyArn)
6. Make an environment (infra/example-environment.yaml), e.g.:
     aws cloudformation deploy$with_profile --region $region --stack-name payments-dev \\
       --template-file infra/example-environment.yaml --parameter-overrides \\
       ToolkitStackName=$stack ClusterName=payments-dev VpcId=vpc-... SubnetIds=subnet-...,subnet-... \\
       AllowedSlackUsers=U...
7. In Slack, in a channel the bot is in (/invite @debug-toolkit): /debug start payments-dev 45m
NEXT
}
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
command -v make >/dev/null ||
  fail "needs make (sam build runs the repository's Makefile): on a Mac xcode-select --install; Debian/Ubuntu: apt-get install make"
rustc_version=$(rustc --version 2>/dev/null | sed -n 's/^rustc \([0-9][0-9.]*\).*/\1/p')
at_least "${rustc_version:-0}" "$rust_version" ||
  fail "needs Rust $rust_version or later (what Cargo.lock's crates declare); rustc is ${rustc_version:-missing}: rustup update stable"
if ! $dry_run; then
  command -v aws >/dev/null || fail "needs the AWS CLI v2"
  [ -n "$region" ] || region=$(aws ${aws_options[@]+"${aws_options[@]}"} configure get region 2>/dev/null || true)
  [ -n "$region" ] || fail "no region: export AWS_REGION=<region> (or pass --region)"
  # The AWS CLI's own error, if any, is printed above this script's.
  account=$(aws ${aws_options[@]+"${aws_options[@]}"} sts get-caller-identity --query Account --output text) ||
    fail "aws sts get-caller-identity failed (its error is above): credentials with aws configure or aws sso login, or name a profile with --profile <name>"
  echo "deploying stack $stack to account $account, region $region${profile:+ (profile $profile)}"
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
next_steps
