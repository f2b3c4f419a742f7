//! A debug task became RUNNING or STOPPED: tell its channel (with a bot token), at most once per
//! state however often the event comes (docs/interface.md, `task-events`: one notice per event).
//! Every stop, the reaper's included, reaches this function as ECS's STOPPED event, so it alone
//! tells channels. A notice is claimed *before* it is posted (the ready one with a tag, the
//! stopped one with a log stream, since StopTask deletes tags: see [`stopped`]): a redelivered
//! event, or a retry after the claim, finds it and posts nothing; a post that fails after the
//! claim is logged, not retried.

use crate::events::StateChange;
use crate::notice::post;
use crate::outcome::Outcome;
use crate::readiness::{wait_for_exec_agent, ExecAgent};
use crate::stopped;
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{describe_tasks, tags};
use debug_toolkit::ecs_status::TaskStatus;
use debug_toolkit::notice::{About, Notice};
use debug_toolkit::tags::NOTIFIED;

pub async fn state_changed(
    app: &App,
    change: &StateChange,
    deadline: Deadline,
) -> Result<Outcome, AwsError> {
    match TaskStatus::parse(&change.last_status) {
        Some(TaskStatus::Running) => ready(app, change, deadline).await,
        Some(TaskStatus::Stopped) => stopped::told(app, change).await,
        _ => Ok(Outcome::ignored(format!("status {}", change.last_status))),
    }
}

/// The ready notice, claimed with the `notified` tag (a running task still has its tags).
async fn ready(app: &App, change: &StateChange, deadline: Deadline) -> Result<Outcome, AwsError> {
    if change.desired_status.as_deref() == Some(TaskStatus::Stopped.as_str()) {
        // ECS's first event of a stop: still RUNNING, already on its way out (tags gone).
        return Ok(Outcome::ignored("the task is being stopped"));
    }
    let found = describe_tasks(
        &app.ecs,
        &change.cluster_arn,
        std::slice::from_ref(&change.task_arn),
    )
    .await?;
    let Some(task) = found.into_iter().next() else {
        return Ok(Outcome::ignored("unknown task"));
    };
    if !task.is_debug_task() {
        return Ok(Outcome::ignored("not a debug task"));
    }
    if task.tags.contains_key(NOTIFIED) {
        return Ok(Outcome::ignored("already told"));
    }
    if task.is_on_its_way_out() {
        // A late RUNNING event of a task that has moved on: no ready notice after the fact.
        return Ok(Outcome::ignored("the task is no longer running"));
    }
    let Some(channel) = task.channel().map(str::to_string) else {
        return Ok(Outcome::ignored("no channel tag"));
    };
    if !crate::notice::can_tell(app) {
        tracing::info!(task = %task.arn, "no bot token: the channel is not told");
        return Ok(Outcome::ignored("no bot token"));
    }
    let claimed = app
        .ecs
        .tag_resource()
        .resource_arn(&task.arn)
        .set_tags(Some(tags([(NOTIFIED, TaskStatus::Running.as_str())])))
        .send()
        .await
        .map_err(AwsError::of("TagResource"));
    if let Err(error) = claimed {
        // A stop between the read and the claim: StopTask deleted the task's tags (and with them
        // the managed-by tag our grant asks for: AccessDenied), or the task is already STOPPED
        // (InvalidParameterException "The specified task is stopped"). Whatever the answer, a
        // task on its way out is due no ready notice: a harmless race, not a failure to retry.
        if stopped_meanwhile(app, change).await {
            tracing::info!(task = %task.arn, code = ?error.code, "the task was stopped while being claimed");
            return Ok(Outcome::ignored("the task was stopped while being claimed"));
        }
        return Err(error);
    }
    let known = task.exec_agent_status.as_deref();
    let agent = wait_for_exec_agent(app, &change.cluster_arn, &task.arn, known, deadline).await?;
    post(
        app,
        &task.arn,
        TaskStatus::Running,
        ready_notice(&channel, &task, &agent),
    )
    .await
}

/// Whether the task is now on its way out (read again; unreadable counts as no).
async fn stopped_meanwhile(app: &App, change: &StateChange) -> bool {
    let again = describe_tasks(
        &app.ecs,
        &change.cluster_arn,
        std::slice::from_ref(&change.task_arn),
    )
    .await;
    again
        .ok()
        .and_then(|tasks| tasks.into_iter().next())
        .is_some_and(|task| task.is_on_its_way_out())
}

fn ready_notice(channel: &str, task: &TaskView, agent: &ExecAgent) -> Notice {
    let exec_agent = match agent {
        ExecAgent::NotYet(status) => Some(status.clone()),
        ExecAgent::Running => None,
    };
    Notice::to_channel(
        channel,
        About::Ready {
            task_arn: task.arn.clone(),
            image: task.image.clone(),
            exec_agent,
        },
    )
    .sealed_by(task.channel_seal())
}
