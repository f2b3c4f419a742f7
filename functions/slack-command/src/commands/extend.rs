//! `extend <task-id> [<duration>]`: push a debug task's expiry, never past the cluster's max
//! lifetime counted from the task's start.

use super::{locate, mention, stopped, Caller, CommandError};
use crate::grammar::TaskRef;
use crate::App;
use debug_toolkit::aws::AwsError;
use debug_toolkit::commands;
use debug_toolkit::debug_task::TaskView;
use debug_toolkit::duration::format_minutes;
use debug_toolkit::ecs::tags;
use debug_toolkit::slack::{escape, Message};
use debug_toolkit::tags::EXPIRES_AT;
use debug_toolkit::timestamp::{self, EpochSeconds};

pub const DEFAULT_EXTENSION_MINUTES: u32 = 60;

/// A new expiry, and whether the max lifetime cut it short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extension {
    pub at: EpochSeconds,
    pub capped: bool,
}

/// When the new expiry falls: `max(expiry, now) + extension`, capped at `start + max lifetime`.
/// `None` when the cap leaves nothing to add.
pub fn new_expiry(
    current: Option<EpochSeconds>,
    start: Option<EpochSeconds>,
    now: EpochSeconds,
    extension_minutes: u32,
    max_lifetime_minutes: u32,
) -> Option<Extension> {
    let from = current.unwrap_or(now).max(now);
    let wanted = from + i64::from(extension_minutes) * 60;
    let cap = start.unwrap_or(now) + i64::from(max_lifetime_minutes) * 60;
    let at = wanted.min(cap);
    (at > current.unwrap_or(i64::MIN) && at > now).then_some(Extension {
        at,
        capped: at < wanted,
    })
}

pub async fn extend(
    app: &App,
    caller: &Caller<'_>,
    task: &TaskRef,
    minutes: Option<u32>,
    now: EpochSeconds,
) -> Result<Message, CommandError> {
    let (located, found) = locate::task(app, caller, task).await?;
    if let Some(already) = stopped::already(&located, &found) {
        return Ok(already);
    }
    let (written, cluster) = (located.written(), &located.cluster);
    if !found.is_debug_task() {
        return Err(CommandError::NotDebug {
            task: found.id().to_string(),
            cluster: written,
        });
    }
    let extension = minutes.unwrap_or(DEFAULT_EXTENSION_MINUTES);
    let max = cluster.max_lifetime_minutes(&app.config.limits);
    let extended =
        new_expiry(found.expires_at(), found.start(), now, extension, max).ok_or_else(|| {
            CommandError::CannotExtend {
                task: found.id().to_string(),
                why: format!(
                    "it already runs until the cluster's max lifetime of {}",
                    format_minutes(max)
                ),
            }
        })?;
    let expiry = extended.at;
    let tagged = located
        .site
        .ecs
        .tag_resource()
        .resource_arn(&found.arn)
        .set_tags(Some(tags([(EXPIRES_AT, timestamp::format(expiry))])))
        .send()
        .await;
    if let Err(error) = tagged {
        return match stopped::after_failed_write(&located, &found.arn).await {
            Some(already) => Ok(already),
            None => Err(AwsError::of("TagResource")(error).into()),
        };
    }
    tracing::info!(task = %found.arn, user = caller.user, expires_at = %timestamp::format(expiry), "debug task extended");
    let capped = if extended.capped {
        " (capped at the cluster's max lifetime)"
    } else {
        ""
    };
    // It may replace the launch reply or the ready notice: it says all they did (how to connect
    // included), with new buttons.
    Ok(Message::new(format!(
        ":stopwatch: Debug task `{}` on `{}` now expires at {} (in {}){capped}; extended by {}. {}",
        escape(found.id()),
        escape(&written),
        timestamp::format(expiry),
        timestamp::describe_span(expiry - now),
        mention(caller.user),
        how_to_connect(&found),
    ))
    .command(&commands::connect(
        &cluster.name,
        &found.arn,
        found.image.as_deref(),
    ))
    .task_buttons(&written, found.id()))
}

/// The line before the connect command: it replaces a launch reply or a ready notice, so it says
/// whether ECS Exec is ready yet, as they did.
fn how_to_connect(found: &TaskView) -> String {
    let task = found.last_status.as_deref().unwrap_or("unknown");
    let agent = found.exec_agent_status.as_deref().unwrap_or("not started");
    if task == "RUNNING" && agent == "RUNNING" {
        "Connect with ECS Exec:".to_string()
    } else {
        format!(
            "ECS Exec is not ready yet (task: {}, ExecuteCommandAgent: {}); try in a minute with:",
            escape(task),
            escape(agent)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reply_says_whether_exec_is_ready() {
        let view = |task: Option<&str>, agent: Option<&str>| TaskView {
            last_status: task.map(str::to_string),
            exec_agent_status: agent.map(str::to_string),
            ..TaskView::default()
        };
        for (task, agent, line) in [
            (Some("RUNNING"), Some("RUNNING"), "Connect with ECS Exec:"),
            (
                Some("RUNNING"),
                Some("PENDING"),
                "ECS Exec is not ready yet (task: RUNNING, ExecuteCommandAgent: PENDING); try in a minute with:",
            ),
            (
                Some("PROVISIONING"),
                None,
                "ECS Exec is not ready yet (task: PROVISIONING, ExecuteCommandAgent: not started); try in a minute with:",
            ),
        ] {
            assert_eq!(how_to_connect(&view(task, agent)), line, "{task:?} {agent:?}");
        }
    }

    const NOW: EpochSeconds = 1_000_000;
    const M: i64 = 60;

    #[test]
    fn expiry_rules() {
        // (current expiry, start, extension, max lifetime) → new expiry
        let cases = [
            (
                Some(NOW + 10 * M),
                Some(NOW - 50 * M),
                60,
                240,
                Some(NOW + 70 * M),
            ),
            (None, Some(NOW - 50 * M), 60, 240, Some(NOW + 60 * M)),
            (
                Some(NOW - 5 * M),
                Some(NOW - 65 * M),
                30,
                240,
                Some(NOW + 30 * M),
            ),
            (
                Some(NOW + 10 * M),
                Some(NOW - 200 * M),
                60,
                240,
                Some(NOW + 40 * M),
            ),
            (Some(NOW + 40 * M), Some(NOW - 200 * M), 60, 240, None),
            (Some(NOW + 10 * M), Some(NOW - 300 * M), 60, 240, None),
            (Some(NOW + 10 * M), None, 60, 30, Some(NOW + 30 * M)),
        ];
        for (current, start, extension, max, expected) in cases {
            assert_eq!(
                new_expiry(current, start, NOW, extension, max).map(|e| e.at),
                expected,
                "{current:?} {start:?} {extension} {max}"
            );
        }
        let full = new_expiry(Some(NOW + 10 * M), Some(NOW - 50 * M), NOW, 60, 240);
        assert_eq!(full.map(|e| e.capped), Some(false));
        let cut = new_expiry(Some(NOW + 10 * M), Some(NOW - 200 * M), NOW, 60, 240);
        assert_eq!(cut.map(|e| e.capped), Some(true));
    }
}
