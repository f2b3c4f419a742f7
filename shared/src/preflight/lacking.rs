//! What VPC endpoints would give the debug tasks what their subnets lack, by the preflight's own
//! rules ([`super::reach`]): `VpcEndpoints: needed` (docs/interface.md, "VPC endpoints"). An
//! interface endpoint for a service whose private DNS name another endpoint of the VPC already
//! claims (in any state but going, gone or failed; whoever made it) is never proposed: EC2 refuses a second one, and
//! the one there is not ours to change. A need no endpoint meets (an image of another registry,
//! only through NAT) is left to the preflight's sentence.

use super::reach::{assess, needs, Need, Registry, Seen, Subnet};
use std::collections::BTreeSet;

/// The endpoints to make.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lacking {
    /// Interface endpoints (`ssmmessages`, `logs`, `kms`, `ecr.api`, `ecr.dkr`).
    pub services: BTreeSet<String>,
    /// Route tables of the subnets that need an S3 gateway endpoint on them.
    pub s3_tables: BTreeSet<String>,
}

/// `seen` must leave out the endpoints this environment made itself (what the network would be
/// without them); `claimed`: services whose private DNS name an endpoint of the VPC holds.
pub fn lacking(
    seen: &Seen<'_>,
    subnets: &[Subnet],
    registry: Registry,
    needs_kms: bool,
    claimed: &BTreeSet<String>,
) -> Lacking {
    let needs = needs(registry, needs_kms);
    let mut out = Lacking::default();
    for subnet in subnets {
        let assessed = assess(seen, subnet, &needs);
        for need in assessed.missing {
            match need {
                Need::Endpoint(service) if !claimed.contains(service) => {
                    out.services.insert(service.to_string());
                }
                Need::S3Gateway if !assessed.table_id.is_empty() => {
                    out.s3_tables.insert(assessed.table_id.clone());
                }
                Need::Endpoint(_) | Need::S3Gateway | Need::Nat => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
