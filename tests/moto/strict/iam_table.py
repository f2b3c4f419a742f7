"""Per API operation: the IAM authorisations AWS evaluates before acting, each an action, the
resource ARN it is evaluated against and the request's condition context.

Sources, read 2026-11-30 (the Service Authorization Reference, "SAR", and the services' guides):
- ECS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
  Tag-on-create needs ecs:TagResource with ecs:CreateAction (ECS guide, "Grant permission to tag
  resources on creation"). RunTask and RegisterTaskDefinition need iam:PassRole for the task and
  execution roles (ECS guide, "Task IAM role"). A cluster-wide ListTasks is evaluated against `*`
  with the cluster in ecs:cluster (see aws-facts, "IAM, ListTasks").
- IAM: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
  CreateRole with Tags also needs iam:TagRole (IAM guide, "Permissions required to tag").
- CloudWatch Logs: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
  CreateLogGroup with tags also needs logs:TagResource (CreateLogGroup API reference). A log
  group's tags are its `aws:ResourceTag/*` (SAR, resource type log-group).
- IAM CreateRole with a PermissionsBoundary: `iam:PermissionsBoundary` (SAR, IAM); PutRolePolicy,
  DeleteRolePolicy, AttachRolePolicy and DetachRolePolicy carry the role's boundary in the same key.
- EC2: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
  Tags in TagSpecifications need ec2:CreateTags with ec2:CreateAction (EC2 guide, "Grant
  permission to tag resources during creation"); AuthorizeSecurityGroupEgress is evaluated on the
  group and on the new security-group-rule. The Describe* actions (DescribeNatGateways among
  them) list no resource type, only ec2:Region: evaluated against `*`.
- Secrets Manager: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
- EventBridge: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
  PutEvents is evaluated per entry, on its bus, with events:source and events:detail-type; a bus
  of another account also by its bus policy (EventBridge guide, "Permissions for event buses").
- STS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
  AssumeRole is evaluated on the role, with sts:RoleSessionName, against the caller's policies and
  the role's trust policy (IAM guide, "Cross account resource access": both must allow across
  accounts; trust.py). GetCallerIdentity needs no permission.
- CloudFormation: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html
  DescribeStackResource is evaluated on the stack (`stack/<name>/<id>`).
- KMS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
  GetKeyPolicy is evaluated on the key, against the caller's policies and the key policy (KMS
  developer guide, "Key policies": without the key policy's consent no IAM policy grants access).

The resource ARN of a resource that a call creates uses a placeholder id (`sg-new`, `new-task`):
AWS evaluates the id it is about to assign, which no policy of ours names.
"""

from . import iam_ec2_endpoints
from . import iam_ecs as ecs
from . import iam_roles as iam
from . import kms_keys, state
from .iam_common import Check, everything, request_tags, resource_tags


def _cloudformation_describe_stack_resource(p, account, region):
    """Evaluated on the stack: its ARN when named by id, else the name's stacks (any id)."""
    name = p["StackName"]
    arn = name if name.startswith("arn:") else f"arn:aws:cloudformation:{region}:{account}:stack/{name}/*"
    return [Check("cloudformation:DescribeStackResource", arn)]


def checks_for(call, account):
    """The authorisations `call` needs, or None when the operation is not in this table."""
    handler = TABLE.get((call.service, call.operation)) or iam_ec2_endpoints.TABLE.get((call.service, call.operation))
    return None if handler is None else handler(call.params, account, call.region)


# --- IAM ---------------------------------------------------------------------------------------


# --- CloudWatch Logs ---------------------------------------------------------------------------


def _log_group_arn(region, account, name):
    return f"arn:aws:logs:{region}:{account}:log-group:{name}"


def _logs_create_log_group(p, account, region):
    arn = _log_group_arn(region, account, p["logGroupName"])
    pairs = list(p.get("tags", {}).items())
    checks = [Check("logs:CreateLogGroup", arn, request_tags(pairs))]
    if pairs:
        checks.append(Check("logs:TagResource", arn, request_tags(pairs)))
    return checks


