"""What CloudWatch Logs asks of a KMS key it is told to encrypt a log group with, played as AWS
does (moto accepts any key id).

CreateLogGroup and AssociateKmsKey with `kmsKeyId` check that CloudWatch Logs may use the key: it
exists, and its key policy allows `logs.<region>.amazonaws.com` to encrypt, decrypt and generate
data keys with the log group's ARN as the `kms:EncryptionContext:aws:logs:arn` encryption context
(CloudWatch Logs guide, "Encrypt log data in CloudWatch Logs using AWS KMS", step 2). Otherwise:
`AccessDeniedException: The specified KMS key does not exist or is not allowed to be used with Arn
'<log group ARN>'` (as seen in terraform-provider-aws#29282 and aws-cdk#28304).

The key policy is evaluated by the IAM simulator as the key's resource policy. The simulator reads
no `kms:EncryptionContext:<key>` condition key (it matches variable keys only after a `/`), so the
gate hands it the log group's ARN under `kms:ViaService` and renames the key in the policy alike.
"""

import json

from moto.kms.models import kms_backends

from .consistency import Refusal
from .iam_common import Check

LOGS_NEEDS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")
_CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn"
_STAND_IN = "kms:ViaService"


def key_policy(account, region, key_id):
    """(ARN, policy document) of a key in moto's state, or None when there is no such key."""
    try:
        key = kms_backends[account][region].describe_key(key_id)
    except Exception:
        return None
    return key.arn, json.loads(key.policy)


def logs_refusal(call, account, simulator):
    """AWS's refusal of a CreateLogGroup/AssociateKmsKey whose key Logs may not use, else None."""
    if call.service != "logs" or call.operation not in ("CreateLogGroup", "AssociateKmsKey"):
        return None
    key_id = call.params.get("kmsKeyId")
    if not key_id:
        return None
    group = f"arn:aws:logs:{call.region}:{account}:log-group:{call.params['logGroupName']}"
    refusal = Refusal(
        "AccessDeniedException",
        f"The specified KMS key does not exist or is not allowed to be used with Arn '{group}'",
    )
    found = key_policy(account, call.region, key_id)
    if found is None:
        return refusal
    arn, policy = found
    policy = json.loads(json.dumps(policy).replace(_CONTEXT_KEY, _STAND_IN))
    service = f"logs.{call.region}.amazonaws.com"
    for action in LOGS_NEEDS:
        check = Check(action, arn, {_STAND_IN: group})
        if simulator.evaluate([], check, account, service, resource_policy=policy, principal=service) != "Allowed":
            return refusal
    return None
