//! Reading clusters and debug tasks from ECS (feature `ecs`): the calls the Slack command, the
//! launcher and the reaper share.

use crate::aws::{has_code, AwsError};
use crate::cluster::ClusterSettings;
use crate::debug_task::TaskView;
use aws_sdk_ecs::types::{ClusterField, DesiredStatus, Task, TaskField};
use aws_sdk_ecs::Client;

/// DescribeClusters and DescribeTasks take at most 100 names a call.
pub const BATCH: usize = 100;

fn tag_pairs(tags: &[aws_sdk_ecs::types::Tag]) -> impl Iterator<Item = (String, String)> + '_ {
    tags.iter().filter_map(|t| {
        Some((
            t.key()?.to_string(),
            t.value().unwrap_or_default().to_string(),
        ))
    })
}

fn settings(cluster: &aws_sdk_ecs::types::Cluster) -> Option<ClusterSettings> {
    if cluster.status() != Some("ACTIVE") {
        return None;
    }
    Some(ClusterSettings::new(
        cluster.cluster_name()?,
        cluster.cluster_arn()?,
        tag_pairs(cluster.tags()),
    ))
}

/// One ACTIVE cluster with its tags; `None` when there is no such cluster.
pub async fn describe_cluster(
    client: &Client,
    name: &str,
) -> Result<Option<ClusterSettings>, AwsError> {
    let described = client
        .describe_clusters()
        .clusters(name)
        .include(ClusterField::Tags)
        .send()
        .await
        .map_err(AwsError::of("DescribeClusters"))?;
    Ok(described.clusters().iter().find_map(settings))
}

/// Every ACTIVE cluster of the account and region that this service manages.
pub async fn managed_clusters(client: &Client) -> Result<Vec<ClusterSettings>, AwsError> {
    let arns: Vec<String> = client
        .list_clusters()
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(AwsError::of("ListClusters"))?;
    let mut managed = Vec::new();
    for batch in arns.chunks(BATCH) {
        let described = client
            .describe_clusters()
            .set_clusters(Some(batch.to_vec()))
            .include(ClusterField::Tags)
            .send()
            .await
            .map_err(AwsError::of("DescribeClusters"))?;
        managed.extend(
            described
                .clusters()
                .iter()
                .filter_map(settings)
                .filter(ClusterSettings::is_managed),
        );
    }
    Ok(managed)
}

/// The RUNNING tasks of the cluster's debug-toolkit family, with their tags.
///
/// Only tasks whose `clusterArn` is this cluster are kept (an emulator that matched names loosely
/// must not make us act on another cluster's tasks).
pub async fn running_family_tasks(
    client: &Client,
    cluster: &ClusterSettings,
    family: &str,
) -> Result<Vec<TaskView>, AwsError> {
    let arns: Vec<String> = client
        .list_tasks()
        .cluster(&cluster.arn)
        .family(family)
        .desired_status(DesiredStatus::Running)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(AwsError::of("ListTasks"))?;
    describe_tasks(client, &cluster.arn, &arns).await
}

/// DescribeTasks (with tags) in batches of 100; unknown tasks are left out.
pub async fn describe_tasks(
    client: &Client,
    cluster_arn: &str,
    tasks: &[String],
) -> Result<Vec<TaskView>, AwsError> {
    let mut views = Vec::with_capacity(tasks.len());
    for batch in tasks.chunks(BATCH) {
        let described = match client
            .describe_tasks()
            .cluster(cluster_arn)
            .set_tasks(Some(batch.to_vec()))
            .include(TaskField::Tags)
            .send()
            .await
        {
            Ok(described) => described,
            Err(e) if has_code(&e, "ClusterNotFoundException") => return Ok(Vec::new()),
            Err(e) => return Err(AwsError::of("DescribeTasks")(e)),
        };
        views.extend(
            described
                .tasks()
                .iter()
                .map(task_view)
                .filter(|t| t.cluster_arn == cluster_arn),
        );
    }
    Ok(views)
}

pub fn task_view(task: &Task) -> TaskView {
    TaskView {
        arn: task.task_arn().unwrap_or_default().to_string(),
        cluster_arn: task.cluster_arn().unwrap_or_default().to_string(),
        started_by: task.started_by().map(str::to_string),
        last_status: task.last_status().map(str::to_string),
        started_at: task.started_at().map(|t| t.secs()),
        created_at: task.created_at().map(|t| t.secs()),
        tags: tag_pairs(task.tags()).collect(),
    }
}

/// ECS tags from pairs.
pub fn tags<K: Into<String>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Vec<aws_sdk_ecs::types::Tag> {
    pairs
        .into_iter()
        .map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build())
        .collect()
}
