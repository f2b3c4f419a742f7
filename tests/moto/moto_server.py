"""moto's server with the fixes that make it answer as AWS does where the tests depend on it.

- moto returns a task container's `cpu` (and `memory`) as JSON numbers; the ECS API model (and
  AWS) has them as strings, and the Rust SDK refuses to parse a RunTask or DescribeTasks response
  that has numbers there. Stringify them when a container is made.
- ECS's service-linked role is `AWSServiceRoleForECS` on AWS; moto names it
  `AWSServiceRoleForecs`. A second CreateServiceLinkedRole for a service fails on AWS with
  InvalidInput "Service role name ... has been taken in this account, please try a different
  suffix."; moto answers EntityAlreadyExists.

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT   (same arguments as moto_server)
"""

import sys

from moto.ecs import models

_original_container_init = models.Container.__init__


def _container_init(self, *args, **kwargs):
    _original_container_init(self, *args, **kwargs)
    for field in ("cpu", "memory"):
        value = getattr(self, field, None)
        if value is not None and not isinstance(value, str):
            setattr(self, field, str(value))


models.Container.__init__ = _container_init

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

from moto.server import main  # noqa: E402  (after the patch, on purpose)

if __name__ == "__main__":
    main(sys.argv[1:])
