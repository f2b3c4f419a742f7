//! Finding the clusters a caller may use, in the site (account and region) each is in, and a task
//! they name in one of them.

use super::{Caller, CommandError};
use crate::grammar::TaskRef;
use crate::sites::Site;
use crate::App;
use debug_toolkit::cluster::{ClusterSettings, Refusal};
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{
    describe_cluster, describe_tasks, is_access_denied, managed_clusters, running_family_arns,
};
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
    // A task named with its cluster (a button, `stop <alias>/<cluster>/<id>`) that the hub may not
    // read there is said so; an id alone looked for in every cluster is "not found" where absent.
    let named_cluster = !matches!(task, TaskRef::Id(_));
    let found: Vec<Option<(Located<'a>, TaskView)>> = stream::iter(clusters)
        .map(|located| {
            let wanted = wanted.clone();
            async move {
                let ecs = &located.site.ecs;
                // A hub reads only the spoke's running debug tasks: one not among them is not
                // asked for (its role may not read it). In its named cluster it may have just
                // stopped: not "not found", which on a task's own message would say ECS forgot it.
                if located.site.is_spoke() && !is_running_debug_task(&located, &wanted).await? {
                    return Ok(named_cluster.then_some(None));
                }
                match describe_tasks(ecs, &located.cluster.arn, &[wanted]).await {
                    Ok(tasks) => Ok(tasks.into_iter().next().map(|t| Some((located, t)))),
                    // A hub's role in a spoke reads debug tasks only (tag-scoped): a task it is
                    // refused is not a running debug task there (or stopped: its tags are gone).
                    Err(error) if located.site.is_spoke() && is_access_denied(&error) => {
                        tracing::info!(cluster = %located.written(), %error, "the hub may not read that task");
                        Ok(Some(None))
                    }
                    Err(error) => Err(CommandError::from(error)),
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_filter_map(|hit| async move { Ok(hit) })
        .try_collect()
        .await?;
    let denied = found.iter().any(Option::is_none);
    found
        .into_iter()
        .flatten()
        .find(|(_, t)| t.id() == task.id())
        .ok_or_else(|| {
            if denied {
                CommandError::NotReadable(task.id().to_string())
            } else {
                not_found()
            }
        })
}

/// Whether `wanted` (an id or ARN) is among the cluster's debug tasks ListTasks gives as running.
async fn is_running_debug_task(located: &Located<'_>, wanted: &str) -> Result<bool, CommandError> {
    let family = located.cluster.task_family()?;
    let id = wanted.rsplit('/').next().unwrap_or(wanted);
    let listed = running_family_arns(&located.site.ecs, &located.cluster.arn, family).await?;
    Ok(listed.iter().any(|arn| arn.rsplit('/').next() == Some(id)))
}
