//! What Create or Update finds before changing anything ([`survey`]): ours, the endpoints wanted
//! (`needed` by the preflight's own rules, or the list), and every refusal that must come before
//! anything is made — a shared VPC, private DNS that would take names over for other subnets
//! ([`super::exposure`]), a service in none of the subnets' zones ([`super::services`]), DNS
//! attributes off, a name another endpoint claims, a group of our name that is not ours.

use super::conflicts::{held_by_another, shared_by};
use super::plan::{one_per_zone, Ours, Wanted};
use super::{exposure, find, group, of_another_cluster, services, S3};
use crate::context::Desired;
use crate::error::{aws, ProvisionError};
use crate::resources::network::Network;
use crate::resources::security_group::ExistingGroup;
use crate::spec::VpcEndpoints;
use aws_sdk_ec2::types::{Filter, VpcAttributeName};
use debug_toolkit::preflight::lacking::lacking;
use debug_toolkit::preflight::network::{read, Place};
use debug_toolkit::preflight::reach::Registry;
use debug_toolkit::preflight::routes::table_of;
use debug_toolkit::tags;
use std::collections::BTreeSet;

/// What Create or Update found before changing anything.
#[derive(Clone, Debug, Default)]
pub struct Survey {
    pub ours: Vec<Ours>,
    pub wanted: Wanted,
    /// `C-vpc-endpoints`, when it exists (ours: [`survey`] refuses another's).
    pub group: Option<ExistingGroup>,
}

/// Reads ours, the VPC's DNS attributes and the network; fails, naming the cause, when the
/// property cannot be met (a shared VPC, DNS off, a listed service whose private DNS name another
/// endpoint holds, `needed` with a way out elsewhere in the VPC, a service offered in none of the
/// subnets' zones, a group of our name that is not ours).
pub async fn survey(desired: &Desired<'_>, network: &Network) -> Result<Survey, ProvisionError> {
    let scope = &desired.scope;
    let (ours, group) = tokio::join!(
        find(scope, Some(&network.vpc_id)),
        group::find(scope, &network.vpc_id)
    );
    let (mut ours, group) = (ours?, group?);
    ours.retain(|o| !o.state.eq_ignore_ascii_case("deleted"));
    let wanted = match &desired.spec.vpc_endpoints {
        VpcEndpoints::None => Wanted::default(),
        asked => {
            owned_here(desired, network)?;
            wanted(desired, network, asked, &ours).await?
        }
    };
    if !wanted.interface.is_empty() {
        dns_attributes(desired, &network.vpc_id).await?;
        if let Some(found) = group.as_ref().filter(|g| !scope.owns(&g.tags)) {
            return Err(ProvisionError::Foreign {
                resource: format!(
                    "security group {} ({})",
                    scope.names.vpc_endpoint_group, found.id
                ),
                owner: found.tags.get(tags::OWNER).cloned().unwrap_or_default(),
            });
        }
    }
    let group = group.filter(|g| scope.owns(&g.tags));
    Ok(Survey {
        ours,
        wanted,
        group,
    })
}

async fn wanted(
    desired: &Desired<'_>,
    network: &Network,
    asked: &VpcEndpoints,
    ours: &[Ours],
) -> Result<Wanted, ProvisionError> {
    let region = &desired.scope.stack.region;
    let place = Place {
        region,
        vpc_id: &network.vpc_id,
        subnet_ids: &network.subnet_ids,
        task_groups: &[],
    };
    // What the network would be without ours and without those of this stack resource's other
    // cluster (a rename's): the latter are checked below, by name.
    let others = of_another_cluster(&desired.scope, &network.vpc_id).await?;
    let ignore: Vec<String> = ours
        .iter()
        .chain(others.iter().map(|(o, _)| o))
        .map(|o| o.id.clone())
        .collect();
    let read = read(&desired.clients().ec2, &place, &ignore)
        .await
        .map_err(|why| ProvisionError::Endpoints(format!("VpcEndpoints: {why}")))?;
    let (interface, s3_tables) = match asked {
        VpcEndpoints::None => Default::default(),
        VpcEndpoints::Needed => {
            let registry = Registry::of(&desired.spec.image, region);
            let needs_kms = desired.spec.kms_key_arn.is_some();
            let found = lacking(
                &read.seen(&place),
                &read.subnets,
                registry,
                needs_kms,
                &read.claimed,
            );
            let mut found = found;
            // Ours already answer for their names: only a new one would take a name over.
            let served: BTreeSet<String> = ours
                .iter()
                .filter(|o| !o.gateway)
                .map(|o| o.service.clone())
                .collect();
            if !found.services.is_subset(&served) {
                let ways_out =
                    exposure::ways_out(&read.tables, &vpc_subnets(desired, network).await?);
                if !ways_out.is_empty() && desired.endpoints_unchanged {
                    // An Update (or a rollback) that keeps `needed`: what is there stays, no
                    // new name is taken over; ExecPreflight says what is missing.
                    found.services.retain(|s| served.contains(s));
                } else if !ways_out.is_empty() {
                    let services: Vec<&str> = found.services.iter().map(String::as_str).collect();
                    let s3 = !found.s3_tables.is_empty();
                    return Err(ProvisionError::Endpoints(exposure::refusal(
                        &network.vpc_id,
                        &services,
                        s3,
                        &ways_out,
                    )));
                }
            }
            (found.services, found.s3_tables)
        }
        VpcEndpoints::Listed(services) => {
            let interface: BTreeSet<String> =
                services.iter().filter(|s| *s != S3).cloned().collect();
            if let Some(taken) = interface.iter().find(|s| read.claimed.contains(*s)) {
                return Err(ProvisionError::Endpoints(format!(
                    "VpcEndpoints: {taken} already has an interface endpoint with private DNS in {} that this stack resource did not make; it is left untouched, and EC2 allows no second one (leave {taken} out of the list)",
                    network.vpc_id
                )));
            }
            let tables = if services.contains(S3) {
                network
                    .subnet_ids
                    .iter()
                    .filter_map(|s| table_of(&read.tables, s)?.route_table_id())
                    .filter(|t| !read.offer.s3_gateway_tables.contains(*t))
                    .map(str::to_string)
                    .collect()
            } else {
                BTreeSet::new()
            };
            (interface, tables)
        }
    };
    let held = held_by_another(&interface, &s3_tables, &others);
    if let Some((_, cluster)) = held.first() {
        let ids: Vec<&str> = held.iter().map(|(id, _)| id.as_str()).collect();
        return Err(ProvisionError::Endpoints(format!(
            "VpcEndpoints: endpoints this stack resource made for cluster {cluster} ({}) still hold what cluster {} wants in VPC {} (EC2 allows one per service name and route table). Nothing was made: rename in two steps (first leave VpcEndpoints out under the old ClusterName, then change ClusterName with VpcEndpoints), or delete those endpoints",
            ids.join(", "),
            desired.names().cluster,
            network.vpc_id
        )));
    }
    in_offered_zones(desired, network, interface, s3_tables).await
}

