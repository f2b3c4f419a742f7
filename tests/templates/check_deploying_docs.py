"""docs/deploying.md's commands and lists against the templates (tests/templates/check.py runs these):
- the "enough to create" list names every action a first deploy and an update need
  (DEPLOY_ACTIONS); its IAM Identity Center commands name a profile and region and provision to
  given accounts, never ALL_PROVISIONED_ACCOUNTS; Troubleshooting names each fixed name of the
  templates (a second toolkit or spoke in one account and region fails on it);
- every delete-stack and wait stack-delete-complete names --profile, --region and --stack-name,
  Teardown deletes the environment, toolkit and spoke stacks and checks each with describe-stacks,
  and each ExecKmsKeyArns fix gives the spoke's command too;
- Upgrading's snippet computing a long ClusterName's new role names prints what names.rs makes.
"""
import re
import subprocess

from check_common import problems
from cfn_yaml import Tag  # (check_common puts scripts/ on the path)


# What a first deploy and later updates call, beyond administrator's reach, that the "enough to
# create" list of docs/deploying.md must name (SAM tags the roles and functions it generates with
# lambda:createdBy=SAM, calls GetTemplateSummary on every update; a policy update is a new version).
DEPLOY_ACTIONS = [
    "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet", "cloudformation:DescribeStacks",
    "cloudformation:GetTemplateSummary",
    "iam:CreateRole", "iam:TagRole", "iam:PutRolePolicy", "iam:PassRole",
    "iam:CreatePolicy", "iam:GetPolicy", "iam:ListPolicyVersions", "iam:CreatePolicyVersion",
    "iam:DeletePolicyVersion", "iam:DeletePolicy",
    "lambda:CreateFunction", "lambda:TagResource", "lambda:PutFunctionConcurrency",
    "lambda:CreateFunctionUrlConfig", "lambda:AddPermission",
    "logs:CreateLogGroup", "events:CreateEventBus", "cloudwatch:PutMetricAlarm", "cloudwatch:PutDashboard",
    "s3:CreateBucket",
]


def check_deploy_docs(docs, templates):
    need = docs[docs.index("**What you need:**"):docs.index("## The path")]
    for action in DEPLOY_ACTIONS:
        service, name = action.split(":")
        # Written in full, or as a bare name after its service's first (`lambda:CreateFunction`, `AddPermission`).
        if f"`{action}`" not in need and f"`{name}`" not in need:
            problems.append(f"docs/deploying.md, What you need: the 'enough to create' list lacks `{action}`")
    # IAM Identity Center: sso-admin is regional (the instance's home region), and a permission set's
    # customer managed policy reference must exist in every account the set is provisioned to.
    commands = re.sub(r"\\\n\s*", " ", docs)
    for command in re.findall(r"aws sso-admin [^\n`]*", commands):
        for option in ("--profile", "--region"):
            if option not in command:
                problems.append(f"docs/deploying.md: `{command[:60]}…` has no {option} (sso-admin is regional)")
    if "ALL_PROVISIONED_ACCOUNTS" in docs:
        problems.append("docs/deploying.md: ALL_PROVISIONED_ACCOUNTS provisions a permission set to accounts that may "
                        "lack the policy it references: provision to the accounts with a toolkit or spoke")
    trouble = docs[docs.index("## Troubleshooting"):docs.index("## What the stack creates")]
    rows = [row for row in trouble.splitlines() if "already exists" in row]
    for name, template in templates:
        for logical_id, resource in template["Resources"].items():
            props = resource.get("Properties", {})
            fixed = props.get({"AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::ECR::Repository": "RepositoryName",
                               "AWS::IAM::Role": "RoleName", "AWS::Events::EventBus": "Name"}.get(resource["Type"], ""))
            text = fixed.value if isinstance(fixed, Tag) and fixed.name == "Sub" else fixed
            if not isinstance(text, str) or "${AWS::StackName}" in text:
                continue
            shown = text.replace("${AWS::Region}", "<region>")
            if not any(f"`{shown} already exists" in row or f"`{shown}` already exists" in row for row in rows):
                problems.append(f"docs/deploying.md, Troubleshooting: no row for {name} {logical_id}'s fixed name "
                                f"`{shown} already exists` (a second stack in the account and region fails on it)")


def blocks(docs):
    """The paragraphs of a page, each table row on its own."""
    for paragraph in re.split(r"\n\s*\n", docs):
        rows = [line for line in paragraph.splitlines() if line.startswith("|")]
        yield from rows or [paragraph]


def check_teardown_docs(docs):
    """Every delete names its account and region (a delete-stack of a stack that is not there, in
    another account, region or under another name, succeeds and deletes nothing), Teardown checks
    each delete with describe-stacks, and spokes are torn down with their own commands; the fix for
    a KMS key (ExecKmsKeyArns) is given for a spoke's stack too, whose policy people use there."""
    commands = re.sub(r"\\\n\s*", " ", docs)
    for command in re.findall(r"aws cloudformation (?:delete-stack|wait stack-delete-complete)[^\n`]*", commands):
        for option in ("--profile", "--region", "--stack-name"):
            if option not in command:
                problems.append(f"docs/deploying.md: `{command[:70]}…` has no {option} (a delete of a stack that is "
                                f"not there succeeds silently)")
    teardown = commands[commands.index("## Teardown"):commands.index("## Troubleshooting")]
    deleted = re.findall(r"aws cloudformation delete-stack [^\n`]*?--stack-name ([\w<>-]+)", teardown)
    for stack in ("payments-dev", "ecs-debug-toolkit", "ecs-debug-toolkit-spoke"):
        if stack not in deleted:
            problems.append(f"docs/deploying.md, Teardown: no delete-stack of {stack}")
    for stack in set(deleted):
        if not re.search(r"aws cloudformation describe-stacks [^\n`]*--stack-name " + re.escape(stack) + r"\b", teardown):
            problems.append(f"docs/deploying.md, Teardown: {stack} is deleted but never checked with describe-stacks")
    for block in blocks(docs):
        if "deploy.sh" in block and "ExecKmsKeyArns=" in block:
            if not re.search(r"deploy\.sh --spoke [^`]*ExecKmsKeyArns=", block):
                problems.append(f"docs/deploying.md: the ExecKmsKeyArns fix is given for the toolkit only, not as "
                                f"`./scripts/deploy.sh --spoke --profile … --region … --parameter-overrides "
                                f"ExecKmsKeyArns=…` for a spoke: {block.strip()[:80]!r}…")


def check_role_names_snippet(docs):
    """The Upgrading section's snippet that computes a long ClusterName's new role names gives
    what functions/ecs-environment/src/names.rs makes (its test
    `long_role_names_are_shortened_deterministically_keeping_their_kind` pins the same names)."""
    at = docs.find("<!-- new-role-names -->")
    block = re.search(r"```sh\n(.*?)```", docs[at:], re.S) if at >= 0 else None
    if block is None:
        problems.append("docs/deploying.md: no shell block after <!-- new-role-names -->")
        return
    script = block.group(1).replace("c=<ClusterName>", "c=" + "c" * 50)
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    expected = ["role/ecs-debug-toolkit/" + "c" * 38 + ".002a5b5985-task-execution",
                "role/ecs-debug-toolkit/" + "c" * 34 + ".2587c31bfa-debug-toolkit-task",
                "unchanged: " + "c" * 50 + "-app-task"]
    if run.stdout.splitlines() != expected:
        problems.append(f"docs/deploying.md: the new-role-names snippet printed {run.stdout!r} "
                        f"({run.stderr.strip()!r}), not {expected}")
