"""moto's EC2 with the defaults AWS applies where the Exec preflight and the network model
(`strict/network.py`) read them (docs/strict-world.md, "The network model"):

- CreateNatGateway without `ConnectivityType` makes a `public` gateway ("The default is public
  connectivity", EC2 API reference); moto leaves the field empty.
- CreateVpcEndpoint of an interface endpoint without `SecurityGroupIds` associates the VPC's
  default security group ("If this parameter is not specified, we use the default security group
  for the VPC"); moto associates none.
- A VPC's default security group admits all traffic from itself (VPC user guide, "Default
  security groups"); moto's has no ingress rule.
"""

from moto.ec2.models import nat_gateways, vpcs
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
