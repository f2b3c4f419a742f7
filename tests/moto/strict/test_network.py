#!/usr/bin/env python3
"""The network model (network.py) that decides where the ECS Exec agent comes up, one row per
case, against moto in-process with AWS's EC2 defaults (ec2_defaults.py): the same rules as the
Exec preflight (shared/src/preflight/).

Run: python3 tests/moto/strict/test_network.py
"""

import os
import sys
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import boto3  # noqa: E402
import ec2_defaults  # noqa: E402,F401
from moto import mock_aws  # noqa: E402
from strict import network  # noqa: E402

REGION, ACCOUNT = "eu-west-1", "123456789012"


class Vpc:
    """A VPC with a private subnet (10.0.1.0/24, its own table), a public one (10.0.3.0/24, the
    main table) and the task group."""

    def __init__(self, ec2):
        self.ec2 = ec2
        self.id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.private = self.subnet("10.0.1.0/24")
        self.public = self.subnet("10.0.3.0/24")
        self.private_table = ec2.create_route_table(VpcId=self.id)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=self.private_table, SubnetId=self.private)
        self.main_table = ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [self.id]}, {"Name": "association.main", "Values": ["true"]}]
        )["RouteTables"][0]["RouteTableId"]
        self.tasks = self.group("tasks")

    def subnet(self, cidr):
        return self.ec2.create_subnet(VpcId=self.id, CidrBlock=cidr)["Subnet"]["SubnetId"]

    def group(self, name, **ingress):
        group = self.ec2.create_security_group(GroupName=name, Description=name, VpcId=self.id)["GroupId"]
        if ingress:
            self.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[ingress])
        return group

    def internet_gateway(self):
        igw = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=self.id)
        self.ec2.create_route(RouteTableId=self.main_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)

    def nat(self, **kwargs):
        if kwargs.get("ConnectivityType") != "private":
            kwargs["AllocationId"] = self.ec2.allocate_address()["AllocationId"]
        nat = self.ec2.create_nat_gateway(SubnetId=self.public, **kwargs)["NatGateway"]["NatGatewayId"]
        self.ec2.create_route(RouteTableId=self.private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        return nat

    def endpoints(self, groups=None):
        for service in network.EXEC_AGENT_SERVICES:
            extra = {"SecurityGroupIds": groups} if groups else {}
            self.ec2.create_vpc_endpoint(
                VpcId=self.id, VpcEndpointType="Interface", SubnetIds=[self.private], PrivateDnsEnabled=True,
                ServiceName=f"com.amazonaws.{REGION}.{service}", **extra,
            )

    def task(self):
        attachment = {"type": "ElasticNetworkInterface", "details": [{"name": "subnetId", "value": self.private}]}
        config = {"awsvpcConfiguration": {"subnets": [self.private], "securityGroups": [self.tasks]}}
        return types.SimpleNamespace(
            _account_id=ACCOUNT, region_name=REGION, attachments=[attachment], network_configuration=config
        )


def https(**source):
    return {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, **source}


def nat_public_igw(vpc):
    vpc.internet_gateway()
    vpc.nat()


def nat_private(vpc):
    vpc.internet_gateway()
    vpc.nat(ConnectivityType="private")


def nat_deleted(vpc):
    vpc.internet_gateway()
    vpc.ec2.delete_nat_gateway(NatGatewayId=vpc.nat())


def nat_without_igw(vpc):
    vpc.nat()  # the public subnet's (main) table has no default route


def endpoints_default_group(vpc):
    vpc.endpoints()  # the VPC's default group: it admits only its own members


def endpoints_no_https(vpc):
    vpc.endpoints([vpc.group("ssh", IpProtocol="tcp", FromPort=22, ToPort=22, IpRanges=[{"CidrIp": "10.0.0.0/16"}])])


def endpoints_from_tasks(vpc):
    vpc.endpoints([vpc.group("from-tasks", **https(UserIdGroupPairs=[{"GroupId": vpc.tasks}]))])


def endpoints_from_vpc_cidr(vpc):
    vpc.endpoints([vpc.group("from-vpc", **https(IpRanges=[{"CidrIp": "10.0.0.0/16"}]))])


def endpoints_from_other_subnet(vpc):
    vpc.endpoints([vpc.group("from-other", **https(IpRanges=[{"CidrIp": "10.0.3.0/24"}]))])


def endpoints_all_traffic(vpc):
    vpc.endpoints([vpc.group("all", IpProtocol="-1", IpRanges=[{"CidrIp": "0.0.0.0/0"}])])


def nat_and_endpoints_no_https(vpc):
    nat_public_igw(vpc)
    endpoints_no_https(vpc)  # private DNS sends the services' names to the endpoints, not the NAT


def nat_and_endpoints_from_tasks(vpc):
    nat_public_igw(vpc)
    endpoints_from_tasks(vpc)


class NetworkModel(unittest.TestCase):
    def test_where_the_exec_agent_comes_up(self):
        rows = [
            ("nothing", lambda vpc: None, True),
            ("public NAT gateway, its subnet routes to an internet gateway", nat_public_igw, False),
            ("private NAT gateway", nat_private, True),
            ("deleted NAT gateway", nat_deleted, True),
            ("public NAT gateway, its subnet has no internet gateway route", nat_without_igw, True),
            ("endpoints with the VPC's default group", endpoints_default_group, True),
            ("endpoints whose group admits no 443", endpoints_no_https, True),
            ("endpoints admitting 443 from the task group", endpoints_from_tasks, False),
            ("endpoints admitting 443 from the VPC's CIDR", endpoints_from_vpc_cidr, False),
            ("endpoints admitting 443 from another subnet only", endpoints_from_other_subnet, True),
            ("endpoints admitting all traffic", endpoints_all_traffic, False),
            ("public NAT gateway and endpoints whose group admits no 443", nat_and_endpoints_no_https, True),
            ("public NAT gateway and endpoints admitting 443 from the task group", nat_and_endpoints_from_tasks, False),
        ]
        for name, build, blocked in rows:
            with self.subTest(name), mock_aws():
                vpc = Vpc(boto3.client("ec2", region_name=REGION))
                build(vpc)
                self.assertEqual(network.exec_agent_blocked(vpc.task()), blocked, name)

    def test_aws_defaults(self):
        with mock_aws():
            vpc = Vpc(boto3.client("ec2", region_name=REGION))
            nat = vpc.nat()
            described = vpc.ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]
            self.assertEqual(described["ConnectivityType"], "public")
            vpc.endpoints()
            default = vpc.ec2.describe_security_groups(
                Filters=[{"Name": "vpc-id", "Values": [vpc.id]}, {"Name": "group-name", "Values": ["default"]}]
            )["SecurityGroups"][0]
            endpoint = vpc.ec2.describe_vpc_endpoints()["VpcEndpoints"][0]
            self.assertEqual([g["GroupId"] for g in endpoint["Groups"]], [default["GroupId"]])
            self.assertEqual(default["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], default["GroupId"])


if __name__ == "__main__":
    unittest.main()