/// Each interface service with the environment's subnets (one per zone) in the zones the Region
/// offers it in, and every service's name as offered; refused when a service is in none of them.
async fn in_offered_zones(
    desired: &Desired<'_>,
    network: &Network,
    interface: BTreeSet<String>,
    s3_tables: BTreeSet<String>,
) -> Result<Wanted, ProvisionError> {
    let offered = services::offered(desired, &interface, !s3_tables.is_empty()).await?;
    let subnets = one_per_zone(&network.subnet_ids, &network.subnet_zones);
    let mut wanted = Wanted {
        s3_tables,
        ..Wanted::default()
    };
    for service in interface {
        let zones = &offered[&service].zones;
        let usable = services::subnets_in(&subnets, &network.subnet_zones, zones);
        if usable.is_empty() {
            return Err(ProvisionError::Endpoints(format!(
                "VpcEndpoints: EC2 offers {service} in {} only, and none of the environment's subnets ({}) is in those zones; nothing was made",
                zones.iter().cloned().collect::<Vec<_>>().join(", "),
                subnets.join(", ")
            )));
        }
        wanted.interface.insert(service, usable);
    }
    wanted.service_names = offered.into_iter().map(|(s, o)| (s, o.name)).collect();
    Ok(wanted)
}

/// Every subnet of the VPC (private DNS answers for all of them).
async fn vpc_subnets(
    desired: &Desired<'_>,
    network: &Network,
) -> Result<Vec<String>, ProvisionError> {
    let found = desired
        .clients()
        .ec2
        .describe_subnets()
        .filters(
            Filter::builder()
                .name("vpc-id")
                .values(&network.vpc_id)
                .build(),
        )
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(aws("DescribeSubnets", network.vpc_id.as_str()))?;
    Ok(found
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .collect())
}

/// EC2 lets only a VPC's owner make endpoints in it: a participant of a shared VPC gets
/// `UnauthorizedOperation` ("This operation does not support shared VPCs").
fn owned_here(desired: &Desired<'_>, network: &Network) -> Result<(), ProvisionError> {
    match shared_by(network.vpc_owner.as_deref(), &desired.scope.stack.account) {
        Some(owner) => Err(ProvisionError::Endpoints(format!(
            "VpcEndpoints: VPC {} belongs to account {owner} and is shared with this one; EC2 lets only the VPC's owner make endpoints in it. Nothing was made: ask the owner for them, or leave VpcEndpoints out",
            network.vpc_id
        ))),
        None => Ok(()),
    }
}

/// Private DNS needs both attributes on (PrivateLink guide, "DNS attributes for your VPC").
async fn dns_attributes(desired: &Desired<'_>, vpc_id: &str) -> Result<(), ProvisionError> {
    let ec2 = &desired.clients().ec2;
    for (attribute, name) in [
        (VpcAttributeName::EnableDnsSupport, "enableDnsSupport"),
        (VpcAttributeName::EnableDnsHostnames, "enableDnsHostnames"),
    ] {
        let out = ec2
            .describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(attribute.clone())
            .send()
            .await
            .map_err(aws("DescribeVpcAttribute", vpc_id))?;
        let on = match attribute {
            VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
            _ => out.enable_dns_hostnames(),
        }
        .and_then(|v| v.value());
        if on != Some(true) {
            return Err(ProvisionError::Endpoints(format!(
                "VpcEndpoints: VPC {vpc_id} has {name} off; interface endpoints with private DNS need enableDnsSupport and enableDnsHostnames on (ModifyVpcAttribute), and nothing was made"
            )));
        }
    }
    Ok(())
}
