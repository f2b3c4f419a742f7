#!/usr/bin/env bash
# scripts/deploy.sh's options as a newcomer writes them (tests/templates/run.sh), in its plan mode
# (DEPLOY_PLAN=1: the sam deploy command and the next steps, nothing run), with cargo, aws and sam
# that fail at once should the plan mode ever go further:
# - --spoke and --dry-run count wherever they are, and never reach sam deploy;
# - --guided gives sam deploy a temporary copy of samconfig.toml (SAM's "Save arguments to
#   configuration file" defaults to Y and would write every parameter into it);
# - with --profile, every printed command runs with that profile (AWS_PROFILE= for
#   publish-image.sh, --profile for the AWS CLI's);
# - an update (DEPLOY_PLAN=update: the stack exists, its manifest changed) says what an update asks
#   (the image, the Slack app's manifest and reinstall) before the first deploy's steps, marked done
#   once, so that nobody creates a second Slack app; a first deploy says none of it; a hub's
#   (DEPLOY_PLAN=hub) gives only the Slack app's steps, the rest being the spokes';
# - a real deploy onto a stack its first deploy left ROLLBACK_COMPLETE (an AWS CLI that answers
#   only the account and the stack's status) stops before the build, with the commands that show
#   why and delete it;
# - a Mac without the Command Line Tools (whose /usr/bin/cc and make are stubs) stops before the
#   build, saying xcode-select --install;
# - a first deploy whose change set was declined says nothing was deployed (no next steps);
# - a hub's update names the accounts of Spokes its SpokeAccounts lacks (their notices are refused).
# Exit 1 naming each case that fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
script="${DEPLOY_SH:-scripts/deploy.sh}"
stubs=$(mktemp -d)
trap 'rm -rf "$stubs"' EXIT
for tool in cargo rustc aws sam; do
  printf '#!/bin/sh\necho "check_deploy: %s must not run" >&2\nexit 97\n' "$tool" >"$stubs/$tool"
  chmod +x "$stubs/$tool"
done
failures=0
# plan <args...>: the plan's output (and its exit status in $status).
plan() {
  status=0
  out=$(env -u AWS_PROFILE PATH="$stubs:$PATH" DEPLOY_PLAN="${plan_mode:-1}" AWS_REGION=eu-west-1 "$script" "$@" 2>&1) || status=$?
}
expect() { # expect <what> <fixed string> : the last plan's output has it
  if ! grep -qF -- "$2" <<<"$out"; then
    echo "check_deploy: $1: the plan lacks '$2'" >&2; echo "$out" | sed 's/^/  | /' >&2; failures=$((failures + 1))
  fi
}
refuse() { # refuse <what> <extended regex> : the last plan's output does not have it
  if grep -qE -- "$2" <<<"$out"; then
    echo "check_deploy: $1: the plan has '$2'" >&2; echo "$out" | sed 's/^/  | /' >&2; failures=$((failures + 1))
  fi
}

plan --profile prod --spoke --region eu-west-1
expect "--spoke after --profile" "--config-env spoke --stack-name ecs-debug-toolkit-spoke"
refuse "--spoke after --profile" "^plan: .* --spoke"
expect "the spoke's publish command" "AWS_PROFILE=prod ./scripts/publish-image.sh ./image <DebugToolkitRepositoryUri>"
refuse "a spoke holds no bot token" "SlackBotTokenCommand"
expect "the spoke's notices go to the hub" "the hub's bus (<HubEventBusArn>)"
expect "the spoke's outputs command" "aws cloudformation describe-stacks --profile prod --region eu-west-1"
expect "the spoke's entry for the hub" '"Spokes=<those spokes, if any, then a comma><SpokeAlias>=<account>/eu-west-1"'
expect "the spoke's account for the hub" '"SpokeAccounts=<those accounts, if any, then a comma><account>"'

plan --profile hub
expect "the hub's stack" "--config-env default --stack-name ecs-debug-toolkit --region eu-west-1 --profile hub"
expect "the publish command" "AWS_PROFILE=hub ./scripts/publish-image.sh"
expect "the signing secret's command" "<SlackSigningSecretCommand> --profile hub"
expect "the bot token's command" "<SlackBotTokenCommand> --profile hub"
expect "the environment's command" "aws cloudformation deploy --profile hub --region eu-west-1"

plan
expect "no profile" "./scripts/publish-image.sh ./image"
refuse "no profile" "AWS_PROFILE=|--profile"

plan --guided
expect "--guided" "--guided"
refuse "--guided writes samconfig.toml" "--config-file $PWD/samconfig.toml"
expect "--guided's copy" "/samconfig.toml --config-env default"

refuse "a first deploy" "updated the stack|done once"

