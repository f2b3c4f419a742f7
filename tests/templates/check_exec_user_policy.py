"""ExecUserPolicy, the managed policy the stacks offer people for ECS Exec, checked
(tests/templates/check.py runs these):
- it is named ecs-debug-toolkit-exec-<region> in both templates (IAM Identity Center references it
  by name in every account), which samconfig.toml's capabilities allow (check_parameters.py), and
  keeps the Description and Path it has: a change to either replaces a managed policy, and
  CloudFormation cannot replace a resource with a custom name (EXEC_POLICY_FROZEN);
- the ExecUserPolicy output lets a person do exactly what the bot hands out, judged by the IAM
  simulator (tests/iam-simulator): exec into and port-forward through debug tasks, nothing else.
resolve() makes the policy as CloudFormation would (check.py hands it to check_exec_scope.py).
"""
import json

from check_common import ACCOUNT, REGION, problems
from iam_simulator import simulate
from cfn_yaml import Tag  # (check_common puts scripts/ on the path)


EXEC_POLICY_NAME = "ecs-debug-toolkit-exec-${AWS::Region}"


def check_exec_policy_name(template, name):
    policy_name = template["Resources"]["ExecUserPolicy"]["Properties"].get("ManagedPolicyName")
    if not (isinstance(policy_name, Tag) and (policy_name.name, policy_name.value) == ("Sub", EXEC_POLICY_NAME)):
        problems.append(f"{name} ExecUserPolicy: ManagedPolicyName is {policy_name!r}, not !Sub {EXEC_POLICY_NAME} "
                        f"(IAM Identity Center references it by the same name in every account)")


# A change to either property replaces an AWS::IAM::ManagedPolicy ("Update requires: Replacement"),
# and CloudFormation refuses to replace a resource with a custom name: the update would fail
# ("cannot update a stack when a custom-named resource requires replacing"). Path is absent (/).
EXEC_POLICY_FROZEN = {
    "Description": "ecs-debug-toolkit users - ECS Exec and port forwarding into debug tasks of managed clusters",
    "Path": None,
}


def check_exec_policy_frozen(template, name):
    properties = template["Resources"]["ExecUserPolicy"]["Properties"]
    for key, value in EXEC_POLICY_FROZEN.items():
        if properties.get(key) != value:
            problems.append(f"{name} ExecUserPolicy: {key} is {properties.get(key)!r}, not {value!r}: a change to "
                            f"{key} replaces a managed policy, and CloudFormation cannot replace one with a custom "
                            f"name (ManagedPolicyName), so every stack's update would fail. Keep it (the comment at "
                            f"the resource says how to change it)")


# A key's default policy: the account's IAM policies decide (without it, IAM grants nothing on a key).
DEFAULT_KEY_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Enable IAM User Permissions", "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}]}
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def resolve(node, parameters):
    """The policy as CloudFormation would make it with `parameters`."""
    if isinstance(node, list):
        return [v for v in (resolve(x, parameters) for x in node) if v is not None]
    if isinstance(node, dict):
        return {k: v for k, v in ((k, resolve(x, parameters)) for k, x in node.items()) if v is not None}
    if not isinstance(node, Tag):
        return node
    if node.name == "Sub":
        text = node.value.replace("${AWS::Partition}", "aws").replace("${AWS::Region}", REGION)
        return text.replace("${AWS::AccountId}", ACCOUNT).replace("${!", "${")
    if node.name == "Ref":
        return None if node.value == "AWS::NoValue" else parameters[node.value]
    if node.name == "If":
        condition, then, otherwise = node.value
        assert condition == "HasExecKmsKeys", condition
        return resolve(then if parameters["ExecKmsKeyArns"] else otherwise, parameters)
    if node.name == "Split":
        separator, value = node.value
        return resolve(value, parameters).split(separator)
    raise ValueError(f"!{node.name} in ExecUserPolicy")


# What the Session Manager plugin asks KMS for (session-manager-plugin's encrypter).
SESSION_KEY_CONTEXT = {"kms:EncryptionContextKeys": ["aws:ssm:SessionId", "aws:ssm:TargetId"]}


