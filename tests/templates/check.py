#!/usr/bin/env python3
"""What a newcomer meets in infra/ and samconfig.toml, checked (tests/templates/run.sh):
- every parameter of the three templates is described, constrained and has a line in docs/deploying.md;
- samconfig.toml gives no parameter but those a release moves (RELEASE_MOVED), each at the
  template's default, in a form SAM parses: SAM gives CloudFormation UsePreviousValue for every
  parameter it is not given, so a value set once with --parameter-overrides stays, while the
  release's image tag still reaches an upgraded stack (docs/decisions.md);
- ExecUserPolicy is named ecs-debug-toolkit-exec-<region> in both templates (IAM Identity Center
  references it by name in every account), which samconfig.toml's capabilities allow, and keeps
  the Description and Path it has: a change to either replaces a managed policy, and
  CloudFormation cannot replace a resource with a custom name (EXEC_POLICY_FROZEN);
- docs/deploying.md: the "enough to create" list names every action a first deploy and an update
  need (DEPLOY_ACTIONS); its IAM Identity Center commands name a profile and region and provision
  to given accounts, never ALL_PROVISIONED_ACCOUNTS; Troubleshooting names each fixed name of the
  templates (a second toolkit or spoke in one account and region fails on it);
- the defaults that must agree do (the image tag and the image's VERSION, the secrets'
  placeholders and the functions' list of them);
- each function logs to a log group of the stack with a retention, and reserves concurrency only
  when ReservedConcurrency asks (slack-command: SlackCommandConcurrency, 10 by default);
- the ExecUserPolicy output lets a person do exactly what the bot hands out, judged by the IAM
  simulator (tests/iam-simulator): exec into and port-forward through debug tasks, nothing else;
- the dashboards of both stacks: named per Region, SEARCH namespaces double-quoted, every
  metric shown, environment operations without a cluster too;
- infra/spoke.yaml admits the hub's role and nothing more, no other account on its bus (check_spoke.py);
- docs/deploying.md's per-environment exec policy, with ExecUserPolicy, admits one environment's
  debug tasks only (check_exec_scope.py, the IAM simulator).
- the example environment: its DebugToolkitImage parameter reaches the custom resource (empty: left
  out, the toolkit's default), and docs/deploying.md's Upgrading moves an environment with it; its
  TryIt output, evaluated against each template's ClusterNamesInSlack export, names the cluster as
  Slack wants it (<alias>/<cluster> through a spoke);
- docs/deploying.md: every delete-stack and wait stack-delete-complete names --profile, --region
  and --stack-name, Teardown deletes the environment, toolkit and spoke stacks and checks each
  with describe-stacks, and each ExecKmsKeyArns fix gives the spoke's command too;
- scripts/spoke-template.py without PyYAML says how to get it (no traceback).
- ecs-environment's own policy, in both templates, touches only the roles and log groups it made,
  judged by the IAM simulator against foreign roles and log groups (check_provider_iam.py).
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
import check_exec_scope  # noqa: E402  (beside this file)

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


# The parameters whose default a release moves, and so samconfig.toml gives at every deploy.
RELEASE_MOVED = {"DebugToolkitImageTag": "the image's VERSION, which each release publishes"}
EXEC_POLICY_NAME = "ecs-debug-toolkit-exec-${AWS::Region}"


def check_samconfig(template, spoke):
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    if config["default"]["build"]["parameters"]["template_file"] != "infra/template.yaml":
        problems.append("samconfig.toml does not build infra/template.yaml")
    # The toolkit's env, and the spoke's (./scripts/deploy.sh --spoke: --config-env spoke).
    for env, template in (("default", template), ("spoke", spoke)):
        where = f"samconfig.toml [{env}.deploy.parameters]"
        deploy = config.get(env, {}).get("deploy", {}).get("parameters")
        if deploy is None:
            problems.append(f"{where} is missing")
            continue
        given = {}
        for item in deploy.get("parameter_overrides", []):
            key, _, value = item.partition("=")
            # SAM's parser reads an unquoted value up to a space and refuses an empty one.
            if value == "" or (" " in value and not value.startswith('"')):
                problems.append(f"{where}: {item!r} must quote its value for SAM")
            given[key] = unquote(value)
        defaults = {k: str(v.get("Default", "")) for k, v in template["Parameters"].items()}
        for key, value in given.items():
            if key not in RELEASE_MOVED:
                problems.append(f"{where} gives {key}={value!r} at every deploy, resetting a value set with "
                                f"--parameter-overrides: list only what a release moves ({', '.join(RELEASE_MOVED)})")
            elif value != defaults.get(key):
                problems.append(f"{where} gives {key}={value!r}, not the template's default {defaults.get(key)!r}")
        for key, why in RELEASE_MOVED.items():
            if key not in given:
                problems.append(f"{where} does not give {key} ({why}): an upgraded stack would keep its old value")
        if "CAPABILITY_NAMED_IAM" not in str(deploy.get("capabilities", "")).split():
            problems.append(f"{where}: capabilities lack CAPABILITY_NAMED_IAM (ExecUserPolicy's fixed name)")


def check_exec_policy_name(template, name):
    policy_name = template["Resources"]["ExecUserPolicy"]["Properties"].get("ManagedPolicyName")
    if not (isinstance(policy_name, Tag) and (policy_name.name, policy_name.value) == ("Sub", EXEC_POLICY_NAME)):
        problems.append(f"{name} ExecUserPolicy: ManagedPolicyName is {policy_name!r}, not !Sub {EXEC_POLICY_NAME} "
                        f"(IAM Identity Center references it by the same name in every account)")


# A change to either property replaces an AWS::IAM::ManagedPolicy ("Update requires: Replacement"),
# and CloudFormation refuses to replace a resource with a custom name: the update would fail
# ("cannot update a stack when a custom-named resource requires replacing"). Path is absent (/).
EXEC_POLICY_FROZEN = {
    "Description": "ecs-debug-toolkit users - ECS Exec and port forwarding into debug tasks of managed clusters",
    "Path": None,
}


def check_exec_policy_frozen(template, name):
    properties = template["Resources"]["ExecUserPolicy"]["Properties"]
    for key, value in EXEC_POLICY_FROZEN.items():
        if properties.get(key) != value:
            problems.append(f"{name} ExecUserPolicy: {key} is {properties.get(key)!r}, not {value!r}: a change to "
                            f"{key} replaces a managed policy, and CloudFormation cannot replace one with a custom "
                            f"name (ManagedPolicyName), so every stack's update would fail. Keep it (the comment at "
                            f"the resource says how to change it)")


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
    "DebugLauncherFunction": {
        "MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes",
        "MAX_DEBUG_TASKS_PER_USER": "MaxDebugTasksPerUser",
    },
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
        # slack-command's public Function URL has its own, on by default (issue 36).
        condition = "HasSlackCommandConcurrency" if name == "SlackCommandFunction" else "HasReservedConcurrency"
        if not (isinstance(reserved, Tag) and reserved.name == "If" and reserved.value[0] == condition):
            problems.append(f"{name}: ReservedConcurrentExecutions {reserved!r} is not conditioned on {condition}")


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


# What the Session Manager plugin asks KMS for (session-manager-plugin's encrypter).
SESSION_KEY_CONTEXT = {"kms:EncryptionContextKeys": ["aws:ssm:SessionId", "aws:ssm:TargetId"]}


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
        (KEY, "kms:GenerateDataKey", KEY, SESSION_KEY_CONTEXT, True),
        # The session's data key only: not another use of the same key.
        (KEY, "kms:GenerateDataKey", KEY, {}, False),
        (KEY, "kms:GenerateDataKey", KEY, {"kms:EncryptionContextKeys": ["aws:logs:arn"]}, False),
        (KEY, "kms:GenerateDataKey", KEY.replace("1234abcd", "9999abcd"), SESSION_KEY_CONTEXT, False),
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


SEARCH_SCHEMA = re.compile(r"SEARCH\('\{([^}]*)\}([^']*)'")
NAMESPACE = '"ecs-debug-toolkit"'  # double-quoted: CloudWatch's search syntax, for the hyphen


def expressions(node):
    """Every metric math expression in a dashboard body."""
    if isinstance(node, dict):
        found = [node["expression"]] if isinstance(node.get("expression"), str) else []
        return found + [e for value in node.values() for e in expressions(value)]
    if isinstance(node, list):
        return [e for value in node for e in expressions(value)]
    return []


def check_dashboard(template, name="template.yaml"):
    """The dashboard is named per Region (dashboards are account-wide) and so is its link; its
    body is JSON once substituted, shows every metric the code emits, each SEARCH double-quotes
    the namespace, and environment operations without a cluster (dimension Outcome alone) have
    their own search."""
    dashboard = template["Resources"]["Dashboard"]["Properties"]
    if dashboard.get("DashboardName") != Tag("Sub", "${AWS::StackName}-${AWS::Region}"):
        problems.append(f'{name} Dashboard: DashboardName is not !Sub "${{AWS::StackName}}-${{AWS::Region}}" '
                        f"(dashboards are account-wide: the same stack name in a second Region fails)")
    url = template["Outputs"]["DashboardUrl"]["Value"]
    if not (isinstance(url, Tag) and url.name == "Sub" and "region=${AWS::Region}#dashboards:name=${Dashboard}" in url.value):
        problems.append(f"{name} DashboardUrl: does not link the dashboard by its name in its Region")
    body = dashboard["DashboardBody"].value
    body = body.replace("${AWS::Region}", REGION).replace("${AWS::StackName}", "stack")
    try:
        parsed = json.loads(body)
    except ValueError as error:
        problems.append(f"{name} Dashboard: the body is not JSON: {error}")
        return
    shown = json.dumps(parsed)
    code = (ROOT / "shared/src/metrics.rs").read_text()
    for metric in re.findall(r'pub const [A-Z_]+: &str = "([A-Za-z]+)";', code):
        if metric[0].isupper() and metric not in ("Cluster", "Reason", "Outcome") and f'\\"{metric}\\"' not in shown:
            problems.append(f"Dashboard: metric {metric} (shared/src/metrics.rs) is not shown in {name}")
    searches = [SEARCH_SCHEMA.match(e) for e in expressions(parsed) if e.startswith("SEARCH(")]
    for search in searches:
        if search is None or search.group(1).split(",")[0] != NAMESPACE:
            problems.append(f"{name} Dashboard: a SEARCH whose schema does not start with {NAMESPACE}: "
                            f"{search.group(0) if search else 'unreadable'}")
    if not any(
        search and search.group(1) == f"{NAMESPACE},Outcome" and 'MetricName="EnvironmentOperations"' in search.group(2)
        for search in searches
    ):
        problems.append(f"{name} Dashboard: no SEARCH of EnvironmentOperations by Outcome alone "
                        f"(operations refused before a cluster was named carry no Cluster dimension)")


def check_metric_sources():
    """Each metric's doc comment in shared/src/metrics.rs names the file that emits it, truly."""
    code = (ROOT / "shared/src/metrics.rs").read_text()
    for doc, const, metric in re.findall(r'((?:///[^\n]*\n)+)pub const ([A-Z_]+): &str = "([A-Z][A-Za-z]+)";', code):
        if metric in ("Cluster", "Reason", "Outcome"):
            continue
        files = re.findall(r"functions/[\w-]+/src/[\w/]+\.rs", doc)
        if not files:
            problems.append(f"shared/src/metrics.rs {const}: its doc comment names no functions/…/*.rs that emits it")
        for file in files:
            path = ROOT / file
            if not path.exists() or f"metrics::{const}" not in path.read_text():
                problems.append(f"shared/src/metrics.rs {const}: {file} does not emit it (no metrics::{const})")


