#!/usr/bin/env python3
"""EC2's endpoint rules the strict gate plays (vpc_endpoints.py), one row per rule, against moto
in-process: each refusal as EC2 gives it, and what is allowed beside it.

Run: python3 tests/moto/strict/test_vpc_endpoints.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import boto3  # noqa: E402
import ec2_defaults  # noqa: E402,F401
from moto import mock_aws  # noqa: E402
from strict.calls import Call  # noqa: E402
from strict.vpc_endpoints import EndpointRules  # noqa: E402

REGION, ACCOUNT = "eu-west-1", "123456789012"
LOGS = f"com.amazonaws.{REGION}.logs"
S3 = f"com.amazonaws.{REGION}.s3"


def call(operation, **params):
    return Call("ecs-environment-1", REGION, "ec2", operation, params, False)


@mock_aws
class EndpointRulesTest(unittest.TestCase):
    def setUp(self):
        self.ec2 = boto3.client("ec2", region_name=REGION)
        self.vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.ec2.modify_vpc_attribute(VpcId=self.vpc, EnableDnsHostnames={"Value": True})
        subnet = lambda cidr, zone: self.ec2.create_subnet(  # noqa: E731
            VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=zone
        )["Subnet"]["SubnetId"]
        self.a1, self.a2, self.b = subnet("10.0.1.0/24", "eu-west-1a"), subnet("10.0.2.0/24", "eu-west-1a"), subnet(
            "10.0.3.0/24", "eu-west-1b"
        )
        self.table = self.ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
        self.rules = EndpointRules()

    def refusal(self, operation, **params):
        found = self.rules.before(call(operation, **params), ACCOUNT)
        return found.code if found else None

    def interface(self, subnets, dns=True):
        return self.ec2.create_vpc_endpoint(
            VpcId=self.vpc, ServiceName=LOGS, VpcEndpointType="Interface", SubnetIds=subnets, PrivateDnsEnabled=dns
        )["VpcEndpoint"]

    def test_private_dns_needs_both_dns_attributes(self):
        create = dict(VpcId=self.vpc, ServiceName=LOGS, VpcEndpointType="Interface", SubnetIds=[self.b])
        self.assertIsNone(self.refusal("CreateVpcEndpoint", **create, PrivateDnsEnabled=True))
        self.ec2.modify_vpc_attribute(VpcId=self.vpc, EnableDnsHostnames={"Value": False})
        self.assertEqual(self.refusal("CreateVpcEndpoint", **create, PrivateDnsEnabled=True), "InvalidParameter")
        self.assertEqual(self.refusal("CreateVpcEndpoint", **create), "InvalidParameter", "private DNS by default")
        self.assertIsNone(self.refusal("CreateVpcEndpoint", **create, PrivateDnsEnabled=False))

    def test_a_private_dns_name_is_claimed_once_per_vpc(self):
        create = dict(VpcId=self.vpc, ServiceName=LOGS, VpcEndpointType="Interface", SubnetIds=[self.b])
        first = self.interface([self.b])
        found = self.rules.before(call("CreateVpcEndpoint", **create, PrivateDnsEnabled=True), ACCOUNT)
        self.assertEqual(found.code, "InvalidParameter")
        self.assertIn(f"conflicting DNS domain for logs.{REGION}.amazonaws.com in the VPC {self.vpc}", found.message)
        self.assertIsNone(self.refusal("CreateVpcEndpoint", **create, PrivateDnsEnabled=False))
        self.ec2.delete_vpc_endpoints(VpcEndpointIds=[first["VpcEndpointId"]])
        self.assertIsNone(self.refusal("CreateVpcEndpoint", **create, PrivateDnsEnabled=True), "the name is free again")

    def test_one_subnet_per_zone(self):
        create = dict(VpcId=self.vpc, ServiceName=LOGS, VpcEndpointType="Interface", PrivateDnsEnabled=True)
        self.assertEqual(self.refusal("CreateVpcEndpoint", **create, SubnetIds=[self.a1, self.a2]), "DuplicateSubnetsInSameZone")
        self.assertIsNone(self.refusal("CreateVpcEndpoint", **create, SubnetIds=[self.a1, self.b]))
        endpoint = self.interface([self.a1], dns=False)["VpcEndpointId"]
        self.assertEqual(self.refusal("ModifyVpcEndpoint", VpcEndpointId=endpoint, AddSubnetIds=[self.a2]), "DuplicateSubnetsInSameZone")
        moved = self.refusal("ModifyVpcEndpoint", VpcEndpointId=endpoint, AddSubnetIds=[self.a2], RemoveSubnetIds=[self.a1])
        self.assertIsNone(moved)

    def test_a_route_table_holds_one_gateway_endpoint_of_a_service(self):
        create = dict(VpcId=self.vpc, ServiceName=S3, VpcEndpointType="Gateway", RouteTableIds=[self.table])
        self.assertIsNone(self.refusal("CreateVpcEndpoint", **create))
        self.ec2.create_vpc_endpoint(**create)
        self.assertEqual(self.refusal("CreateVpcEndpoint", **create), "RouteAlreadyExists")
        other = self.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        elsewhere = self.ec2.create_route_table(VpcId=other)["RouteTable"]["RouteTableId"]
        self.assertEqual(
            self.refusal("CreateVpcEndpoint", **dict(create, RouteTableIds=[elsewhere])), "InvalidRouteTableId.NotFound"
        )

    def test_pending_then_available_and_deleting_until_read(self):
        from moto.ec2.models import ec2_backends

        group = self.ec2.create_security_group(GroupName="e", Description="e", VpcId=self.vpc)["GroupId"]
        created = self.ec2.create_vpc_endpoint(
            VpcId=self.vpc, ServiceName=LOGS, VpcEndpointType="Interface", SubnetIds=[self.b], SecurityGroupIds=[group]
        )["VpcEndpoint"]
        endpoint_id, enis = created["VpcEndpointId"], created["NetworkInterfaceIds"]
        body = f"<vpcEndpointId>{endpoint_id}</vpcEndpointId>".encode()
        self.rules.after(call("CreateVpcEndpoint"), ACCOUNT, 200, body)
        state = lambda: ec2_backends[ACCOUNT][REGION].vpc_end_points[endpoint_id].state  # noqa: E731
        self.assertEqual(state(), "pending")
        self.rules.after(call("DescribeVpcEndpoints"), ACCOUNT, 200, b"")
        self.assertEqual(state(), "available")
        self.assertEqual(self.refusal("DeleteSecurityGroup", GroupId=group), "DependencyViolation")
        self.rules.before(call("DeleteVpcEndpoints", VpcEndpointIds=[endpoint_id]), ACCOUNT)
        self.ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
        self.rules.after(call("DeleteVpcEndpoints"), ACCOUNT, 200, b"")
        self.assertEqual(state(), "deleting")
        self.assertEqual(len(self.ec2.describe_network_interfaces(NetworkInterfaceIds=enis)["NetworkInterfaces"]), 1)
        self.assertEqual(self.refusal("DeleteSecurityGroup", GroupId=group), "DependencyViolation")
        self.rules.after(call("DescribeNetworkInterfaces"), ACCOUNT, 200, b"")
        self.assertEqual(state(), "deleted")
        self.assertIsNone(self.refusal("DeleteSecurityGroup", GroupId=group))


class EndpointAuthorisations(unittest.TestCase):
    """What IAM checks for CreateVpcEndpoint (iam_ec2_endpoints.py): Route 53 for private DNS only,
    and the service's owner."""

    def checks(self, **params):
        from strict.iam_ec2_endpoints import create_vpc_endpoint

        params = {"VpcId": "vpc-1", "ServiceName": LOGS, "VpcEndpointType": "Interface"} | params
        return create_vpc_endpoint(params, ACCOUNT, REGION)

    def test_route53_only_for_an_interface_endpoint_with_private_dns(self):
        for params, route53 in (
            ({}, True),  # PrivateDnsEnabled defaults to true for an interface endpoint
            ({"PrivateDnsEnabled": "true"}, True),
            ({"PrivateDnsEnabled": "false"}, False),
            ({"VpcEndpointType": "Gateway", "ServiceName": S3, "RouteTableIds": ["rtb-1"]}, False),
        ):
            actions = [c.action for c in self.checks(**params)]
            self.assertEqual("route53:AssociateVPCWithHostedZone" in actions, route53, params)

    def test_the_service_owner_is_amazon_for_aws_services_only(self):
        owner = lambda name: self.checks(ServiceName=name)[0].context["ec2:VpceServiceOwner"]  # noqa: E731
        self.assertEqual(owner(LOGS), "amazon")
        self.assertEqual(owner("cn.com.amazonaws.cn-north-1.ecr.api"), "amazon")
        self.assertNotEqual(owner("com.example.vpce.eu-west-1.vpce-svc-0123"), "amazon")


if __name__ == "__main__":
    unittest.main()
