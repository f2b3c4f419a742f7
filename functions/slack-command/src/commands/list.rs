//! `list [<cluster>]`: running debug tasks with requester, age, expiry, connect command and
//! buttons, and the clusters the requester may use.

use super::locate::{self, Located, CONCURRENCY};
use super::{mention, Caller, CommandError};
use crate::sites::Site;
use crate::App;
use debug_toolkit::commands;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::running_family_tasks;
use debug_toolkit::slack::{escape, Message};
use debug_toolkit::timestamp::{self, describe_span, EpochSeconds};
use futures::stream::{self, StreamExt, TryStreamExt};
use std::time::Duration;

/// Tasks shown in one answer: three blocks each (text, command, buttons), within Slack's 50 with
/// the heading, the "more" line and the clusters line.
pub const MAX_SHOWN: usize = 15;
/// Clusters named in the clusters line, then how many more.
pub const MAX_CLUSTERS_NAMED: usize = 20;

/// How long `list` waits for each site (a spoke's role, clusters and tasks) before naming it as
/// one that did not answer: within the command's 2.4 s, with room for the answer.
pub const SITE_WAIT: Duration = Duration::from_millis(2000);

/// A running debug task: the cluster as written in Slack, its own name, and the task.
type Listed = (String, String, TaskView);

pub async fn list(
    app: &App,
    caller: &Caller<'_>,
    cluster: Option<&str>,
    now: EpochSeconds,
) -> Result<Message, CommandError> {
    let (usable, tasks, silent) = match cluster {
        Some(written) => {
            let (site, name) = app.sites.resolve(written)?;
            let usable = locate::allowed_clusters_in(app, site, caller).await?;
            // A usable cluster is among those just read; any other is described once more, so
            // the refusal says why (unknown, not managed, nobody allowed, not you).
            let located = match usable.iter().find(|c| c.cluster.name == name) {
                Some(found) => found.clone(),
                None => locate::allowed_cluster_in(app, site, caller, name).await?,
            };
            let tasks = debug_tasks_of(located).await?;
            (
                usable.iter().map(Located::written).collect(),
                tasks,
                Vec::new(),
            )
        }
        None => everywhere(app, caller).await?,
    };
    let count = usable.len();
    // Spokes that did not answer may hold clusters the caller may use: never "no cluster" then.
    let usable = clusters_line(
        usable.iter().map(String::as_str).collect(),
        !silent.is_empty(),
    );
    let silent = silent_line(&silent);
    let scope = match cluster {
        Some(name) => format!("on `{}`", escape(name)),
        None => format!("on the {count} cluster(s) you may use"),
    };
    let mut tasks = tasks;
    if tasks.is_empty() {
        let message = Message::new(format!("No debug tasks are running {scope}."));
        return Ok(with_footer(message, &usable, silent.as_deref()));
    }
    tasks.sort_by(|a, b| (&a.0, a.2.start()).cmp(&(&b.0, b.2.start())));
    let mut message = Message::new(format!("*{} debug task(s) running {scope}*", tasks.len()));
    for (written, name, task) in tasks.iter().take(MAX_SHOWN) {
        message = message
            .section(&describe(written, task, now))
            .command(&commands::connect(name, &task.arn))
            .task_buttons(written, task.id());
    }
    if tasks.len() > MAX_SHOWN {
        message = message.section(&format!("…and {} more.", tasks.len() - MAX_SHOWN));
    }
    Ok(with_footer(message, &usable, silent.as_deref()))
}

fn with_footer(message: Message, usable: &str, silent: Option<&str>) -> Message {
    let message = message.section(usable);
    match silent {
        Some(line) => message.section(line),
        None => message,
    }
}

/// Every site at once, each given [`SITE_WAIT`]: the usable clusters and debug tasks of those
/// that answered, and the labels of those that did not (with why). With one site (one account)
/// there is nothing to wait for apart: its failure, or the command's own time limit, is the answer.
async fn everywhere(
    app: &App,
    caller: &Caller<'_>,
) -> Result<(Vec<String>, Vec<Listed>, Vec<String>), CommandError> {
    if let [site] = app.sites.all() {
        let (usable, tasks) = site_listing(app, site, caller).await?;
        return Ok((usable, tasks, Vec::new()));
    }
    let answers = app
        .sites
        .each(|site| tokio::time::timeout(SITE_WAIT, site_listing(app, site, caller)))
        .await;
    let (mut usable, mut tasks, mut silent) = (Vec::new(), Vec::new(), Vec::new());
    for (site, answer) in answers {
        match answer {
            Ok(Ok((clusters, found))) => {
                usable.extend(clusters);
                tasks.extend(found);
            }
            Ok(Err(error)) => {
                // The full error (account ids, role ARNs) to the log only.
                tracing::warn!(site = site.label(), %error, "a site could not be listed");
                silent.push(format!(
                    "`{}` ({}; the reason is in slack-command's log)",
                    site.label(),
                    escape(&super::site_failure::public_cause(&error))
                ));
            }
            Err(_) => {
                tracing::warn!(site = site.label(), "a site did not answer in time");
                silent.push(format!(
                    "`{}` (no answer within {} s)",
                    site.label(),
                    SITE_WAIT.as_secs()
                ));
            }
        }
    }
    Ok((usable, tasks, silent))
}

async fn site_listing(
    app: &App,
    site: &Site,
    caller: &Caller<'_>,
) -> Result<(Vec<String>, Vec<Listed>), CommandError> {
    let usable = locate::allowed_clusters_in(app, site, caller).await?;
    let names = usable.iter().map(Located::written).collect();
    let per_cluster: Vec<Vec<Listed>> = stream::iter(usable)
        .map(debug_tasks_of)
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok((names, per_cluster.into_iter().flatten().collect()))
}

/// "Not listed: …" naming the sites that did not answer; `None` when all did.
fn silent_line(silent: &[String]) -> Option<String> {
    (!silent.is_empty()).then(|| format!(":warning: Not listed, no answer: {}.", silent.join("; ")))
}

/// "You may use `a`, `b` …": up to [`MAX_CLUSTERS_NAMED`] names, sorted, then how many more;
/// with none, why (or only that the spokes that answered have none, when `some_unanswered`).
fn clusters_line(mut names: Vec<&str>, some_unanswered: bool) -> String {
    if names.is_empty() && some_unanswered {
        return "You may use no cluster of the spokes that answered.".into();
    }
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

async fn debug_tasks_of(located: Located<'_>) -> Result<Vec<Listed>, CommandError> {
    let Ok(family) = located.cluster.task_family() else {
        return Ok(Vec::new());
    };
    let tasks = running_family_tasks(&located.site.ecs, &located.cluster, family).await?;
    let written = located.written();
    Ok(tasks
        .into_iter()
        .filter(TaskView::is_debug_task)
        .map(|t| (written.clone(), located.cluster.name.clone(), t))
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
        assert!(clusters_line(vec![], false).starts_with("You may use no cluster: ask"));
        assert_eq!(
            clusters_line(vec![], true),
            "You may use no cluster of the spokes that answered."
        );
        assert_eq!(
            clusters_line(vec!["b", "a"], false),
            "You may use `a`, `b`."
        );
        assert_eq!(clusters_line(vec!["b", "a"], true), "You may use `a`, `b`.");
        let many: Vec<String> = (0..23).map(|i| format!("c{i:02}")).collect();
        let line = clusters_line(many.iter().map(String::as_str).collect(), false);
        assert!(line.starts_with("You may use `c00`, `c01`,"), "{line}");
        assert!(line.ends_with("`c19` and 3 more."), "{line}");
        assert!(!line.contains("c20"));
    }
}
