"""What a Fargate task's network can reach, read from moto's EC2 state (the team's aws-facts,
"Fargate in a private subnet" and "Private NAT gateways"). moto keeps route tables, NAT gateways,
endpoints and security groups but nothing acts on them; the ECS Exec agent patch in
`moto_server.py` asks this module instead. The same rules as the Exec preflight
(shared/src/preflight/).

A task reaches an AWS service `<name>` from its subnet when
- its VPC has an interface endpoint for `com.amazonaws.<region>.<name>` (China:
  `cn.com.amazonaws.<region>.<name>`), available, with private DNS enabled (the service's own name
  then resolves to the endpoint anywhere in the VPC), and one of the endpoint's security groups
  admits TCP 443 (or all traffic) from one of the task's groups or from a CIDR block covering the
  task's subnet (with such an endpoint, only this: its name resolves to the endpoint, so a NAT
  gateway or an internet gateway does not help), or, when there is none,
- the subnet's route table (its explicit association, else the VPC's main table) sends 0.0.0.0/0
  to a NAT gateway that is `public` and `available` and whose own subnet's table sends 0.0.0.0/0
  to an internet gateway attached to the VPC (a private NAT gateway's traffic is dropped at the
  internet gateway), or
- that route goes to an internet gateway attached to the VPC and the task has a public IP
  (`assignPublicIp` ENABLED). Without one a task reaches nothing outside its VPC through an
  internet gateway.

Not modelled: network ACLs, the task group's own egress, endpoint policies, prefix-list and IPv6
sources, DNS settings of the VPC beyond the endpoint's flag.
"""

import ipaddress

from moto.ec2.models import ec2_backends

EXEC_AGENT_SERVICES = ("ssmmessages", "logs")
_ANYWHERE = "0.0.0.0/0"
HTTPS = 443


def exec_agent_blocked(task):
    """Whether ECS Exec's agent in `task` cannot start: it needs `ssmmessages` (its session
    channels) and `logs` (the session logs) reachable."""
    return not all(reaches(task, service) for service in EXEC_AGENT_SERVICES)


def reaches(task, service):
    """Whether `task` (moto's ECS task) can reach AWS service `service` (as in
    `com.amazonaws.<region>.<service>`)."""
    subnet_id = task_subnet(task)
    if subnet_id is None:
        return False
    ec2 = ec2_backends[task._account_id][task.region_name]
    try:
        subnet = ec2.get_subnet(subnet_id)
    except Exception:
        return False
    names = {f"{prefix}com.amazonaws.{task.region_name}.{service}" for prefix in ("", "cn.")}
    groups = _task_groups(task)
    endpoints = [
        endpoint
        for endpoint in ec2.vpc_end_points.values()
        if endpoint.vpc_id == subnet.vpc_id
        and endpoint.service_name in names
        and (endpoint.vpc_endpoint_type or "").lower() == "interface"
        and endpoint.state == "available"
        and endpoint.private_dns_enabled
    ]
    if endpoints:
        # Private DNS sends the service's name to the endpoints: no route out helps then.
        return any(_admits_https(ec2, e, groups, subnet.cidr_block) for e in endpoints)
    return _default_route_out(ec2, subnet, _public_ip(task))


def task_subnet(task):
    """The subnet of the task's elastic network interface, from its attachment's details."""
    for attachment in getattr(task, "attachments", []):
        if attachment.get("type") != "ElasticNetworkInterface":
            continue
        for detail in attachment.get("details", []):
            if detail.get("name") == "subnetId":
                return detail.get("value")
    return None


def _awsvpc(task):
    return (getattr(task, "network_configuration", None) or {}).get("awsvpcConfiguration", {})


def _public_ip(task):
    return _awsvpc(task).get("assignPublicIp") == "ENABLED"


def _task_groups(task):
    return set(_awsvpc(task).get("securityGroups", []))


def _admits_https(ec2, endpoint, task_groups, subnet_cidr):
    """One of the endpoint's groups admits TCP 443 from the task's groups or its subnet."""
    for group_id in endpoint.security_group_ids:
        group = ec2.get_security_group_from_id(group_id)
        for rule in group.ingress_rules if group is not None else []:
            carries = rule.ip_protocol == "-1" or (
                rule.ip_protocol == "tcp" and rule.from_port <= HTTPS <= rule.to_port
            )
            source = rule.source_group.get("GroupId") in task_groups or _covers(
                rule.ip_range.get("CidrIp"), subnet_cidr
            )
            if carries and source:
                return True
    return False


def _covers(outer, inner):
    try:
        return ipaddress.ip_network(inner).subnet_of(ipaddress.ip_network(outer, strict=False))
    except (TypeError, ValueError):
        return False


def route_table_of(ec2, subnet):
    """The subnet's route table: its explicit association, else its VPC's main table."""
    tables = [t for t in ec2.route_tables.values() if t.vpc_id == subnet.vpc_id]
    for table in tables:
        if subnet.id in table._associations.values():
            return table
    for table in tables:
        if table.main_association_id is not None:
            return table
    return None


def _default_route(ec2, subnet):
    table = route_table_of(ec2, subnet)
    routes = table.routes if table is not None else []
    return next((r for r in routes if r.destination_cidr_block == _ANYWHERE), None)


def _internet_gateway_of(route, vpc_id):
    """The route's internet gateway when it is attached to `vpc_id`."""
    gateway = route.gateway if route is not None else None
    if gateway is None or not gateway.id.startswith("igw-"):
        return None
    attached = getattr(gateway, "vpc", None)
    return gateway if attached is not None and attached.id == vpc_id else None


def _nat_leads_out(ec2, nat):
    if nat.connectivity_type != "public" or nat.state != "available":
        return False
    nat_subnet = ec2.get_subnet(nat.subnet_id)
    return _internet_gateway_of(_default_route(ec2, nat_subnet), nat_subnet.vpc_id) is not None


def _default_route_out(ec2, subnet, public_ip):
    route = _default_route(ec2, subnet)
    if route is None:
        return False
    nat = route.nat_gateway
    if nat is not None:
        return nat.id.startswith("nat-") and _nat_leads_out(ec2, nat)
    return public_ip and _internet_gateway_of(route, subnet.vpc_id) is not None
