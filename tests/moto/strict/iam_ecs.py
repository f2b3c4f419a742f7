"""The ECS operations' IAM authorisations (Service Authorization Reference, Amazon ECS; see
iam_table for the sources of tag-on-create and PassRole)."""

from . import state
from .iam_common import Check, pass_role, request_tags, resource_tags


def _ecs_pairs(p):
    return [(t["key"], t.get("value", "")) for t in p.get("tags", [])]


def create_cluster(p, account, region):
    arn, _ = state.ecs_cluster(account, region, p.get("clusterName"))
    pairs = _ecs_pairs(p)
    context = request_tags(pairs)
    if p.get("capacityProviders"):
        context["ecs:capacity-provider"] = p["capacityProviders"]
    checks = [Check("ecs:CreateCluster", arn, context)]
    if pairs:
        checks.append(tag_on_create(arn, "CreateCluster", pairs))
    return checks


def tag_on_create(arn, action, pairs):
    return Check("ecs:TagResource", arn, {"ecs:CreateAction": action} | request_tags(pairs))


def on_cluster(action, extra=lambda p: {}):
    def handler(p, account, region):
        arn, tags = state.ecs_cluster(account, region, p.get("cluster"))
        return [Check(action, arn, resource_tags(tags) | extra(p))]

    return handler


def describe_clusters(p, account, region):
    names = p.get("clusters") or ["default"]
    return [Check("ecs:DescribeClusters", state.ecs_cluster(account, region, n)[0]) for n in names]


def register_task_definition(p, account, region):
    current = state.ecs_task_definition(account, region, p["family"])
    revision = current.revision + 1 if current else 1
    arn = f"arn:aws:ecs:{region}:{account}:task-definition/{p['family']}:{revision}"
    pairs = _ecs_pairs(p)
    checks = [Check("ecs:RegisterTaskDefinition", arn, request_tags(pairs))]
    for key in ("taskRoleArn", "executionRoleArn"):
        if p.get(key):
            checks.append(pass_role(account, p[key]))
    if pairs:
        checks.append(tag_on_create(arn, "RegisterTaskDefinition", pairs))
    return checks


def run_task(p, account, region):
    cluster_arn, _ = state.ecs_cluster(account, region, p.get("cluster"))
    definition = state.ecs_task_definition(account, region, p["taskDefinition"])
    arn = definition.arn if definition else p["taskDefinition"]
    pairs = _ecs_pairs(p)
    context = {"ecs:cluster": cluster_arn} | request_tags(pairs)
    context |= resource_tags(state.ecs_tags(account, region, arn))
    context["ecs:enable-execute-command"] = str(bool(p.get("enableExecuteCommand"))).lower()
    checks = [Check("ecs:RunTask", arn, context)]
    overrides = p.get("overrides", {})
    roles = {
        overrides.get("taskRoleArn") or (definition and definition.task_role_arn),
        overrides.get("executionRoleArn") or (definition and definition.execution_role_arn),
    }
    checks += [pass_role(account, role) for role in sorted(r for r in roles if r)]
    if pairs:
        task = f"arn:aws:ecs:{region}:{account}:task/{cluster_arn.split('/')[-1]}/new-task"
        checks.append(tag_on_create(task, "RunTask", pairs))
    return checks


def on_tasks(action):
    def handler(p, account, region):
        cluster_arn, _ = state.ecs_cluster(account, region, p.get("cluster"))
        cluster = cluster_arn.split("/")[-1]
        checks = []
        for reference in p.get("tasks") or [p["task"]]:
            arn, tags = state.ecs_task(account, region, cluster, reference)
            checks.append(Check(action, arn, {"ecs:cluster": cluster_arn} | resource_tags(tags)))
        return checks

    return handler


def list_tasks(p, account, region):
    cluster_arn, _ = state.ecs_cluster(account, region, p.get("cluster"))
    resource = p.get("containerInstance") or "*"
    return [Check("ecs:ListTasks", resource, {"ecs:cluster": cluster_arn})]


def tagging(action, with_request_tags):
    def handler(p, account, region):
        arn = p["resourceArn"]
        context = resource_tags(state.ecs_tags(account, region, arn))
        if with_request_tags:
            context |= request_tags(_ecs_pairs(p))
        elif p.get("tagKeys"):
            context["aws:TagKeys"] = p["tagKeys"]
        return [Check(action, arn, context)]

    return handler


def describe_services(p, account, region):
    """DescribeServices: each service ARN (`service/<cluster>/<name>`), with the cluster."""
    cluster_arn, _ = state.ecs_cluster(account, region, p.get("cluster"))
    cluster = cluster_arn.split("/")[-1]
    checks = []
    for reference in p["services"]:
        name = reference.split("/")[-1]
        arn = f"arn:aws:ecs:{region}:{account}:service/{cluster}/{name}"
        checks.append(Check("ecs:DescribeServices", arn, {"ecs:cluster": cluster_arn}))
    return checks
