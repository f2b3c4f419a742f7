//! `list [<cluster>]`: running debug tasks with requester, age, expiry and connect command.

use super::locate::{self, CONCURRENCY};
use super::{mention, Caller, CommandError};
use crate::App;
use debug_toolkit::cluster::ClusterSettings;
use debug_toolkit::commands;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::running_family_tasks;
use debug_toolkit::slack::{escape, Message};
use debug_toolkit::timestamp::{self, describe_span, EpochSeconds};
use futures::stream::{self, StreamExt, TryStreamExt};

/// Tasks shown in one answer (two blocks each, within Slack's 50).
pub const MAX_SHOWN: usize = 20;

pub async fn list(
    app: &App,
    caller: &Caller<'_>,
    cluster: Option<&str>,
    now: EpochSeconds,
) -> Result<Message, CommandError> {
    let clusters = match cluster {
        Some(name) => vec![locate::allowed_cluster(app, caller, name).await?],
        None => locate::allowed_clusters(app, caller).await?,
    };
    let scope = match cluster {
        Some(name) => format!("on `{}`", escape(name)),
        None => format!("on the {} cluster(s) you may use", clusters.len()),
    };
    let per_cluster: Vec<Vec<(String, TaskView)>> = stream::iter(clusters)
        .map(|cluster| debug_tasks_of(app, cluster))
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut tasks: Vec<(String, TaskView)> = per_cluster.into_iter().flatten().collect();
    if tasks.is_empty() {
        return Ok(Message::new(format!("No debug tasks are running {scope}.")));
    }
    tasks.sort_by(|a, b| (&a.0, a.1.start()).cmp(&(&b.0, b.1.start())));
    let mut message = Message::new(format!("*{} debug task(s) running {scope}*", tasks.len()));
    for (cluster, task) in tasks.iter().take(MAX_SHOWN) {
        message = message
            .section(&describe(cluster, task, now))
            .command(&commands::connect(cluster, &task.arn));
    }
    if tasks.len() > MAX_SHOWN {
        message = message.section(&format!("…and {} more.", tasks.len() - MAX_SHOWN));
    }
    Ok(message)
}

async fn debug_tasks_of(
    app: &App,
    cluster: ClusterSettings,
) -> Result<Vec<(String, TaskView)>, CommandError> {
    let Ok(family) = cluster.task_family() else {
        return Ok(Vec::new());
    };
    let tasks = running_family_tasks(&app.ecs, &cluster, family).await?;
    Ok(tasks
        .into_iter()
        .filter(TaskView::is_debug_task)
        .map(|t| (cluster.name.clone(), t))
        .collect())
}

fn describe(cluster: &str, task: &TaskView, now: EpochSeconds) -> String {
    let requester = task
        .requested_by()
        .map(mention)
        .unwrap_or_else(|| "unknown".into());
    let age = task
        .start()
        .map(|s| format!("up {}", describe_span(now - s)))
        .unwrap_or_else(|| "age unknown".into());
    let expiry = match task.expires_at() {
        Some(at) if at > now => format!(
            "expires in {} ({})",
            describe_span(at - now),
            timestamp::format(at)
        ),
        Some(at) => format!("expired at {}", timestamp::format(at)),
        None => "no expiry".into(),
    };
    let like = task
        .tags
        .get(debug_toolkit::tags::LIKE_SERVICE)
        .map(|s| format!(" (placed like service `{}`)", escape(s)))
        .unwrap_or_default();
    format!(
        "`{}` on `{}`{like}: requested by {requester}, {age}, {expiry}",
        escape(task.id()),
        escape(cluster)
    )
}
