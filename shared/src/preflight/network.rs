//! Reading the network for the preflight: the VPC's endpoints (and their security groups), route
//! tables and NAT gateways, and the subnets' CIDR blocks, judged by [`super::reach`]. Two rounds:
//! everything of the VPC at once, then the groups of its interface endpoints.

use super::ingress::Permission;
use super::nat::NatGateway;
use super::reach::{self, Endpoint, Offer, Registry, Seen, Subnet};
use super::unchecked;
use crate::aws::AwsError;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{
    ConnectivityType, Filter, IpPermission, SecurityGroup, VpcEndpoint, VpcEndpointType,
};
use std::collections::{BTreeMap, BTreeSet};

/// Where the debug tasks run: the VPC, their subnets and their security groups.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub region: &'a str,
    pub vpc_id: &'a str,
    pub subnet_ids: &'a [String],
    pub task_groups: &'a [String],
}

/// Nothing when every subnet reaches everything; else the clause naming what is missing (or why
/// the network could not be read).
pub async fn check(
    ec2: &aws_sdk_ec2::Client,
    place: &Place<'_>,
    image: &str,
    needs_kms: bool,
) -> Option<String> {
    match read(ec2, place, &[]).await {
        Ok(read) => reach::judge(
            &read.seen(place),
            &read.subnets,
            Registry::of(image, place.region),
            needs_kms,
        ),
        Err(clause) => Some(clause),
    }
}

/// The VPC as the preflight reads it.
#[derive(Clone, Debug, Default)]
pub struct Read {
    pub offer: Offer,
    pub tables: Vec<aws_sdk_ec2::types::RouteTable>,
    pub nats: Vec<NatGateway>,
    pub subnets: Vec<Subnet>,
    /// Services whose private DNS name an interface endpoint of the VPC claims, in any state
    /// but gone or failed (EC2 refuses another endpoint with private DNS for them).
    pub claimed: BTreeSet<String>,
}

impl Read {
    pub fn seen<'a>(&'a self, place: &Place<'a>) -> Seen<'a> {
        Seen {
            offer: &self.offer,
            tables: &self.tables,
            nats: &self.nats,
            task_groups: place.task_groups,
        }
    }
}

/// Reads the network; the endpoints `ignore` names (an environment's own) are left out, as if
/// they were not there.
pub async fn read(
    ec2: &aws_sdk_ec2::Client,
    place: &Place<'_>,
    ignore: &[String],
) -> Result<Read, String> {
    let vpc = Filter::builder()
        .name("vpc-id")
        .values(place.vpc_id)
        .build();
    let (endpoints, tables, nats, subnets) = tokio::join!(
        ec2.describe_vpc_endpoints()
            .filters(vpc.clone())
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_route_tables()
            .filters(vpc.clone())
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_nat_gateways()
            .filter(vpc)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_subnets()
            .set_subnet_ids(Some(place.subnet_ids.to_vec()))
            .send(),
    );
    let mut endpoints = said(endpoints, "DescribeVpcEndpoints")?;
    endpoints.retain(|e| {
        !ignore
            .iter()
            .any(|id| Some(id.as_str()) == e.vpc_endpoint_id())
    });
    let claimed = endpoints
        .iter()
        .filter(|e| e.vpc_endpoint_type() == Some(&VpcEndpointType::Interface))
        .filter(|e| e.private_dns_enabled() == Some(true) && live(e))
        .filter_map(|e| service_of(e.service_name().unwrap_or_default(), place.region))
        .map(str::to_string)
        .collect();
    let tables = said(tables, "DescribeRouteTables")?;
    let nats = said(nats, "DescribeNatGateways")?;
    let subnets = said(subnets, "DescribeSubnets")?;
    let interface: Vec<(&str, &VpcEndpoint)> = endpoints
        .iter()
        .filter_map(|e| serving_interface(e, place.region).map(|service| (service, e)))
        .collect();
    let group_ids: BTreeSet<&str> = interface
        .iter()
        .flat_map(|(_, e)| e.groups().iter().filter_map(|g| g.group_id()))
        .collect();
    let groups = if group_ids.is_empty() {
        Vec::new()
    } else {
        let ids = Filter::builder()
            .name("group-id")
            .set_values(Some(group_ids.iter().map(|g| g.to_string()).collect()))
            .build();
        let groups = ec2
            .describe_security_groups()
            .filters(ids)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await;
        said(groups, "DescribeSecurityGroups")?
    };
    let mut offer = Offer::default();
    for (service, endpoint) in interface {
        offer
            .interface_endpoints
            .entry(service.to_string())
            .or_default()
            .push(Endpoint {
                id: endpoint.vpc_endpoint_id().unwrap_or_default().to_string(),
                ingress: ingress_of(endpoint, &groups),
            });
    }
    offer.s3_gateway_tables = endpoints
        .iter()
        .filter(|e| available(e) && e.vpc_endpoint_type() == Some(&VpcEndpointType::Gateway))
        .filter(|e| service_of(e.service_name().unwrap_or_default(), place.region) == Some("s3"))
        .flat_map(|e| e.route_table_ids().iter().cloned())
        .collect();
    let nats = nats
        .iter()
        .map(|n| NatGateway {
            id: n.nat_gateway_id().unwrap_or_default().to_string(),
            // CreateNatGateway's default; a gateway made before private ones existed has no field.
            public: n.connectivity_type().unwrap_or(&ConnectivityType::Public)
                == &ConnectivityType::Public,
            state: n
                .state()
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_string(),
            subnet_id: n.subnet_id().unwrap_or_default().to_string(),
        })
        .collect();
    let cidrs: BTreeMap<&str, &str> = subnets
        .subnets()
        .iter()
        .filter_map(|s| Some((s.subnet_id()?, s.cidr_block()?)))
        .collect();
    let subnets = place
        .subnet_ids
        .iter()
        .map(|id| Subnet {
            id: id.clone(),
            cidr: cidrs.get(id.as_str()).map(|c| c.to_string()),
        })
        .collect();
    Ok(Read {
        offer,
        tables,
        nats,
        subnets,
        claimed,
    })
}

