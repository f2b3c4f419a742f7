"""EC2's rules for VPC endpoints that moto does not play (moto-notes: its endpoints are
`available` at once, delete their network interfaces at once, and check nothing), as the EC2 API
reference (CreateVpcEndpoint, ModifyVpcEndpoint, DeleteVpcEndpoints) and the PrivateLink guide
state them. Played for the functions' calls (docs/real-aws.md's table):

- Private DNS needs the VPC's `enableDnsSupport` and `enableDnsHostnames` ("To use a private
  hosted zone, you must set the following VPC attributes to true: enableDnsHostnames and
  enableDnsSupport"; `PrivateDnsEnabled` defaults to true for an interface endpoint):
  `InvalidParameter`.
- A private DNS name is claimed by one endpoint per VPC: a second interface endpoint of the same
  service with private DNS (the first in any state but deleted, failed or rejected) is refused
  with `InvalidParameter` "private-dns-enabled cannot be set because there is already a
  conflicting DNS domain for <service>.<region>.amazonaws.com in the VPC <vpc>".
- One subnet per Availability Zone ("You can specify only one subnet per Availability Zone"):
  `DuplicateSubnetsInSameZone`, at create and when ModifyVpcEndpoint adds subnets.
- A gateway endpoint's route tables are its VPC's, and a route table holds one route to a
  service's prefix list: a table already associated with a gateway endpoint of the same service
  is refused with `RouteAlreadyExists`; a table of another VPC with `InvalidRouteTableId.NotFound`.
- A new endpoint is `pending` before `available`: the first DescribeVpcEndpoints a function makes
  after the create shows it `pending` (one window, like the others in consistency.py).
- DeleteVpcEndpoints leaves the endpoint `deleting` with its network interfaces until a function
  reads it again (DescribeVpcEndpoints or DescribeNetworkInterfaces); meanwhile a group its
  interfaces use cannot be deleted (`DependencyViolation`).
"""

import re
import threading

from moto.ec2.models import ec2_backends

from .consistency import Refusal

_ENDPOINT_ID = re.compile(rb"<vpcEndpointId>(vpce-[0-9a-f]+)</vpcEndpointId>")
_GONE = ("deleted", "failed", "rejected")


def _backend(account, region):
    return ec2_backends[account][region]


def _live(endpoint):
    return (endpoint.state or "").lower() not in _GONE


def _interface(endpoint):
    return (endpoint.vpc_endpoint_type or "").lower() == "interface"


def _zone_clash(ec2, subnet_ids):
    seen = {}
    for subnet_id in subnet_ids:
        zone = ec2.get_subnet(subnet_id).availability_zone
        if zone in seen:
            return Refusal(
                "DuplicateSubnetsInSameZone",
                f"Found another VPC endpoint subnet in the availability zone of {subnet_id}. VPC endpoint "
                "subnets should be in different availability zones supported by the VPC endpoint service.",
            )
        seen[zone] = subnet_id
    return None


def _table_clash(ec2, vpc_id, service, tables, itself=None):
    for table_id in tables:
        table = ec2.route_tables.get(table_id)
        if table is None or table.vpc_id != vpc_id:
            return Refusal("InvalidRouteTableId.NotFound", f"The routeTable ID '{table_id}' does not exist")
        for other in ec2.vpc_end_points.values():
            if other.id != itself and _live(other) and not _interface(other) and other.service_name == service:
                if table_id in (other.route_table_ids or []):
                    return Refusal(
                        "RouteAlreadyExists",
                        f"route table {table_id} already has a route with destination-prefix-list-id "
                        f"{other.destination_prefix_list_id or 'pl-?'}",
                    )
    return None


def _create_refusal(ec2, p):
    vpc = ec2.get_vpc(p["VpcId"])
    service = p.get("ServiceName", "")
    if (p.get("VpcEndpointType") or "Gateway").lower() != "interface":
        return _table_clash(ec2, vpc.id, service, p.get("RouteTableIds", []))
    if p.get("PrivateDnsEnabled", True) in (True, "true"):
        for attribute in ("enable_dns_support", "enable_dns_hostnames"):
            if getattr(vpc, attribute) not in (True, "true"):
                return Refusal(
                    "InvalidParameter",
                    "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC "
                    f"attributes set to true for {vpc.id}",
                )
        for other in ec2.vpc_end_points.values():
            same = other.vpc_id == vpc.id and other.service_name == service
            if same and _interface(other) and _live(other) and other.private_dns_enabled:
                domain = service.split(".", 3)[-1] if service.count(".") >= 3 else service
                region = service.split(".")[2] if service.count(".") >= 3 else ""
                return Refusal(
                    "InvalidParameter",
                    "private-dns-enabled cannot be set because there is already a conflicting DNS domain "
                    f"for {domain}.{region}.amazonaws.com in the VPC {vpc.id}",
                )
    return _zone_clash(ec2, p.get("SubnetIds", []))


