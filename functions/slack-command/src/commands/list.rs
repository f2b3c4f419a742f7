//! `list [<cluster>]`: running debug tasks with requester, age, expiry, connect command and
//! buttons, and the clusters the requester may use.

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

/// Tasks shown in one answer: three blocks each (text, command, buttons), within Slack's 50 with
/// the heading, the "more" line and the clusters line.
pub const MAX_SHOWN: usize = 15;
/// Clusters named in the clusters line, then how many more.
pub const MAX_CLUSTERS_NAMED: usize = 20;

pub async fn list(
    app: &App,
    caller: &Caller<'_>,
    cluster: Option<&str>,
    now: EpochSeconds,
) -> Result<Message, CommandError> {
    let usable = locate::allowed_clusters(app, caller).await?;
    let clusters = match cluster {
        None => usable.clone(),
        // A usable cluster is among those just read; any other is described once more, so the
        // refusal says why (unknown, not managed, nobody allowed, not you).
        Some(name) => match usable.iter().find(|c| c.name == name) {
            Some(found) => vec![found.clone()],
            None => vec![locate::allowed_cluster(app, caller, name).await?],
        },
    };
    let usable = clusters_line(usable.iter().map(|c| c.name.as_str()).collect());
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
        return Ok(Message::new(format!("No debug tasks are running {scope}.")).section(&usable));
    }
    tasks.sort_by(|a, b| (&a.0, a.1.start()).cmp(&(&b.0, b.1.start())));
    let mut message = Message::new(format!("*{} debug task(s) running {scope}*", tasks.len()));
    for (cluster, task) in tasks.iter().take(MAX_SHOWN) {
        message = message
            .section(&describe(cluster, task, now))
            .command(&commands::connect(cluster, &task.arn))
            .task_buttons(cluster, task.id());
    }
    if tasks.len() > MAX_SHOWN {
        message = message.section(&format!("…and {} more.", tasks.len() - MAX_SHOWN));
    }
    Ok(message.section(&usable))
}

/// "You may use `a`, `b` …": up to [`MAX_CLUSTERS_NAMED`] names, sorted, then how many more.
fn clusters_line(mut names: Vec<&str>) -> String {
    if names.is_empty() {
        return "You may use no cluster: ask for your Slack id or this channel to be added to an \
                environment's `AllowedSlackUsers` or `AllowedSlackChannels`."
            .into();
    }
    names.sort_unstable();
    let shown: Vec<String> = names
        .iter()
        .take(MAX_CLUSTERS_NAMED)
        .map(|n| format!("`{}`", escape(n)))
        .collect();
    let more = match names.len().saturating_sub(MAX_CLUSTERS_NAMED) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!("You may use {}{more}.", shown.join(", "))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clusters_line_names_twenty_then_counts() {
        assert!(clusters_line(vec![]).starts_with("You may use no cluster"));
        assert_eq!(clusters_line(vec!["b", "a"]), "You may use `a`, `b`.");
        let many: Vec<String> = (0..23).map(|i| format!("c{i:02}")).collect();
        let line = clusters_line(many.iter().map(String::as_str).collect());
        assert!(line.starts_with("You may use `c00`, `c01`,"), "{line}");
        assert!(line.ends_with("`c19` and 3 more."), "{line}");
        assert!(!line.contains("c20"));
    }
}
