//! What every provisioning step works with: the AWS clients, the stack resource, the names and
//! (when creating or updating) the desired spec and its tags.

use crate::names::ResourceNames;
use crate::spec::{Defaults, EnvironmentSpec};
use crate::stack::StackResource;
use aws_config::SdkConfig;
use debug_toolkit::tags;
use std::collections::{BTreeMap, BTreeSet};

/// The AWS clients, built once per cold start, and the stack's defaults for environments.
#[derive(Clone, Debug)]
pub struct Clients {
    pub defaults: Defaults,
    pub ecs: aws_sdk_ecs::Client,
    pub iam: aws_sdk_iam::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub kms: aws_sdk_kms::Client,
}

impl Clients {
    pub fn new(config: &SdkConfig, defaults: Defaults) -> Self {
        Self {
            defaults,
            ecs: aws_sdk_ecs::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            logs: aws_sdk_cloudwatchlogs::Client::new(config),
            ec2: aws_sdk_ec2::Client::new(config),
            kms: aws_sdk_kms::Client::new(config),
        }
    }
}

/// One environment of one stack resource: enough to find and remove what it owns.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    pub clients: &'a Clients,
    pub stack: &'a StackResource,
    pub names: &'a ResourceNames,
}

impl Scope<'_> {
    pub fn owns(&self, resource_tags: &BTreeMap<String, String>) -> bool {
        resource_tags.get(tags::OWNER) == Some(&self.stack.owner)
    }

    pub fn owner(&self) -> &str {
        &self.stack.owner
    }
}

/// What an environment should look like.
#[derive(Clone, Debug)]
pub struct Desired<'a> {
    pub scope: Scope<'a>,
    pub spec: &'a EnvironmentSpec,
    /// Tags on every resource: the user's, `Environment`, managed-by and owner.
    pub tags: BTreeMap<String, String>,
    /// Keys of user tags the previous properties had and these do not: removed on update.
    pub removed_tag_keys: BTreeSet<String>,
    /// An Update (or its rollback) whose `VpcEndpoints` and cluster are the previous ones: what
    /// the environment has stays (`needed` then takes no new name over, `resources::endpoints`).
    pub endpoints_unchanged: bool,
}

impl<'a> Desired<'a> {
    pub fn new(
        scope: Scope<'a>,
        spec: &'a EnvironmentSpec,
        previous: Option<&EnvironmentSpec>,
    ) -> Self {
        let mut all = spec.tags.clone();
        all.insert(tags::ENVIRONMENT.into(), spec.environment_tag().into());
        all.insert(tags::MANAGED_BY.into(), tags::MANAGED_BY_VALUE.into());
        all.insert(tags::OWNER.into(), scope.stack.owner.clone());
        let removed_tag_keys = previous
            .map(|old| {
                old.tags
                    .keys()
                    .filter(|k| !all.contains_key(*k))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let endpoints_unchanged = previous.is_some_and(|old| {
            old.vpc_endpoints == spec.vpc_endpoints && old.cluster_name == spec.cluster_name
        });
        Self {
            scope,
            spec,
            tags: all,
            removed_tag_keys,
            endpoints_unchanged,
        }
    }

    pub fn clients(&self) -> &'a Clients {
        self.scope.clients
    }

    pub fn names(&self) -> &'a ResourceNames {
        self.scope.names
    }

    /// What to change on a resource that now carries `current` to make it carry `wanted`.
    pub fn tag_changes(
        &self,
        current: &BTreeMap<String, String>,
        wanted: &BTreeMap<String, String>,
    ) -> TagChanges {
        TagChanges {
            stale: current
                .keys()
                .filter(|k| !wanted.contains_key(*k))
                .filter(|k| {
                    self.removed_tag_keys.contains(*k) || k.starts_with(tags::RESERVED_PREFIX)
                })
                .cloned()
                .collect(),
            outdated: wanted.iter().any(|(k, v)| current.get(k) != Some(v)),
        }
    }
}

/// How a resource's tags must change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagChanges {
    /// Keys to remove: user tags dropped from the properties, and our own `debug-toolkit:` keys
    /// that no longer apply. Tags others added are left alone.
    pub stale: Vec<String>,
    /// Whether some wanted tag is missing or has another value.
    pub outdated: bool,
}
