//! The environment's three CloudWatch Logs groups.

use crate::context::{Desired, Scope};
use crate::error::{aws, ProvisionError};
use crate::resources::adopt::adopt;
use crate::resources::tagging::{self, Tagged};
use aws_sdk_cloudwatchlogs::operation::list_tags_for_resource::ListTagsForResourceError;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExistingLogGroup {
    pub tags: BTreeMap<String, String>,
    pub kms_key_id: Option<String>,
}

pub async fn find(
    scope: &Scope<'_>,
    name: &str,
) -> Result<Option<ExistingLogGroup>, ProvisionError> {
    let logs = &scope.clients.logs;
    let describe = logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send();
    let tags = logs
        .list_tags_for_resource()
        .resource_arn(scope.stack.log_group_arn(name))
        .send();
    let (described, tags) = tokio::join!(describe, tags);
    let described = described.map_err(aws("DescribeLogGroups", name))?;
    let Some(group) = described
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
    else {
        return Ok(None);
    };
    let tags = match tags {
        Ok(out) => out
            .tags()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(ListTagsForResourceError::ResourceNotFoundException(_))
            ) =>
        {
            BTreeMap::new()
        }
        Err(e) => return Err(aws("ListTagsForResource", name)(e)),
    };
    Ok(Some(ExistingLogGroup {
        tags,
        kms_key_id: group.kms_key_id().map(str::to_owned),
    }))
}

/// Creates the group, or brings an owned one to the desired retention, key and tags.
pub async fn ensure(
    desired: &Desired<'_>,
    name: &str,
    retention_days: i32,
    existing: Option<&ExistingLogGroup>,
) -> Result<(), ProvisionError> {
    let logs = &desired.clients().logs;
    let key = desired.spec.kms_key_arn.clone();
    let adopted;
    let existing = match existing {
        Some(current) => Some(current),
        None => match logs
            .create_log_group()
            .log_group_name(name)
            .set_kms_key_id(key.clone())
            .set_tags(Some(tagging::logs(&desired.tags)))
            .send()
            .await
        {
            Ok(_) => None,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_already_exists_exception()) =>
            {
                let found = find(&desired.scope, name).await?;
                adopted = adopt(
                    &desired.scope,
                    format!("log group {name}"),
                    found,
                    |g| &g.tags,
                    aws("CreateLogGroup", name)(e),
                )?;
                Some(&adopted)
            }
            Err(e) => return Err(aws("CreateLogGroup", name)(e)),
        },
    };
    if let Some(current) = existing {
        if current.kms_key_id != key {
            match &key {
                Some(key) => {
                    logs.associate_kms_key()
                        .log_group_name(name)
                        .kms_key_id(key)
                        .send()
                        .await
                        .map_err(aws("AssociateKmsKey", name))?;
                }
                None => {
                    logs.disassociate_kms_key()
                        .log_group_name(name)
                        .send()
                        .await
                        .map_err(aws("DisassociateKmsKey", name))?;
                }
            }
        }
        tagging::retag(
            desired,
            Tagged::LogGroup(name),
            &current.tags,
            &desired.tags,
        )
        .await?;
    }
    logs.put_retention_policy()
        .log_group_name(name)
        .retention_in_days(retention_days)
        .send()
        .await
        .map_err(aws("PutRetentionPolicy", name))?;
    Ok(())
}

/// Deletes the group if this stack resource owns it; a missing or foreign group is left alone.
pub async fn remove(scope: &Scope<'_>, name: &str) -> Result<(), ProvisionError> {
    let Some(existing) = find(scope, name).await? else {
        return Ok(());
    };
    if !scope.owns(&existing.tags) {
        tracing::warn!(
            log_group = name,
            "not owned by this stack resource; left in place"
        );
        return Ok(());
    }
    match scope
        .clients
        .logs
        .delete_log_group()
        .log_group_name(name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(aws("DeleteLogGroup", name)(e)),
    }
}