def _logs_on_group(action, reads_streams=False):
    """CloudWatch Logs authorises reads of a group's streams and events against
    `log-group:NAME:*` (AWS's ECS Exec policy example grants DescribeLogStreams that way; a policy
    naming the bare group ARN does not grant them)."""

    def handler(p, account, region):
        name = p.get("logGroupName") or p["logGroupIdentifier"].split(":log-group:")[-1]
        name = name.removesuffix(":*")
        arn = _log_group_arn(region, account, name)
        tags = resource_tags(state.log_group_tags(account, region, name))
        return [Check(action, arn + ":*" if reads_streams else arn, tags)]

    return handler


def _logs_tagging(action):
    def handler(p, account, region):
        arn = p["resourceArn"].removesuffix(":*")
        name = arn.split(":log-group:")[-1]
        context = resource_tags(state.log_group_tags(account, region, name))
        context |= request_tags(list(p.get("tags", {}).items()))
        if p.get("tagKeys"):
            context["aws:TagKeys"] = p["tagKeys"]
        return [Check(action, arn, context)]

    return handler


# --- EC2 ---------------------------------------------------------------------------------------


def _ec2_pairs(p, resource_type):
    specs = [s for s in p.get("TagSpecifications", []) if s.get("ResourceType") == resource_type]
    return [(t["Key"], t.get("Value", "")) for s in specs for t in s.get("Tags", [])]


def _ec2_arn(region, account, kind, resource_id):
    return f"arn:aws:ec2:{region}:{account}:{kind}/{resource_id}"


def _ec2_create_security_group(p, account, region):
    group = _ec2_arn(region, account, "security-group", "sg-new")
    pairs = _ec2_pairs(p, "security-group")
    checks = [Check("ec2:CreateSecurityGroup", group, request_tags(pairs))]
    if p.get("VpcId"):
        vpc = _ec2_arn(region, account, "vpc", p["VpcId"])
        checks.append(Check("ec2:CreateSecurityGroup", vpc))
    if pairs:
        context = {"ec2:CreateAction": "CreateSecurityGroup"} | request_tags(pairs)
        checks.append(Check("ec2:CreateTags", group, context))
    return checks


def _ec2_on_group(action, creates_rule=False):
    def handler(p, account, region):
        tags = state.security_group_tags(account, region, p["GroupId"])
        group = _ec2_arn(region, account, "security-group", p["GroupId"])
        checks = [Check(action, group, resource_tags(tags))]
        if creates_rule:
            rule = _ec2_arn(region, account, "security-group-rule", "sgr-new")
            pairs = _ec2_pairs(p, "security-group-rule")
            checks.append(Check(action, rule, request_tags(pairs)))
            if pairs:
                context = {"ec2:CreateAction": action.split(":")[1]} | request_tags(pairs)
                checks.append(Check("ec2:CreateTags", rule, context))
        return checks

    return handler


def _ec2_tagging(action):
    def handler(p, account, region):
        pairs = [(t["Key"], t.get("Value", "")) for t in p.get("Tags", [])]
        context = request_tags(pairs) if action == "ec2:CreateTags" else {}
        if pairs and action == "ec2:DeleteTags":
            context["aws:TagKeys"] = [k for k, _ in pairs]
        checks = []
        for resource_id in p["Resources"]:
            kind = {"sg": "security-group", "vpc": "vpc", "vpce": "vpc-endpoint"}[resource_id.split("-")[0]]
            tags = resource_tags(state.security_group_tags(account, region, resource_id))
            arn = _ec2_arn(region, account, kind, resource_id)
            checks.append(Check(action, arn, context | tags))
        return checks

    return handler


# --- Secrets Manager, EventBridge --------------------------------------------------------------


def _get_secret_value(p, account, region):
    return [Check("secretsmanager:GetSecretValue", state.secret_arn(account, region, p["SecretId"]))]


