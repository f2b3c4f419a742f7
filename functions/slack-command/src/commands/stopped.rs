//! A task of ours that is stopping or stopped (the reaper, a colleague, an earlier click): `stop`,
//! `extend`, `forward` and the buttons answer "already stopped" with its stop reason, write
//! nothing and offer no buttons. StopTask deleted its tags, so it is known as ours by what
//! survives: `startedBy` and its task definition's family ([`TaskView::was_ours`]).

use super::locate::Located;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::ecs::describe_tasks;
use debug_toolkit::ecs_status::TaskStatus;
use debug_toolkit::slack::{escape, stop_reason, Message};

/// The answer for a task of ours on its way out; `None` for any other task.
pub fn already(located: &Located<'_>, found: &TaskView) -> Option<Message> {
    if !found.is_stopping_or_stopped() || !found.was_ours(&located.cluster.name) {
        return None;
    }
    tracing::info!(task = %found.arn, reason = ?found.stopped_reason, "the task is already stopped or stopping: nothing done");
    Some(Message::new(text(&located.written(), found)))
}

/// After a write to the task (StopTask, TagResource) failed: a second click or a colleague may
/// have stopped it since it was read, and StopTask deleted the tags our policy requires. Read
/// again: a task of ours on its way out gets the "already stopped" answer instead of AWS's refusal.
pub async fn after_failed_write(located: &Located<'_>, arn: &str) -> Option<Message> {
    let again = describe_tasks(&located.site.ecs, &located.cluster.arn, &[arn.to_string()])
        .await
        .ok()?;
    already(located, again.first()?)
}

fn text(written: &str, found: &TaskView) -> String {
    let still = if found.status() == Some(TaskStatus::Stopped) {
        ""
    } else {
        " (ECS is still shutting it down)"
    };
    let reason = match found
        .stopped_reason
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        Some(reason) => format!(
            " Stop reason: {}.",
            stop_reason::shown(reason.trim_end_matches('.'))
        ),
        None => String::new(),
    };
    format!(
        ":information_source: Debug task `{}` on `{}` is already stopped{still}; nothing was changed.{reason}",
        escape(found.id()),
        escape(written)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_says_already_stopped_and_why_when_known() {
        let task = |last: &str, reason: Option<&str>| TaskView {
            arn: "arn:aws:ecs:eu-west-1:1:task/payments-dev/abc".into(),
            last_status: Some(last.into()),
            desired_status: Some("STOPPED".into()),
            stopped_reason: reason.map(str::to_string),
            ..TaskView::default()
        };
        assert_eq!(
            text("prod/payments-dev", &task("STOPPED", Some("ecs-debug-toolkit idle-reaper: idle for 30m"))),
            ":information_source: Debug task `abc` on `prod/payments-dev` is already stopped; nothing was changed. Stop reason: ecs-debug-toolkit idle-reaper: idle for 30m."
        );
        assert_eq!(
            text("payments-dev", &task("RUNNING", None)),
            ":information_source: Debug task `abc` on `payments-dev` is already stopped (ECS is still shutting it down); nothing was changed."
        );
        assert!(text("c", &task("STOPPED", Some("<!channel> x"))).contains("&lt;!channel&gt; x"));
    }
}
