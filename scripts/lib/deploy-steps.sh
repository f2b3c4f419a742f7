# The next steps deploy.sh prints after sam deploy (and DEPLOY_PLAN prints without it): for an
# update, what it asks of the first deploy's steps, then those steps, for a toolkit or a spoke.
# Sourced by scripts/deploy.sh, whose variables it reads (stack, region, account, spoke,
# profile_note, existing, manifest_before, policy_before) with its output/parameter/image_published
# and step functions. bash 3.2.
# The printed commands run with the credentials this deploy used.
with_profile="${profile_note:+ --profile $profile_note}"
env_profile="${profile_note:+AWS_PROFILE=$profile_note }"
# What an update asks of the steps done at the first deploy.
update_steps() {
  local uri tag manifest policy
  uri=$(output DebugToolkitRepositoryUri || true) tag=$(parameter DebugToolkitImageTag || true)
  step "this deploy updated the stack (docs/deploying.md, \"Upgrading\")"
  echo "The secrets and the environments keep what they had. To do now:"
  policy=$(output ExecUserPolicyArn || true)
  if [ -n "$policy_before" ] && [ "$policy" != "$policy_before" ]; then
    echo "- the people's policy is new: $policy (it was $policy_before)."
    echo "  Attach it where the old one was, then detach the old one (docs/deploying.md, \"The people's"
    echo "  policy gets a fixed name\"): aws iam list-entities-for-policy$with_profile --policy-arn $policy_before"
  else
    echo "- the people's policy is the same: nothing to attach again."
  fi
  if ! $spoke && [ -n "$(parameter Spokes || true)" ]; then
    echo "- the image: this hub serves spokes (Spokes); each spoke's repository needs it, not this one's."
  elif image_published "$uri" "$tag"; then
    echo "- the image: the repository has $tag, the stack's DebugToolkitImageTag; nothing to publish."
  else
    echo "- the image: publish $tag (the stack's DebugToolkitImageTag) if the repository lacks it, as in"
    echo "  step 2 (build ./image again first when infra/debug-toolkit-image/VERSION changed):"
    # publish-image.sh pushes VERSION unless told a tag: a tag of your own is named.
    if [ "$tag" = "$(tr -d '[:space:]' <infra/debug-toolkit-image/VERSION)" ]; then
      echo "     ${env_profile}./scripts/publish-image.sh ./image $uri"
    else
      echo "     ${env_profile}./scripts/publish-image.sh ./image $uri:$tag"
    fi
  fi
  if ! $spoke; then
    manifest=$(output SlackAppManifest || true)
    if [ -n "$manifest_before" ] && [ "$manifest" != "$manifest_before" ]; then
      cat <<NEXT
- the Slack app: its manifest changed (a scope, the command or its URL). At https://api.slack.com/apps,
  your app, "App Manifest": replace it with the output SlackAppManifest, "Save Changes"; when Slack
  asks (a scope changed), "Reinstall to Workspace" and "Allow". If "OAuth & Permissions" then shows
  another Bot User OAuth Token, run step 4's SlackBotTokenCommand again. The manifest:
     aws cloudformation describe-stacks$with_profile --region $region --stack-name $stack \\
       --query "Stacks[0].Outputs[?OutputKey=='SlackAppManifest'].OutputValue" --output text
NEXT
    else
      echo "- the Slack app: its manifest is unchanged; nothing to do in Slack."
    fi
  fi
  notices_steps
  echo "- environments take a new image only when updated (docs/deploying.md, \"Upgrading\", step 4)."
  echo "The first deploy's steps follow; each is done once (skip those you did)."
}
# Spokes' notices reach Slack through the hub (docs/deploying.md, "Notices through the hub"): a
# hub's SpokeAccounts must list every account of Spokes, and a spoke's account must be in its
# hub's SpokeAccounts.
notices_steps() {
  local spokes listed entry missing=""
  if $spoke; then
    echo "- notices: this spoke's go to the hub's bus ($(parameter HubEventBusArn || true)); the hub's"
    echo "  SpokeAccounts must list $account (docs/deploying.md, \"Notices through the hub\")."
    return
  fi
  spokes=$(parameter Spokes || true) listed=",$(parameter SpokeAccounts || true),"
  [ -n "$spokes" ] || return 0
  for entry in $(echo "$spokes" | tr ',' ' '); do
    entry=${entry#*=} entry=${entry%/*}
    case "$listed" in *",$entry,"*|*"<SpokeAccounts>"*) ;; *) missing="$missing $entry" ;; esac
  done
  if [ -n "$missing" ]; then
    echo "- notices: SpokeAccounts lacks$missing (accounts of Spokes): their spokes' notices and launch"
    echo "  replies are refused at this hub's bus. Deploy again with both lists (docs/deploying.md, step 3):"
    echo "     ./scripts/deploy.sh$with_profile --region $region --parameter-overrides \\"
    echo "       \"Spokes=$spokes\" \"SpokeAccounts=<every account of Spokes, comma-separated>\" DebugToolkitImageTag=$(tr -d '[:space:]' <infra/debug-toolkit-image/VERSION)"
  else
    echo "- notices: SpokeAccounts lists every account of Spokes; upgrade each spoke now, with the hub's"
    echo "  HubEventBusArn (docs/deploying.md, \"Notices through the hub\")."
  fi
}
next_steps() {
  if $existing; then update_steps; fi
  if $spoke; then
    step "next steps for this spoke (docs/deploying.md, \"Many accounts and regions\", step 2)"
    cat <<NEXT
With this spoke's credentials${profile_note:+ (profile $profile_note)}: account $account, region $region.
- Publish the debug-toolkit image to the spoke's repository (as step 2 of the path):
     ${env_profile}./scripts/publish-image.sh ./image $(output DebugToolkitRepositoryUri)
- No Slack token here: this spoke's notices go to the hub's bus ($(parameter HubEventBusArn)),
  and the hub posts them once its SpokeAccounts lists this account ($account).
- Attach the people's policy (IAM Identity Center: the name ecs-debug-toolkit-exec-$region, path /,
  in a permission set of this region's accounts only: docs/deploying.md, step 5):
     aws iam attach-role-policy$with_profile --role-name <role> --policy-arn $(output ExecUserPolicyArn)
- Make environments here, with ToolkitStackName=$stack and$with_profile --region $region.
- All of this stack's outputs:
     aws cloudformation describe-stacks$with_profile --region $region --stack-name $stack --query 'Stacks[0].Outputs' --output table
Then, with the hub's credentials and region again, add this spoke to the hub's Spokes and its
account to SpokeAccounts (step 3): the whole lists, the hub's so far (its parameters Spokes and
SpokeAccounts) and this spoke's entries:
     aws cloudformation describe-stacks --profile <hub profile> --region <hub region> --stack-name ecs-debug-toolkit \\
       --query "Stacks[0].Parameters[?ParameterKey=='Spokes' || ParameterKey=='SpokeAccounts'].[ParameterKey,ParameterValue]" --output text
     ./scripts/deploy.sh --profile <hub profile> --region <hub region> --parameter-overrides \\
       "Spokes=<those spokes, if any, then a comma>$(parameter SpokeAlias)=$account/$region" \\
       "SpokeAccounts=<those accounts, if any, then a comma>$account"
