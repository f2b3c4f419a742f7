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
#               --profile, --parameter-overrides ReservedConcurrency=5, --no-confirm-changeset
#               (--stack-name, --region and --profile are also used to read the outputs).
#   --spoke     deploys infra/spoke.yaml instead (docs/deploying.md, "Many accounts and regions"):
#               samconfig.toml's config env `spoke` (stack ecs-debug-toolkit-spoke), the spoke's
#               next steps. Its first deploy needs --parameter-overrides SpokeAlias=… HubAccountId=…
#               HubRoleArn=…; later ones keep them.
# Needs: cargo (rustup, Rust $rust_version or later: checked first), python3 with venv; installs SAM
# and cargo-lambda in a venv when missing (scripts/package.sh). A real deploy also needs the AWS CLI
# v2 and credentials it accepts: both are checked before the build. Runs under macOS's bash 3.2.
set -euo pipefail
# What Cargo.lock's crates need (their highest rust-version); tests/templates/check_toolchain.py
# keeps this, Cargo.toml and the docs the same.
rust_version="1.94.1"
cd "$(dirname "$0")/.."
dry_run=false spoke=false
if [ "${1:-}" = "--dry-run" ]; then dry_run=true; shift; fi
if $dry_run && [ $# -gt 0 ]; then echo "deploy: a dry run takes no other option: $*" >&2; exit 2; fi
if [ "${1:-}" = "--spoke" ]; then spoke=true; shift; fi
config_env=default
if $spoke; then config_env=spoke; fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ecs-debug-toolkit/target}"
export SAM_CLI_TELEMETRY=0
build_dir="$CARGO_TARGET_DIR/sam-build"
sam_venv="$HOME/.cache/ecs-debug-toolkit/sam-venv"
step() { echo; echo "== $*"; }
fail() { echo "deploy: $*" >&2; exit 1; }

# What the stack is called and where it goes: samconfig.toml, unless the options say otherwise.
stack=""
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
aws_options=()
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
    --profile) aws_options+=(--profile "$next") ;;
    --profile=*) aws_options+=(--profile "${args[$i]#*=}") ;;
  esac
done
# The config env's first stack_name ([default.global.parameters], [spoke.deploy.parameters]…).
[ -n "$stack" ] || stack=$(awk -v env="[$config_env." 'index($0, "[") == 1 { section = $0 }
  index(section, env) == 1 && /^stack_name = / { sub(/^stack_name = "/, ""); sub(/"$/, ""); print; exit }' samconfig.toml)
[ -n "$stack" ] || fail "samconfig.toml has no stack_name for config env $config_env (or pass --stack-name)"

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

# Everything a real deploy needs from the machine and the account, before a 10-minute build.
command -v python3 >/dev/null || fail "needs python3 (with venv)"
command -v cargo >/dev/null || fail "needs cargo (https://rustup.rs)"
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
  echo "deploying stack $stack to account $account, region $region${aws_options[1]:+ (profile ${aws_options[1]})}"
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

template="$build_dir/template.yaml"
if $spoke; then
  step "build: the spoke's template (infra/spoke.yaml: the same functions but slack-command)"
  template="$CARGO_TARGET_DIR/sam-build-spoke/template.yaml"
  sam build --beta-features --template infra/spoke.yaml --build-dir "$CARGO_TARGET_DIR/sam-build-spoke" \
    --cache-dir "$CARGO_TARGET_DIR/sam-cache" >"$CARGO_TARGET_DIR/sam-build-spoke.log" 2>&1 ||
    { tail -n 60 "$CARGO_TARGET_DIR/sam-build-spoke.log"; fail "sam build of infra/spoke.yaml failed"; }
fi

step "deploy: stack $stack in account $account, region $region"
# The built template (with the functions' artifacts) and the repository's samconfig.toml.
sam deploy --template-file "$template" --config-file "$PWD/samconfig.toml" --config-env "$config_env" \
  --stack-name "$stack" --region "$region" "$@"

output() {
  aws ${aws_options[@]+"${aws_options[@]}"} cloudformation describe-stacks --region "$region" --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
profile_note="${aws_options[1]:-${AWS_PROFILE:-}}"
if $spoke; then
  step "next steps for this spoke (docs/deploying.md, \"Many accounts and regions\", step 2)"
  cat <<NEXT
With this spoke's credentials${profile_note:+ (profile $profile_note)}: account $account, region $region.
- Publish the debug-toolkit image to the spoke's repository (as step 2 of the path):
     ./scripts/publish-image.sh ./image $(output DebugToolkitRepositoryUri)
- Put the Slack app's bot token (xoxb-...) into the spoke's secret:
     $(output SlackBotTokenCommand)
- Attach the people's policy (IAM Identity Center: the name ecs-debug-toolkit-exec-$region, path /):
     $(output ExecUserPolicyArn)
- Make environments here, with ToolkitStackName=$stack and --region $region.
- All of this stack's outputs:
     aws cloudformation describe-stacks${profile_note:+ --profile $profile_note} --region $region --stack-name $stack --query 'Stacks[0].Outputs' --output table
Then, with the hub's credentials and region again, add this spoke to the hub's Spokes (step 3).
NEXT
  exit 0
fi
step "next steps (docs/deploying.md, steps 2 to 7)"
cat <<NEXT
2. Publish the debug-toolkit image to the stack's repository (Debian or Ubuntu, root for the build;
   skopeo and jq publish it, mmdebstrap and umoci build it):
     sudo apt-get install -y mmdebstrap umoci skopeo jq
     sudo ./scripts/build-image.sh ./image
     ./scripts/publish-image.sh ./image $(output DebugToolkitRepositoryUri)
3. Create the Slack app from its manifest: open this link, pick your workspace, Create, then
   "Install to Workspace":
     $(output SlackAppCreateUrl)
4. Give the functions the app's secrets (paste each value in place of PASTE-...):
     $(output SlackSigningSecretCommand)
     $(output SlackBotTokenCommand)
5. Let people use what the bot hands out: attach this managed policy to their IAM role, group or
   user (IAM Identity Center: a customer managed policy reference, name ecs-debug-toolkit-exec-$region,
   path /); they also need the AWS CLI v2 and the Session Manager plugin:
     $(output ExecUserPolicyArn)
6. Make an environment (infra/example-environment.yaml), e.g.:
     aws cloudformation deploy --region $region --stack-name payments-dev \\
       --template-file infra/example-environment.yaml --parameter-overrides \\
       ToolkitStackName=$stack ClusterName=payments-dev VpcId=vpc-... SubnetIds=subnet-...,subnet-... \\
       AllowedSlackUsers=U...
7. In Slack, in a channel the bot is in (/invite @debug-toolkit): /debug start payments-dev 45m
NEXT
