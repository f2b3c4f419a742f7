//! `forward <task-id> <host>:<port> [<local-port>]` (docs/interface.md, `slack-command`):
//! authorised as `stop`, only for debug tasks; answers with the Session Manager port-forwarding
//! command through the task. The session keeps the task alive through the session heartbeat.

use super::{egress, locate, stopped, Caller, CommandError};
use crate::grammar::TaskRef;
use crate::App;
use debug_toolkit::commands::{self, Forward};
use debug_toolkit::slack::{escape, Message};

pub async fn forward(
    app: &App,
    caller: &Caller<'_>,
    task: &TaskRef,
    to: &Forward,
) -> Result<Message, CommandError> {
    let (located, found) = locate::task(app, caller, task).await?;
    if let Some(already) = stopped::already(&located, &found) {
        return Ok(already);
    }
    let (written, cluster) = (located.written(), &located.cluster);
    if !found.is_debug_task() {
        tracing::warn!(task = %found.arn, user = caller.user, "refused to forward through a task that is not a debug task");
        return Err(CommandError::NotDebug {
            task: found.id().to_string(),
            cluster: written,
        });
    }
    let Some(runtime_id) = found.runtime_id.as_deref() else {
        return Err(CommandError::NotStarted(found.id().to_string()));
    };
    let blocked = egress::warning(located.site, &found, &to.host, to.port).await;
    tracing::info!(task = %found.arn, user = caller.user, host = %to.host, port = to.port, blocked = blocked.is_some(), "port-forwarding command handed out");
    let message = Message::new(format!(
        ":electric_plug: `localhost:{}` to `{}:{}` through debug task `{}` on `{}` (needs the Session Manager plugin):",
        to.local_port,
        escape(&to.host),
        to.port,
        escape(found.id()),
        escape(&written)
    ))
    .command(&commands::forward(&cluster.name, &found.arn, runtime_id, to));
    Ok(match blocked {
        Some(warning) => message.section(&warning),
        None => message,
    })
}
