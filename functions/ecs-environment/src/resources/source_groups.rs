//! The groups `AppIngressSourceSecurityGroupIds` names in this account must exist before anything
//! is changed (docs/interface.md, `ecs-environment`): a mistyped id is refused at once, naming
//! it, instead of being retried as EC2's eventual consistency until the deadline. Another
//! account's groups (`<account-id>/sg-…`) cannot be read from here and are left to EC2.

use crate::context::Desired;
use crate::error::{aws, ProvisionError};
use aws_sdk_ec2::types::Filter;
use std::collections::BTreeSet;

pub async fn check(desired: &Desired<'_>) -> Result<(), ProvisionError> {
    let asked: BTreeSet<&str> = desired
        .spec
        .app
        .ingress_source_groups
        .iter()
        .filter(|g| g.in_this_account())
        .map(|g| g.id.as_str())
        .collect();
    if asked.is_empty() {
        return Ok(());
    }
    // A filter, unlike GroupIds, answers the groups that exist instead of failing on the first
    // that does not, so every missing one is named.
    let found = desired
        .clients()
        .ec2
        .describe_security_groups()
        .filters(
            Filter::builder()
                .name("group-id")
                .set_values(Some(asked.iter().map(|id| id.to_string()).collect()))
                .build(),
        )
        .send()
        .await
        .map_err(aws(
            "DescribeSecurityGroups",
            "AppIngressSourceSecurityGroupIds",
        ))?;
    let existing: BTreeSet<&str> = found
        .security_groups()
        .iter()
        .filter_map(|g| g.group_id())
        .collect();
    let missing: Vec<String> = asked
        .difference(&existing)
        .map(|id| id.to_string())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ProvisionError::NoSuchSourceGroups(missing))
    }
}
