"""ecs-environment's own policy, as CloudFormation would make it from infra/template.yaml and
infra/spoke.yaml, judged by the IAM simulator (tests/iam-simulator; tests/templates/check.py runs
these): it may create roles only under /ecs-debug-toolkit/, only with our tag and the stack's
permissions boundary; tag, change and delete only the roles there carrying our tag, and pass only
the debug task and execution roles there, by ARN alone (AWS's documented way, not by the role's
tags); converge, delete and (PassLegacyRoles true) pass the legacy roles earlier versions made at path / only by their three name endings and
our tag, and write their policies only once the stack's boundary is on them (the function puts it
on, and no other boundary); never tag them; change no role's trust; never remove a boundary or
rewrite the boundary policy; register only tagged task definitions; delete or change only log
groups carrying our tag. debug-launcher passes only debug task and execution roles (never an app
role, never an admin role tagged as ours), and the boundary admits this account's buckets, tables
and keys alone, keys only through S3/DynamoDB or for Session Manager data keys. Foreign roles are refused everything: `role/Admin` untagged, `role/Admin` tagged as ours (as
the old TagRole grant could have left it: tagged but not ours by name), and a role with one of our
name endings but without our tag; and so is a foreign log group.
`check(template, name)` returns the problems it found.
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "moto"))
from strict.policies import TemplateResolver, load_template  # noqa: E402
from iam_simulator import simulate  # noqa: E402  (beside this file)

REGION, ACCOUNT = "eu-west-1", "123456789012"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/ecs-debug-toolkit/toolkit-EnvironmentRoleBoundary-1A2B3C"
FUNCTION = "EcsEnvironmentFunction"
OURS = {"debug-toolkit:managed-by": "ecs-debug-toolkit", "debug-toolkit:owner": "arn:aws:cloudformation:x"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TASK_DEFINITION = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/pay-debug-toolkit:2"
# A debug task role of a long ClusterName as names.rs shortens it, and as earlier versions did.
SHORTENED = "ecs-debug-toolkit/" + "c" * 34 + ".2587c31bfa-debug-toolkit-task"
EARLIER = "ecs-debug-toolkit/" + "c" * 50 + "-de-2587c31bfa"


def on(tags):
    """The condition context of a resource carrying `tags`."""
    context = {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
    return context | {f"iam:ResourceTag/{k}": v for k, v in tags.items()}


def asking(tags):
    return {f"aws:RequestTag/{k}": v for k, v in tags.items()} | ({"aws:TagKeys": list(tags)} if tags else {})


CHANGES = ("iam:TagRole", "iam:UntagRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
           "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
           "iam:PassRole", "iam:DeleteRole")


WITH_BOUNDARY = ("iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy")


def change(action, role, tags, boundary=None):
    """The request context of `action` on `role` carrying `tags` (and `boundary`, which IAM gives
    as iam:PermissionsBoundary to the policy actions), as the function would send it."""
    context = on(tags)
    if boundary and action in WITH_BOUNDARY:
        context |= {"iam:PermissionsBoundary": boundary}
    if action == "iam:TagRole":
        context |= asking(OURS)
    if action == "iam:UntagRole":
        context |= {"aws:TagKeys": ["Environment"]}
    if action in ("iam:AttachRolePolicy", "iam:DetachRolePolicy"):
        context |= {"iam:PolicyARN": EXECUTION_POLICY}
    if action == "iam:PassRole":
        context |= {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
    return (action, role, context)


def cases():
    """(what, action, resource, context, allowed)."""
    ours = ROLE + "ecs-debug-toolkit/pay-task-execution"
    out = []
    # (what, role, its tags, its boundary, what the function may still do to it).
    foreign = (("untagged Admin", ROLE + "Admin", {}, None, ()),
               ("Admin tagged as ours", ROLE + "Admin", OURS, None, ()),
               ("Admin tagged as ours, another path", ROLE + "ops/ecs-debug-toolkit-Admin", OURS, None, ()),
               ("untagged, named like a legacy role", ROLE + "prod-task-execution", {}, None, ()),
               ("untagged, named like a legacy role, another path", ROLE + "ops/prod-app-task", {}, None, ()),
               # Someone else's role put under our path (the path is the toolkit's: docs/security.md).
               # TagRole there cannot ask for a resource tag (CreateRole with tags is authorised as
               # TagRole on a role that has none yet); but no policy is ever written or attached
               # to a role without the stack's boundary.
               # PassRole is by ARN alone (AWS's documented way): a role under our path with a
               # debug task role's or execution role's ending may be passed, tagged or not.
               ("untagged, under our path", ROLE + "ecs-debug-toolkit/prod-task-execution", {}, None,
                ("iam:TagRole", "iam:PassRole")),
               ("tagged as ours, under our path, no boundary", ROLE + "ecs-debug-toolkit/x-task-execution",
                OURS, None, ("iam:TagRole", "iam:UntagRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
                             "iam:PassRole", "iam:DeleteRole")),
               ("tagged as ours, under our path, another boundary", ROLE + "ecs-debug-toolkit/x-app-task",
                OURS, f"arn:aws:iam::{ACCOUNT}:policy/Loose",
                ("iam:TagRole", "iam:UntagRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
                 "iam:DeleteRole")))
    for what, role, tags, boundary, still in foreign:
        out += [(f"foreign {what}",) + change(action, role, tags, boundary) + (action in still,)
                for action in CHANGES]
    # The trust is set by CreateRole alone: never rewritten, not even on our own roles.
    out += [("ours",) + change(action, ours, OURS, BOUNDARY) + (action != "iam:UpdateAssumeRolePolicy",)
            for action in CHANGES]
    # Legacy: the boundary put on, then policies converged, the execution policy attached and
    # detached, passed to ECS tasks (the task definition names it), deleted; never tagged,
    # untagged or its trust changed. Without the boundary yet: no policy written or attached.
    legacy_allowed = {"iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy",
                      "iam:DetachRolePolicy", "iam:PassRole", "iam:DeleteRole"}
    legacy = ROLE + "pay-task-execution"
    out += [("legacy, ours, with the boundary",) + change(action, legacy, OURS, BOUNDARY)
            + (action in legacy_allowed,) for action in CHANGES]
    out += [("legacy, ours, no boundary yet",) + change(action, legacy, OURS)
            + (action in legacy_allowed - {"iam:PutRolePolicy", "iam:AttachRolePolicy"},)
            for action in CHANGES]
    out += boundary_cases(legacy) + [
        ("legacy app role, ours, no boundary yet", "iam:PutRolePolicy", ROLE + "pay-app-task", on(OURS), False),
        ("legacy app role, ours", "iam:PutRolePolicy", ROLE + "pay-app-task",
         on(OURS) | {"iam:PermissionsBoundary": BOUNDARY}, True),
        ("legacy app role, ours", "iam:DeleteRole", ROLE + "pay-app-task", on(OURS), True),
        ("legacy app role (the function never passes it)", "iam:PassRole", ROLE + "pay-app-task",
         on(OURS) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}, False),
        ("legacy debug task role, ours", "iam:PassRole", ROLE + "pay-debug-toolkit-task",
         on(OURS) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}, True),
        ("legacy debug task role (only the execution role gets the managed policy)",
         "iam:AttachRolePolicy", ROLE + "pay-debug-toolkit-task",
         on(OURS) | {"iam:PolicyARN": EXECUTION_POLICY}, False),
        ("ours, another policy", "iam:AttachRolePolicy", ours,
         on(OURS) | {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
                     "iam:PermissionsBoundary": BOUNDARY}, False),
        ("legacy, another policy", "iam:AttachRolePolicy", legacy,
         on(OURS) | {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
                     "iam:PermissionsBoundary": BOUNDARY}, False),
        ("ours, to Lambda", "iam:PassRole", ours, on(OURS) | {"iam:PassedToService": "lambda.amazonaws.com"}, False),
        ("our app role (the function never passes it)", "iam:PassRole", ROLE + "ecs-debug-toolkit/pay-app-task",
         on(OURS) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}, False),
        ("ours, a long name shortened keeping its ending", "iam:PassRole", ROLE + SHORTENED,
         on(OURS) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}, True),
        ("ours, a long name as earlier versions shortened it", "iam:PassRole", ROLE + EARLIER,
         on(OURS) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}, False),
        ("legacy, to Lambda", "iam:PassRole", legacy,
         on(OURS) | {"iam:PassedToService": "lambda.amazonaws.com"}, False),
        ("new, with the boundary", "iam:CreateRole", ours, asking(OURS) | {"iam:PermissionsBoundary": BOUNDARY}, True),
        ("new, without a boundary", "iam:CreateRole", ours, asking(OURS), False),
        ("new, another boundary", "iam:CreateRole", ours,
         asking(OURS) | {"iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/Loose"}, False),
        ("new, untagged", "iam:CreateRole", ours, {"iam:PermissionsBoundary": BOUNDARY}, False),
        ("new at path /", "iam:CreateRole", legacy, asking(OURS) | {"iam:PermissionsBoundary": BOUNDARY}, False),
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
        # SAM's AWSLambdaBasicExecutionRole allows these on *; the function's Denies keep it to
        # its own group (no forged lines in an exec session log) and to tagged /ecs/ groups.
        ("new log group outside /ecs/, tagged", "logs:CreateLogGroup", LOG_GROUP + "/aws/lambda/x",
         asking(OURS), False),
        ("an environment's exec session log", "logs:PutLogEvents",
         LOG_GROUP + "/ecs/pay/ecs-exec:log-stream:ecs-execute-command-1", {}, False),
        ("an environment's exec session log", "logs:CreateLogStream",
         LOG_GROUP + "/ecs/pay/ecs-exec:log-stream:ecs-execute-command-1", {}, False),
        ("its own log group", "logs:PutLogEvents",
         LOG_GROUP + "/ecs-debug-toolkit/ecs-debug-toolkit/ecs-environment:log-stream:2026/12/07/x", {}, True),
        ("its own log group", "logs:CreateLogStream",
         LOG_GROUP + "/ecs-debug-toolkit/ecs-debug-toolkit/ecs-environment:log-stream:2026/12/07/x", {}, True),
        ("task definition, tagged", "ecs:RegisterTaskDefinition", TASK_DEFINITION, asking(OURS), True),
        ("task definition, untagged", "ecs:RegisterTaskDefinition", TASK_DEFINITION, {}, False),
        ("task definition of an application's family, tagged", "ecs:RegisterTaskDefinition",
         TASK_DEFINITION.replace("-debug-toolkit:", "-api:"), asking(OURS), False),
    ]
    return out


def boundary_cases(legacy):
    """The stack's boundary: put on a legacy role of ours, never another, never removed; the
    boundary policy never rewritten."""
    loose = f"arn:aws:iam::{ACCOUNT}:policy/Loose"
    return [
        ("legacy, ours: the stack's boundary", "iam:PutRolePermissionsBoundary", legacy,
         on(OURS) | {"iam:PermissionsBoundary": BOUNDARY}, True),
        ("legacy, ours: another boundary", "iam:PutRolePermissionsBoundary", legacy,
         on(OURS) | {"iam:PermissionsBoundary": loose}, False),
        ("legacy name, untagged: the stack's boundary", "iam:PutRolePermissionsBoundary",
         ROLE + "prod-app-task", {"iam:PermissionsBoundary": BOUNDARY}, False),
        ("Admin tagged as ours: the stack's boundary", "iam:PutRolePermissionsBoundary",
         ROLE + "Admin", on(OURS) | {"iam:PermissionsBoundary": BOUNDARY}, False),
        ("legacy, ours: boundary removed", "iam:DeleteRolePermissionsBoundary", legacy,
         on(OURS) | {"iam:PermissionsBoundary": BOUNDARY}, False),
    ] + [(f"the boundary policy: {action}", action, BOUNDARY, {}, False)
         for action in ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy")]


def key_policy(resource):
    """A KMS key is usable only as its key policy allows: one that lets this account's IAM decide
    (the key's own account, from its ARN), so what is judged is the identity policy alone."""
    if not resource.startswith("arn:aws:kms:"):
        return {}
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                 "Action": "kms:*", "Resource": "*"}
    return {"account": resource.split(":")[4],
            "resourcePolicy": {"Version": "2012-10-17", "Statement": [statement]}}


