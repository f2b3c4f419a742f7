//! The ECS cluster: Container Insights, ECS Exec logging, capacity providers and launch tags.

use super::network::Network;
use super::service_linked_role;
use crate::context::{Desired, Scope};
use crate::error::{aws, ProvisionError};
use crate::resources::tagging::{self, Tagged};
use crate::retry;
use aws_sdk_ecs::operation::delete_cluster::DeleteClusterError;
use aws_sdk_ecs::operation::put_cluster_capacity_providers::PutClusterCapacityProvidersError;
use aws_sdk_ecs::types::{
    CapacityProviderStrategyItem, ClusterConfiguration, ClusterField, ClusterSetting,
    ClusterSettingName, ExecuteCommandConfiguration, ExecuteCommandLogConfiguration,
    ExecuteCommandLogging,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use debug_toolkit::backoff::Backoff;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::ecs_status::ClusterStatus;
use debug_toolkit::tags;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub struct ExistingCluster {
    pub arn: String,
    pub tags: BTreeMap<String, String>,
    /// What UpdateCluster sets, as ECS reports it.
    pub settings: Vec<ClusterSetting>,
    pub configuration: Option<ClusterConfiguration>,
    /// What PutClusterCapacityProviders sets.
    pub capacity_providers: Vec<String>,
    pub default_strategy: Vec<CapacityProviderStrategyItem>,
}

pub async fn find(scope: &Scope<'_>) -> Result<Option<ExistingCluster>, ProvisionError> {
    let name = &scope.names.cluster;
    let out = scope
        .clients
        .ecs
        .describe_clusters()
        .clusters(name)
        .include(ClusterField::Tags)
        .include(ClusterField::Settings)
        .include(ClusterField::Configurations)
        .send()
        .await
        .map_err(aws("DescribeClusters", name.as_str()))?;
    Ok(out
        .clusters()
        .iter()
        .find(|c| {
            c.cluster_name() == Some(name)
                && ClusterStatus::parse(c.status()) != Some(ClusterStatus::Inactive)
        })
        .map(|c| ExistingCluster {
            arn: c.cluster_arn().unwrap_or_default().to_string(),
            tags: tagging::read(c.tags()),
            settings: c.settings().to_vec(),
            configuration: c.configuration().cloned(),
            capacity_providers: c.capacity_providers().to_vec(),
            default_strategy: c.default_capacity_provider_strategy().to_vec(),
        }))
}

/// The tags of the cluster: the common ones plus what launches need.
pub fn cluster_tags(
    desired: &Desired<'_>,
    network: &Network,
    security_group_id: &str,
) -> BTreeMap<String, String> {
    let spec = desired.spec;
    let mut all = desired.tags.clone();
    all.insert(tags::SUBNETS.into(), network.subnet_ids.join(" "));
    all.insert(tags::SECURITY_GROUPS.into(), security_group_id.into());
    all.insert(
        tags::TASK_FAMILY.into(),
        desired.names().task_family.clone(),
    );
    all.insert(
        tags::CLUSTER_ENVIRONMENT.into(),
        spec.environment_tag().into(),
    );
    // What `doctor` reads of the debug task definition (a hub's role reads no task definition).
    all.insert(tags::TASK_ROLE.into(), desired.names().task_role.clone());
    all.insert(tags::IMAGE.into(), tags::sanitise_value(&spec.image));
    if !spec.allowed_slack_users.is_empty() {
        all.insert(
            tags::ALLOWED_USERS.into(),
            spec.allowed_slack_users.join(" "),
        );
    }
    if !spec.allowed_slack_channels.is_empty() {
        all.insert(
            tags::ALLOWED_CHANNELS.into(),
            spec.allowed_slack_channels.join(" "),
        );
    }
    if !spec.like_services.is_empty() {
        all.insert(
            tags::LIKE_SERVICES.into(),
            debug_toolkit::like_services::tag_value(&spec.like_services),
        );
    }
    all.insert(
        tags::IDLE_TIMEOUT_MINUTES.into(),
        spec.idle_timeout_minutes.to_string(),
    );
    all.insert(
        tags::MAX_LIFETIME_MINUTES.into(),
        spec.max_lifetime_minutes.to_string(),
    );
    all
}

fn settings(desired: &Desired<'_>) -> ClusterSetting {
    ClusterSetting::builder()
        .name(ClusterSettingName::ContainerInsights)
        .value(desired.spec.container_insights.setting_value())
        .build()
}

fn configuration(desired: &Desired<'_>) -> ClusterConfiguration {
    let key = desired.spec.kms_key_arn.clone();
    ClusterConfiguration::builder()
        .execute_command_configuration(
            ExecuteCommandConfiguration::builder()
                .set_kms_key_id(key.clone())
                .logging(ExecuteCommandLogging::Override)
                .log_configuration(
                    ExecuteCommandLogConfiguration::builder()
                        .cloud_watch_log_group_name(&desired.names().exec_log_group)
                        .cloud_watch_encryption_enabled(key.is_some())
                        .build(),
                )
                .build(),
        )
        .build()
}

fn default_strategy(desired: &Desired<'_>) -> CapacityProviderStrategyItem {
    CapacityProviderStrategyItem::builder()
        .capacity_provider(&desired.spec.default_capacity_provider)
        .base(desired.spec.capacity_provider_base)
        .weight(desired.spec.capacity_provider_weight)
        .build()
        .expect("capacity provider is set")
}

/// ECS refuses CreateCluster while a new service-linked role propagates (IAM takes seconds).
fn linked_role_not_ready(
    error: &SdkError<aws_sdk_ecs::operation::create_cluster::CreateClusterError, HttpResponse>,
) -> bool {
    error
        .as_service_error()
        .and_then(|e| e.message())
        .is_some_and(service_linked_role::is_not_ready_yet)
}

/// Creates the cluster, or brings an owned one to the desired settings, providers and tags.
/// Returns its ARN.
pub async fn ensure(
    desired: &Desired<'_>,
    network: &Network,
    security_group_id: &str,
    existing: Option<&ExistingCluster>,
) -> Result<String, ProvisionError> {
    let ecs = &desired.clients().ecs;
    let name = desired.names().cluster.as_str();
    let wanted_tags = cluster_tags(desired, network, security_group_id);
    let Some(current) = existing else {
        let created = retry::while_transient(name, "CreateCluster", linked_role_not_ready, || {
            ecs.create_cluster()
                .cluster_name(name)
                .settings(settings(desired))
                .configuration(configuration(desired))
                .set_capacity_providers(Some(desired.spec.capacity_providers.clone()))
                .default_capacity_provider_strategy(default_strategy(desired))
                .set_tags(Some(tagging::ecs(&wanted_tags)))
                .send()
        })
        .await?;
        return created
            .cluster()
            .and_then(|c| c.cluster_arn())
            .map(str::to_owned)
            .ok_or_else(|| ProvisionError::Incomplete {
                action: "CreateCluster",
                target: name.to_string(),
                missing: "cluster ARN",
            });
    };
    // One change at a time, and only when needed: ECS refuses a second while one is in progress.
    let changes = async {
        if current.settings != [settings(desired)]
            || current.configuration.as_ref() != Some(&configuration(desired))
        {
            // UpdateInProgressException is not in UpdateCluster's model, so it arrives unmodelled.
            retry::while_transient(
                name,
                "UpdateCluster",
                retry::code("UpdateInProgressException"),
                || {
                    ecs.update_cluster()
                        .cluster(name)
                        .settings(settings(desired))
                        .configuration(configuration(desired))
                        .send()
                },
            )
            .await?;
        }
        if current.capacity_providers != desired.spec.capacity_providers
            || current.default_strategy != [default_strategy(desired)]
        {
            retry::while_transient(
                name,
                "PutClusterCapacityProviders",
                |e: &SdkError<PutClusterCapacityProvidersError, HttpResponse>| {
                    e.as_service_error()
                        .is_some_and(|s| s.is_update_in_progress_exception())
                },
                || {
                    ecs.put_cluster_capacity_providers()
                        .cluster(name)
                        .set_capacity_providers(Some(desired.spec.capacity_providers.clone()))
                        .default_capacity_provider_strategy(default_strategy(desired))
                        .send()
                },
            )
            .await?;
        }
        Ok::<(), ProvisionError>(())
    };
    let retag = tagging::retag(
        desired,
        Tagged::Ecs(&current.arn),
        &current.tags,
        &wanted_tags,
    );
    let (changes, retag) = tokio::join!(changes, retag);
    changes?;
    retag?;
    Ok(current.arn.clone())
}

/// Deletes the cluster if this stack resource owns it. Tasks that are still stopping keep a
/// cluster from being deleted for a while, so that is retried until `until`.
pub async fn remove(
    scope: &Scope<'_>,
    existing: &ExistingCluster,
    until: Deadline,
) -> Result<(), ProvisionError> {
    let name = scope.names.cluster.as_str();
    let still_stopping = |e: &SdkError<DeleteClusterError, HttpResponse>| {
        e.as_service_error().is_some_and(|s| {
            s.is_cluster_contains_tasks_exception() || s.is_update_in_progress_exception()
        })
    };
    let answer = retry::retried(
        name,
        "DeleteCluster",
        STILL_STOPPING,
        Some(until),
        still_stopping,
        || {
            scope
                .clients
                .ecs
                .delete_cluster()
                .cluster(&existing.arn)
                .send()
        },
    )
    .await;
    match answer {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_cluster_not_found_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(aws("DeleteCluster", name)(e)),
    }
}

/// While the cluster's tasks stop: 2 s doubling to 10 s, until the deadline.
const STILL_STOPPING: Backoff = Backoff::doubling(Duration::from_secs(2), Duration::from_secs(10));
