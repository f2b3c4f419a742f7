//! A security group of the environment by its name: found in a VPC, made with our tags, and the
//! ones this stack resource owns deleted. The same for both of our groups, `C-ecs-tasks`
//! ([`super`]) and `C-vpc-endpoints` (`endpoints::group`).

use super::ExistingGroup;
use crate::context::{Desired, Scope};
use crate::error::{aws, has_code, ProvisionError};
use crate::resources::network::Network;
use crate::resources::tagging;
use crate::retry;
use aws_sdk_ec2::operation::create_security_group::builders::CreateSecurityGroupFluentBuilder;
use aws_sdk_ec2::types::{Filter, ResourceType, SecurityGroup, TagSpecification};
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::tags;

/// The group named `name` in `vpc_id`, whoever owns it.
pub async fn in_vpc(
    scope: &Scope<'_>,
    name: &str,
    vpc_id: &str,
) -> Result<Option<ExistingGroup>, ProvisionError> {
    let out = scope
        .clients
        .ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-name").values(name).build())
        .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
        .send()
        .await
        .map_err(aws("DescribeSecurityGroups", name))?;
    Ok(out.security_groups().first().map(ExistingGroup::from))
}

/// The groups named `name` that this stack resource owns, in any VPC.
pub async fn owned(scope: &Scope<'_>, name: &str) -> Result<Vec<SecurityGroup>, ProvisionError> {
    let out = scope
        .clients
        .ec2
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
        .map_err(aws("DescribeSecurityGroups", name))?;
    Ok(out.security_groups().to_vec())
}

/// CreateSecurityGroup of `name` in the network's VPC, tagged as the environment's resources are
/// at creation (EC2's default egress comes with it); the caller sends it and reads the answer.
pub fn create(
    desired: &Desired<'_>,
    network: &Network,
    name: &str,
    description: String,
) -> CreateSecurityGroupFluentBuilder {
    desired
        .clients()
        .ec2
        .create_security_group()
        .group_name(name)
        .description(description)
        .vpc_id(&network.vpc_id)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::SecurityGroup)
                .set_tags(Some(tagging::ec2(&desired.tags)))
                .build(),
        )
}

/// Deletes the groups named `name` that this stack resource owns, in any VPC. Network interfaces
/// (of just-stopped tasks, of deleted endpoints) hold a group for a while after, so
/// `DependencyViolation` is retried with `backoff` until `until`; a group already gone is fine.
pub async fn delete_owned(
    scope: &Scope<'_>,
    name: &str,
    backoff: Backoff,
    until: Deadline,
) -> Result<(), ProvisionError> {
    let ec2 = &scope.clients.ec2;
    for group in owned(scope, name).await? {
        let id = group.group_id().unwrap_or_default();
        let answer = retry::retried(
            id,
            "DeleteSecurityGroup",
            backoff,
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
