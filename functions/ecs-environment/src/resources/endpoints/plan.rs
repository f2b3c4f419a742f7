//! The pure half of `VpcEndpoints`: which endpoints the environment wants, and what turns the
//! endpoints it has into them (create, change subnets or route tables, delete).

use crate::spec::vpc_endpoints::S3;
use std::collections::{BTreeMap, BTreeSet};

/// One endpoint this environment made, as EC2 describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ours {
    pub id: String,
    /// `logs`, `ecr.api`, `s3`…
    pub service: String,
    pub gateway: bool,
    pub subnet_ids: Vec<String>,
    pub route_table_ids: Vec<String>,
    /// `pending`, `available`, `deleting`, `failed`…
    pub state: String,
    pub network_interface_ids: Vec<String>,
}

/// What the environment should have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Interface endpoints, each with its subnets: the environment's, one per Availability Zone
    /// the service is offered in.
    pub interface: BTreeMap<String, Vec<String>>,
    /// Route tables the S3 gateway endpoint is attached to (none: no S3 endpoint).
    pub s3_tables: BTreeSet<String>,
    /// Each wanted service's name as EC2 offers it in the Region (`com.amazonaws.<region>.logs`).
    pub service_names: BTreeMap<String, String>,
}

impl Wanted {
    pub fn is_empty(&self) -> bool {
        self.interface.is_empty() && self.s3_tables.is_empty()
    }
}

/// The first of the subnets in each Availability Zone, in the given order (EC2 takes one subnet
/// per zone for an endpoint); a subnet whose zone is not known stands alone.
pub fn one_per_zone(subnets: &[String], zones: &BTreeMap<String, String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    subnets
        .iter()
        .filter(|s| zones.get(*s).is_none_or(|zone| seen.insert(zone.clone())))
        .cloned()
        .collect()
}

/// What an endpoint's state (EC2's `VpcEndpoint.State`) makes of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Serving, or on its way to serving: kept, changed in place.
    Live,
    /// Being deleted (by us or by hand): not kept, not deleted again; its private DNS name is
    /// held until it is gone, so its service is made again only after that.
    Going,
    /// Gone.
    Gone,
    /// `failed`, `rejected`, `expired`, `partial` or unknown: deleted (AWS bills an endpoint in
    /// any state) and made again.
    Broken,
}

impl Standing {
    pub fn of(state: &str) -> Self {
        match state.to_ascii_lowercase().as_str() {
            "pending" | "pendingacceptance" | "available" | "modifying" => Self::Live,
            "deleting" => Self::Going,
            "deleted" => Self::Gone,
            _ => Self::Broken,
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    CreateInterface(String),
    CreateS3Gateway,
    Modify {
        id: String,
        add_subnets: Vec<String>,
        remove_subnets: Vec<String>,
        add_tables: Vec<String>,
        remove_tables: Vec<String>,
    },
    Delete(String),
}

/// The steps from `ours` to `wanted`: an endpoint of a service no longer wanted, a second one of
/// a service, or a broken one is deleted; one kept gets its subnets (or route tables) set; one
/// already being deleted is left to go (the caller waits for it before making its service again).
pub fn plan(wanted: &Wanted, ours: &[Ours]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut kept = BTreeSet::new();
    for endpoint in ours {
        let standing = Standing::of(&endpoint.state);
        if matches!(standing, Standing::Going | Standing::Gone) {
            continue;
        }
        let is_wanted = if endpoint.gateway {
            endpoint.service == S3 && !wanted.s3_tables.is_empty()
        } else {
            wanted.interface.contains_key(&endpoint.service)
        };
        let usable = standing == Standing::Live;
        if !is_wanted || !usable || !kept.insert((endpoint.gateway, endpoint.service.clone())) {
            steps.push(Step::Delete(endpoint.id.clone()));
            continue;
        }
        let (have, want): (&Vec<String>, BTreeSet<&String>) = if endpoint.gateway {
            (&endpoint.route_table_ids, wanted.s3_tables.iter().collect())
        } else {
            let subnets = wanted.interface.get(&endpoint.service);
            (
                &endpoint.subnet_ids,
                subnets.into_iter().flatten().collect(),
            )
        };
        let have: BTreeSet<&String> = have.iter().collect();
        let add: Vec<String> = want.difference(&have).map(|s| s.to_string()).collect();
        let remove: Vec<String> = have.difference(&want).map(|s| s.to_string()).collect();
        if add.is_empty() && remove.is_empty() {
            continue;
        }
        let (add_subnets, remove_subnets, add_tables, remove_tables) = if endpoint.gateway {
            (vec![], vec![], add, remove)
        } else {
            (add, remove, vec![], vec![])
        };
        steps.push(Step::Modify {
            id: endpoint.id.clone(),
            add_subnets,
            remove_subnets,
            add_tables,
            remove_tables,
        });
    }
    for service in wanted.interface.keys() {
        if !kept.contains(&(false, service.clone())) {
            steps.push(Step::CreateInterface(service.clone()));
        }
    }
    if !wanted.s3_tables.is_empty() && !kept.contains(&(true, S3.to_string())) {
        steps.push(Step::CreateS3Gateway);
    }
    steps
}

#[cfg(test)]
mod tests;
