"""moto's server with the fixes that make it answer as AWS does where the tests depend on it.

- moto returns a task container's `cpu` (and `memory`) as JSON numbers; the ECS API model (and
  AWS) has them as strings, and the Rust SDK refuses to parse a RunTask or DescribeTasks response
  that has numbers there. Stringify them when a container is made, and give it the `runtimeId`
  AWS gives every started container (port forwarding targets it) and the `managedAgents` ECS
  reports (ECS Exec's agent: PENDING, then RUNNING a second later).
- moto's ListTasks matches the cluster by name as a substring (cluster `a` lists the tasks of
  `a-2` too) and, without `desiredStatus`, lists stopped tasks too; AWS lists the named cluster's
  tasks only, with the desired status RUNNING unless asked otherwise, and recently stopped tasks
  among them for a while (`strict/stopping.py`).
- CloudWatch Logs' log groups as AWS makes them (`logs_groups.py`).
- ECS's service-linked role is `AWSServiceRoleForECS` on AWS; moto names it
  `AWSServiceRoleForecs`. A second CreateServiceLinkedRole for a service fails on AWS with
  InvalidInput "Service role name ... has been taken in this account, please try a different
  suffix."; moto answers EntityAlreadyExists.
- StopTask deletes the task's tags on AWS ("Stops a running task. Any tags associated with the
  task will be deleted.", ECS API reference); moto keeps them. The stopped task keeps its
  `overrides`, `startedBy`, `group` and `stoppedReason`, and gets the `stopCode` "UserInitiated",
  `stoppingAt` and `stoppedAt` AWS gives it. A StopTask of a task already stopped changes nothing;
  of a task ECS does not know, InvalidParameterException "The referenced task was not found."
  (moto: HTTP 500). TagResource on a stopped task is refused with InvalidParameterException, as
  AWS refuses tags on stopped tasks (moto stores them).
- ECS Exec's agent becomes RUNNING only when the task's network reaches `ssmmessages` and `logs`
  (`strict/network.py`), when the server is started with STRICT_NETWORK=1. EC2's defaults it reads
  (a NAT gateway's connectivity, an endpoint's default group) are AWS's (`ec2_defaults.py`).
- DeleteSecurityGroup of a group that another group's rule references fails on AWS with
  DependencyViolation "resource sg-... has a dependent object"; moto deletes it.
- AuthorizeSecurityGroupIngress/Egress naming a group of another account (`UserId` other than the
  emulator's account) cannot be verified here: it is accepted, as AWS accepts a reference to a
  group of a peered VPC or a shared one. moto refuses it as InvalidGroup.NotFound (which it rightly
  answers for a missing group of this account).
- PutRolePolicy: a role's inline policies together may hold at most 10,240 characters, whitespace
  not counted; over it AWS answers LimitExceeded (HTTP 409) "Maximum policy size of 10240 bytes
  exceeded for role <name>". moto accepts any size.

Every request then passes the strict gate (`strict/gate.py`): the functions' requests are
validated, authorised against their IAM policies and met with AWS's consistency and rates, and
forwarded in the account they act in (`strict/accounts.py`; MOTO_ACCOUNT_ID, which would pin moto
to one account, is cleared).

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT
"""

import argparse
import datetime
import os
import random
import sys
import time
import types
import uuid

from moto.ecs import exceptions as ecs_exceptions
from moto.ecs import models

_original_container_init = models.Container.__init__


def _container_init(self, *args, **kwargs):
    _original_container_init(self, *args, **kwargs)
    for field in ("cpu", "memory"):
        value = getattr(self, field, None)
        if value is not None and not isinstance(value, str):
            setattr(self, field, str(value))
    # AWS gives every started container a runtime id (`<32 hex>-<10 digits>`); moto gives none.
    self.runtime_id = f"{uuid.uuid4().hex}-{random.randint(10**9, 10**10 - 1)}"
    self.created_monotonic = time.monotonic()