plan_mode=update plan --profile hub
expect "an update" 'this deploy updated the stack (docs/deploying.md, "Upgrading")'
expect "an update's image" "AWS_PROFILE=hub ./scripts/publish-image.sh ./image <DebugToolkitRepositoryUri>"
# The stack's tag (the plan's placeholder is not VERSION, as a tag of one's own) is named: without
# a tag publish-image.sh pushes VERSION, and the repository would still lack the stack's.
expect "an update's image under the stack's tag" "./scripts/publish-image.sh ./image <DebugToolkitRepositoryUri>:<DebugToolkitImageTag>"
expect "an update's Slack app" '"App Manifest": replace it with the output SlackAppManifest'
expect "an update's Slack app" '"Reinstall to Workspace"'
expect "an update's manifest command" "aws cloudformation describe-stacks --profile hub --region eu-west-1 --stack-name ecs-debug-toolkit"
expect "an update's first steps" "each is done once (skip those you did)"
expect "an update's new people's policy" "aws iam list-entities-for-policy --profile hub --policy-arn <ExecUserPolicyArn before this deploy>"
# A hub's update (DEPLOY_PLAN=hub: its Spokes set, step 3 of hub and spokes): the Slack app and its
# secrets only; no image, people's policy or environment in the hub's own account.
plan_mode=hub plan --profile hub --region eu-west-1
expect "a hub's steps" "next steps for this hub"
expect "a hub's secrets" "<SlackSigningSecretCommand> --profile hub"
refuse "a hub's steps" "Make an environment|attach-role-policy|sudo ./scripts/build-image.sh"
plan_mode=update plan --spoke --profile prod
expect "a spoke's update" 'this deploy updated the stack (docs/deploying.md, "Upgrading")'
refuse "a spoke's update" "App Manifest"

plan --profile prod --dry-run
[ "$status" = 2 ] || { echo "check_deploy: --dry-run after --profile: not refused as a dry run with options (exit $status)" >&2; failures=$((failures + 1)); }

# A real deploy whose stack a failed first deploy left behind: the stubs answer the checks; the
# build (cargo lambda via package.sh) must never be reached.
real=$(mktemp -d)
trap 'rm -rf "$stubs" "$real"' EXIT
printf '#!/bin/sh\necho "rustc 1.94.1 (stub)"\n' >"$real/rustc"
printf '#!/bin/sh\necho "check_deploy: cargo must not run" >&2\nexit 97\n' >"$real/cargo"
printf '#!/bin/sh\necho "check_deploy: rustup must not run" >&2\nexit 97\n' >"$real/rustup"
printf '#!/bin/sh\necho "check_deploy: cc must not run" >&2\nexit 97\n' >"$real/cc"
cat >"$real/aws" <<'AWS'
#!/bin/sh
case "$*" in
  *get-caller-identity*) echo 123456789012 ;;
  *StackStatus*) echo ROLLBACK_COMPLETE ;;
  *) echo "check_deploy: aws $*" >&2; exit 97 ;;