NEXT
    return
  fi
  local spokes
  spokes=$(parameter Spokes || true)
  if [ -n "$spokes" ]; then
    step "next steps for this hub (docs/deploying.md, \"Many accounts and regions\")"
    cat <<NEXT
This toolkit is a hub: its Slack command serves the spokes in its Spokes ($spokes), not this
account and region. The image, the people's policy and the environments belong to each spoke
(./scripts/deploy.sh --spoke prints them, with the spoke's profile and region). The hub's own steps:
3. Create the Slack app from its manifest (once): open this link, pick your workspace, Create, then
   "Install to Workspace":
     $(output SlackAppCreateUrl)
4. Give the functions the app's secrets (paste each value in place of PASTE-...):
     $(output SlackSigningSecretCommand)$with_profile
     $(output SlackBotTokenCommand)$with_profile
In Slack: /debug list, then /debug start <alias>/<cluster> 45m (a spoke's alias, one of its clusters).
NEXT
    return
  fi
  step "next steps (docs/deploying.md, steps 2 to 7)"
  cat <<NEXT
2. Publish the debug-toolkit image to the stack's repository (Debian or Ubuntu, root for the build;
   skopeo and jq publish it, mmdebstrap and umoci build it; a Mac: build it with Docker, as
   docs/deploying.md's step 2 shows, then publish it the same way):
     sudo apt-get update && sudo apt-get install -y mmdebstrap umoci skopeo jq
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
     aws iam attach-role-policy$with_profile --role-name <role> --policy-arn $(output ExecUserPolicyArn)
     (or attach-group-policy --group-name <group>, attach-user-policy --user-name <user>)
6. Make an environment (infra/example-environment.yaml), e.g.:
     aws cloudformation deploy$with_profile --region $region --stack-name payments-dev \\
       --template-file infra/example-environment.yaml --parameter-overrides \\
       ToolkitStackName=$stack ClusterName=payments-dev VpcId=vpc-... SubnetIds=subnet-...,subnet-... \\
       AllowedSlackUsers=U...
7. In Slack, in a channel the bot is in (/invite @debug-toolkit): /debug start payments-dev 45m
NEXT
}
