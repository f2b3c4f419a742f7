"""moto's CloudWatch Logs log groups as AWS makes them.

- moto has no AssociateKmsKey/DisassociateKmsKey for log groups: they set and clear the group's
  `kmsKeyId`, as CloudWatch Logs does.
- CreateLogGroup with `tags` makes the group with its tags in one step on AWS; moto lists the group
  before it tags it, so a reader in between (DescribeLogGroups, then ListTagsForResource) saw a
  group without its owner tag. The tags are set on the group's ARN first.
"""

from moto.logs import exceptions as logs_exceptions
from moto.logs import models as logs_models
from moto.logs import responses as logs_responses


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
_original_create_log_group = logs_models.LogsBackend.create_log_group


def _create_log_group(self, log_group_name, tags, **kwargs):
    # AWS makes a group with its tags in one step; moto lists it before tagging it (a reader
    # in between saw an owner ""): tag its ARN first (an existing name is refused below).
    if log_group_name not in self.groups:
        arn = logs_models.LogGroup(self.account_id, self.region_name, log_group_name, **kwargs).arn
        self.tag_resource(arn, tags)
    return _original_create_log_group(self, log_group_name, tags, **kwargs)


logs_models.LogsBackend.create_log_group = _create_log_group
