#!/usr/bin/env python3
"""What a newcomer meets in infra/ and samconfig.toml, checked (tests/templates/run.sh):
- every parameter of the three templates is described, constrained and has a line in docs/deploying.md;
- samconfig.toml names every toolkit parameter with the template's default, in a form SAM parses;
- the defaults that must agree do (the image tag and the image's VERSION, the secrets'
  placeholders and the functions' list of them);
- each function logs to a log group of the stack with a retention, and reserves concurrency only
  when ReservedConcurrency asks;
- the ExecUserPolicy output lets a person do exactly what the bot hands out, judged by the IAM
  simulator (tests/iam-simulator): exec into and port-forward through debug tasks, nothing else;
- infra/spoke.yaml admits the hub and nothing more (check_spoke.py);
- ecs-environment's own policy, in both templates, touches only the roles and log groups it made,
  judged by the IAM simulator against a foreign admin role and log group (check_provider_iam.py).
Exit 1 naming every problem.
"""
import json
import pathlib
import re
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import cfn_yaml  # noqa: E402  (the template loader the template tools share)
from cfn_yaml import Tag  # noqa: E402
import check_spoke  # noqa: E402  (beside this file)
import check_provider_iam  # noqa: E402  (beside this file)

problems = []


def load(name):
    return cfn_yaml.load(ROOT / "infra" / name)


def check_parameters(name, template, docs):
    for parameter, spec in template["Parameters"].items():
        where = f"{name} {parameter}"
        if not spec.get("Description"):
            problems.append(f"{where}: no Description")
        if f"`{parameter}`" not in docs:
            problems.append(f"{where}: not in docs/deploying.md (as `{parameter}`)")
        kind = spec["Type"]
        constrained = {
            "String": ("AllowedPattern", "AllowedValues"),
            "Number": ("MinValue", "AllowedValues"),
        }.get(kind)
        if constrained and not any(k in spec for k in constrained):
            problems.append(f"{where}: a {kind} with none of {constrained}")
        if kind == "Number" and "MinValue" in spec and "MaxValue" not in spec:
            problems.append(f"{where}: MinValue without MaxValue")
        used = json.dumps({k: v for k, v in template.items() if k != "Parameters"}, default=vars)
        if f'"{parameter}"' not in used and "${" + parameter + "}" not in used:
            problems.append(f"{where}: offered but used nowhere in the template")
        pattern, default = spec.get("AllowedPattern"), spec.get("Default")
        if pattern and default is not None and not re.fullmatch(pattern, str(default)):
            problems.append(f"{where}: its Default {default!r} does not match its AllowedPattern")


def unquote(value):
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def check_samconfig(template):
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())["default"]
    overrides = config["deploy"]["parameters"]["parameter_overrides"]
    given = {}
    for item in overrides:
        key, _, value = item.partition("=")
        # SAM's parser reads an unquoted value up to a space and refuses an empty one.
        if value == "" or (" " in value and not value.startswith('"')):
            problems.append(f"samconfig.toml: {item!r} must quote its value for SAM")
        given[key] = unquote(value)
    defaults = {k: str(v.get("Default", "")) for k, v in template["Parameters"].items()}
    if given != defaults:
        problems.append(f"samconfig.toml parameter_overrides {given} are not the template's defaults {defaults}")
    if config["build"]["parameters"]["template_file"] != "infra/template.yaml":
        problems.append("samconfig.toml does not build infra/template.yaml")


def check_agreements(template):
    version = (ROOT / "infra/debug-toolkit-image/VERSION").read_text().strip()
    if template["Parameters"]["DebugToolkitImageTag"]["Default"] != version:
        problems.append(f"DebugToolkitImageTag's default is not the image's VERSION {version}")
    code = (ROOT / "shared/src/secrets/value.rs").read_text()
    for secret in ("SlackSigningSecret", "SlackBotToken"):
        placeholder = template["Resources"][secret]["Properties"]["SecretString"]
        if f'"{placeholder}"' not in code:
            problems.append(f"{secret}'s placeholder {placeholder!r} is not in shared/src/secrets/value.rs PLACEHOLDERS")


# The stack's parameters each function must be given (the defaults must really apply).
PASSED = {
    "EcsEnvironmentFunction": {
        "DEFAULT_IDLE_TIMEOUT_MINUTES": "DefaultIdleTimeoutMinutes",
        "DEFAULT_MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes",
    },
    "IdleReaperFunction": {
        "IDLE_TIMEOUT_MINUTES": "DefaultIdleTimeoutMinutes",
        "MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes",
        "DRY_RUN": "ReaperDryRun",
    },
    "DebugLauncherFunction": {"MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes"},
    "SlackCommandFunction": {"MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes"},
}


