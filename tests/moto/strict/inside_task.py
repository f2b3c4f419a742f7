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
  debug-toolkit log group (CreateLogStream, PutLogEvents), as the execution role;
- the read-only view an engineer uses from the debug task's shell (the AWS CLI with the task
  role): the cluster's tasks listed and described, its three log groups read, each with the tags
  AWS would evaluate (a log group's own; a debug task's `Environment`, the cluster's, as the
  launcher copies it).
Where a role has a permissions boundary, the boundary's document is `EnvironmentRoleBoundary` of
the template (as the toolkit stack deploys it), and a check is allowed only when both allow.
"""

import json
from urllib.parse import unquote

from moto.iam.models import iam_backends

from . import state
from .iam_common import Check, resource_tags
from .policies import TemplateResolver, load_template

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
    cluster_arn, cluster_tags = state.ecs_cluster(account, region, cluster)
    task = f"arn:aws:ecs:{region}:{account}:task/{cluster}/{TASK_ID}"
    task_tags = {k: v for k, v in cluster_tags.items() if k == "Environment"}
    out += [
        ("task", Check("ecs:ListTasks", "*", {"ecs:cluster": cluster_arn})),
        ("task", Check("ecs:DescribeTasks", task, {"ecs:cluster": cluster_arn} | resource_tags(task_tags))),
    ]
    for name in (f"/ecs/{cluster}", debug_group, exec_group):
        tags = resource_tags(state.log_group_tags(account, region, name))
        out += [
            ("task", Check("logs:FilterLogEvents", f"{group}{name}:*", tags)),
            ("task", Check("logs:GetLogEvents", f"{group}{name}:*", tags)),
        ]
    if kms_key:
        # The agent decrypts the session's data key under the context it was made with.
        context = {"kms:EncryptionContextKeys": ["aws:ssm:SessionId", "aws:ssm:TargetId"]}
        out.append(("task", Check("kms:Decrypt", kms_key, context)))
    return out


def boundary_documents(account, region, name, template_path):
    """The boundary of role `name` as the template deploys it (`EnvironmentRoleBoundary`), or
    None when the role has none."""
    role = iam_backends[account]["global"].get_role(name)
    if not role.permissions_boundary_arn:
        return None
    template = load_template(template_path)
    document = template["Resources"]["EnvironmentRoleBoundary"]["Properties"]["PolicyDocument"]
    return [TemplateResolver(template, account, region, {}).value(document)]


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