/// A failed read in words `doctor` may show any workspace member and CloudFormation may keep in
/// `ExecPreflight`: the action and AWS's error code, never its message (account ids, ARNs); the
/// whole error goes to the log.
fn said<T, E, R>(result: Result<T, SdkError<E, R>>, action: &'static str) -> Result<T, String>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    result.map_err(|e| {
        let error = AwsError::of(action)(e);
        tracing::warn!(%error, "the network could not be checked");
        unchecked("the network", action, &error.public_cause())
    })
}

fn available(endpoint: &VpcEndpoint) -> bool {
    endpoint
        .state()
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("available"))
}

/// Not gone, going or failed: `pendingAcceptance`, `pending`, `available`, `modifying`…
fn live(endpoint: &VpcEndpoint) -> bool {
    !endpoint.state().is_some_and(|s| {
        ["deleting", "deleted", "failed", "rejected", "expired"]
            .iter()
            .any(|gone| s.as_str().eq_ignore_ascii_case(gone))
    })
}

/// The service of an available interface endpoint with private DNS (the service's own name then
/// resolves to it in the whole VPC).
fn serving_interface<'a>(endpoint: &'a VpcEndpoint, region: &str) -> Option<&'a str> {
    let interface = endpoint.vpc_endpoint_type() == Some(&VpcEndpointType::Interface)
        && endpoint.private_dns_enabled() == Some(true);
    (available(endpoint) && interface)
        .then(|| service_of(endpoint.service_name().unwrap_or_default(), region))
        .flatten()
}

/// `ssmmessages` of `com.amazonaws.<region>.ssmmessages`, or of China's
/// `cn.com.amazonaws.<region>.ssmmessages`; `None` for another region's or another kind of name.
pub fn service_of<'a>(name: &'a str, region: &str) -> Option<&'a str> {
    let name = name.strip_prefix("cn.").unwrap_or(name);
    name.strip_prefix("com.amazonaws.")?
        .strip_prefix(region)?
        .strip_prefix('.')
        .filter(|service| !service.is_empty())
}

/// The ingress permissions of every security group of `endpoint`.
fn ingress_of(endpoint: &VpcEndpoint, groups: &[SecurityGroup]) -> Vec<Permission> {
    endpoint
        .groups()
        .iter()
        .filter_map(|g| g.group_id())
        .filter_map(|id| groups.iter().find(|g| g.group_id() == Some(id)))
        .flat_map(|g| g.ip_permissions().iter().map(permission))
        .collect()
}

fn permission(p: &IpPermission) -> Permission {
    Permission {
        protocol: p.ip_protocol().unwrap_or_default().to_string(),
        from_port: p.from_port(),
        to_port: p.to_port(),
        groups: p
            .user_id_group_pairs()
            .iter()
            .filter_map(|pair| pair.group_id().map(str::to_string))
            .collect(),
        cidrs: p
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip().map(str::to_string))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
