//! Finding the clusters a caller may use, and a task they name in one of them.

use super::{Caller, CommandError};
use crate::grammar::TaskRef;
use crate::App;
use debug_toolkit::cluster::{ClusterSettings, Refusal};
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{describe_cluster, describe_tasks, managed_clusters};
use futures::stream::{self, StreamExt, TryStreamExt};

/// Clusters looked at concurrently.
pub const CONCURRENCY: usize = 8;

/// One named cluster the caller may use (refusal says why not).
pub async fn allowed_cluster(
    app: &App,
    caller: &Caller<'_>,
    name: &str,
) -> Result<ClusterSettings, CommandError> {
    let settings = describe_cluster(&app.ecs, name)
        .await?
        .ok_or_else(|| Refusal::Unknown(name.to_string()))?;
    let groups = app
        .groups
        .members(&app.slack, &settings.user_groups())
        .await;
    settings.authorise_with(caller.user, caller.channel, &groups)?;
    Ok(settings)
}

/// Every managed cluster the caller may use.
pub async fn allowed_clusters(
    app: &App,
    caller: &Caller<'_>,
) -> Result<Vec<ClusterSettings>, CommandError> {
    let clusters = managed_clusters(&app.ecs).await?;
    // The user groups of clusters that do not admit the caller by id or channel, read once.
    let mut wanted: Vec<&str> = clusters
        .iter()
        .filter(|c| {
            matches!(
                c.authorise(caller.user, caller.channel),
                Err(Refusal::NotAllowed(_))
            )
        })
        .flat_map(|c| c.user_groups())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let groups = app.groups.members(&app.slack, &wanted).await;
    Ok(clusters
        .iter()
        .filter(|c| {
            c.authorise_with(caller.user, caller.channel, &groups)
                .is_ok()
        })
        .cloned()
        .collect())
}

/// The task the caller named, in a cluster they may use.
pub async fn task(
    app: &App,
    caller: &Caller<'_>,
    task: &TaskRef,
) -> Result<(ClusterSettings, TaskView), CommandError> {
    let not_found = || CommandError::NotFound(task.id().to_string());
    let clusters = match task {
        TaskRef::Arn { cluster, .. } | TaskRef::InCluster { cluster, .. } => {
            vec![allowed_cluster(app, caller, cluster).await?]
        }
        TaskRef::Id(_) => allowed_clusters(app, caller).await?,
    };
    let wanted = match task {
        TaskRef::Arn { arn, .. } => arn.clone(),
        TaskRef::Id(id) | TaskRef::InCluster { id, .. } => id.clone(),
    };
    let found: Vec<(ClusterSettings, TaskView)> = stream::iter(clusters)
        .map(|cluster| {
            let wanted = wanted.clone();
            async move {
                let tasks = describe_tasks(&app.ecs, &cluster.arn, &[wanted]).await?;
                Ok::<_, CommandError>(tasks.into_iter().next().map(|t| (cluster, t)))
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_filter_map(|hit| async move { Ok(hit) })
        .try_collect()
        .await?;
    found
        .into_iter()
        .find(|(_, t)| t.id() == task.id())
        .ok_or_else(not_found)
}
