"""What every IAM authorisation of the strict gate is made of: the check (action, resource,
condition context) and the context keys shared by the services (see iam_table for sources)."""

from dataclasses import dataclass, field

from . import state


@dataclass
class Check:
    action: str
    resource: str
    context: dict = field(default_factory=dict)
    # The resource's own policy where AWS evaluates one too (a KMS key policy, a role's trust
    # policy, a bus policy: trust.py).
    resource_policy: dict | None = None
    # The account the resource is in, when it may not be the caller's (a role to assume, a bus
    # named by ARN): the simulator then evaluates a cross-account request.
    resource_account: str | None = None


def request_tags(pairs):
    context = {f"aws:RequestTag/{k}": v for k, v in pairs}
    if pairs:
        context["aws:TagKeys"] = [k for k, _ in pairs]
    return context


def resource_tags(tags, iam=False):
    context = {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
    if iam:
        context.update({f"iam:ResourceTag/{k}": v for k, v in tags.items()})
    return context


def pass_role(account, role_arn):
    tags = state.iam_role_by_arn(account, role_arn)
    context = {"iam:PassedToService": "ecs-tasks.amazonaws.com"} | resource_tags(tags, iam=True)
    return Check("iam:PassRole", role_arn, context)


def everything(action):
    return lambda p, account, region: [Check(action, "*")]
