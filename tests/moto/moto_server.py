"""moto's server with the fixes that make it answer as AWS does where the tests depend on it.

- moto returns a task container's `cpu` (and `memory`) as JSON numbers; the ECS API model (and
  AWS) has them as strings, and the Rust SDK refuses to parse a RunTask or DescribeTasks response
  that has numbers there. Stringify them when a container is made, and give it the `runtimeId`
  AWS gives every started container (port forwarding targets it) and the `managedAgents` ECS
  reports (ECS Exec's agent: PENDING, then RUNNING a second later).
- moto's ListTasks matches the cluster by name as a substring (cluster `a` lists the tasks of
  `a-2` too) and, without `desiredStatus`, lists stopped tasks too; AWS lists the named cluster's
  tasks only, with the desired status RUNNING unless asked otherwise.
- moto has no AssociateKmsKey/DisassociateKmsKey for log groups: they set and clear the group's
  `kmsKeyId`, as CloudWatch Logs does.
- ECS's service-linked role is `AWSServiceRoleForECS` on AWS; moto names it
  `AWSServiceRoleForecs`. A second CreateServiceLinkedRole for a service fails on AWS with
  InvalidInput "Service role name ... has been taken in this account, please try a different
  suffix."; moto answers EntityAlreadyExists.

Every request then passes the strict gate (`strict/gate.py`): the functions' requests are
validated, authorised against their IAM policies and met with AWS's consistency and rates.

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT
"""

import argparse
import os
import random
import sys
import time
import types
import uuid

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
    whose name contains `no-exec-agent` stands for one whose agent never starts."""
    started = time.monotonic() - self.created_monotonic >= EXEC_AGENT_START_SECONDS
    never = "no-exec-agent" in (self.image or "")
    status = "RUNNING" if started and not never else "PENDING"
    return [types.SimpleNamespace(name="ExecuteCommandAgent", last_status=status)]


EXEC_AGENT_START_SECONDS = 1.0
models.Container.managed_agents = property(_managed_agents)


models.Container.__init__ = _container_init

_original_list_tasks = models.EC2ContainerServiceBackend.list_tasks


def _list_tasks(
    self, cluster_str=None, container_instance=None, family=None, started_by=None,
    service_name=None, desiredStatus=None,
):
    args = (container_instance, family, started_by, service_name)
    if cluster_str is None:  # moto's own lookups (TagResource of a task): every task
        return _original_list_tasks(self, None, *args, desiredStatus)
    tasks = _original_list_tasks(self, cluster_str, *args, desiredStatus or "RUNNING")
    cluster = self._get_cluster(cluster_str)
    return [task for task in tasks if task.cluster_arn == cluster.arn]


models.EC2ContainerServiceBackend.list_tasks = _list_tasks

from moto.logs import exceptions as logs_exceptions  # noqa: E402
from moto.logs import responses as logs_responses  # noqa: E402


def _set_log_group_key(response, key):
    name = response._get_param("logGroupName")
    group = response.logs_backend.groups.get(name)
    if group is None:
        raise logs_exceptions.ResourceNotFoundException()
    group.kms_key_id = key
    return ""


logs_responses.LogsResponse.associate_kms_key = lambda self: _set_log_group_key(
    self, self._get_param("kmsKeyId")
)
logs_responses.LogsResponse.disassociate_kms_key = lambda self: _set_log_group_key(self, None)

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

from moto.moto_server.werkzeug_app import (  # noqa: E402  (after the patches, on purpose)
    DomainDispatcherApplication,
    create_backend_app,
)
from werkzeug.serving import run_simple  # noqa: E402

from strict.gate import Gate  # noqa: E402


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = Gate(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main(sys.argv[1:])