def _modify_refusal(ec2, p):
    endpoint = ec2.vpc_end_points.get(p["VpcEndpointId"])
    if endpoint is None:
        return None  # moto answers InvalidVpcEndpointId.NotFound
    if p.get("AddSubnetIds"):
        removed = set(p.get("RemoveSubnetIds", []))
        subnets = [s for s in (endpoint.subnet_ids or []) if s not in removed] + p["AddSubnetIds"]
        return _zone_clash(ec2, subnets)
    if p.get("AddRouteTableIds"):
        return _table_clash(ec2, endpoint.vpc_id, endpoint.service_name, p["AddRouteTableIds"], endpoint.id)
    return None


class EndpointRules:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = {}  # (account, region) -> endpoint ids a function has not read since created
        self.deleting = {}  # (account, region) -> {endpoint id: its network interfaces}

    def before(self, call, account):
        """EC2's refusal of `call` now, if any."""
        if call.service != "ec2":
            return None
        ec2 = _backend(account, call.region)
        p = call.params
        if call.operation == "CreateVpcEndpoint":
            return _create_refusal(ec2, p)
        if call.operation == "ModifyVpcEndpoint":
            return _modify_refusal(ec2, p)
        if call.operation == "DeleteSecurityGroup":
            group = p.get("GroupId")
            for endpoint in ec2.vpc_end_points.values():
                if _live(endpoint) and group in (endpoint.security_group_ids or []):
                    return Refusal("DependencyViolation", f"resource {group} has a dependent object")
        if call.operation == "DeleteVpcEndpoints":
            with self.lock:
                held = self.deleting.setdefault((account, call.region), {})
                for endpoint_id in p.get("VpcEndpointIds", []):
                    endpoint = ec2.vpc_end_points.get(endpoint_id)
                    if endpoint is not None and _live(endpoint) and _interface(endpoint):
                        held[endpoint_id] = {i: ec2.enis[i] for i in endpoint.network_interface_ids if i in ec2.enis}
        return None

    def after(self, call, account, status, body):
        """What follows `call`'s answer: new endpoints pending, deleted ones still deleting."""
        if call.service != "ec2":
            return
        key = (account, call.region)
        ec2 = _backend(account, call.region)
        with self.lock:
            if call.operation == "CreateVpcEndpoint" and status < 300:
                for found in _ENDPOINT_ID.findall(body):
                    endpoint = ec2.vpc_end_points.get(found.decode())
                    if endpoint is not None:
                        endpoint.state = "pending"
                        self.pending.setdefault(key, set()).add(endpoint.id)
            elif call.operation == "DeleteVpcEndpoints":
                held = self.deleting.get(key, {})
                for endpoint_id, interfaces in list(held.items()):
                    endpoint = ec2.vpc_end_points.get(endpoint_id)
                    if status >= 300 or endpoint is None or endpoint.state != "deleted":
                        held.pop(endpoint_id)
                        continue
                    endpoint.state = "deleting"
                    ec2.enis.update(interfaces)
            elif call.operation in ("DescribeVpcEndpoints", "DescribeNetworkInterfaces") and status < 300:
                for endpoint_id in self.pending.pop(key, set()) if call.operation == "DescribeVpcEndpoints" else ():
                    endpoint = ec2.vpc_end_points.get(endpoint_id)
                    if endpoint is not None and endpoint.state == "pending":
                        endpoint.state = "available"
                for endpoint_id, interfaces in self.deleting.pop(key, {}).items():
                    for interface in interfaces:
                        ec2.enis.pop(interface, None)
                    endpoint = ec2.vpc_end_points.get(endpoint_id)
                    if endpoint is not None:
                        endpoint.state = "deleted"
