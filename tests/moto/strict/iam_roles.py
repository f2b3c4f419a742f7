"""The IAM operations' authorisations (Service Authorization Reference, IAM; see iam_table for the
sources): CreateRole with its tags and boundary, the operations on one role (with the role's boundary
as `iam:PermissionsBoundary` for policy writes), CreateServiceLinkedRole."""

from . import state
from .iam_common import Check, request_tags, resource_tags


def tag_pairs(p):
    return [(t["Key"], t["Value"]) for t in p.get("Tags", [])]


def create_role(p, account, region):
    arn, _ = state.iam_role(account, p["RoleName"], p.get("Path", "/"))
    pairs = tag_pairs(p)
    context = request_tags(pairs)
    if p.get("PermissionsBoundary"):
        context["iam:PermissionsBoundary"] = p["PermissionsBoundary"]
    checks = [Check("iam:CreateRole", arn, context)]
    if pairs:
        checks.append(Check("iam:TagRole", arn, request_tags(pairs)))
    return checks


# The actions IAM evaluates with the role's boundary as `iam:PermissionsBoundary` (SAR, IAM).
_WITH_BOUNDARY = {"iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy"}


def on_role(action, extra=lambda p: {}):
    def handler(p, account, region):
        arn, tags = state.iam_role(account, p["RoleName"])
        context = resource_tags(tags, iam=True) | extra(p)
        boundary = state.iam_role_boundary(account, p["RoleName"]) if action in _WITH_BOUNDARY else None
        if boundary:
            context["iam:PermissionsBoundary"] = boundary
        return [Check(action, arn, context)]

    return handler


_SERVICE_LINKED_ROLES = {"ecs.amazonaws.com": "AWSServiceRoleForECS"}


def create_service_linked_role(p, account, region):
    service = p["AWSServiceName"]
    name = _SERVICE_LINKED_ROLES.get(service, f"AWSServiceRoleFor{service}")
    arn = f"arn:aws:iam::{account}:role/aws-service-role/{service}/{name}"
    return [Check("iam:CreateServiceLinkedRole", arn, {"iam:AWSServiceName": service})]
