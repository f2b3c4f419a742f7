"""ecs-environment's own policy, as CloudFormation would make it from infra/template.yaml and
infra/spoke.yaml, judged by the IAM simulator (tests/iam-simulator; tests/templates/check.py runs
these): it may tag, change, pass and delete only the roles it creates (under /ecs-debug-toolkit/,
with our tag), create roles only there and only with the stack's permissions boundary, remove
the roles earlier versions made only by their names and our tag, and delete or change only log
groups carrying our tag. A foreign admin role (`role/Admin`, with or without our tag, as the old
TagRole grant could have put it there) and a foreign log group are refused everything.
`check(template, name)` returns the problems it found.
"""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "moto"))
from strict.policies import TemplateResolver, load_template  # noqa: E402

REGION, ACCOUNT = "eu-west-1", "123456789012"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/ecs-debug-toolkit/toolkit-EnvironmentRoleBoundary-1A2B3C"
FUNCTION = "EcsEnvironmentFunction"
OURS = {"debug-toolkit:managed-by": "ecs-debug-toolkit", "debug-toolkit:owner": "arn:aws:cloudformation:x"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def on(tags):
    """The condition context of a resource carrying `tags`."""
    context = {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
    return context | {f"iam:ResourceTag/{k}": v for k, v in tags.items()}


def asking(tags):
    return {f"aws:RequestTag/{k}": v for k, v in tags.items()} | ({"aws:TagKeys": list(tags)} if tags else {})


def cases():
    """(what, action, resource, context, allowed)."""
    ours = ROLE + "ecs-debug-toolkit/pay-app-task-role"
    earlier = ROLE + "pay-app-task"
    out = []
    for admin, tags in (("untagged", {}), ("tagged as ours", OURS)):
        admin_role = ROLE + "Admin"
        out += [
            (f"foreign {admin} Admin", "iam:TagRole", admin_role, on(tags) | asking(OURS), False),
            (f"foreign {admin} Admin", "iam:PutRolePolicy", admin_role, on(tags), False),
            (f"foreign {admin} Admin", "iam:UpdateAssumeRolePolicy", admin_role, on(tags), False),
            (f"foreign {admin} Admin", "iam:AttachRolePolicy", admin_role,
             on(tags) | {"iam:PolicyARN": EXECUTION_POLICY}, False),
            (f"foreign {admin} Admin", "iam:PassRole", admin_role,
             on(tags) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}, False),
            (f"foreign {admin} Admin", "iam:DeleteRole", admin_role, on(tags), False),
            (f"foreign {admin} Admin", "iam:DeleteRolePolicy", admin_role, on(tags), False),
        ]
    out += [
        ("ours", "iam:TagRole", ours, on(OURS) | asking(OURS), True),
        ("ours", "iam:PutRolePolicy", ours, on(OURS), True),
        ("ours", "iam:UpdateAssumeRolePolicy", ours, on(OURS), True),
        ("ours", "iam:AttachRolePolicy", ours, on(OURS) | {"iam:PolicyARN": EXECUTION_POLICY}, True),
        ("ours, another policy", "iam:AttachRolePolicy", ours,
         on(OURS) | {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}, False),
        ("ours", "iam:PassRole", ours, on(OURS) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}, True),
        ("ours, to Lambda", "iam:PassRole", ours, on(OURS) | {"iam:PassedToService": "lambda.amazonaws.com"}, False),
        ("ours", "iam:DeleteRole", ours, on(OURS), True),
        ("new, with the boundary", "iam:CreateRole", ours, asking(OURS) | {"iam:PermissionsBoundary": BOUNDARY}, True),
        ("new, without a boundary", "iam:CreateRole", ours, asking(OURS), False),
        ("new, another boundary", "iam:CreateRole", ours,
         asking(OURS) | {"iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/Loose"}, False),
        ("new at path /", "iam:CreateRole", ROLE + "pay-app-task-role",
         asking(OURS) | {"iam:PermissionsBoundary": BOUNDARY}, False),
        ("an earlier version's, ours", "iam:DeleteRole", earlier, on(OURS), True),
        ("an earlier version's, ours", "iam:DetachRolePolicy", earlier,
         on(OURS) | {"iam:PolicyARN": EXECUTION_POLICY}, True),
        ("an earlier version's, ours", "iam:PutRolePolicy", earlier, on(OURS), False),
        ("an earlier version's, ours", "iam:PassRole", earlier,
         on(OURS) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}, False),
        ("an earlier version's name, untagged", "iam:DeleteRole", earlier, {}, False),
    ]
    for group, tags, allowed in (("/ecs/their-app", {}, False), ("/ecs/pay", OURS, True)):
        what = "ours" if allowed else "foreign"
        arn = LOG_GROUP + group
        out += [
            (f"{what} log group", "logs:DeleteLogGroup", arn, on(tags), allowed),
            (f"{what} log group", "logs:PutRetentionPolicy", arn, on(tags), allowed),
            (f"{what} log group", "logs:AssociateKmsKey", arn, on(tags), allowed),
            (f"{what} log group", "logs:UntagResource", arn, on(tags) | {"aws:TagKeys": ["x"]}, allowed),
        ]
    out += [
        ("new log group, tagged", "logs:CreateLogGroup", LOG_GROUP + "/ecs/pay", asking(OURS), True),
        ("new log group, untagged", "logs:CreateLogGroup", LOG_GROUP + "/ecs/pay", {}, False),
    ]
    return out


def check(template_path, name):
    template = load_template(template_path)
    resolver = TemplateResolver(template, ACCOUNT, REGION, {"EnvironmentRoleBoundary": BOUNDARY})
    documents = [
        resolver.value(entry)
        for entry in template["Resources"][FUNCTION]["Properties"]["Policies"]
    ]
    documents = [d for d in documents if isinstance(d, dict) and "Statement" in d]
    table = cases()
    requests = [
        json.dumps({"policies": documents, "action": action, "resource": resource, "context": context,
                    "account": ACCOUNT, "principal": f"arn:aws:iam::{ACCOUNT}:role/{FUNCTION}"})
        for _, action, resource, context, _ in table
    ]
    simulator = ROOT / "tests/iam-simulator/simulate.mjs"
    answers = subprocess.run(["node", str(simulator)], input="\n".join(requests) + "\n",
                             capture_output=True, text=True, check=True).stdout.splitlines()
    problems = []
    for (what, action, resource, context, allowed), line in zip(table, answers, strict=True):
        answer = json.loads(line)
        if answer["result"] == "Error" or (answer["result"] == "Allowed") != allowed:
            problems.append(
                f"{name} ecs-environment's policy: {action} on {resource} ({what}) should be "
                f"{'allowed' if allowed else 'denied'}: {answer}"
            )
    return problems, len(table)


if __name__ == "__main__":
    found = []
    for file in ("template.yaml", "spoke.yaml"):
        problems, count = check(ROOT / "infra" / file, file)
        found += problems
        print(f"{file}: {count} cases, {len(problems)} wrong")
    print("\n".join(found))
    sys.exit(1 if found else 0)