def _managed_agents(self):
    """ECS Exec's agent, PENDING for its first second, then RUNNING, as ECS reports it. An image
    whose name contains `no-exec-agent` stands for one whose agent never starts. With
    STRICT_NETWORK=1 it also stays PENDING while the task's network cannot reach the services the
    agent needs (`strict/network.py`)."""
    started = time.monotonic() - self.created_monotonic >= EXEC_AGENT_START_SECONDS
    never = "no-exec-agent" in (self.image or "")
    task = getattr(self, "strict_task", None)
    unreachable = STRICT_NETWORK and task is not None and network.exec_agent_blocked(task)
    status = "RUNNING" if started and not never and not unreachable else "PENDING"
    return [types.SimpleNamespace(name="ExecuteCommandAgent", last_status=status)]


EXEC_AGENT_START_SECONDS = 1.0
STRICT_NETWORK = os.environ.get("STRICT_NETWORK") == "1"
models.Container.managed_agents = property(_managed_agents)


models.Container.__init__ = _container_init

_original_task_init = models.Task.__init__


def _task_init(self, *args, **kwargs):
    _original_task_init(self, *args, **kwargs)
    for container in self.containers:  # the agent's reachability depends on the task's network
        container.strict_task = self


models.Task.__init__ = _task_init

_original_stop_task = models.EC2ContainerServiceBackend.stop_task


def _stop_task(self, cluster_str, task_str, reason):
    """AWS's StopTask: the task's tags are deleted, it gets `stopCode`, `stoppingAt` and
    `stoppedAt`; a task already stopped is answered as it is. `strict_stopped_from` tells the
    gate's ECS events (strict/ecs_events.py) the status the task was stopped from."""
    before = _find_task(self, cluster_str, task_str)
    if before is None:  # moto: HTTP 500; AWS: a client error the caller can read
        raise ecs_exceptions.InvalidParameterException("The referenced task was not found.")
    if before.desired_status == "STOPPED":
        return before
    previous = before.last_status if before is not None else "RUNNING"
    task = _original_stop_task(self, cluster_str, task_str, reason)
    now = datetime.datetime.now(datetime.timezone.utc)
    task.tags = []
    task.stop_code = "UserInitiated"
    task.stopping_at = task.stopped_at = task.execution_stopped_at = now
    task.strict_stopped_from = previous
    return task


def _find_task(backend, cluster_str, task_str):
    cluster = backend._get_cluster(cluster_str)
    task_id = task_str.split("/")[-1]
    for arn, task in backend.tasks.get(cluster.name, {}).items():
        if arn.endswith(task_id):
            return task
    return None


models.EC2ContainerServiceBackend.stop_task = _stop_task

_original_tag_resource = models.EC2ContainerServiceBackend.tag_resource


def _tag_resource(self, resource_arn, tags):
    """AWS refuses tags on a stopped task (seen in aws/amazon-ecs-agent#2789); moto stores them."""
    if ":task/" in resource_arn:
        parts = resource_arn.split("/")
        task = _find_task(self, parts[-2], parts[-1]) if len(parts) >= 3 else None
        if task is not None and task.last_status == "STOPPED":
            raise ecs_exceptions.InvalidParameterException(
                "The specified task is stopped. Specify a running task and try again."
            )
    return _original_tag_resource(self, resource_arn, tags)


models.EC2ContainerServiceBackend.tag_resource = _tag_resource

_original_list_tasks = models.EC2ContainerServiceBackend.list_tasks


def _list_tasks(
    self, cluster_str=None, container_instance=None, family=None, started_by=None,
    service_name=None, desiredStatus=None,
):
    args = (container_instance, family, started_by, service_name)
    if cluster_str is None:  # moto's own lookups (TagResource of a task): every task
        return _original_list_tasks(self, None, *args, desiredStatus)
    tasks = _original_list_tasks(self, cluster_str, *args, desiredStatus or "RUNNING")
    if desiredStatus in (None, "RUNNING"):  # and, as AWS may, tasks stopped a moment ago
        tasks += stopping.still_listed(_original_list_tasks(self, cluster_str, *args, "STOPPED"))
    cluster = self._get_cluster(cluster_str)
    return [task for task in tasks if task.cluster_arn == cluster.arn]


