//! Reading clusters and debug tasks from ECS (feature `ecs`): the calls the Slack command, the
//! launcher and the reaper share.

use crate::aws::AwsError;
use crate::cluster::ClusterSettings;
use crate::ecs_status::ClusterStatus;
use aws_sdk_ecs::types::ClusterField;
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
    if ClusterStatus::parse(cluster.status()) != Some(ClusterStatus::Active) {
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

#[cfg(test)]
mod paginated;
mod tasks;

pub use tasks::{
    describe_tasks, is_access_denied, running_family_arns, running_family_tasks, stop_task,
    task_view,
};

/// Whether a cluster ARN is the cluster named by `cluster` (a name or an ARN).
pub fn is_cluster(cluster: &str, arn: &str) -> bool {
    arn == cluster || crate::cluster::name_of_arn(arn) == Some(cluster)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_by_name_or_arn() {
        let arn = "arn:aws:ecs:eu-west-1:1:cluster/payments-dev";
        assert!(is_cluster("payments-dev", arn));
        assert!(is_cluster(arn, arn));
        assert!(!is_cluster("payments", arn));
        assert!(!is_cluster("payments-dev-2", arn));
        assert!(!is_cluster(
            "arn:aws:ecs:eu-west-1:2:cluster/payments-dev",
            arn
        ));
    }
}
