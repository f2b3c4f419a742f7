//! A debug task became RUNNING or STOPPED: tell its channel (with a bot token), at most once per
//! state however often the event comes (docs/interface.md, `task-events`: one notice per event).
//! Every stop, the reaper's included, reaches this function as ECS's STOPPED event, so it alone
//! tells channels. The notice is claimed with a tag *before* it is posted: a redelivered event, or
//! a retry after the claim, finds it and posts nothing; a post that fails after the claim is
//! logged, not retried.

use crate::outcome::Outcome;
use crate::readiness::{wait_for_exec_agent, ExecAgent};
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::cluster::name_of_arn;
use debug_toolkit::commands;
use debug_toolkit::deadline::Deadline;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::{describe_tasks, tags};
use debug_toolkit::ecs_status::TaskStatus;
use debug_toolkit::slack::{escape, Message};
use debug_toolkit::tags::{MANAGED_BY, MANAGED_BY_VALUE, NOTIFIED, STARTED_BY};

pub async fn state_changed(
    app: &App,
    cluster_arn: &str,
    task_arn: &str,
    last_status: &str,
    started_by: Option<&str>,
    stopped_reason: Option<&str>,
    deadline: Deadline,
) -> Result<Outcome, AwsError> {
    let status = match TaskStatus::parse(last_status) {
        Some(status @ (TaskStatus::Running | TaskStatus::Stopped)) => status,
        _ => return Ok(Outcome::ignored(format!("status {last_status}"))),
    };
    let found = describe_tasks(&app.ecs, cluster_arn, &[task_arn.to_string()]).await?;
    let Some(task) = found.into_iter().next() else {
        return Ok(Outcome::ignored("unknown task"));
    };
    let ours = started_by == Some(STARTED_BY)
        || task.started_by.as_deref() == Some(STARTED_BY)
        || task.tags.get(MANAGED_BY).map(String::as_str) == Some(MANAGED_BY_VALUE);
    if !ours {
        return Ok(Outcome::ignored("not a debug task"));
    }
    let told = task.tags.get(NOTIFIED).and_then(|t| TaskStatus::parse(t));
    if told == Some(status) || told == Some(TaskStatus::Stopped) {
        return Ok(Outcome::ignored("already told"));
    }
    if status == TaskStatus::Running && task.status() != Some(TaskStatus::Running) {
        // A late RUNNING event of a task that has moved on: no ready notice after the fact.
        return Ok(Outcome::ignored("the task is no longer running"));
    }
    let Some(channel) = task.channel().map(str::to_string) else {
        return Ok(Outcome::ignored("no channel tag"));
    };
    if !app.slack.has_token() {
        tracing::info!(task = %task.arn, last_status, "no bot token: the channel is not told");
        return Ok(Outcome::ignored("no bot token"));
    }
    if task.is_debug_task() {
        // Claimed only on tasks that are fully ours (our role may tag no other).
        app.ecs
            .tag_resource()
            .resource_arn(&task.arn)
            .set_tags(Some(tags([(NOTIFIED, status.as_str())])))
            .send()
            .await
            .map_err(AwsError::of("TagResource"))?;
    }
    let agent = if status == TaskStatus::Running {
        let known = task.exec_agent_status.as_deref();
        Some(wait_for_exec_agent(app, cluster_arn, &task.arn, known, deadline).await?)
    } else {
        None
    };
    let message = message(&task, status, stopped_reason, agent.as_ref());
    if let Err(error) = app.slack.post(&channel, &message).await {
        tracing::warn!(%error, task = %task.arn, "the channel could not be told; the notice stays claimed");
        return Ok(Outcome::Failed {
            reason: error.to_string(),
        });
    }
    tracing::info!(task = %task.arn, channel, last_status, "channel told");
    Ok(Outcome::Posted {
        task_arn: task.arn,
        status: status.as_str().to_string(),
    })
}

fn message(
    task: &TaskView,
    status: TaskStatus,
    stopped_reason: Option<&str>,
    agent: Option<&ExecAgent>,
) -> Message {
    let cluster = name_of_arn(&task.cluster_arn).unwrap_or(&task.cluster_arn);
    if status == TaskStatus::Running {
        let text = match agent {
            Some(ExecAgent::NotYet(status)) => format!(
                ":hourglass_flowing_sand: Debug task `{}` on `{}` is running, but ECS Exec is not ready yet (ExecuteCommandAgent: {}). Try in a minute with:",
                escape(task.id()),
                escape(cluster),
                escape(status)
            ),
            _ => format!(
                ":white_check_mark: Debug task `{}` on `{}` is running and ECS Exec is ready. Connect with:",
                escape(task.id()),
                escape(cluster)
            ),
        };
        Message::new(text).command(&commands::connect(cluster, &task.arn))
    } else {
        Message::new(format!(
            ":stop_sign: Debug task `{}` on `{}` stopped: {}",
            escape(task.id()),
            escape(cluster),
            escape(stopped_reason.unwrap_or("no reason given"))
        ))
    }
}
