//! An ECS Exec session opened on a debug task: record when, and which session, on the task, and
//! (with a bot token) tell the task's channel who opened it (docs/interface.md, `task-events`). A
//! session already recorded (a redelivered event) is neither recorded nor told again.

use crate::outcome::Outcome;
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::cluster::name_of_arn;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{describe_tasks, tags};
use debug_toolkit::metrics;
use debug_toolkit::notice::tell::tell;
use debug_toolkit::notice::{About, Notice};
use debug_toolkit::tags::{LAST_ACTIVITY, LAST_SESSION};
use debug_toolkit::timestamp::{self, EpochSeconds};

/// One ExecuteCommand as CloudTrail recorded it.
#[derive(Clone, Copy, Debug)]
pub struct Session<'a> {
    pub id: Option<&'a str>,
    pub at: EpochSeconds,
    pub opened_by: Option<&'a str>,
}

pub async fn record(
    app: &App,
    cluster: &str,
    task: &str,
    session: &Session<'_>,
) -> Result<Outcome, AwsError> {
    let (session_id, at) = (session.id, session.at);
    let found = describe_tasks(&app.ecs, cluster, &[task.to_string()]).await?;
    let Some(task) = found.into_iter().next() else {
        tracing::info!(
            cluster,
            task,
            "exec session on an unknown task: nothing recorded"
        );
        return Ok(Outcome::ignored("unknown task"));
    };
    if !task.is_debug_task() {
        tracing::info!(task = %task.arn, "exec session on a task that is not a debug task: nothing recorded");
        return Ok(Outcome::ignored("not a debug task"));
    }
    let recorded = task
        .tags
        .get(LAST_ACTIVITY)
        .and_then(|t| timestamp::parse(t));
    if session_id.is_some() && task.tags.get(LAST_SESSION).map(String::as_str) == session_id {
        return Ok(Outcome::ignored("this session is already recorded"));
    }
    let name = name_of_arn(&task.cluster_arn).unwrap_or(cluster);
    metrics::count(
        metrics::EXEC_SESSIONS_OPENED,
        1,
        &[(metrics::CLUSTER, name)],
    );
    if recorded.is_some_and(|r| r > at) {
        // Events may arrive out of order: a later session is already recorded.
        tracing::info!(task = %task.arn, "a later exec session is already recorded");
        return Ok(Outcome::ignored("older than the recorded activity"));
    }
    let mut new_tags = vec![(LAST_ACTIVITY, timestamp::format(at))];
    if let Some(session) = session_id.filter(|s| is_session_id(s)) {
        new_tags.push((LAST_SESSION, session.to_string()));
    }
    app.ecs
        .tag_resource()
        .resource_arn(&task.arn)
        .set_tags(Some(tags(new_tags)))
        .send()
        .await
        .map_err(AwsError::of("TagResource"))?;
    tracing::info!(task = %task.arn, session = ?session_id, at = %timestamp::format(at), "exec activity recorded");
    tell_who(app, &task, session.opened_by).await;
    Ok(Outcome::Recorded {
        task_arn: task.arn,
        last_activity: timestamp::format(at),
    })
}

/// Tells the task's channel who opened a shell (a failure is logged).
async fn tell_who(app: &App, task: &TaskView, opened_by: Option<&str>) {
    let (Some(channel), Some(who)) = (task.channel(), opened_by) else {
        return;
    };
    if !crate::notice::can_tell(app) {
        return;
    }
    let about = About::ShellOpened {
        task_arn: task.arn.clone(),
        opened_by: who.to_string(),
    };
    let notice = Notice::to_channel(channel, about).sealed_by(task.channel_seal());
    let alias = app.spoke_alias.as_deref();
    if let Err(error) = tell(&app.slack, app.hub.as_ref(), &notice, alias).await {
        tracing::warn!(%error, task = %task.arn, "the channel could not be told who opened a shell");
    }
}

/// Session ids are tag-safe (`ecs-execute-command-` and hex); anything else is not written.
fn is_session_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 256
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}