esac
AWS
chmod +x "$real"/*
status=0
out=$(env -u AWS_PROFILE PATH="$real:$PATH" AWS_REGION=eu-west-1 "$script" --profile prod 2>&1) || status=$?
[ "$status" = 1 ] || { echo "check_deploy: a ROLLBACK_COMPLETE stack: exit $status, not 1" >&2; failures=$((failures + 1)); }
expect "a ROLLBACK_COMPLETE stack" "stack ecs-debug-toolkit is ROLLBACK_COMPLETE"
expect "a ROLLBACK_COMPLETE stack's delete" "aws cloudformation delete-stack --profile prod --region eu-west-1 --stack-name ecs-debug-toolkit"
refuse "a ROLLBACK_COMPLETE stack" "== build|must not run"

# A Mac without the Command Line Tools: /usr/bin/cc and make are stubs, so `command -v` finds them;
# deploy.sh asks xcode-select and stops before the build and before any AWS call.
mac=$(mktemp -d)
trap 'rm -rf "$stubs" "$real" "$mac"' EXIT
cp "$real"/rustc "$real"/cargo "$real"/rustup "$real"/cc "$mac"/
printf '#!/bin/sh\necho Darwin\n' >"$mac/uname"
printf '#!/bin/sh\necho "xcode-select: error: unable to get active developer directory" >&2\nexit 2\n' >"$mac/xcode-select"
printf '#!/bin/sh\necho "check_deploy: aws must not run" >&2\nexit 97\n' >"$mac/aws"
chmod +x "$mac"/*
status=0
out=$(env -u AWS_PROFILE PATH="$mac:$PATH" AWS_REGION=eu-west-1 "$script" 2>&1) || status=$?
[ "$status" = 1 ] || { echo "check_deploy: a Mac without the Command Line Tools: exit $status, not 1" >&2; failures=$((failures + 1)); }
expect "a Mac without the Command Line Tools" "needs the Xcode Command Line Tools"
refuse "a Mac without the Command Line Tools" "== build|must not run"

# A first deploy whose change set was not executed ("Deploy this changeset? [y/N]" answered N: sam
# deploy ends without an error, the stack stays REVIEW_IN_PROGRESS): deploy.sh says nothing was
# deployed instead of printing next steps without outputs. A copy of deploy.sh with its package.sh,
# the venv's sam and python, and the AWS CLI stubbed (sam deploy leaves a mark the stub reads).
tree=$(mktemp -d)
trap 'rm -rf "$stubs" "$real" "$mac" "$tree"' EXIT
mkdir -p "$tree/repo/scripts/lib" "$tree/home/.cache/ecs-debug-toolkit/sam-venv/bin" "$tree/target/sam-build" "$tree/bin"
cp scripts/deploy.sh "$tree/repo/scripts/"
cp scripts/lib/deploy-steps.sh "$tree/repo/scripts/lib/"
cp samconfig.toml "$tree/repo/"
printf '#!/bin/sh\nexit 0\n' >"$tree/repo/scripts/package.sh"
printf '#!/bin/sh\nexit 0\n' >"$tree/home/.cache/ecs-debug-toolkit/sam-venv/bin/python"
printf '#!/bin/sh\ncase "$1" in deploy) touch "%s/deployed" ;; esac\nexit 0\n' "$tree" >"$tree/home/.cache/ecs-debug-toolkit/sam-venv/bin/sam"
cp "$real"/rustc "$real"/cargo "$real"/rustup "$real"/cc "$tree/bin/"
cat >"$tree/bin/aws" <<AWS
#!/bin/sh
case "\$*" in
  *get-caller-identity*) echo 123456789012 ;;
  *StackStatus*) if [ -e "$tree/deployed" ]; then echo REVIEW_IN_PROGRESS; else echo "Stack with id x does not exist" >&2; exit 254; fi ;;
  *) echo "check_deploy: aws \$*" >&2; exit 97 ;;
esac
AWS
chmod +x "$tree/repo/scripts/package.sh" "$tree/home/.cache/ecs-debug-toolkit/sam-venv/bin"/* "$tree/bin"/*
status=0
out=$(env -u AWS_PROFILE HOME="$tree/home" CARGO_TARGET_DIR="$tree/target" PATH="$tree/bin:$PATH" AWS_REGION=eu-west-1 \
  "$tree/repo/scripts/deploy.sh" 2>&1) || status=$?
[ -e "$tree/deployed" ] || { echo "check_deploy: a declined change set: sam deploy was not reached" >&2; echo "$out" | sed 's/^/  | /' >&2; failures=$((failures + 1)); }
[ "$status" = 1 ] || { echo "check_deploy: a declined change set: exit $status, not 1" >&2; failures=$((failures + 1)); }
expect "a declined change set" "nothing deployed: stack ecs-debug-toolkit was not created"
refuse "a declined change set" "== next steps|must not run|check_deploy: aws"

# A hub whose SpokeAccounts lacks an account of Spokes says so, with the command that fixes it
# (notices_steps of scripts/lib/deploy-steps.sh, with the stack's parameters played here).
# hub_notices <Spokes> <SpokeAccounts>: what a hub's update says of them.
hub_notices() {
  (
    spoke=false region=eu-west-1 account=999999999999 with_profile=" --profile hub"
    spokes_value=$1 accounts_value=$2
    parameter() { case "$1" in Spokes) echo "$spokes_value" ;; SpokeAccounts) echo "$accounts_value" ;; esac; }
    source scripts/lib/deploy-steps.sh
    notices_steps
  )
}
out=$(hub_notices "prod=111111111111/eu-west-1,dev=222222222222/us-east-1" "111111111111")
expect "a hub missing a spoke's account" "SpokeAccounts lacks 222222222222 (accounts of Spokes)"
expect "a hub missing a spoke's account" '"SpokeAccounts=<every account of Spokes, comma-separated>"'
out=$(hub_notices "prod=111111111111/eu-west-1" "111111111111")
expect "a hub listing its spokes' accounts" "SpokeAccounts lists every account of Spokes"

if [ "$failures" -gt 0 ]; then exit 1; fi
echo "deploy.sh: ok (--spoke and --dry-run anywhere, --guided on a copy of samconfig.toml, the profile in every printed command, an update's steps before the first deploy's, a failed first deploy's stack named before the build, a Mac without the Command Line Tools stopped first, a declined change set said so)"
