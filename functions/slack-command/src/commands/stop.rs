//! `stop <task-id>`: stop one debug task; any other task is refused and left alone.

use super::{locate, mention, stopped, Caller, CommandError};
use crate::grammar::TaskRef;
use crate::App;
use debug_toolkit::ecs::stop_task;
use debug_toolkit::metrics::SLACK_REASON_PREFIX;
use debug_toolkit::slack::{escape, Message};

pub async fn stop(app: &App, caller: &Caller<'_>, task: &TaskRef) -> Result<Message, CommandError> {
    let (located, found) = locate::task(app, caller, task).await?;
    if let Some(already) = stopped::already(&located, &found) {
        return Ok(already);
    }
    let (written, cluster) = (located.written(), &located.cluster);
    if !found.is_debug_task() {
        tracing::warn!(task = %found.arn, user = caller.user, "refused to stop a task that is not a debug task");
        return Err(CommandError::NotDebug {
            task: found.id().to_string(),
            cluster: written,
        });
    }
    let reason = format!("{SLACK_REASON_PREFIX}{}", caller.user);
    if let Err(error) = stop_task(&located.site.ecs, &cluster.arn, &found.arn, &reason).await {
        return match stopped::after_failed_write(&located, &found.arn).await {
            Some(already) => Ok(already),
            None => Err(error.into()),
        };
    }
    tracing::info!(task = %found.arn, user = caller.user, "debug task stopped from Slack");
    Ok(Message::new(format!(
        ":octagonal_sign: Stopping debug task `{}` on `{}` (asked by {}).",
        escape(found.id()),
        escape(&written),
        mention(caller.user)
    )))
}
