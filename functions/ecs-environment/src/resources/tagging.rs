//! The one way tags are read, written and brought up to date on every kind of resource we make:
//! each service's tag shape to and from one `BTreeMap`, and [`retag`] (stale keys removed, the
//! wanted set written when something differs; tags others added are left alone).

use crate::context::Desired;
use crate::error::{aws, ProvisionError};
use std::collections::{BTreeMap, HashMap};

pub type Tags = BTreeMap<String, String>;

/// A resource whose tags we manage.
#[derive(Clone, Copy, Debug)]
pub enum Tagged<'a> {
    /// An ECS cluster or task definition, by ARN.
    Ecs(&'a str),
    /// A CloudWatch Logs log group, by name.
    LogGroup(&'a str),
    /// An IAM role, by name.
    Role(&'a str),
    /// An EC2 security group, by id.
    Ec2(&'a str),
}

/// Removes stale tags and writes `wanted` when the resource does not carry it yet.
pub async fn retag(
    desired: &Desired<'_>,
    resource: Tagged<'_>,
    current: &Tags,
    wanted: &Tags,
) -> Result<(), ProvisionError> {
    let changes = desired.tag_changes(current, wanted);
    if !changes.stale.is_empty() {
        resource.untag(desired, changes.stale).await?;
    }
    if changes.outdated {
        resource.tag(desired, wanted).await?;
    }
    Ok(())
}

impl Tagged<'_> {
    async fn untag(self, desired: &Desired<'_>, keys: Vec<String>) -> Result<(), ProvisionError> {
        let clients = desired.clients();
        match self {
            Self::Ecs(arn) => clients
                .ecs
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(keys))
                .send()
                .await
                .map(drop)
                .map_err(aws("UntagResource", arn)),
            Self::LogGroup(name) => clients
                .logs
                .untag_resource()
                .resource_arn(desired.scope.stack.log_group_arn(name))
                .set_tag_keys(Some(keys))
                .send()
                .await
                .map(drop)
                .map_err(aws("UntagResource", name)),
            Self::Role(name) => clients
                .iam
                .untag_role()
                .role_name(name)
                .set_tag_keys(Some(keys))
                .send()
                .await
                .map(drop)
                .map_err(aws("UntagRole", name)),
            Self::Ec2(id) => {
                let keys = keys
                    .into_iter()
                    .map(|k| aws_sdk_ec2::types::Tag::builder().key(k).build())
                    .collect();
                clients
                    .ec2
                    .delete_tags()
                    .resources(id)
                    .set_tags(Some(keys))
                    .send()
                    .await
                    .map(drop)
                    .map_err(aws("DeleteTags", id))
            }
        }
    }

    async fn tag(self, desired: &Desired<'_>, wanted: &Tags) -> Result<(), ProvisionError> {
        let clients = desired.clients();
        match self {
            Self::Ecs(arn) => clients
                .ecs
                .tag_resource()
                .resource_arn(arn)
                .set_tags(Some(ecs(wanted)))
                .send()
                .await
                .map(drop)
                .map_err(aws("TagResource", arn)),
            Self::LogGroup(name) => clients
                .logs
                .tag_resource()
                .resource_arn(desired.scope.stack.log_group_arn(name))
                .set_tags(Some(logs(wanted)))
                .send()
                .await
                .map(drop)
                .map_err(aws("TagResource", name)),
            Self::Role(name) => clients
                .iam
                .tag_role()
                .role_name(name)
                .set_tags(Some(iam(wanted)))
                .send()
                .await
                .map(drop)
                .map_err(aws("TagRole", name)),
            Self::Ec2(id) => clients
                .ec2
                .create_tags()
                .resources(id)
                .set_tags(Some(ec2(wanted)))
                .send()
                .await
                .map(drop)
                .map_err(aws("CreateTags", id)),
        }
    }
}

pub fn ecs(tags: &Tags) -> Vec<aws_sdk_ecs::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn ec2(tags: &Tags) -> Vec<aws_sdk_ec2::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn iam(tags: &Tags) -> Vec<aws_sdk_iam::types::Tag> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_iam::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .expect("key and value are set")
        })
        .collect()
}

pub fn logs(tags: &Tags) -> HashMap<String, String> {
    tags.clone().into_iter().collect()
}

/// A tag as each service's SDK shapes it.
pub trait KeyValue {
    fn pair(&self) -> (String, String);
}

impl KeyValue for aws_sdk_ecs::types::Tag {
    fn pair(&self) -> (String, String) {
        pair(self.key(), self.value())
    }
}

impl KeyValue for aws_sdk_ec2::types::Tag {
    fn pair(&self) -> (String, String) {
        pair(self.key(), self.value())
    }
}

impl KeyValue for aws_sdk_iam::types::Tag {
    fn pair(&self) -> (String, String) {
        (self.key().to_string(), self.value().to_string())
    }
}

fn pair(key: Option<&str>, value: Option<&str>) -> (String, String) {
    (
        key.unwrap_or_default().to_string(),
        value.unwrap_or_default().to_string(),
    )
}

/// The tags a describe call returned, in one shape.
pub fn read<T: KeyValue>(tags: &[T]) -> Tags {
    tags.iter().map(KeyValue::pair).collect()
}