def check_exec_user_policy(template):
    document = template["Resources"]["ExecUserPolicy"]["Properties"]["PolicyDocument"]
    user = f"arn:aws:sts::{ACCOUNT}:assumed-role/Developers/alice"
    userid = "AROAEXAMPLEID:alice"
    ours = {"aws:ResourceTag/debug-toolkit:managed-by": "ecs-debug-toolkit"}
    task = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/payments-dev/0123456789abcdef0123456789abcdef"
    cluster = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/payments-dev"
    # (The simulator cannot read the account-less form; the policy's "*" account covers both.)
    document_arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/"
    exec_ = {"ecs:container-name": "debug-toolkit"}
    cases = [
        # (keys, action, resource, context, allowed)
        ("", "ecs:ExecuteCommand", task, ours | exec_, True),
        ("", "ecs:ExecuteCommand", cluster, ours | exec_, True),
        ("", "ecs:ExecuteCommand", task, ours | {"ecs:container-name": "app"}, False),
        ("", "ecs:ExecuteCommand", task, exec_, False),
        ("", "ecs:ExecuteCommand", task, {"aws:ResourceTag/debug-toolkit:managed-by": "someone-else"} | exec_, False),
        ("", "ecs:DescribeTasks", task, ours, True),
        ("", "ecs:DescribeTasks", task, {}, False),
        ("", "ssm:StartSession", task, ours, True),
        ("", "ssm:StartSession", task, ours | {"ssm:SessionDocumentAccessCheck": "true"}, True),
        ("", "ssm:StartSession", task, {}, False),
        ("", "ssm:StartSession", f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0", ours, False),
        ("", "ssm:StartSession", document_arn + "AWS-StartPortForwardingSessionToRemoteHost", {}, True),
        ("", "ssm:StartSession", document_arn + "AWS-StartInteractiveCommand", {}, False),
        ("", "ssm:StartSession", document_arn + "SSM-SessionManagerRunShell", {}, False),
        ("", "ssm:TerminateSession", f"arn:aws:ssm:{REGION}:{ACCOUNT}:session/{userid}-0a1b2c3d4e5f", {"aws:userid": userid}, True),
        ("", "ssm:TerminateSession", f"arn:aws:ssm:{REGION}:{ACCOUNT}:session/AROAOTHER:bob-0a1b2c3d4e5f", {"aws:userid": userid}, False),
        ("", "kms:GenerateDataKey", KEY, {}, False),
        (KEY, "kms:GenerateDataKey", KEY, SESSION_KEY_CONTEXT, True),
        # The session's data key only: not another use of the same key.
        (KEY, "kms:GenerateDataKey", KEY, {}, False),
        (KEY, "kms:GenerateDataKey", KEY, {"kms:EncryptionContextKeys": ["aws:logs:arn"]}, False),
        (KEY, "kms:GenerateDataKey", KEY.replace("1234abcd", "9999abcd"), SESSION_KEY_CONTEXT, False),
        ("", "ecs:RunTask", f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/payments-dev-debug-toolkit:1", ours, False),
    ]
    requests = []
    for keys, action, resource, context, _ in cases:
        policy = resolve(document, {"ExecKmsKeyArns": keys})
        requests.append(json.dumps({
            "policies": [policy], "action": action, "resource": resource,
            "context": context | {"aws:userid": context.get("aws:userid", userid)},
            "account": ACCOUNT, "principal": user,
        } | ({"resourcePolicy": DEFAULT_KEY_POLICY} if action.startswith("kms:") else {})))
    answers = simulate(requests)
    for (keys, action, resource, context, allowed), answer in zip(cases, answers, strict=True):
        if answer["result"] == "Error" or (answer["result"] == "Allowed") != allowed:
            problems.append(
                f"ExecUserPolicy (ExecKmsKeyArns={keys!r}): {action} on {resource} with {context} "
                f"should be {'allowed' if allowed else 'denied'}: {answer}"
            )
    return len(cases)
