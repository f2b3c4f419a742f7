//! Whether a NAT gateway a default route points at leads to AWS's public endpoints: it must be
//! `public` (a private NAT gateway's traffic is dropped at the internet gateway: VPC user guide,
//! "NAT gateways"), `available`, and its own subnet must route 0.0.0.0/0 to an internet gateway.

use super::routes::reaches_internet_gateway;
use aws_sdk_ec2::types::RouteTable;
use std::fmt;

/// What `DescribeNatGateways` says of one gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatGateway {
    pub id: String,
    /// `ConnectivityType` `public` (the default of CreateNatGateway, so a gateway without the
    /// field, made before private ones existed, is public).
    pub public: bool,
    /// `pending`, `failed`, `available`, `deleting`, `deleted`.
    pub state: String,
    pub subnet_id: String,
}

/// Why a NAT gateway gives no way out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NatProblem {
    /// Not among the VPC's NAT gateways (gone).
    Unknown {
        id: String,
    },
    Private {
        id: String,
    },
    NotAvailable {
        id: String,
        state: String,
    },
    NoInternetRoute {
        id: String,
        subnet: String,
    },
}

impl fmt::Display for NatProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown { id } => write!(f, "the NAT gateway {id} is not found"),
            Self::Private { id } => write!(
                f,
                "the NAT gateway {id} is private (it cannot reach AWS's public endpoints)"
            ),
            Self::NotAvailable { id, state } => write!(f, "the NAT gateway {id} is {state}"),
            Self::NoInternetRoute { id, subnet } => write!(
                f,
                "the NAT gateway {id} is public but its subnet {subnet} has no route to an internet gateway"
            ),
        }
    }
}

/// Nothing when the NAT gateway `id` leads out; else why not.
pub fn problem(id: &str, nats: &[NatGateway], tables: &[RouteTable]) -> Option<NatProblem> {
    let id = id.to_string();
    let Some(nat) = nats.iter().find(|n| n.id == id) else {
        return Some(NatProblem::Unknown { id });
    };
    if !nat.public {
        Some(NatProblem::Private { id })
    } else if !nat.state.eq_ignore_ascii_case("available") {
        Some(NatProblem::NotAvailable {
            id,
            state: nat.state.clone(),
        })
    } else if !reaches_internet_gateway(tables, &nat.subnet_id) {
        Some(NatProblem::NoInternetRoute {
            id,
            subnet: nat.subnet_id.clone(),
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
