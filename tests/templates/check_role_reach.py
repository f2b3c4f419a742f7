"""What the roles around an environment can reach, judged by the IAM simulator (run by
check_provider_iam.check, so by tests/templates/check.py): debug-launcher passes to ECS tasks only
the debug task and execution roles under /ecs-debug-toolkit/ by their names' endings (by ARN
alone, AWS's documented way) and, while PassLegacyRoles is true, the legacy ones at / tagged ours;
never an application role and never another role tagged as ours, so neither RunTask nor its
overrides can hand a debug task more; and the stack's EnvironmentRoleBoundary, which caps every
environment role (and so whatever a role trusting another account could be used for: a function
that may CreateRole can write any trust, docs/limitations.md), admits this account's buckets,
tables and keys alone (AllowForeignResourceArns false, the default), keys only through S3 or
DynamoDB of this region or for Session Manager data keys.
`check(resolver, template, name)` returns the problems and how many cases it judged.
"""

from check_provider_iam import (  # noqa: I001
    ACCOUNT, EARLIER, OURS, REGION, ROLE, SHORTENED, judge, on, policies_of, without_legacy,
)

LAUNCHER = "DebugLauncherFunction"
TO_TASKS = {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
OTHER = "210987654321"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k1"


def passing():
    """(what, action, resource, context, allowed) for debug-launcher's iam:PassRole."""
    roles = (
        ("our debug task role", ROLE + "ecs-debug-toolkit/pay-debug-toolkit-task", OURS, True),
        ("our execution role", ROLE + "ecs-debug-toolkit/pay-task-execution", OURS, True),
        ("legacy debug task role", ROLE + "pay-debug-toolkit-task", OURS, True),
        ("legacy execution role", ROLE + "pay-task-execution", OURS, True),
        ("our app role", ROLE + "ecs-debug-toolkit/pay-app-task", OURS, False),
        ("legacy app role", ROLE + "pay-app-task", OURS, False),
        ("Admin tagged as ours", ROLE + "Admin", OURS, False),
        ("Admin tagged as ours, another path", ROLE + "ops/Admin", OURS, False),
        ("untagged legacy debug task role", ROLE + "pay-debug-toolkit-task", {}, False),
        # By ARN alone under our path (AWS's documented way): the ending decides, not the tags.
        ("our debug task role, untagged", ROLE + "ecs-debug-toolkit/pay-debug-toolkit-task", {}, True),
        ("our debug task role, a long name shortened", ROLE + SHORTENED, OURS, True),
        ("our debug task role, as earlier versions shortened it", ROLE + EARLIER, OURS, False),
        ("our app role, a long name shortened", ROLE + SHORTENED.replace("-debug-toolkit-task", "-app-task"),
         OURS, False),
    )
    out = [(what, "iam:PassRole", arn, on(tags) | TO_TASKS, allowed) for what, arn, tags, allowed in roles]
    out.append(("our debug task role, to Lambda", "iam:PassRole", roles[0][1],
                on(OURS) | {"iam:PassedToService": "lambda.amazonaws.com"}, False))
    return out


def bounded():
    """(what, action, resource, context, allowed) for the boundary's data and key grants."""
    via = {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}
    return [
        ("this account's bucket", "s3:GetObject", "arn:aws:s3:::uploads/a", {"s3:ResourceAccount": ACCOUNT}, True),
        ("another account's bucket", "s3:GetObject", "arn:aws:s3:::theirs/a", {"s3:ResourceAccount": OTHER}, False),
        ("another account's bucket", "s3:ListBucket", "arn:aws:s3:::theirs", {"s3:ResourceAccount": OTHER}, False),
        ("this account's table", "dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t", {}, True),
        ("another account's table", "dynamodb:Scan", f"arn:aws:dynamodb:{REGION}:{OTHER}:table/t", {}, False),
        ("a key through S3", "kms:Decrypt", KEY, via, True),
        ("a key through S3, another account's", "kms:Decrypt", KEY.replace(ACCOUNT, OTHER), via, False),
        ("a key called directly", "kms:Decrypt", KEY, {}, False),
        ("a key through Secrets Manager", "kms:Decrypt", KEY,
         {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}, False),
        ("a Session Manager data key", "kms:Decrypt", KEY,
         {"kms:EncryptionContextKeys": ["aws:ssm:SessionId", "aws:ssm:TargetId"]}, True),
        ("a data key made directly", "kms:GenerateDataKey", KEY, {}, False),
    ]


def check(resolver, template, name):
    launcher = policies_of(resolver, template, LAUNCHER)
    boundary = resolver.value(template["Resources"]["EnvironmentRoleBoundary"]["Properties"]["PolicyDocument"])
    table = passing()
    problems = judge(launcher, table, f"{name} debug-launcher's policy")
    limits = bounded()
    problems += judge([boundary], limits, f"{name} EnvironmentRoleBoundary")
    return problems, len(table) + len(limits)


def check_without_legacy(resolver, template, name):
    """debug-launcher's iam:PassRole with PassLegacyRoles false (`resolver`): the problems."""
    return judge(policies_of(resolver, template, LAUNCHER), without_legacy(),
                 f"{name} debug-launcher's policy, PassLegacyRoles false")
