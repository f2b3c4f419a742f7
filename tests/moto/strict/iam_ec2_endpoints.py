"""The IAM authorisations of the EC2 calls behind `VpcEndpoints` (ecs-environment), as
iam_table.py does for the rest. Service Authorization Reference, Amazon EC2, read 2026-12-07
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html):

- CreateVpcEndpoint: resource types vpc-endpoint* (aws:RequestTag/${TagKey}, aws:TagKeys,
  ec2:VpceServiceName…), vpc* (aws:ResourceTag/${TagKey}…), route-table, security-group and
  subnet (each aws:ResourceTag/${TagKey}…), so one authorisation on the new endpoint and one on
  every VPC, subnet, route table and group the request names. Tags in TagSpecifications also need
  ec2:CreateTags on the endpoint with ec2:CreateAction (EC2 guide, "Grant permission to tag
  resources during creation").
- ModifyVpcEndpoint: vpc-endpoint* and the route tables, groups and subnets added or removed.
- DeleteVpcEndpoints: vpc-endpoint*, each endpoint.
- DescribeVpcAttribute: vpc*.
- CreateVpcEndpoint of an interface endpoint with private DNS (the default) has the dependent
  action route53:AssociateVPCWithHostedZone: EC2 associates the VPC with the service's private
  hosted zone, which AWS owns (its id is not known to the caller), as the caller.
- DescribeVpcEndpointServices: no resource types ("*").
"""

from . import state
from .iam_common import Check, everything, request_tags, resource_tags


def _arn(region, account, kind, resource_id):
    return f"arn:aws:ec2:{region}:{account}:{kind}/{resource_id}"


def _on(account, region, kind, resource_id, action):
    tags = resource_tags(state.security_group_tags(account, region, resource_id))
    return Check(action, _arn(region, account, kind, resource_id), tags)


def _named(p, account, region, action, keys):
    """One authorisation per subnet, route table and group the request names."""
    checks = []
    for key, kind in keys:
        for resource_id in p.get(key, []):
            checks.append(_on(account, region, kind, resource_id, action))
    return checks


def create_vpc_endpoint(p, account, region):
    endpoint = _arn(region, account, "vpc-endpoint", "vpce-new")
    pairs = [
        (t["Key"], t.get("Value", ""))
        for s in p.get("TagSpecifications", [])
        if s.get("ResourceType") == "vpc-endpoint"
        for t in s.get("Tags", [])
    ]
    name = p.get("ServiceName", "")
    # AWS's own services are owned by `amazon`; any other endpoint service by its account.
    owner = "amazon" if name.startswith(("com.amazonaws.", "cn.com.amazonaws.")) else "999999999999"
    service = {"ec2:VpceServiceName": name, "ec2:VpceServiceOwner": owner}
    checks = [
        Check("ec2:CreateVpcEndpoint", endpoint, request_tags(pairs) | service),
        _on(account, region, "vpc", p["VpcId"], "ec2:CreateVpcEndpoint"),
    ]
    checks += _named(
        p,
        account,
        region,
        "ec2:CreateVpcEndpoint",
        [("SubnetIds", "subnet"), ("RouteTableIds", "route-table"), ("SecurityGroupIds", "security-group")],
    )
    if pairs:
        context = {"ec2:CreateAction": "CreateVpcEndpoint"} | request_tags(pairs)
        checks.append(Check("ec2:CreateTags", endpoint, context))
    interface = (p.get("VpcEndpointType") or "Gateway").lower() == "interface"
    if interface and p.get("PrivateDnsEnabled", True) in (True, "true"):
        checks.append(Check("route53:AssociateVPCWithHostedZone", "arn:aws:route53:::hostedzone/Z0AWSOWNED", {}))
    return checks


def modify_vpc_endpoint(p, account, region):
    checks = [_on(account, region, "vpc-endpoint", p["VpcEndpointId"], "ec2:ModifyVpcEndpoint")]
    keys = [
        ("AddSubnetIds", "subnet"),
        ("RemoveSubnetIds", "subnet"),
        ("AddRouteTableIds", "route-table"),
        ("RemoveRouteTableIds", "route-table"),
        ("AddSecurityGroupIds", "security-group"),
        ("RemoveSecurityGroupIds", "security-group"),
    ]
    return checks + _named(p, account, region, "ec2:ModifyVpcEndpoint", keys)


def delete_vpc_endpoints(p, account, region):
    return [_on(account, region, "vpc-endpoint", i, "ec2:DeleteVpcEndpoints") for i in p["VpcEndpointIds"]]


def describe_vpc_attribute(p, account, region):
    return [_on(account, region, "vpc", p["VpcId"], "ec2:DescribeVpcAttribute")]


TABLE = {
    ("ec2", "DescribeVpcEndpointServices"): everything("ec2:DescribeVpcEndpointServices"),
    ("ec2", "CreateVpcEndpoint"): create_vpc_endpoint,
    ("ec2", "ModifyVpcEndpoint"): modify_vpc_endpoint,
    ("ec2", "DeleteVpcEndpoints"): delete_vpc_endpoints,
    ("ec2", "DescribeVpcAttribute"): describe_vpc_attribute,
}