def judge(documents, table, label):
    """Runs `table` ((what, action, resource, context, allowed)) against `documents` in the IAM
    simulator; the problems, each named with `label`."""
    requests = [
        json.dumps({"policies": documents, "action": action, "resource": resource, "context": context,
                    "account": ACCOUNT, "principal": f"arn:aws:iam::{ACCOUNT}:role/{FUNCTION}"}
                   | key_policy(resource))
        for _, action, resource, context, _ in table
    ]
    answers = simulate(requests)
    problems = []
    for (what, action, resource, context, allowed), answer in zip(table, answers, strict=True):
        if answer["result"] == "Error" or (answer["result"] == "Allowed") != allowed:
            problems.append(
                f"{label}: {action} on {resource} ({what}) should be "
                f"{'allowed' if allowed else 'denied'}: {answer}"
            )
    return problems


def policies_of(resolver, template, function):
    """`function`'s policy documents, its managed policies of the template included."""
    return resolver.documents(template["Resources"][function])


def check(template_path, name):
    """ecs-environment's policy, then debug-launcher's PassRole and the boundary
    (check_role_reach.py): the problems and how many cases."""
    import check_role_reach  # beside this file; it uses judge() above

    template = load_template(template_path)
    resolver = TemplateResolver(template, ACCOUNT, REGION, {"EnvironmentRoleBoundary": BOUNDARY})
    table = cases()
    problems = judge(policies_of(resolver, template, FUNCTION), table, f"{name} ecs-environment's policy")
    more, count = check_role_reach.check(resolver, template, name)
    # PassLegacyRoles false: no role at path / is passed, ours or not; ours under the path still are.
    off = TemplateResolver(template, ACCOUNT, REGION,
                           {"EnvironmentRoleBoundary": BOUNDARY, "PassLegacyRoles": "false"})
    without = without_legacy()
    problems += judge(policies_of(off, template, FUNCTION), without,
                      f"{name} ecs-environment's policy, PassLegacyRoles false")
    more += check_role_reach.check_without_legacy(off, template, name)
    return problems + more, len(table) + count + 2 * len(without)


def without_legacy():
    """(what, action, resource, context, allowed) for iam:PassRole with PassLegacyRoles false."""
    to_tasks = on(OURS) | {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
    return [
        ("legacy execution role, ours", "iam:PassRole", ROLE + "pay-task-execution", to_tasks, False),
        ("legacy debug task role, ours", "iam:PassRole", ROLE + "pay-debug-toolkit-task", to_tasks, False),
        ("our debug task role", "iam:PassRole", ROLE + "ecs-debug-toolkit/pay-debug-toolkit-task", to_tasks, True),
        ("our execution role", "iam:PassRole", ROLE + "ecs-debug-toolkit/pay-task-execution", to_tasks, True),
    ]


if __name__ == "__main__":
    found = []
    for file in ("template.yaml", "spoke.yaml"):
        problems, count = check(ROOT / "infra" / file, file)
        found += problems
        print(f"{file}: {count} cases, {len(problems)} wrong")
    print("\n".join(found))
    sys.exit(1 if found else 0)
