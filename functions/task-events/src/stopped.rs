//! The stopped notice (docs/interface.md, `task-events`: a stopped task has no tags). StopTask
//! deletes a task's tags, so nothing here reads them: the task is ours when ECS's event says it
//! was started by this service from its cluster's debug-toolkit family, the channel is the one the
//! launcher recorded in the container's overrides (a task that stopped by itself still has its
//! tags, and so does one launched before the channel was recorded: those are read as a fallback),
//! and the claim is a log stream named for the task, which CloudWatch Logs creates only once: the
//! stop is counted (`DebugTasksStopped`) and told only by the invocation that made it.

use crate::events::StateChange;
use crate::notice::{claim, post};
use crate::outcome::Outcome;
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::cluster::name_of_arn;
use debug_toolkit::ecs::describe_tasks;
use debug_toolkit::ecs_status::TaskStatus;
use debug_toolkit::metrics::{self, StopReason};
use debug_toolkit::notice::{About, Notice};
use debug_toolkit::stop_record::{
    is_debug_family, stopped_claim_stream, CLAIMS_LOG_GROUP_VARIABLE,
};
use debug_toolkit::tags::STARTED_BY;

pub async fn told(app: &App, change: &StateChange) -> Result<Outcome, AwsError> {
    let Some(cluster) = name_of_arn(&change.cluster_arn) else {
        return Ok(Outcome::ignored("no cluster in the event"));
    };
    let family = change.task_definition_arn.as_deref().unwrap_or_default();
    if change.started_by.as_deref() != Some(STARTED_BY) || !is_debug_family(cluster, family) {
        return Ok(Outcome::ignored("not a debug task"));
    }
    // The claim comes first, whatever is told after it: `DebugTasksStopped` counts each task once
    // however often EventBridge delivers its STOPPED event. The channel is read before it, so a
    // read that fails leaves the event unclaimed for Lambda's retry.
    let channel = channel(app, change).await?;
    let Some(group) = app.claims_log_group.as_deref() else {
        tracing::error!(
            task = %change.task_arn,
            "{CLAIMS_LOG_GROUP_VARIABLE} is not set: a stopped notice cannot be claimed, so it is not posted"
        );
        return Ok(Outcome::ignored(format!(
            "{CLAIMS_LOG_GROUP_VARIABLE} is not set"
        )));
    };
    if !claim(app, group, &stopped_claim_stream(cluster, &change.task_arn)).await? {
        return Ok(Outcome::ignored("already told"));
    }
    let reason = StopReason::of(change.stopped_reason.as_deref());
    let dimensions = [
        (metrics::CLUSTER, cluster),
        (metrics::REASON, reason.as_str()),
    ];
    metrics::count(metrics::DEBUG_TASKS_STOPPED, 1, &dimensions);
    let Some((channel, seal)) = channel else {
        return Ok(Outcome::ignored("no channel recorded"));
    };
    if !crate::notice::can_tell(app) {
        tracing::info!(task = %change.task_arn, "no bot token: the channel is not told");
        return Ok(Outcome::ignored("no bot token"));
    }
    let about = About::Stopped {
        task_arn: change.task_arn.clone(),
        stopped_reason: change.stopped_reason.clone(),
    };
    let notice = Notice::to_channel(&channel, about).sealed_by(seal.as_deref());
    post(app, &change.task_arn, TaskStatus::Stopped, notice).await
}

/// The recorded channel (with the hub's seal of it, in a spoke), else (a task that kept its
/// tags) the channel tag and its seal's.
async fn channel(
    app: &App,
    change: &StateChange,
) -> Result<Option<(String, Option<String>)>, AwsError> {
    if let Some(channel) = &change.channel {
        return Ok(Some((channel.clone(), change.channel_seal.clone())));
    }
    let found = describe_tasks(
        &app.ecs,
        &change.cluster_arn,
        std::slice::from_ref(&change.task_arn),
    )
    .await?;
    Ok(found
        .into_iter()
        .next()
        .filter(|task| task.is_debug_task())
        .and_then(|task| {
            let seal = task.channel_seal().map(str::to_string);
            task.channel().map(|c| (c.to_string(), seal))
        }))
}
