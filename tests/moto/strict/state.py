"""What the emulator knows about existing resources, as IAM's condition keys need it: their full
ARNs and their tags (`aws:ResourceTag/*`, `iam:ResourceTag/*`). Read straight from moto's backends
in this process; a resource that does not exist has no tags (AWS would then answer NotFound, which
moto does after the gate lets the call through)."""

import datetime

from moto.ec2.models import ec2_backends
from moto.ecs.models import ecs_backends
from moto.iam.models import iam_backends
from moto.logs.models import logs_backends
from moto.secretsmanager.models import secretsmanager_backends


def _ecs(account, region):
    return ecs_backends[account][region]


def _name(name_or_arn):
    return name_or_arn.split("/")[-1]


def ecs_cluster(account, region, name_or_arn):
    """(ARN, tags) of a cluster named by name or ARN (`default` when absent, as ECS does)."""
    name = _name(name_or_arn or "default")
    arn = f"arn:aws:ecs:{region}:{account}:cluster/{name}"
    cluster = _ecs(account, region).clusters.get(name)
    return arn, _ecs_tags(cluster.tags if cluster else [])


def ecs_task_definition(account, region, reference):
    """The task definition named by family, family:revision or ARN, or None."""
    try:
        return _ecs(account, region).describe_task_definition(reference)
    except Exception:
        return None


def ecs_task(account, region, cluster_name, reference):
    """(ARN, tags) of a task named by id or ARN in cluster `cluster_name`."""
    task_id = _name(reference)
    arn = f"arn:aws:ecs:{region}:{account}:task/{cluster_name}/{task_id}"
    for task in _ecs(account, region).tasks.get(cluster_name, {}).values():
        if task.id == task_id:
            return arn, _ecs_tags(task.tags)
    return arn, {}


def ecs_task_stopped_for(account, region, arn):
    """Seconds since StopTask was called on the task `arn` (desired STOPPED: its tags are gone, as
    AWS deletes them, so a tag-conditioned grant no longer matches it), or None when it was not."""
    kind, _, path = arn.split(":", 5)[-1].partition("/")
    if kind != "task" or "/" not in path:
        return None
    cluster, task_id = path.split("/")[0], _name(path)
    for task in _ecs(account, region).tasks.get(cluster, {}).values():
        if task.id == task_id:
            return task_stopped_for(task)
    return None


def task_stopped_for(task):
    """Seconds since StopTask was called on this moto task, or None when it was not."""
    if task.desired_status != "STOPPED":
        return None
    stopping_at = getattr(task, "stopping_at", None)  # set by moto_server.py's StopTask
    if not isinstance(stopping_at, datetime.datetime):
        return 0.0
    return (datetime.datetime.now(datetime.timezone.utc) - stopping_at).total_seconds()


def ecs_tags(account, region, arn):
    """Tags of any ECS resource by ARN."""
    kind, _, path = arn.split(":", 5)[-1].partition("/")
    if kind == "task" and "/" in path:
        return ecs_task(account, region, path.split("/")[0], path)[1]
    if kind == "cluster":
        return ecs_cluster(account, region, path)[1]
    try:
        return _ecs_tags(_ecs(account, region).list_tags_for_resource(arn))
    except Exception:
        return {}


def _ecs_tags(tags):
    return {t["key"]: t.get("value", "") for t in tags or []}


def iam_role(account, name, path="/"):
    """(ARN, tags) of role `name`; the ARN a new role would have when it does not exist yet."""
    try:
        role = iam_backends[account]["global"].get_role(name)
        return role.arn, _iam_tags(role.tags)
    except Exception:
        return f"arn:aws:iam::{account}:role{path}{name}", {}


def iam_role_boundary(account, name):
    """The ARN of role `name`'s permissions boundary, or None (no boundary, or no such role)."""
    try:
        return iam_backends[account]["global"].get_role(name).permissions_boundary_arn
    except Exception:
        return None


def iam_role_by_arn(account, arn):
    try:
        role = iam_backends[account]["global"].get_role_by_arn(arn)
        return _iam_tags(role.tags)
    except Exception:
        return {}


def _iam_tags(tags):
    items = tags.values() if isinstance(tags, dict) else tags or []
    return {t["Key"]: t["Value"] for t in items}


def security_group_tags(account, region, group_id):
    return dict(ec2_backends[account][region].tags.get(group_id, {}))


def log_group_tags(account, region, name):
    try:
        return dict(logs_backends[account][region].list_tags_log_group(name))
    except Exception:
        return {}


def secret_arn(account, region, secret_id):
    """The full ARN of a secret named by name or ARN (as given when it does not exist)."""
    try:
        return secretsmanager_backends[account][region].describe_secret(secret_id).arn
    except Exception:
        return secret_id
