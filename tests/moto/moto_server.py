"""moto's server with the compatibility fixes the Rust AWS SDK needs.

moto returns a task container's `cpu` (and `memory`) as JSON numbers; the ECS API model (and AWS)
has them as strings, and the Rust SDK refuses to parse a RunTask or DescribeTasks response that
has numbers there. Stringify them when a container is made. Nothing else is changed.

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

from moto.server import main  # noqa: E402  (after the patch, on purpose)

if __name__ == "__main__":
    main(sys.argv[1:])
