//! What a debug task needs to reach from its subnet, and whether the network gives it: the pure
//! half of the network preflight (docs/interface.md, "Exec preflight"). A task never has a public
//! IP, so an internet gateway counts for nothing; interface endpoints with private DNS serve the
//! subnets their security groups admit HTTPS from ([`super::ingress`]); the S3 gateway endpoint
//! serves the route tables it is attached to; a public, available NAT gateway whose own subnet
//! routes to an internet gateway serves everything ([`super::nat`]) but the services that have
//! such an endpoint, whose names private DNS sends to the endpoint. A default route through
//! anything else that may lead out (a transit gateway, a NAT instance, a firewall endpoint, a
//! peering connection) is "not verified".

use super::ingress::{admits_https, Permission};
use super::nat::{self, NatGateway};
use super::routes::{default_route, table_of};
use aws_sdk_ec2::types::RouteTable;
use std::collections::{BTreeMap, BTreeSet};

/// Where the debug task's image comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registry {
    /// Amazon ECR of the stack's region: `ecr.api`, `ecr.dkr` and S3 (layers), or NAT.
    Ecr,
    /// Any other registry: only through NAT.
    Other,
}

impl Registry {
    /// `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/…` of `region` is ECR; the rest is not.
    pub fn of(image: &str, region: &str) -> Self {
        let host = image.split('/').next().unwrap_or_default();
        let mut parts = host.splitn(4, '.');
        let ecr = matches!(
            (parts.next(), parts.next(), parts.next(), parts.next()),
            (Some(account), Some("dkr"), Some("ecr"), Some(rest))
                if account.len() == 12
                    && account.bytes().all(|b| b.is_ascii_digit())
                    && (rest == format!("{region}.amazonaws.com")
                        || rest == format!("{region}.amazonaws.com.cn"))
        ) && image.contains('/');
        if ecr {
            Self::Ecr
        } else {
            Self::Other
        }
    }
}

/// An available interface endpoint with private DNS.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    pub id: String,
    /// The ingress permissions of all its security groups.
    pub ingress: Vec<Permission>,
}

/// What the network offers, VPC-wide and per route table.
#[derive(Clone, Debug, Default)]
pub struct Offer {
    /// Services (`ssmmessages`, `logs`, `kms`, `ecr.api`, `ecr.dkr`) and their interface
    /// endpoints.
    pub interface_endpoints: BTreeMap<String, Vec<Endpoint>>,
    /// Route tables an available S3 gateway endpoint is attached to.
    pub s3_gateway_tables: BTreeSet<String>,
}

/// What was read of the VPC besides its endpoints.
#[derive(Clone, Copy, Debug)]
pub struct Seen<'a> {
    pub offer: &'a Offer,
    pub tables: &'a [RouteTable],
    pub nats: &'a [NatGateway],
    /// The debug tasks' security groups.
    pub task_groups: &'a [String],
}

/// One of the environment's subnets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subnet {
    pub id: String,
    /// Its IPv4 CIDR block (`None`: not read).
    pub cidr: Option<String>,
}

/// One thing a debug task needs to reach, as the sentence names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Need {
    Endpoint(&'static str),
    S3Gateway,
    Nat,
}

impl Need {
    fn words(self) -> String {
        match self {
            Self::Endpoint(service) => service.to_string(),
            Self::S3Gateway => "S3 (image layers)".to_string(),
            Self::Nat => "the image's registry (only through NAT)".to_string(),
        }
    }
}

/// How a subnet's default route leaves the VPC, as far as a task without a public IP goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Exit {
    NatGateway(String),
    /// Something that may lead out, which this check cannot follow.
    Unverified(String),
    Nowhere,
}

/// Nothing when every subnet reaches everything; else the clause naming each subnet and piece,
/// and why a NAT gateway or an endpoint that is there does not count.
pub fn judge(
    seen: &Seen<'_>,
    subnets: &[Subnet],
    registry: Registry,
    needs_kms: bool,
) -> Option<String> {
    let needs = needs(registry, needs_kms);
    let clauses: Vec<String> = subnets
        .iter()
        .filter_map(|subnet| clause(seen, subnet, &needs))
        .collect();
    (!clauses.is_empty()).then(|| {
        format!(
            "debug tasks may not work from every subnet: {} (interface endpoints with private DNS whose security group admits HTTPS from the tasks, an S3 gateway endpoint on the subnet's route table, or a route through a public NAT gateway give the way; an internet gateway does not, as debug tasks have no public IP)",
            clauses.join("; ")
        )
    })
}

/// What a debug task needs: ssmmessages and logs, kms with a key, and the image's registry.
pub(super) fn needs(registry: Registry, needs_kms: bool) -> Vec<Need> {
    let mut needs = vec![Need::Endpoint("ssmmessages"), Need::Endpoint("logs")];
    if needs_kms {
        needs.push(Need::Endpoint("kms"));
    }
    match registry {
        Registry::Ecr => needs.extend([
            Need::Endpoint("ecr.api"),
            Need::Endpoint("ecr.dkr"),
            Need::S3Gateway,
        ]),
        Registry::Other => needs.push(Need::Nat),
    }
    needs
}

