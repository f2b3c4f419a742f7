"""What runs inside a debug task, authorised against the roles ecs-environment created for it.

No container runs in moto, so these calls are never made in a test; the gate evaluates them on
request (`POST /_strict/inside-task`) against the roles' policies as they are in the emulator
(inline and attached managed policies):
- the SSM agent's ECS Exec session channels (amazon-ssm-agent, `agent/session/communicator`;
  `ssmmessages:*` have no resource types in the SAR: `*`), as the task role;
- ECS Exec session logging to the exec log group (the agent's CloudWatch uploader: DescribeLogGroups,
  DescribeLogStreams, CreateLogStream, PutLogEvents) and, with a KMS key, `kms:Decrypt` of the
  session data key, as the task role;
- the awslogs driver writing the session heartbeat to `debug/debug-toolkit/<task-id>` of the
  debug-toolkit log group (CreateLogStream, PutLogEvents), as the execution role.
"""

import json
from urllib.parse import unquote

from moto.iam.models import iam_backends

from .iam_common import Check

TASK_ID = "0123456789abcdef0123456789abcdef"


def default_key_policy(account):
    """The policy KMS gives a key made without one: the account's IAM policies decide. A key
    policy that does not delegate to IAM would deny the task role whatever its own policy says;
    the README tells operators what the key policy must allow."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


def checks(cluster, region, account, kms_key):
    """(role kind, check) for everything that runs inside a debug task of `cluster`."""
    group = f"arn:aws:logs:{region}:{account}:log-group:"
    exec_group = f"/ecs/{cluster}/ecs-exec"
    debug_group = f"/ecs/{cluster}/debug-toolkit"
    exec_stream = f"{group}{exec_group}:log-stream:ecs-execute-command-{TASK_ID}"
    # Log-group reads are authorised against `log-group:NAME:*` (see iam_table, CloudWatch Logs).
    heartbeat_stream = f"{group}{debug_group}:log-stream:debug/debug-toolkit/{TASK_ID}"
    out = [
        ("task", Check(f"ssmmessages:{action}", "*"))
        for action in ("CreateControlChannel", "CreateDataChannel", "OpenControlChannel", "OpenDataChannel")
    ]
    out += [
        ("task", Check("logs:DescribeLogGroups", "*")),
        ("task", Check("logs:DescribeLogStreams", f"{group}{exec_group}:*")),
        ("task", Check("logs:CreateLogStream", exec_stream)),
        ("task", Check("logs:PutLogEvents", exec_stream)),
        ("execution", Check("logs:CreateLogStream", heartbeat_stream)),
        ("execution", Check("logs:PutLogEvents", heartbeat_stream)),
    ]
    if kms_key:
        out.append(("task", Check("kms:Decrypt", kms_key)))
    return out


def role_documents(account, name):
    """The policy documents of role `name`: inline, then the default version of each attached."""
    role = iam_backends[account]["global"].get_role(name)
    documents = [_document(text) for text in role.policies.values()]
    for policy in role.managed_policies.values():
        version = next(v for v in policy.versions if v.is_default)
        documents.append(_document(version.document))
    return documents


def _document(text):
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(unquote(text))
