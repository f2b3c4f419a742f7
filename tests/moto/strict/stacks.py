"""CloudFormation's view of the stacks the tests play (`tests/src/fakes/cfn.rs` plays
CloudFormation: it sends the custom-resource requests and registers, phase by phase, what
CloudFormation would show of the stack resource while it waits for the answer and after it,
`POST /_strict/stack-resources`). A function's `DescribeStackResource` is answered from that, as
CloudFormation answers it (API reference, DescribeStackResource; AWS CLI and SDK issues quote the
errors): a stack this account and Region does not have, or a stack deleted, is
`ValidationError: Stack with id <StackName> does not exist`; a logical id the stack lacks is
`ValidationError: Resource <id> does not exist for stack <StackName>`. Moto's own CloudFormation
knows nothing of these stacks, so the call never reaches it.

Registration: `{"stack_id", "logical_id", "status", "physical_id" (optional), "resource_type"
(default Custom::EcsEnvironment)}`, or `{"stack_id", "gone": true}` once the stack is deleted.
The account and Region are the stack ARN's.
"""

import threading
import time
import uuid
from xml.sax.saxutils import escape

from .consistency import Refusal

NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/"


def _where(stack_id):
    parts = stack_id.split(":")
    if len(parts) < 6 or parts[2] != "cloudformation" or not parts[5].startswith("stack/"):
        raise ValueError(f"not a stack ARN: {stack_id!r}")
    return parts[4], parts[3]


class StackResources:
    def __init__(self):
        self.lock = threading.Lock()
        self.stacks = {}  # (account, region, stack id) -> {"gone": bool, "resources": {logical id: record}}

    def register(self, record):
        stack_id = record["stack_id"]
        account, region = _where(stack_id)
        with self.lock:
            stack = self.stacks.setdefault((account, region, stack_id), {"gone": False, "resources": {}})
            if record.get("gone"):
                stack["gone"] = True
                return
            stack["gone"] = False
            stack["resources"][record["logical_id"]] = {
                "status": record["status"],
                "physical_id": record.get("physical_id"),
                "resource_type": record.get("resource_type") or "Custom::EcsEnvironment",
                "updated": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            }

    def describe(self, params, account, region):
        """(detail, None) or (None, Refusal) for DescribeStackResource in `account` and `region`."""
        name, logical_id = params["StackName"], params["LogicalResourceId"]
        with self.lock:
            found = [
                (stack_id, stack)
                for (a, r, stack_id), stack in self.stacks.items()
                if (a, r) == (account, region) and name in (stack_id, _stack_name(stack_id))
                # a deleted stack is found by its id only, and then shown as gone
                and (name == stack_id or not stack["gone"])
            ]
            stack_id, stack = found[0] if found else (None, None)
            resource = dict(stack["resources"].get(logical_id) or {}) if stack else None
        if stack is None or stack["gone"]:
            return None, Refusal("ValidationError", f"Stack with id {name} does not exist")
        if not resource:
            return None, Refusal("ValidationError", f"Resource {logical_id} does not exist for stack {name}")
        return {"stack_id": stack_id, "logical_id": logical_id, **resource}, None


def _stack_name(stack_id):
    return stack_id.split(":", 5)[5].split("/")[1]


def answer(detail, start_response):
    """DescribeStackResource's answer (query protocol, XML)."""
    physical = detail.get("physical_id")
    fields = [
        ("StackName", _stack_name(detail["stack_id"])),
        ("StackId", detail["stack_id"]),
        ("LogicalResourceId", detail["logical_id"]),
        *([("PhysicalResourceId", physical)] if physical else []),
        ("ResourceType", detail["resource_type"]),
        ("LastUpdatedTimestamp", detail["updated"]),
        ("ResourceStatus", detail["status"]),
    ]
    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields)
    request_id = str(uuid.uuid4())
    body = (
        f'<DescribeStackResourceResponse xmlns="{NAMESPACE}"><DescribeStackResourceResult>'
        f"<StackResourceDetail>{inner}</StackResourceDetail></DescribeStackResourceResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</DescribeStackResourceResponse>"
    )
    start_response("200 OK", [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)])
    return [body.encode()]
