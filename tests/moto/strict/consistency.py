"""AWS behaviours moto lacks, played as AWS shows them (the team's aws-facts, "What AWS enforces
that moto does not"):

- An account has no ECS service-linked role until one is created; CreateCluster with capacity
  providers fails without it, and once more right after it was created (it propagates).
- EC2 is eventually consistent: the first call on a security group right after CreateSecurityGroup
  gets `InvalidGroup.NotFound`.
- VPC endpoints: EC2's rules and the endpoints' states (`vpc_endpoints.py`).
- A new IAM role is not passable at once: the first RegisterTaskDefinition or RunTask that passes a
  role created a moment ago is refused as a PassRole denial.

Each window is one refusal, so the tests stay fast and deterministic while the code under test
must retry each of them.
"""

import re
import threading

from moto.iam.models import iam_backends

SERVICE_LINKED_ROLE = "AWSServiceRoleForECS"
NOT_ASSUMABLE = (
    "Unable to assume the service linked role. Please verify that the ECS service linked role exists."
)
_GROUP_ID = re.compile(rb"<groupId>(sg-[0-9a-f]+)</groupId>")


class Refusal:
    def __init__(self, code, message, status=400):
        self.code, self.message, self.status = code, message, status


class Consistency:
    def __init__(self):
        self.lock = threading.Lock()
        self.new_groups = set()
        self.new_roles = set()
        self.linked_role_propagating = set()
        from .vpc_endpoints import EndpointRules  # EC2's endpoint rules (imports Refusal from here)

        self.endpoints = EndpointRules()

    def before(self, call, account):
        """The refusal AWS would give `call` now, if any."""
        refusal = self.endpoints.before(call, account)
        if refusal is not None:
            return refusal
        with self.lock:
            if call.service == "ecs" and call.operation == "CreateCluster":
                return self._linked_role(call, account)
            if call.service == "ec2" and call.operation in _GROUP_CALLS:
                group = call.params.get("GroupId")
                if group in self.new_groups:
                    self.new_groups.discard(group)
                    return Refusal("InvalidGroup.NotFound", f"The security group '{group}' does not exist")
            if call.service == "ecs" and call.operation in ("RegisterTaskDefinition", "RunTask"):
                return self._new_role(call, account)
        return None

    def after(self, call, account, status, body):
        """Remembers what `call` created, once it succeeded."""
        self.endpoints.after(call, account, status, body)
        if status >= 300:
            return
        with self.lock:
            if call.operation == "CreateSecurityGroup":
                self.new_groups.update(g.decode() for g in _GROUP_ID.findall(body))
            elif call.operation == "CreateRole":
                self.new_roles.add((account, call.params["RoleName"]))
            elif call.operation == "CreateServiceLinkedRole":
                self.linked_role_propagating.add(account)

    def _linked_role(self, call, account):
        if not call.params.get("capacityProviders"):
            return None
        if account in self.linked_role_propagating:
            self.linked_role_propagating.discard(account)
            return Refusal("InvalidParameterException", NOT_ASSUMABLE)
        try:
            iam_backends[account]["global"].get_role(SERVICE_LINKED_ROLE)
        except Exception:
            return Refusal("InvalidParameterException", NOT_ASSUMABLE)
        return None

    def _new_role(self, call, account):
        p = call.params
        passed = [p.get("taskRoleArn"), p.get("executionRoleArn")]
        passed += [p.get("overrides", {}).get(k) for k in ("taskRoleArn", "executionRoleArn")]
        fresh = [arn for arn in filter(None, passed) if (account, arn.split("/")[-1]) in self.new_roles]
        if fresh:
            self.new_roles.difference_update((account, arn.split("/")[-1]) for arn in fresh)
            return Refusal(
                "AccessDeniedException",
                f"User is not authorized to perform: iam:PassRole on resource: {fresh[0]}",
            )
        return None


_GROUP_CALLS = {
    "AuthorizeSecurityGroupEgress",
    "AuthorizeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
}
