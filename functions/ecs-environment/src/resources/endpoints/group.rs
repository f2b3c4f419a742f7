//! `C-vpc-endpoints`: the security group of the environment's interface endpoints. It admits TCP
//! 443 from `C-ecs-tasks` and nothing else (an endpoint answers only what its group admits), and
//! is made, tagged and removed like `C-ecs-tasks` (`security_group`).

use crate::context::{Desired, Scope};
use crate::error::{aws, has_code, ProvisionError};
use crate::resources::network::Network;
use crate::resources::security_group::rules::{self, Direction, Peer, RulePlan};
use crate::resources::security_group::ExistingGroup;
use crate::resources::tagging::{self, Tagged};
use crate::retry;
use crate::spec::GroupRef;
use aws_sdk_ec2::types::{Filter, ResourceType, TagSpecification};
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::preflight::ingress::HTTPS_PORT;
use debug_toolkit::tags;
use std::collections::BTreeSet;
use std::time::Duration;

const DESCRIPTION: &str = "HTTPS from the debug tasks (ecs-debug-toolkit)";

/// The group of our name in `vpc_id`, whoever owns it.
pub async fn find(
    scope: &Scope<'_>,
    vpc_id: &str,
) -> Result<Option<ExistingGroup>, ProvisionError> {
    let name = &scope.names.vpc_endpoint_group;
    let out = scope
        .clients
        .ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-name").values(name).build())
        .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
        .send()
        .await
        .map_err(aws("DescribeSecurityGroups", name.as_str()))?;
    Ok(out.security_groups().first().map(ExistingGroup::from))
}

/// The group made or retagged, its ingress exactly HTTPS from `task_group`: its id.
pub async fn ensure(
    desired: &Desired<'_>,
    network: &Network,
    existing: Option<&ExistingGroup>,
    task_group: &str,
) -> Result<String, ProvisionError> {
    let name = desired.names().vpc_endpoint_group.as_str();
    let (id, ingress) = match existing {
        Some(group) => {
            tagging::retag(desired, Tagged::Ec2(&group.id), &group.tags, &desired.tags).await?;
            (group.id.clone(), group.ingress.clone())
        }
        None => {
            let created = desired
                .clients()
                .ec2
                .create_security_group()
                .group_name(name)
                .description(format!(
                    "ECS debug-toolkit VPC endpoints: HTTPS from {}",
                    desired.names().security_group
                ))
                .vpc_id(&network.vpc_id)
                .tag_specifications(
                    TagSpecification::builder()
                        .resource_type(ResourceType::SecurityGroup)
                        .set_tags(Some(tagging::ec2(&desired.tags)))
                        .build(),
                )
                .send()
                .await
                .map_err(aws("CreateSecurityGroup", name))?;
            (
                created.group_id().unwrap_or_default().to_string(),
                Vec::new(),
            )
        }
    };
    let wanted = BTreeSet::from([(
        HTTPS_PORT as u16,
        Peer::Group(GroupRef {
            id: task_group.to_string(),
            account: None,
        }),
    )]);
    let plan = RulePlan::new(&ingress, &wanted, |_, _| DESCRIPTION.to_string());
    rules::apply(desired, name, &id, Direction::Ingress, plan).await?;
    Ok(id)
}

/// Deletes the groups of our name that this stack resource owns, in any VPC; a group still held
/// by an endpoint's network interfaces is retried until `until` (or a minute).
pub async fn remove(scope: &Scope<'_>, until: Option<Deadline>) -> Result<(), ProvisionError> {
    let ec2 = &scope.clients.ec2;
    let name = &scope.names.vpc_endpoint_group;
    let owned = ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-name").values(name).build())
        .filters(
            Filter::builder()
                .name(format!("tag:{}", tags::OWNER))
                .values(scope.owner())
                .build(),
        )
        .send()
        .await
        .map_err(aws("DescribeSecurityGroups", name.as_str()))?;
    let until = until.unwrap_or_else(|| Deadline::after(Duration::from_secs(60)));
    for group in owned.security_groups() {
        let id = group.group_id().unwrap_or_default();
        let answer = retry::retried(
            id,
            "DeleteSecurityGroup",
            HELD,
            Some(until),
            |e| has_code(e, "DependencyViolation"),
            || ec2.delete_security_group().group_id(id).send(),
        )
        .await;
        match answer {
            Err(e) if !has_code(&e, "InvalidGroup.NotFound") => {
                return Err(aws("DeleteSecurityGroup", id)(e))
            }
            _ => {}
        }
    }
    Ok(())
}

/// While deleted endpoints' network interfaces still hold the group: 1 s doubling to 10 s.
const HELD: Backoff = Backoff::doubling(Duration::from_secs(1), Duration::from_secs(10));
