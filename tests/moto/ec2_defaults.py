"""moto's EC2 with the defaults AWS applies where the Exec preflight and the network model
(`strict/network.py`) read them (docs/strict-world.md, "The network model"):

- CreateNatGateway without `ConnectivityType` makes a `public` gateway ("The default is public
  connectivity", EC2 API reference); moto leaves the field empty.
- CreateVpcEndpoint of an interface endpoint without `SecurityGroupIds` associates the VPC's
  default security group ("If this parameter is not specified, we use the default security group
  for the VPC"); moto associates none.
- A VPC's default security group admits all traffic from itself (VPC user guide, "Default
  security groups"); moto's has no ingress rule.
- DescribeVpcEndpointServices lists the AWS services the environment makes endpoints for
  (PrivateLink guide, "AWS services that integrate with AWS PrivateLink": ssmmessages, ssm,
  ec2messages, logs, kms, sts, secretsmanager as interface endpoints in each of the Region's
  zones); moto lists only the services whose backends declare one (ECR, S3 and a few others), and
  its `service-name` filter reads the filter's values under `Value` where its own parser gives
  `Values` (a KeyError, answered 500).
"""

from moto.core.base_backend import BaseBackend
from moto.ec2.models import nat_gateways, vpcs
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend
from moto.ec2.models.security_groups import SecurityGroupRule

_original_create_nat_gateway = nat_gateways.NatGatewayBackend.create_nat_gateway


def _create_nat_gateway(self, subnet_id, allocation_id, tags=None, connectivity_type="public"):
    return _original_create_nat_gateway(
        self, subnet_id, allocation_id, tags, connectivity_type or "public"
    )


nat_gateways.NatGatewayBackend.create_nat_gateway = _create_nat_gateway

_original_endpoint_init = vpcs.VPCEndPoint.__init__


def _endpoint_init(self, ec2_backend, endpoint_id, vpc_id, service_name, endpoint_type, *args, **kwargs):
    _original_endpoint_init(self, ec2_backend, endpoint_id, vpc_id, service_name, endpoint_type, *args, **kwargs)
    if (endpoint_type or "").lower() == "interface" and not self.security_group_ids:
        default = ec2_backend.get_default_security_group(vpc_id)
        if default is not None:
            self.security_group_ids = [default.id]


vpcs.VPCEndPoint.__init__ = _endpoint_init

_original_create_vpc = vpcs.VPCBackend.create_vpc


def _create_vpc(self, *args, **kwargs):
    vpc = _original_create_vpc(self, *args, **kwargs)
    default = self.get_default_security_group(vpc.id)
    if default is not None and not default.ingress_rules:
        itself = {"GroupId": default.id, "UserId": self.account_id}
        default.ingress_rules.append(
            SecurityGroupRule(self, "-1", default.id, None, None, None, itself, is_egress=False)
        )
    return vpc


vpcs.VPCBackend.create_vpc = _create_vpc

_original_services = vpcs.VPCBackend._collect_default_endpoint_services
_MORE_SERVICES = ("ssmmessages", "ssm", "ec2messages", "logs", "kms", "sts", "secretsmanager")


def _collect_default_endpoint_services(account_id, region):
    services = _original_services(account_id, region)  # moto's list for the region, kept by moto
    with vpcs.ENDPOINT_SERVICE_COLLECTION_LOCK:
        names = {s["ServiceName"] for s in services}
        zones = [z.name for zs in RegionsAndZonesBackend.zones.values() for z in zs if z.name.startswith(region)]
        for service in _MORE_SERVICES:
            if f"com.amazonaws.{region}.{service}" not in names:
                services.extend(BaseBackend.default_vpc_endpoint_service_factory(region, zones, service))
    return services


vpcs.VPCBackend._collect_default_endpoint_services = staticmethod(_collect_default_endpoint_services)

_original_filter_services = vpcs.VPCBackend._filter_endpoint_services


def _filter_endpoint_services(service_names_filters, filters, services):
    filters = [f if "Value" in f else f | {"Value": f.get("Values", [])} for f in filters or []]
    return _original_filter_services(service_names_filters, filters, services)


vpcs.VPCBackend._filter_endpoint_services = staticmethod(_filter_endpoint_services)