def check_functions(template, without=()):
    resources = template["Resources"]
    for name, variables in PASSED.items():
        if name in without:
            continue
        given = resources[name]["Properties"]["Environment"]["Variables"]
        for variable, parameter in variables.items():
            value = given.get(variable)
            if not (isinstance(value, Tag) and (value.name, value.value) == ("Ref", parameter)):
                problems.append(f"{name}: {variable} is not !Ref {parameter}")
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        group = props.get("LoggingConfig", {}).get("LogGroup")
        if not (isinstance(group, Tag) and group.name == "Ref"):
            problems.append(f"{name}: LoggingConfig.LogGroup is not a log group of the stack")
        elif "RetentionInDays" not in resources[group.value]["Properties"]:
            problems.append(f"{name}: its log group {group.value} has no retention")
        reserved = props.get("ReservedConcurrentExecutions")
        if not (isinstance(reserved, Tag) and reserved.name == "If" and reserved.value[0] == "HasReservedConcurrency"):
            problems.append(f"{name}: ReservedConcurrentExecutions {reserved!r} is not conditioned on ReservedConcurrency")


REGION, ACCOUNT = "eu-west-1", "123456789012"
# A key's default policy: the account's IAM policies decide (without it, IAM grants nothing on a key).
DEFAULT_KEY_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Enable IAM User Permissions", "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}]}
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def resolve(node, parameters):
    """The policy as CloudFormation would make it with `parameters`."""
    if isinstance(node, list):
        return [v for v in (resolve(x, parameters) for x in node) if v is not None]
    if isinstance(node, dict):
        return {k: v for k, v in ((k, resolve(x, parameters)) for k, x in node.items()) if v is not None}
    if not isinstance(node, Tag):
        return node
    if node.name == "Sub":
        text = node.value.replace("${AWS::Partition}", "aws").replace("${AWS::Region}", REGION)
        return text.replace("${AWS::AccountId}", ACCOUNT).replace("${!", "${")
    if node.name == "Ref":
        return None if node.value == "AWS::NoValue" else parameters[node.value]
    if node.name == "If":
        condition, then, otherwise = node.value
        assert condition == "HasExecKmsKeys", condition
        return resolve(then if parameters["ExecKmsKeyArns"] else otherwise, parameters)
    if node.name == "Split":
        separator, value = node.value
        return resolve(value, parameters).split(separator)
    raise ValueError(f"!{node.name} in ExecUserPolicy")