/// What one subnet lacks of `needs`, and why what is there does not count.
pub(super) struct Assessed {
    pub missing: Vec<Need>,
    pub causes: Vec<String>,
    /// The NAT gateway that leads out, if any.
    nat: Option<String>,
    exit: Exit,
    /// Services the NAT gateway would serve but for an endpoint that refuses the tasks.
    refused: Vec<&'static str>,
    /// The subnet's route table (its own, else the VPC's main one).
    pub table_id: String,
}

pub(super) fn assess(seen: &Seen<'_>, subnet: &Subnet, needs: &[Need]) -> Assessed {
    let table = table_of(seen.tables, &subnet.id);
    let mut causes = Vec::new();
    // A good NAT gateway serves every service that has no interface endpoint; one that has
    // (with private DNS, the only kind kept) is reached at the endpoint even with the NAT.
    let mut nat = None;
    let exit = match table.map_or(Exit::Nowhere, exit_of) {
        Exit::NatGateway(id) => {
            match nat::problem(&id, seen.nats, seen.tables) {
                None => nat = Some(id),
                Some(problem) => causes.push(problem.to_string()),
            }
            Exit::Nowhere
        }
        other => other,
    };
    let table_id = table.and_then(|t| t.route_table_id()).unwrap_or_default();
    let has_endpoint = |service: &str| seen.offer.interface_endpoints.contains_key(service);
    let mut refused = Vec::new();
    let missing: Vec<Need> = needs
        .iter()
        .filter(|need| match need {
            Need::Endpoint(service) => {
                let served = endpoint_serves(seen, subnet, service, &mut causes)
                    || (nat.is_some() && !has_endpoint(service));
                if !served && nat.is_some() {
                    refused.push(*service);
                }
                !served
            }
            Need::S3Gateway => nat.is_none() && !seen.offer.s3_gateway_tables.contains(table_id),
            Need::Nat => nat.is_none(),
        })
        .copied()
        .collect();
    Assessed {
        missing,
        causes,
        nat,
        exit,
        refused,
        table_id: table_id.to_string(),
    }
}

fn clause(seen: &Seen<'_>, subnet: &Subnet, needs: &[Need]) -> Option<String> {
    let Assessed {
        missing,
        mut causes,
        nat,
        exit,
        refused,
        ..
    } = assess(seen, subnet, needs);
    if missing.is_empty() {
        return None;
    }
    let missing: Vec<String> = missing.into_iter().map(Need::words).collect();
    if let Some(id) = nat {
        causes.push(format!(
            "the NAT gateway {id} does not help, as private DNS sends the name of {} to the endpoint",
            refused.join(", ")
        ));
    }
    let why = if causes.is_empty() {
        String::new()
    } else {
        format!(" ({})", causes.join("; "))
    };
    Some(match exit {
        Exit::Unverified(through) => format!(
            "{} reaches {} only through {through} (not verified){why}",
            subnet.id,
            missing.join(", ")
        ),
        _ => format!("{} has no way to {}{why}", subnet.id, missing.join(", ")),
    })
}

/// One of the service's endpoints admits HTTPS from the subnet's tasks; each that does not is
/// named in `causes`.
fn endpoint_serves(
    seen: &Seen<'_>,
    subnet: &Subnet,
    service: &str,
    causes: &mut Vec<String>,
) -> bool {
    let endpoints = seen
        .offer
        .interface_endpoints
        .get(service)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let serves = |e: &&Endpoint| admits_https(&e.ingress, seen.task_groups, subnet.cidr.as_deref());
    if endpoints.iter().any(|e| serves(&e)) {
        return true;
    }
    causes.extend(endpoints.iter().map(|e| {
        format!(
            "the endpoint {} ({service}) admits no HTTPS from the tasks",
            e.id
        )
    }));
    false
}

fn exit_of(table: &RouteTable) -> Exit {
    let Some(route) = default_route(table) else {
        return Exit::Nowhere;
    };
    let gateway = route.gateway_id().unwrap_or_default();
    if let Some(id) = route.nat_gateway_id() {
        Exit::NatGateway(id.to_string())
    } else if let Some(id) = route.transit_gateway_id() {
        Exit::Unverified(format!("transit gateway {id}"))
    } else if let Some(id) = route.instance_id().or(route.network_interface_id()) {
        Exit::Unverified(format!("{id} (a NAT instance or appliance)"))
    } else if gateway.starts_with("vpce-") {
        Exit::Unverified(format!("firewall endpoint {gateway}"))
    } else if let Some(id) = route.vpc_peering_connection_id() {
        Exit::Unverified(format!("peering connection {id}"))
    } else {
        // An internet gateway (no public IP), a virtual private gateway, nothing.
        Exit::Nowhere
    }
}

#[cfg(test)]
mod tests;
