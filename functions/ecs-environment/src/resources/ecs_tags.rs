//! ECS tags: conversions and the one way to bring a cluster's or task definition's tags up to date.

use crate::context::Desired;
use crate::error::{aws, ProvisionError};
use aws_sdk_ecs::types::Tag;
use std::collections::BTreeMap;

pub fn to_ecs(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn from_ecs(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Removes stale tags and sets `wanted` on the ECS resource `arn`.
pub async fn retag(
    desired: &Desired<'_>,
    arn: &str,
    current: &BTreeMap<String, String>,
    wanted: &BTreeMap<String, String>,
) -> Result<(), ProvisionError> {
    let ecs = &desired.clients().ecs;
    let changes = desired.tag_changes(current, wanted);
    if !changes.stale.is_empty() {
        ecs.untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(changes.stale))
            .send()
            .await
            .map_err(aws("UntagResource", arn))?;
    }
    if changes.outdated {
        ecs.tag_resource()
            .resource_arn(arn)
            .set_tags(Some(to_ecs(wanted)))
            .send()
            .await
            .map_err(aws("TagResource", arn))?;
    }
    Ok(())
}