def _kms_get_key_policy(p, account, region):
    key_id = p["KeyId"]
    found = kms_keys.key_policy(account, region, key_id)
    arn = found[0] if found else key_id if key_id.startswith("arn:") else f"arn:aws:kms:{region}:{account}:key/{key_id}"
    return [Check("kms:GetKeyPolicy", arn, resource_policy=found[1] if found else None)]


def _put_events(p, account, region):
    """A bus named by ARN is that bus, in the ARN's account and Region (cross-account: trust.py)."""
    checks = []
    for entry in p["Entries"]:
        bus = entry.get("EventBusName") or "default"
        if not bus.startswith("arn:"):
            bus = f"arn:aws:events:{region}:{account}:event-bus/{bus}"
        context = {"events:source": entry.get("Source"), "events:detail-type": entry.get("DetailType")}
        checks.append(Check("events:PutEvents", bus, context, resource_account=bus.split(":")[4]))
    return checks


def _assume_role(p, account, region):
    role = p["RoleArn"]
    context = {"sts:RoleSessionName": p["RoleSessionName"]}
    return [Check("sts:AssumeRole", role, context, resource_account=role.split(":")[4])]


TABLE = {
    ("ecs", "CreateCluster"): ecs.create_cluster,
    ("ecs", "DescribeClusters"): ecs.describe_clusters,
    ("ecs", "UpdateCluster"): ecs.on_cluster("ecs:UpdateCluster"),
    ("ecs", "PutClusterCapacityProviders"): ecs.on_cluster(
        "ecs:PutClusterCapacityProviders",
        lambda p: {"ecs:capacity-provider": p["capacityProviders"]},
    ),
    ("ecs", "DeleteCluster"): ecs.on_cluster("ecs:DeleteCluster"),
    ("ecs", "ListClusters"): everything("ecs:ListClusters"),
    ("ecs", "RegisterTaskDefinition"): ecs.register_task_definition,
    ("ecs", "DeregisterTaskDefinition"): everything("ecs:DeregisterTaskDefinition"),
    ("ecs", "DescribeTaskDefinition"): everything("ecs:DescribeTaskDefinition"),
    ("ecs", "ListTaskDefinitions"): everything("ecs:ListTaskDefinitions"),
    ("ecs", "RunTask"): ecs.run_task,
    ("ecs", "StopTask"): ecs.on_tasks("ecs:StopTask"),
    ("ecs", "DescribeTasks"): ecs.on_tasks("ecs:DescribeTasks"),
    ("ecs", "ListTasks"): ecs.list_tasks,
    ("ecs", "DescribeServices"): ecs.describe_services,
    ("ecs", "TagResource"): ecs.tagging("ecs:TagResource", True),
    ("ecs", "UntagResource"): ecs.tagging("ecs:UntagResource", False),
    ("ecs", "ListTagsForResource"): ecs.tagging("ecs:ListTagsForResource", False),
    ("iam", "CreateRole"): iam.create_role,
    ("iam", "GetRole"): iam.on_role("iam:GetRole"),
    ("iam", "GetRolePolicy"): iam.on_role("iam:GetRolePolicy"),
    ("iam", "ListRolePolicies"): iam.on_role("iam:ListRolePolicies"),
    ("iam", "ListAttachedRolePolicies"): iam.on_role("iam:ListAttachedRolePolicies"),
    ("iam", "PutRolePolicy"): iam.on_role("iam:PutRolePolicy"),
    ("iam", "DeleteRolePolicy"): iam.on_role("iam:DeleteRolePolicy"),
    ("iam", "UpdateAssumeRolePolicy"): iam.on_role("iam:UpdateAssumeRolePolicy"),
    ("iam", "PutRolePermissionsBoundary"): iam.on_role(  # the boundary asked for (SAR, IAM)
        "iam:PutRolePermissionsBoundary", lambda p: {"iam:PermissionsBoundary": p["PermissionsBoundary"]}),
    ("iam", "DeleteRole"): iam.on_role("iam:DeleteRole"),
    ("iam", "AttachRolePolicy"): iam.on_role("iam:AttachRolePolicy", lambda p: {"iam:PolicyARN": p["PolicyArn"]}),
    ("iam", "DetachRolePolicy"): iam.on_role("iam:DetachRolePolicy", lambda p: {"iam:PolicyARN": p["PolicyArn"]}),
    ("iam", "TagRole"): iam.on_role("iam:TagRole", lambda p: request_tags(iam.tag_pairs(p))),
    ("iam", "UntagRole"): iam.on_role("iam:UntagRole", lambda p: {"aws:TagKeys": p["TagKeys"]}),
    ("iam", "CreateServiceLinkedRole"): iam.create_service_linked_role,
    ("logs", "CreateLogGroup"): _logs_create_log_group,
    ("logs", "PutRetentionPolicy"): _logs_on_group("logs:PutRetentionPolicy"),
    ("logs", "DeleteLogGroup"): _logs_on_group("logs:DeleteLogGroup"),
    ("logs", "DescribeLogStreams"): _logs_on_group("logs:DescribeLogStreams", True),
    ("logs", "CreateLogStream"): _logs_on_group("logs:CreateLogStream", True),
    ("logs", "FilterLogEvents"): _logs_on_group("logs:FilterLogEvents", True),
    ("logs", "ListTagsLogGroup"): _logs_on_group("logs:ListTagsLogGroup"),
    ("logs", "DescribeLogGroups"): everything("logs:DescribeLogGroups"),
    ("logs", "AssociateKmsKey"): _logs_on_group("logs:AssociateKmsKey"),
    ("logs", "DisassociateKmsKey"): _logs_on_group("logs:DisassociateKmsKey"),
    ("logs", "TagResource"): _logs_tagging("logs:TagResource"),
    ("logs", "UntagResource"): _logs_tagging("logs:UntagResource"),
    ("logs", "ListTagsForResource"): _logs_tagging("logs:ListTagsForResource"),
    ("ec2", "DescribeVpcs"): everything("ec2:DescribeVpcs"),
    ("ec2", "DescribeSubnets"): everything("ec2:DescribeSubnets"),
    ("ec2", "DescribeNetworkInterfaces"): everything("ec2:DescribeNetworkInterfaces"),
    ("ec2", "DescribeSecurityGroups"): everything("ec2:DescribeSecurityGroups"),
    ("ec2", "DescribeVpcEndpoints"): everything("ec2:DescribeVpcEndpoints"),
    ("ec2", "DescribeRouteTables"): everything("ec2:DescribeRouteTables"),
    ("ec2", "DescribeNatGateways"): everything("ec2:DescribeNatGateways"),
    ("ec2", "CreateSecurityGroup"): _ec2_create_security_group,
    ("ec2", "AuthorizeSecurityGroupEgress"): _ec2_on_group("ec2:AuthorizeSecurityGroupEgress", True),
    ("ec2", "AuthorizeSecurityGroupIngress"): _ec2_on_group(
        "ec2:AuthorizeSecurityGroupIngress", True
    ),
    ("ec2", "RevokeSecurityGroupEgress"): _ec2_on_group("ec2:RevokeSecurityGroupEgress"),
    ("ec2", "RevokeSecurityGroupIngress"): _ec2_on_group("ec2:RevokeSecurityGroupIngress"),
    ("ec2", "DeleteSecurityGroup"): _ec2_on_group("ec2:DeleteSecurityGroup"),
    ("ec2", "CreateTags"): _ec2_tagging("ec2:CreateTags"),
    ("ec2", "DeleteTags"): _ec2_tagging("ec2:DeleteTags"),
    ("secretsmanager", "GetSecretValue"): _get_secret_value,
    ("events", "PutEvents"): _put_events,
    ("sts", "AssumeRole"): _assume_role,
    ("sts", "GetCallerIdentity"): lambda p, account, region: [],
    ("kms", "GetKeyPolicy"): _kms_get_key_policy,
    ("cloudformation", "DescribeStackResource"): _cloudformation_describe_stack_resource,
}
