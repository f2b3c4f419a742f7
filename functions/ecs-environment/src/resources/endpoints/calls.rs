//! EC2's calls for our endpoints: create (tagged on creation), change subnets or route tables,
//! delete, and wait (until available after a change; until gone, with their network interfaces,
//! after a delete).

use super::plan::{Ours, Standing, Step, Wanted};
use super::wanted_tags;
use super::S3;
use crate::context::{Desired, Scope};
use crate::error::{aws, combine, has_code, ProvisionError};
use crate::resources::network::Network;
use crate::resources::tagging;
use crate::retry;
use aws_sdk_ec2::types::{Filter, ResourceType, TagSpecification, VpcEndpointType};
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use futures::future::join_all;
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime};

/// The service's name as the Region offers it ([`super::services`]).
fn service_name(wanted: &Wanted, service: &str) -> Result<String, ProvisionError> {
    wanted.service_names.get(service).cloned().ok_or_else(|| {
        ProvisionError::Endpoints(format!(
            "VpcEndpoints: no offered name was read for {service}"
        ))
    })
}

/// A ClientToken for one create (the SDK's retries of it send the same one, so a create whose
/// answer was lost is not made twice).
fn client_token(desired: &Desired<'_>, what: &str) -> String {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let seed = format!(
        "{}|{}|{what}|{now}",
        desired.scope.owner(),
        desired.names().cluster
    );
    hex::encode(&Sha256::digest(seed.as_bytes())[..16])
}

/// Runs the steps concurrently; the ids of the endpoints made.
pub async fn apply(
    desired: &Desired<'_>,
    network: &Network,
    wanted: &Wanted,
    group_id: Option<&str>,
    steps: Vec<Step>,
) -> Result<Vec<String>, ProvisionError> {
    let deletes: Vec<String> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Delete(id) => Some(id.clone()),
            _ => None,
        })
        .collect();
    let others = steps
        .into_iter()
        .filter(|s| !matches!(s, Step::Delete(_)))
        .map(|step| one(desired, network, wanted, group_id, step));
    let (deleted, results) = tokio::join!(
        async {
            match deletes.is_empty() {
                true => Ok(()),
                false => delete(&desired.scope, &deletes).await,
            }
        },
        join_all(others)
    );
    let mut made = Vec::new();
    let mut errors: Vec<ProvisionError> = deleted.err().into_iter().collect();
    for result in results {
        match result {
            Ok(Some(id)) => made.push(id),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    combine(errors).map(|()| made)
}

async fn one(
    desired: &Desired<'_>,
    network: &Network,
    wanted: &Wanted,
    group_id: Option<&str>,
    step: Step,
) -> Result<Option<String>, ProvisionError> {
    let ec2 = &desired.clients().ec2;
    let tags = TagSpecification::builder()
        .resource_type(ResourceType::VpcEndpoint)
        .set_tags(Some(tagging::ec2(&wanted_tags(desired))))
        .build();
    let create = |service: &str| -> Result<_, ProvisionError> {
        Ok(ec2
            .create_vpc_endpoint()
            .vpc_id(&network.vpc_id)
            .service_name(service_name(wanted, service)?)
            .client_token(client_token(desired, service))
            .tag_specifications(tags.clone()))
    };
    let created = match step {
        Step::CreateInterface(service) => {
            let request = create(&service)?
                .vpc_endpoint_type(VpcEndpointType::Interface)
                .set_subnet_ids(wanted.interface.get(&service).cloned())
                .set_security_group_ids(group_id.map(|g| vec![g.to_string()]))
                .private_dns_enabled(true);
            // A group made a moment ago may not be known to EC2 yet.
            retry::while_transient(
                &service,
                "CreateVpcEndpoint",
                retry::code("InvalidGroup.NotFound"),
                || request.clone().send(),
            )
            .await?
        }
        Step::CreateS3Gateway => create(S3)?
            .vpc_endpoint_type(VpcEndpointType::Gateway)
            .set_route_table_ids(Some(wanted.s3_tables.iter().cloned().collect()))
            .send()
            .await
            .map_err(aws("CreateVpcEndpoint", "s3"))?,
        Step::Modify {
            id,
            add_subnets,
            remove_subnets,
            add_tables,
            remove_tables,
        } => {
            let none_if_empty = |v: Vec<String>| Some(v).filter(|v| !v.is_empty());
            ec2.modify_vpc_endpoint()
                .vpc_endpoint_id(&id)
                .set_add_subnet_ids(none_if_empty(add_subnets))
                .set_remove_subnet_ids(none_if_empty(remove_subnets))
                .set_add_route_table_ids(none_if_empty(add_tables))
                .set_remove_route_table_ids(none_if_empty(remove_tables))
                .send()
                .await
                .map_err(aws("ModifyVpcEndpoint", id.as_str()))?;
            return Ok(None);
        }
        Step::Delete(_) => return Ok(None),
    };
    let id = created.vpc_endpoint().and_then(|e| e.vpc_endpoint_id());
    Ok(Some(
        id.ok_or(ProvisionError::Incomplete {
            action: "CreateVpcEndpoint",
            target: network.vpc_id.clone(),
            missing: "VpcEndpointId",
        })?
        .to_string(),
    ))
}

/// Deletes the endpoints `ids`; one already gone counts as deleted.
pub async fn delete(scope: &Scope<'_>, ids: &[String]) -> Result<(), ProvisionError> {
    let out = scope
        .clients
        .ec2
        .delete_vpc_endpoints()
        .set_vpc_endpoint_ids(Some(ids.to_vec()))
        .send()
        .await
        .map_err(aws("DeleteVpcEndpoints", ids.join(",")))?;
    let failed: Vec<String> = out
        .unsuccessful()
        .iter()
        .filter_map(|item| {
            let error = item.error()?;
            let code = error.code().unwrap_or_default();
            (!code.contains("NotFound")).then(|| {
                format!(
                    "{} ({code}: {})",
                    item.resource_id().unwrap_or("?"),
                    error.message().unwrap_or_default()
                )
            })
        })
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(ProvisionError::Endpoints(format!(
            "DeleteVpcEndpoints failed for {}",
            failed.join(", ")
        )))
    }
}

