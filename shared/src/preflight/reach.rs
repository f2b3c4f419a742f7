//! What a debug task needs to reach from its subnet, and whether the network gives it: the pure
//! half of the network preflight (docs/interface.md, "Exec preflight"). A task never has a public
//! IP, so an internet gateway counts for nothing; interface endpoints with private DNS serve the
//! whole VPC; the S3 gateway endpoint serves the route tables it is attached to; a NAT gateway
//! serves everything. A default route through anything else that may lead out (a transit
//! gateway, a NAT instance, a firewall endpoint, a peering connection) is "not verified".

use aws_sdk_ec2::types::RouteTable;
use std::collections::BTreeSet;

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

/// What the network offers, VPC-wide and per route table.
#[derive(Clone, Debug, Default)]
pub struct Offer {
    /// Services (`ssmmessages`, `logs`, `kms`, `ecr.api`, `ecr.dkr`) with an available interface
    /// endpoint with private DNS.
    pub interface_endpoints: BTreeSet<String>,
    /// Route tables an available S3 gateway endpoint is attached to.
    pub s3_gateway_tables: BTreeSet<String>,
}

/// One thing a debug task needs to reach, as the sentence names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
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
enum Exit {
    NatGateway,
    /// Something that may lead out, which this check cannot follow.
    Unverified(String),
    Nowhere,
}

/// Nothing when every subnet reaches everything; else the clause naming each subnet and piece.
pub fn judge(
    offer: &Offer,
    tables: &[RouteTable],
    subnets: &[String],
    registry: Registry,
    needs_kms: bool,
) -> Option<String> {
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
    let clauses: Vec<String> = subnets
        .iter()
        .filter_map(|subnet| {
            let table = table_of(tables, subnet);
            let exit = table.map_or(Exit::Nowhere, exit_of);
            if exit == Exit::NatGateway {
                return None;
            }
            let table_id = table.and_then(|t| t.route_table_id()).unwrap_or_default();
            let missing: Vec<String> = needs
                .iter()
                .filter(|need| match need {
                    Need::Endpoint(service) => !offer.interface_endpoints.contains(*service),
                    Need::S3Gateway => !offer.s3_gateway_tables.contains(table_id),
                    Need::Nat => true,
                })
                .map(|need| need.words())
                .collect();
            if missing.is_empty() {
                return None;
            }
            Some(match exit {
                Exit::Unverified(through) => format!(
                    "{subnet} reaches {} only through {through} (not verified)",
                    missing.join(", ")
                ),
                _ => format!("{subnet} has no way to {}", missing.join(", ")),
            })
        })
        .collect();
    (!clauses.is_empty()).then(|| {
        format!(
            "debug tasks may not work from every subnet: {} (interface endpoints with private DNS, an S3 gateway endpoint on the subnet's route table, or a NAT gateway route give the way; an internet gateway does not, as debug tasks have no public IP)",
            clauses.join("; ")
        )
    })
}

/// The subnet's own route table, else the VPC's main one.
fn table_of<'a>(tables: &'a [RouteTable], subnet: &str) -> Option<&'a RouteTable> {
    let explicit = tables.iter().find(|t| {
        t.associations()
            .iter()
            .any(|a| a.subnet_id() == Some(subnet))
    });
    explicit.or_else(|| {
        tables
            .iter()
            .find(|t| t.associations().iter().any(|a| a.main() == Some(true)))
    })
}

fn exit_of(table: &RouteTable) -> Exit {
    // A blackhole route (its NAT gateway or attachment deleted) leads nowhere.
    let Some(route) = table.routes().iter().find(|r| {
        r.destination_cidr_block() == Some("0.0.0.0/0")
            && r.state() != Some(&aws_sdk_ec2::types::RouteState::Blackhole)
    }) else {
        return Exit::Nowhere;
    };
    let gateway = route.gateway_id().unwrap_or_default();
    if route.nat_gateway_id().is_some() {
        Exit::NatGateway
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
