//! `likeService` (docs/interface.md, `debug-launcher`): a debug task placed like an ECS service of
//! the cluster — its subnets, its security groups plus the environment's (which keeps the HTTPS
//! egress ECS Exec needs), at most 5 — when the environment's `LikeServices` lists the service
//! ([`debug_toolkit::like_services`]). Never its public IP: `assignPublicIp` stays DISABLED. Only
//! placement is taken: the task definition and the roles stay the debug toolkit's, no role of the
//! service is ever passed.

use crate::plan::LaunchPlan;
use aws_sdk_ecs::types::AssignPublicIp;
use debug_toolkit::aws::AwsError;
use debug_toolkit::tags;

/// A task holds at most 5 security groups.
pub const MAX_SECURITY_GROUPS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum LikeError {
    #[error("there is no service `{service}` in cluster `{cluster}`")]
    NotFound { service: String, cluster: String },
    #[error("service `{service}` is {status}, not ACTIVE")]
    Inactive { service: String, status: String },
    #[error(
        "service `{service}` does not use awsvpc networking, so there is no placement to copy"
    )]
    NotAwsvpc { service: String },
    #[error("service `{service}` has {count} security groups; with the environment's that is more than the 5 a task may have")]
    TooManyGroups { service: String, count: usize },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// Reads `service` and moves `plan` to its placement, tagging the task with the service's name.
pub async fn place_like(
    ecs: &aws_sdk_ecs::Client,
    plan: &mut LaunchPlan,
    service: &str,
) -> Result<(), LikeError> {
    let described = ecs
        .describe_services()
        .cluster(&plan.cluster_arn)
        .services(service)
        .send()
        .await
        .map_err(AwsError::of("DescribeServices"))?;
    let not_found = || LikeError::NotFound {
        service: service.to_string(),
        cluster: plan.cluster_name.clone(),
    };
    let found = described
        .services()
        .iter()
        .find(|s| {
            s.service_name() == Some(service) && s.cluster_arn() == Some(plan.cluster_arn.as_str())
        })
        .ok_or_else(not_found)?;
    let status = found.status().unwrap_or("unknown");
    if status != "ACTIVE" {
        return Err(LikeError::Inactive {
            service: service.to_string(),
            status: status.to_string(),
        });
    }
    let Some(network) = found
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
    else {
        return Err(LikeError::NotAwsvpc {
            service: service.to_string(),
        });
    };
    let mut groups: Vec<String> = network.security_groups().to_vec();
    for group in &plan.security_groups {
        if !groups.contains(group) {
            groups.push(group.clone());
        }
    }
    if groups.len() > MAX_SECURITY_GROUPS {
        return Err(LikeError::TooManyGroups {
            service: service.to_string(),
            count: network.security_groups().len(),
        });
    }
    plan.subnets = network.subnets().to_vec();
    plan.security_groups = groups;
    plan.public_ip_withheld = network.assign_public_ip() == Some(&AssignPublicIp::Enabled);
    plan.tags
        .push((tags::LIKE_SERVICE.to_string(), service.to_string()));
    Ok(())
}