def check_readme_modules():
    """README's `shared/` row names every module of shared/src/lib.rs."""
    modules = re.findall(r"^pub mod (\w+);", (ROOT / "shared/src/lib.rs").read_text(), re.M)
    row = next((line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `shared/` |")), "")
    for module in modules:
        if f"`{module}`" not in row:
            problems.append(f"README.md: the shared/ row does not name the module `{module}` (shared/src/lib.rs)")


# How a cluster is written in Slack, per template: the toolkit's own name, or <alias>/<name> in a spoke.
CLUSTER_IN_SLACK = {"template.yaml": "payments-dev", "spoke.yaml": "prod/payments-dev"}


def evaluate(node, parameters, exports):
    """A value as CloudFormation makes it: Ref to parameters, Sub, Join, Split, Select, ImportValue."""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return [evaluate(x, parameters, exports) for x in node]
    if isinstance(node, dict) and len(node) == 1:
        ((key, value),) = node.items()
        node = Tag(key.removeprefix("Fn::"), value)
    if not isinstance(node, Tag):
        raise ValueError(f"cannot evaluate {node!r}")
    if node.name == "Ref":
        return parameters[node.value]
    if node.name == "Sub":
        text, variables = (node.value, {}) if isinstance(node.value, str) else node.value
        values = parameters | {k: evaluate(v, parameters, exports) for k, v in variables.items()}
        return re.sub(r"\$\{([A-Za-z0-9:.]+)\}", lambda m: values[m.group(1)], text)
    if node.name == "Join":
        separator, items = node.value
        return separator.join(evaluate(items, parameters, exports))
    if node.name == "Split":
        separator, value = node.value
        return evaluate(value, parameters, exports).split(separator)
    if node.name == "Select":
        index, items = node.value
        return evaluate(items, parameters, exports)[int(index)]
    if node.name == "ImportValue":
        name = evaluate(node.value, parameters, exports)
        if name not in exports:
            raise KeyError(f"No export named {name} found")
        return exports[name]
    raise ValueError(f"cannot evaluate !{node.name}")


def exports_of(template, stack, parameters):
    """The exports a stack of `template` named `stack` makes, with their values."""
    values = {}
    for output in template["Outputs"].values():
        if "Export" in output:
            given = parameters | {"AWS::StackName": stack}
            try:
                values[evaluate(output["Export"]["Name"], given, {})] = evaluate(output["Value"], given, {})
            except (KeyError, ValueError):
                continue  # GetAtt and the like: not what TryIt reads
    return values


def check_example(example, templates, docs):
    """The example environment: its image can be moved by a parameter (DebugToolkitImage, empty =
    the toolkit's default), and TryIt names the cluster as Slack wants it, in a toolkit's account
    and in a spoke's (<alias>/<cluster>), whichever stack ToolkitStackName names."""
    parameter = example["Parameters"].get("DebugToolkitImage")
    properties = example["Resources"]["DebugEnvironment"]["Properties"]
    if parameter is None:
        problems.append("example-environment.yaml: no parameter DebugToolkitImage (an environment could not be "
                        "moved to a new image by a command: an unchanged template makes no Update)")
    else:
        if parameter.get("Default") != "":
            problems.append("example-environment.yaml DebugToolkitImage: its Default must be empty (the toolkit's image)")
        given = properties.get("DebugToolkitImage")
        ok = (isinstance(given, Tag) and given.name == "If" and given.value[1] == Tag("Ref", "DebugToolkitImage")
              and given.value[2] == Tag("Ref", "AWS::NoValue"))
        if ok:
            condition = example["Conditions"].get(given.value[0])
            ok = condition == Tag("Not", [Tag("Equals", [Tag("Ref", "DebugToolkitImage"), ""])])
        if not ok:
            problems.append(f"example-environment.yaml DebugEnvironment: DebugToolkitImage is {given!r}, not !If "
                            f"[<DebugToolkitImage not empty>, !Ref DebugToolkitImage, !Ref AWS::NoValue]")
        pattern = parameter.get("AllowedPattern", "")
        # ecs-environment's rules::is_image: 1 to 255 of letters, digits, - _ . : / @ #, a letter or digit first.
        for image, accepted in (("", True), ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.1.1", True),
                                ("public.ecr.aws/x/tools@sha256:" + "a" * 64, True), ("-x", False), ("a b", False),
                                ("a" * 256, False)):
            if bool(re.fullmatch(pattern, image)) != accepted:
                problems.append(f"example-environment.yaml DebugToolkitImage: its AllowedPattern "
                                f"{'refuses' if accepted else 'admits'} {image[:60]!r}, which ecs-environment "
                                f"{'accepts' if accepted else 'refuses'}")
    upgrading = docs[docs.index("## Upgrading"):docs.index("### Your own values")]
    commands = re.sub(r"\\\n\s*", " ", upgrading)
    moving = [c for c in re.findall(r"aws cloudformation deploy [^\n`]*", commands) if "DebugToolkitImage=" in c]
    if not moving or not all("--no-fail-on-empty-changeset" in c for c in moving):
        problems.append("docs/deploying.md, Upgrading: no `aws cloudformation deploy … DebugToolkitImage=… "
                        "--no-fail-on-empty-changeset` that moves an existing environment to the new image")
    try_it = example["Outputs"]["TryIt"]["Value"]
    for name, template in templates:
        stack = {"template.yaml": "ecs-debug-toolkit", "spoke.yaml": "ecs-debug-toolkit-spoke"}[name]
        exports = exports_of(template, stack, {"SpokeAlias": "prod"})
        parameters = {"ToolkitStackName": stack, "ClusterName": "payments-dev"}
        try:
            shown = evaluate(try_it, parameters, exports)
        except (KeyError, ValueError) as error:
            problems.append(f"example-environment.yaml TryIt with ToolkitStackName={stack} ({name}): {error}")
            continue
        expected = f"/debug start {CLUSTER_IN_SLACK[name]} 45m"
        if shown != expected:
            problems.append(f"example-environment.yaml TryIt with ToolkitStackName={stack} ({name}, SpokeAlias=prod) "
                            f"is {shown!r}, not {expected!r}")


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


def check_pyyaml_message():
    """Without PyYAML (python3 -S leaves out site-packages), the generator says how to get it."""
    run = subprocess.run([sys.executable, "-S", str(ROOT / "scripts/spoke-template.py"), "check"],
                         capture_output=True, text=True)
    if run.returncode == 0 or "Traceback" in run.stderr or "pip install PyYAML" not in run.stderr:
        problems.append(f"scripts/spoke-template.py without PyYAML: {run.stderr.strip()[-200:]!r} does not say "
                        f"`python3 -m pip install PyYAML` (or the SAM venv's python)")


def main():
    docs = (ROOT / "docs/deploying.md").read_text()
    toolkit, example, spoke = load("template.yaml"), load("example-environment.yaml"), load("spoke.yaml")
    check_parameters("template.yaml", toolkit, docs)
    check_parameters("example-environment.yaml", example, docs)
    check_parameters("spoke.yaml", spoke, docs)
    check_samconfig(toolkit, spoke)
    check_exec_policy_name(toolkit, "template.yaml")
    check_exec_policy_name(spoke, "spoke.yaml")
    check_exec_policy_frozen(toolkit, "template.yaml")
    check_exec_policy_frozen(spoke, "spoke.yaml")
    check_deploy_docs(docs, [("template.yaml", toolkit), ("spoke.yaml", spoke)])
    check_agreements(toolkit)
    check_functions(toolkit)
    check_functions(spoke, without=("SlackCommandFunction",))
    check_dashboard(toolkit)
    check_metric_sources()
    check_readme_modules()
    check_dashboard(spoke, "spoke.yaml")
    problems.extend(check_spoke.check(toolkit, spoke))
    check_example(example, [("template.yaml", toolkit), ("spoke.yaml", spoke)], docs)
    check_teardown_docs(docs)
    check_pyyaml_message()
    cases = check_exec_user_policy(toolkit)
    provider_cases = 0
    for name in ("template.yaml", "spoke.yaml"):
        found, provider_cases = check_provider_iam.check(ROOT / "infra" / name, name)
        problems.extend(found)
    exec_policy = resolve(toolkit["Resources"]["ExecUserPolicy"]["Properties"]["PolicyDocument"], {"ExecKmsKeyArns": ""})
    scoped, scoped_cases = check_exec_scope.check(exec_policy, docs)
    problems.extend(scoped)
    cases += scoped_cases
    for problem in problems:
        print(f"templates: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    count = len(toolkit["Parameters"]) + len(example["Parameters"]) + len(spoke["Parameters"])
    print(f"templates: ok ({count} parameters described, constrained and documented; samconfig.toml "
          f"gives only {', '.join(RELEASE_MOVED)}; ExecUserPolicy named {EXEC_POLICY_NAME}; ExecUserPolicy: {cases} cases and ecs-environment's policy {provider_cases} cases in each template as the IAM simulator judges them; the spoke's bus "
          f"without a policy, its hub role's trust and grants as tight as slack-command's)")


if __name__ == "__main__":
    main()