models.EC2ContainerServiceBackend.list_tasks = _list_tasks

import logs_groups  # noqa: E402,F401  (CloudWatch Logs' log groups as AWS makes them)

from moto.iam import exceptions as iam_exceptions  # noqa: E402
from moto.iam import models as iam_models  # noqa: E402

iam_models.SERVICE_NAME_CONVERSION["ecs"] = "ECS"
_original_create_service_linked_role = iam_models.IAMBackend.create_service_linked_role


def _create_service_linked_role(self, service_name, description, suffix):
    try:
        return _original_create_service_linked_role(self, service_name, description, suffix)
    except iam_exceptions.EntityAlreadyExists:
        raise iam_exceptions.InvalidInput(
            f"Service role name for {service_name} has been taken in this account, "
            "please try a different suffix."
        )


iam_models.IAMBackend.create_service_linked_role = _create_service_linked_role

INLINE_ROLE_POLICIES_MAX = 10240
_original_put_role_policy = iam_models.IAMBackend.put_role_policy


def _put_role_policy(self, role_name, policy_name, policy_json):
    """IAM quotas: a role's inline policies together hold at most 10,240 characters, whitespace
    not counted (the documents as stored, the new one replacing any of the same name)."""
    role = self.get_role(role_name)
    documents = {**role.policies, policy_name: policy_json}
    size = sum(len("".join(str(d).split())) for d in documents.values())
    if size > INLINE_ROLE_POLICIES_MAX:
        raise iam_exceptions.LimitExceededException(
            f"Maximum policy size of {INLINE_ROLE_POLICIES_MAX} bytes exceeded for role {role.name}"
        )
    return _original_put_role_policy(self, role_name, policy_name, policy_json)


iam_models.IAMBackend.put_role_policy = _put_role_policy

from moto.ec2 import exceptions as ec2_exceptions  # noqa: E402
from moto.ec2.models import security_groups as ec2_groups  # noqa: E402

_original_delete_security_group = ec2_groups.SecurityGroupBackend.delete_security_group


def _delete_security_group(self, name=None, group_id=None):
    """AWS refuses to delete a group while another group's ingress or egress rule references it."""
    group = self.get_security_group_by_name_or_id(group_id or name)
    if group is not None:
        for vpc_groups in list(self.groups.values()):
            for other in list(vpc_groups.values()):
                if other.id != group.id and any(
                    rule.source_group.get("GroupId") == group.id
                    for rule in [*other.ingress_rules, *other.egress_rules]
                ):
                    raise ec2_exceptions.DependencyViolationError(
                        f"resource {group.id} has a dependent object"
                    )
    return _original_delete_security_group(self, name=name, group_id=group_id)


ec2_groups.SecurityGroupBackend.delete_security_group = _delete_security_group

_original_add_source_group = ec2_groups.SecurityGroupBackend._add_source_group


def _add_source_group(self, source_groups, vpc_id):
    """A pair naming another account's group (peered VPC, shared group) is taken as given: it
    cannot be verified here, and AWS accepts it. This account's groups are verified by moto."""
    foreign = [
        g for g in source_groups or [] if g.get("UserId") not in (None, self.account_id) and "GroupId" in g
    ]
    local = [g for g in source_groups or [] if not any(g is f for f in foreign)]
    for pair in foreign:
        pair.setdefault("OwnerId", pair["UserId"])
    checked = _original_add_source_group(self, local, vpc_id)
    return [*checked, *foreign]


ec2_groups.SecurityGroupBackend._add_source_group = _add_source_group

import ec2_defaults  # noqa: E402,F401  (AWS's EC2 defaults)
from moto.moto_server.werkzeug_app import (  # noqa: E402  (after the patches, on purpose)
    DomainDispatcherApplication,
    create_backend_app,
)
from werkzeug.serving import run_simple  # noqa: E402

from strict import network, stopping  # noqa: E402
from strict.gate import Gate  # noqa: E402


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    os.environ.pop("MOTO_ACCOUNT_ID", None)  # the account is the request's (strict/accounts.py)
    app = Gate(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main(sys.argv[1:])
