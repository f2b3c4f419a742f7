//! `VpcEndpoints` (docs/interface.md, "VPC endpoints"): interface endpoints with private DNS in
//! the environment's subnets (one per Availability Zone), behind the group `C-vpc-endpoints`
//! that admits HTTPS from `C-ecs-tasks` only ([`group`]), and an S3 gateway endpoint on the
//! subnets' route tables. [`survey`] decides before anything is made (the VPC's DNS attributes,
//! `needed` by the preflight's own rules, someone else's endpoint never duplicated); [`ensure`]
//! makes, changes and deletes ours ([`calls`]); [`remove`] deletes them on Delete and rollback.
//! Ours carry the owner tag and [`ENDPOINT_OF`] (the cluster).

mod calls;
mod conflicts;
mod exposure;
mod group;
pub mod plan;
mod services;
mod survey;

pub use survey::{survey, Survey};

use crate::context::{Desired, Scope};
use crate::error::{aws, ProvisionError};
use crate::resources::network::Network;
use crate::resources::tagging;
use crate::spec::vpc_endpoints::S3;
use aws_sdk_ec2::types::{Filter, VpcEndpoint, VpcEndpointType};
use debug_toolkit::deadline::Deadline;
use debug_toolkit::preflight::network::service_of;
use debug_toolkit::tags;
use plan::{Ours, Standing, Step};

/// The tag that names the cluster whose environment an endpoint serves (the owner tag alone is
/// shared by an environment and its replacement).
pub const ENDPOINT_OF: &str = "debug-toolkit:endpoint-of";

/// Brings ours to `survey.wanted` (the group first, when interface endpoints are wanted) and
/// waits until each is available; the ids of ours, sorted.
pub async fn ensure(
    desired: &Desired<'_>,
    network: &Network,
    survey: &Survey,
    task_group: &str,
) -> Result<Vec<String>, ProvisionError> {
    let wanted = &survey.wanted;
    let group_id = if wanted.interface.is_empty() {
        None
    } else {
        Some(group::ensure(desired, network, survey.group.as_ref(), task_group).await?)
    };
    let steps = plan::plan(wanted, &survey.ours);
    let deleted: Vec<&Ours> = survey
        .ours
        .iter()
        .filter(|o| steps.contains(&Step::Delete(o.id.clone())))
        .collect();
    let mut kept: Vec<String> = survey
        .ours
        .iter()
        .filter(|o| Standing::of(&o.state) == Standing::Live)
        .filter(|o| !deleted.iter().any(|d| d.id == o.id))
        .map(|o| o.id.clone())
        .collect();
    // Ours still being deleted (an earlier Update's, which ran out of time) hold their private
    // DNS names until they are gone: wait for those whose service is made again.
    let made_again = |o: &Ours| match o.gateway {
        true => steps.contains(&Step::CreateS3Gateway),
        false => steps.contains(&Step::CreateInterface(o.service.clone())),
    };
    let going: Vec<&Ours> = survey
        .ours
        .iter()
        .filter(|o| Standing::of(&o.state) == Standing::Going && made_again(o))
        .collect();
    if !going.is_empty() {
        calls::wait_gone(&desired.scope, &going, None).await?;
    }
    let made = calls::apply(desired, network, wanted, group_id.as_deref(), steps).await?;
    kept.extend(made);
    calls::wait_available(desired, &kept).await?;
    if !deleted.is_empty() {
        calls::wait_gone(&desired.scope, &deleted, None).await?;
    }
    if group_id.is_none() && survey.group.is_some() {
        group::remove(&desired.scope, None).await?;
    }
    kept.sort();
    Ok(kept)
}

/// Deletes every endpoint of this environment (in any VPC) and its group, waiting until their
/// network interfaces are gone (`until`).
pub async fn remove(scope: &Scope<'_>, until: Deadline) -> Result<(), ProvisionError> {
    let ours = find(scope, None).await?;
    let live: Vec<&Ours> = ours
        .iter()
        .filter(|o| Standing::of(&o.state) != Standing::Gone)
        .collect();
    if !live.is_empty() {
        let ids: Vec<String> = live
            .iter()
            .filter(|o| Standing::of(&o.state) != Standing::Going)
            .map(|o| o.id.clone())
            .collect();
        if !ids.is_empty() {
            calls::delete(scope, &ids).await?;
        }
        calls::wait_gone(scope, &live, Some(until)).await?;
    }
    group::remove(scope, Some(until)).await
}

/// Ours (owner tag and [`ENDPOINT_OF`]), in `vpc` or anywhere, in any state (`deleted` too,
/// while EC2 still shows them).
async fn find(scope: &Scope<'_>, vpc: Option<&str>) -> Result<Vec<Ours>, ProvisionError> {
    let tag = |key: &str, value: &str| {
        Filter::builder()
            .name(format!("tag:{key}"))
            .values(value)
            .build()
    };
    let mut request = scope
        .clients
        .ec2
        .describe_vpc_endpoints()
        .filters(tag(tags::OWNER, scope.owner()))
        .filters(tag(ENDPOINT_OF, &scope.names.cluster));
    if let Some(vpc) = vpc {
        request = request.filters(Filter::builder().name("vpc-id").values(vpc).build());
    }
    let found = request
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(aws("DescribeVpcEndpoints", scope.names.cluster.as_str()))?;
    Ok(found.iter().map(|e| ours(e, &scope.stack.region)).collect())
}

/// Live endpoints in `vpc` that this stack resource made for another cluster (its environment
/// before a `ClusterName` change, or the replacement during a rollback), with that cluster.
async fn of_another_cluster(
    scope: &Scope<'_>,
    vpc: &str,
) -> Result<Vec<(Ours, String)>, ProvisionError> {
    let found = scope
        .clients
        .ec2
        .describe_vpc_endpoints()
        .filters(
            Filter::builder()
                .name(format!("tag:{}", tags::OWNER))
                .values(scope.owner())
                .build(),
        )
        .filters(Filter::builder().name("vpc-id").values(vpc).build())
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(aws("DescribeVpcEndpoints", vpc))?;
    let gone = ["deleting", "deleted", "failed", "rejected", "expired"];
    Ok(found
        .iter()
        .filter_map(|e| {
            let cluster = e
                .tags()
                .iter()
                .find(|t| t.key() == Some(ENDPOINT_OF))?
                .value()?;
            let endpoint = ours(e, &scope.stack.region);
            let live = !gone.contains(&endpoint.state.to_ascii_lowercase().as_str());
            (live && cluster != scope.names.cluster).then(|| (endpoint, cluster.to_string()))
        })
        .collect())
}

fn ours(e: &VpcEndpoint, region: &str) -> Ours {
    let name = e.service_name().unwrap_or_default();
    Ours {
        id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
        service: service_of(name, region).unwrap_or(name).to_string(),
        gateway: e.vpc_endpoint_type() == Some(&VpcEndpointType::Gateway),
        subnet_ids: e.subnet_ids().to_vec(),
        route_table_ids: e.route_table_ids().to_vec(),
        state: e
            .state()
            .map(|s| s.as_str())
            .unwrap_or_default()
            .to_string(),
        network_interface_ids: e.network_interface_ids().to_vec(),
    }
}

/// The tags of ours: the environment's, and the cluster it serves.
fn wanted_tags(desired: &Desired<'_>) -> tagging::Tags {
    let mut all = desired.tags.clone();
    all.insert(ENDPOINT_OF.into(), desired.names().cluster.clone());
    all
}
