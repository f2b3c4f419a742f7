"""What a Fargate task's network can reach, read from moto's EC2 state (the team's aws-facts,
"Fargate in a private subnet"). moto keeps route tables, NAT gateways and endpoints but nothing
acts on them; the ECS Exec agent patch in `moto_server.py` asks this module instead.

A task reaches an AWS service `<name>` from its subnet when
- its VPC has an interface endpoint for `com.amazonaws.<region>.<name>`, available, with private
  DNS enabled (the service's own name then resolves to the endpoint anywhere in the VPC), or
- the subnet's route table (its explicit association, else the VPC's main table) sends 0.0.0.0/0
  to an available NAT gateway, or
- that route goes to an internet gateway attached to the VPC and the task has a public IP
  (`assignPublicIp` ENABLED). Without one a task reaches nothing outside its VPC through an internet gateway.

Not modelled: security groups and network ACLs on the way, the NAT gateway's own route to the
internet, endpoint policies, DNS settings of the VPC beyond the endpoint's flag.
"""

from moto.ec2.models import ec2_backends

EXEC_AGENT_SERVICES = ("ssmmessages", "logs")
_ANYWHERE = "0.0.0.0/0"


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
    endpoint_name = f"com.amazonaws.{task.region_name}.{service}"
    for endpoint in ec2.vpc_end_points.values():
        if (
            endpoint.vpc_id == subnet.vpc_id
            and endpoint.service_name == endpoint_name
            and (endpoint.vpc_endpoint_type or "").lower() == "interface"
            and endpoint.state == "available"
            and endpoint.private_dns_enabled
        ):
            return True
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


def _public_ip(task):
    config = (getattr(task, "network_configuration", None) or {}).get("awsvpcConfiguration", {})
    return config.get("assignPublicIp") == "ENABLED"


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


def _default_route_out(ec2, subnet, public_ip):
    table = route_table_of(ec2, subnet)
    if table is None:
        return False
    for route in table.routes:
        if route.destination_cidr_block != _ANYWHERE:
            continue
        nat = route.nat_gateway
        if nat is not None and nat.id.startswith("nat-") and nat.state == "available":
            return True
        gateway = route.gateway
        if public_ip and gateway is not None and gateway.id.startswith("igw-"):
            attached = getattr(gateway, "vpc", None)
            if attached is not None and attached.id == subnet.vpc_id:
                return True
    return False