/// Waits between reads of endpoints still changing: 1 s doubling to 10 s.
const CHANGING: Backoff = Backoff::doubling(Duration::from_secs(1), Duration::from_secs(10));

/// Waits until every endpoint of `ids` is `available` (within the work's deadline, which bounds
/// the whole Create or Update); one that fails is named.
pub async fn wait_available(desired: &Desired<'_>, ids: &[String]) -> Result<(), ProvisionError> {
    let mut waits = CHANGING.start();
    loop {
        let states = states(&desired.scope, ids).await?;
        // Anything but on its way to serving (failed, deleted by hand meanwhile…) never will.
        if let Some((id, state)) = states
            .iter()
            .find(|(_, s)| Standing::of(s) != Standing::Live)
        {
            return Err(ProvisionError::Endpoints(format!(
                "the VPC endpoint {id} is {state}"
            )));
        }
        let pending: Vec<&(String, String)> =
            states.iter().filter(|(_, s)| s != "available").collect();
        if pending.is_empty() && states.len() == ids.len() {
            return Ok(());
        }
        let wait = waits.next_within(None).unwrap_or(Duration::from_secs(10));
        tracing::info!(?pending, ?wait, "VPC endpoints not available yet");
        tokio::time::sleep(wait).await;
    }
}

/// Waits until the endpoints are deleted and their network interfaces gone, until `until` (or
/// two minutes).
pub async fn wait_gone(
    scope: &Scope<'_>,
    deleted: &[&Ours],
    until: Option<Deadline>,
) -> Result<(), ProvisionError> {
    let until = until.unwrap_or_else(|| Deadline::after(Duration::from_secs(120)));
    let ids: Vec<String> = deleted.iter().map(|o| o.id.clone()).collect();
    let enis: Vec<String> = deleted
        .iter()
        .flat_map(|o| o.network_interface_ids.iter().cloned())
        .collect();
    let mut waits = CHANGING.start();
    loop {
        let left: Vec<(String, String)> = states(scope, &ids)
            .await?
            .into_iter()
            .filter(|(_, s)| s != "deleted")
            .collect();
        let interfaces = interfaces(scope, &enis).await?;
        if left.is_empty() && interfaces.is_empty() {
            return Ok(());
        }
        let Some(wait) = waits.next_within(Some(until)) else {
            return Err(ProvisionError::Endpoints(format!(
                "VPC endpoints still being deleted when time ran out: {left:?}, network interfaces {interfaces:?}; a retry of the Delete finishes it"
            )));
        };
        tokio::time::sleep(wait).await;
    }
}

/// (id, state) of the endpoints of `ids` that EC2 still shows (read by our tags: a deleted
/// endpoint named by id is, once EC2 forgets it, an error for the whole request).
async fn states(
    scope: &Scope<'_>,
    ids: &[String],
) -> Result<Vec<(String, String)>, ProvisionError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(super::find(scope, None)
        .await?
        .into_iter()
        .filter(|o| ids.contains(&o.id))
        .map(|o| (o.id, o.state.to_ascii_lowercase()))
        .collect())
}

/// The network interfaces of `ids` that still exist.
async fn interfaces(scope: &Scope<'_>, ids: &[String]) -> Result<Vec<String>, ProvisionError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = Filter::builder()
        .name("network-interface-id")
        .set_values(Some(ids.to_vec()));
    match scope
        .clients
        .ec2
        .describe_network_interfaces()
        .filters(filter.build())
        .send()
        .await
    {
        Ok(out) => Ok(out
            .network_interfaces()
            .iter()
            .filter_map(|n| n.network_interface_id().map(str::to_string))
            .collect()),
        Err(e) if has_code(&e, "InvalidNetworkInterfaceID.NotFound") => Ok(Vec::new()),
        Err(e) => Err(aws("DescribeNetworkInterfaces", ids.join(","))(e)),
    }
}