def check_exec_user_policy(template):
    document = template["Resources"]["ExecUserPolicy"]["Properties"]["PolicyDocument"]
    user = f"arn:aws:sts::{ACCOUNT}:assumed-role/Developers/alice"
    userid = "AROAEXAMPLEID:alice"
    ours = {"aws:ResourceTag/debug-toolkit:managed-by": "ecs-debug-toolkit"}
    task = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/payments-dev/0123456789abcdef0123456789abcdef"
    cluster = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/payments-dev"
    # (The simulator cannot read the account-less form; the policy's "*" account covers both.)
    document_arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/"
    exec_ = {"ecs:container-name": "debug-toolkit"}
    cases = [
        # (keys, action, resource, context, allowed)
        ("", "ecs:ExecuteCommand", task, ours | exec_, True),
        ("", "ecs:ExecuteCommand", cluster, ours | exec_, True),
        ("", "ecs:ExecuteCommand", task, ours | {"ecs:container-name": "app"}, False),
        ("", "ecs:ExecuteCommand", task, exec_, False),
        ("", "ecs:ExecuteCommand", task, {"aws:ResourceTag/debug-toolkit:managed-by": "someone-else"} | exec_, False),
        ("", "ecs:DescribeTasks", task, ours, True),
        ("", "ecs:DescribeTasks", task, {}, False),
        ("", "ssm:StartSession", task, ours, True),
        ("", "ssm:StartSession", task, ours | {"ssm:SessionDocumentAccessCheck": "true"}, True),
        ("", "ssm:StartSession", task, {}, False),
        ("", "ssm:StartSession", f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0", ours, False),
        ("", "ssm:StartSession", document_arn + "AWS-StartPortForwardingSessionToRemoteHost", {}, True),
        ("", "ssm:StartSession", document_arn + "AWS-StartInteractiveCommand", {}, False),
        ("", "ssm:StartSession", document_arn + "SSM-SessionManagerRunShell", {}, False),
        ("", "ssm:TerminateSession", f"arn:aws:ssm:{REGION}:{ACCOUNT}:session/{userid}-0a1b2c3d4e5f", {"aws:userid": userid}, True),
        ("", "ssm:TerminateSession", f"arn:aws:ssm:{REGION}:{ACCOUNT}:session/AROAOTHER:bob-0a1b2c3d4e5f", {"aws:userid": userid}, False),
        ("", "kms:GenerateDataKey", KEY, {}, False),
        (KEY, "kms:GenerateDataKey", KEY, {}, True),
        (KEY, "kms:GenerateDataKey", KEY.replace("1234abcd", "9999abcd"), {}, False),
        ("", "ecs:RunTask", f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/payments-dev-debug-toolkit:1", ours, False),
    ]
    requests = []
    for keys, action, resource, context, _ in cases:
        policy = resolve(document, {"ExecKmsKeyArns": keys})
        requests.append(json.dumps({
            "policies": [policy], "action": action, "resource": resource,
            "context": context | {"aws:userid": context.get("aws:userid", userid)},
            "account": ACCOUNT, "principal": user,
        } | ({"resourcePolicy": DEFAULT_KEY_POLICY} if action.startswith("kms:") else {})))
    simulator = ROOT / "tests/iam-simulator/simulate.mjs"
    answers = subprocess.run(["node", str(simulator)], input="\n".join(requests) + "\n",
                             capture_output=True, text=True, check=True).stdout.splitlines()
    for (keys, action, resource, context, allowed), line in zip(cases, answers, strict=True):
        answer = json.loads(line)
        if answer["result"] == "Error" or (answer["result"] == "Allowed") != allowed:
            problems.append(
                f"ExecUserPolicy (ExecKmsKeyArns={keys!r}): {action} on {resource} with {context} "
                f"should be {'allowed' if allowed else 'denied'}: {answer}"
            )
    return len(cases)


def check_dashboard(template, name="template.yaml"):
    """The dashboard's body is JSON once substituted, and shows every metric the code emits."""
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"].value
    body = body.replace("${AWS::Region}", REGION).replace("${AWS::StackName}", "stack")
    try:
        shown = json.dumps(json.loads(body))
    except ValueError as error:
        problems.append(f"{name} Dashboard: the body is not JSON: {error}")
        return
    code = (ROOT / "shared/src/metrics.rs").read_text()
    for metric in re.findall(r'pub const [A-Z_]+: &str = "([A-Za-z]+)";', code):
        if metric[0].isupper() and metric not in ("Cluster", "Reason", "Outcome") and f'\\"{metric}\\"' not in shown:
            problems.append(f"Dashboard: metric {metric} (shared/src/metrics.rs) is not shown in {name}")


def main():
    docs = (ROOT / "docs/deploying.md").read_text()
    toolkit, example, spoke = load("template.yaml"), load("example-environment.yaml"), load("spoke.yaml")
    check_parameters("template.yaml", toolkit, docs)
    check_parameters("example-environment.yaml", example, docs)
    check_parameters("spoke.yaml", spoke, docs)
    check_samconfig(toolkit)
    check_agreements(toolkit)
    check_functions(toolkit)
    check_functions(spoke, without=("SlackCommandFunction",))
    check_dashboard(toolkit)
    check_dashboard(spoke, "spoke.yaml")
    problems.extend(check_spoke.check(toolkit, spoke))
    cases = check_exec_user_policy(toolkit)
    provider_cases = 0
    for name in ("template.yaml", "spoke.yaml"):
        found, provider_cases = check_provider_iam.check(ROOT / "infra" / name, name)
        problems.extend(found)
    for problem in problems:
        print(f"templates: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    count = len(toolkit["Parameters"]) + len(example["Parameters"]) + len(spoke["Parameters"])
    print(f"templates: ok ({count} parameters described, constrained and documented; samconfig.toml "
          f"in step; ExecUserPolicy: {cases} cases and ecs-environment's policy {provider_cases} cases in "
          f"each template as the IAM simulator judges them; the spoke's bus "
          f"policy, hub role trust and grants as tight as slack-command's)")


if __name__ == "__main__":
    main()
