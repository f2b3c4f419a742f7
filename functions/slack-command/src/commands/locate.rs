//! Finding the clusters a caller may use, in the site (account and region) each is in, and a task
//! they name in one of them.

use super::{Caller, CommandError};
use crate::grammar::TaskRef;
use crate::sites::Site;
use crate::App;
use debug_toolkit::cluster::{ClusterSettings, Refusal};
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{describe_cluster, describe_tasks, managed_clusters};
use futures::stream::{self, StreamExt, TryStreamExt};

/// Clusters looked at concurrently.
pub const CONCURRENCY: usize = 8;

/// A cluster the caller may use, and the site it is in.
#[derive(Clone, Debug)]
pub struct Located<'a> {
    pub site: &'a Site,
    pub cluster: ClusterSettings,
}

impl Located<'_> {
    /// The cluster as written in Slack (`<alias>/<cluster>` in a spoke).
    pub fn written(&self) -> String {
        self.site.written(&self.cluster.name)
    }
}

/// One cluster as written in Slack, if the caller may use it (the refusal says why not).
pub async fn allowed_cluster<'a>(
    app: &'a App,
    caller: &Caller<'_>,
    written: &str,
) -> Result<Located<'a>, CommandError> {
    let (site, name) = app.sites.resolve(written)?;
    allowed_cluster_in(app, site, caller, name).await
}

/// One cluster of `site`, by its own name, if the caller may use it.
pub async fn allowed_cluster_in<'a>(
    app: &App,
    site: &'a Site,
    caller: &Caller<'_>,
    name: &str,
) -> Result<Located<'a>, CommandError> {
    let cluster = describe_cluster(&site.ecs, name)
        .await?
        .ok_or_else(|| Refusal::Unknown(site.written(name)))?;
    let groups = app.groups.members(&app.slack, &cluster.user_groups()).await;
    cluster
        .authorise_with(caller.user, caller.channel, &groups)
        .map_err(|refusal| refusal.naming(&site.written(name)))?;
    Ok(Located { site, cluster })
}

/// Every managed cluster of `site` the caller may use.
pub async fn allowed_clusters_in<'a>(
    app: &App,
    site: &'a Site,
    caller: &Caller<'_>,
) -> Result<Vec<Located<'a>>, CommandError> {
    let clusters = managed_clusters(&site.ecs).await?;
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
        .into_iter()
        .filter(|c| {
            c.authorise_with(caller.user, caller.channel, &groups)
                .is_ok()
        })
        .map(|cluster| Located { site, cluster })
        .collect())
}

/// The usable clusters of every site. A site that fails is left out (and logged) as long as
/// another answers; when none does, the first failure is the answer.
async fn allowed_clusters_anywhere<'a>(
    app: &'a App,
    caller: &Caller<'_>,
) -> Result<Vec<Located<'a>>, CommandError> {
    let per_site = app
        .sites
        .each(|site| allowed_clusters_in(app, site, caller))
        .await;
    let (mut found, mut first_error) = (Vec::new(), None);
    for (site, result) in per_site {
        match result {
            Ok(clusters) => found.extend(clusters),
            Err(error) => {
                tracing::warn!(site = site.label(), %error, "a site could not be read");
                first_error.get_or_insert(error);
            }
        }
    }
    match first_error {
        Some(error) if found.is_empty() => Err(error),
        _ => Ok(found),
    }
}

/// The task the caller named, in a cluster they may use.
pub async fn task<'a>(
    app: &'a App,
    caller: &Caller<'_>,
    task: &TaskRef,
) -> Result<(Located<'a>, TaskView), CommandError> {
    let not_found = || CommandError::NotFound(task.id().to_string());
    let clusters = match task {
        TaskRef::Arn { cluster, arn } => {
            let site = app.sites.of_arn(arn)?;
            vec![allowed_cluster_in(app, site, caller, cluster).await?]
        }
        TaskRef::InCluster { cluster, .. } => vec![allowed_cluster(app, caller, cluster).await?],
        TaskRef::Id(_) => allowed_clusters_anywhere(app, caller).await?,
    };
    let wanted = match task {
        TaskRef::Arn { arn, .. } => arn.clone(),
        TaskRef::Id(id) | TaskRef::InCluster { id, .. } => id.clone(),
    };
    let found: Vec<(Located<'a>, TaskView)> = stream::iter(clusters)
        .map(|located| {
            let wanted = wanted.clone();
            async move {
                let ecs = &located.site.ecs;
                let tasks = describe_tasks(ecs, &located.cluster.arn, &[wanted]).await?;
                Ok::<_, CommandError>(tasks.into_iter().next().map(|t| (located, t)))
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
